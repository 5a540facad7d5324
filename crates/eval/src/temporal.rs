//! Time expressions on TempEval-3 TimeML (`.tml`, searched recursively), scored as TempEval-3:
//! strict span P/R/F1 (exact offsets), relaxed span P/R/F1 (overlap, one-to-one), type accuracy
//! over relaxed matches, and value F1 (relaxed match with equal value; P = correct/predicted,
//! R = correct/gold) — the headline.
//!
//! The text is the content of `<TEXT>…</TEXT>` with every tag stripped and the XML entities
//! decoded; gold spans are character offsets into it. The publication date is the day of the
//! TIMEX3 with `functionInDocument="CREATION_TIME"` (in `<DCT>`).
//!
//! The notes list a few wrong values, missed gold expressions and spurious predictions, each
//! missed or spurious one with its document and the words around it, to show where the tagger
//! differs from gold; `STORYLINE_EVAL_EXAMPLES=N` sets how many of each (default 5).

use std::collections::BTreeMap;
use std::path::Path;

use storyline_model::{Date, TimeExpr, TimeType};

use crate::metrics::{match_one_to_one, overlap, ratio, Counts};
use crate::util::{self, parse_tag};
use crate::{EvalError, Metric, Row, Scores};
use storyline_text::references::reference;

/// A gold TIMEX3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timex {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub kind: String,
    pub value: String,
}

/// One TimeML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeMl {
    pub text: String,
    pub dct: Option<Date>,
    pub timexes: Vec<Timex>,
}

/// Parses a TimeML document; `path` only names it in errors.
pub fn parse(xml: &str, path: &Path) -> Result<TimeMl, EvalError> {
    let mut dct = None;
    for (_, _, tag) in util::tags(xml) {
        if tag.name == "TIMEX3"
            && !tag.closing
            && tag.attr("functionInDocument") == Some("CREATION_TIME")
        {
            dct = tag.attr("value").and_then(|v| v.get(..10)).and_then(|d| d.parse::<Date>().ok());
            break;
        }
    }
    let open = xml.find("<TEXT>").or_else(|| xml.find("<TEXT "));
    let (Some(open), Some(close)) = (open, xml.rfind("</TEXT>")) else {
        return Err(EvalError::parse(path, None, "expected a TimeML document with <TEXT>…</TEXT>"));
    };
    let body_start = open + xml[open..].find('>').map_or(0, |i| i + 1);
    let body = &xml[body_start..close.max(body_start)];

    let mut text = String::with_capacity(body.len());
    let mut nchars = 0usize;
    let mut timexes = Vec::new();
    let mut open_timex: Option<(usize, usize, String, String)> = None; // char start, byte start, type, value
    let mut i = 0;
    while i < body.len() {
        let rest = &body[i..];
        if rest.starts_with('<') {
            let Some(end) = rest.find('>') else {
                return Err(EvalError::parse(path, None, "unterminated tag inside <TEXT>"));
            };
            let tag = parse_tag(&rest[1..end]);
            if tag.name == "TIMEX3" {
                if tag.closing {
                    if let Some((cs, bs, kind, value)) = open_timex.take() {
                        timexes.push(Timex {
                            start: cs,
                            end: nchars,
                            text: text[bs..].to_string(),
                            kind,
                            value,
                        });
                    }
                } else if !tag.self_closing {
                    let kind = tag.attr("type").unwrap_or("").to_string();
                    let value = tag.attr("value").unwrap_or("").to_string();
                    open_timex = Some((nchars, text.len(), kind, value));
                }
            }
            i += end + 1;
        } else if rest.starts_with('&') {
            match reference(rest, false) {
                Some((c, len)) => {
                    text.push(c);
                    i += len;
                }
                None => {
                    text.push('&');
                    i += 1;
                }
            }
            nchars += 1;
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            text.push(c);
            nchars += 1;
            i += c.len_utf8();
        }
    }
    timexes.retain(|t| t.end > t.start);
    Ok(TimeMl { text, dct, timexes })
}

/// TimeML name of a predicted type.
pub fn type_name(t: TimeType) -> &'static str {
    match t {
        TimeType::Date => "DATE",
        TimeType::Time => "TIME",
        TimeType::Duration => "DURATION",
        TimeType::Set => "SET",
    }
}

/// Running TempEval-3 counts over documents.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub gold: usize,
    pub predicted: usize,
    pub strict: usize,
    pub relaxed: usize,
    pub type_ok: usize,
    pub value_ok: usize,
    /// Wrong values among relaxed matches, by gold type.
    pub wrong_by_type: BTreeMap<String, usize>,
    /// (text, gold value, predicted value) of wrong values, in document order.
    pub examples: Vec<(String, String, String)>,
}

impl Tally {
    /// Adds one document's gold and predicted expressions.
    pub fn add(&mut self, gold: &[Timex], pred: &[TimeExpr]) {
        self.gold += gold.len();
        self.predicted += pred.len();
        let exact = match_one_to_one(pred.len(), gold.len(), |p, g| {
            (pred[p].start == gold[g].start && pred[p].end == gold[g].end).then_some(1)
        });
        self.strict += exact.len();
        let matched = match_one_to_one(pred.len(), gold.len(), |p, g| {
            let o = overlap((pred[p].start, pred[p].end), (gold[g].start, gold[g].end));
            (o > 0).then_some(o)
        });
        self.relaxed += matched.len();
        for (p, g) in matched {
            let (p, g) = (&pred[p], &gold[g]);
            if type_name(p.kind) == g.kind {
                self.type_ok += 1;
            }
            let pv = p.value.as_ref().map(ToString::to_string).unwrap_or_default();
            if pv == g.value {
                self.value_ok += 1;
            } else {
                *self.wrong_by_type.entry(g.kind.clone()).or_insert(0) += 1;
                self.examples.push((g.text.clone(), g.value.clone(), pv));
            }
        }
    }

    pub fn strict(&self) -> Counts {
        Counts::new(self.strict, self.predicted, self.gold)
    }
    pub fn relaxed(&self) -> Counts {
        Counts::new(self.relaxed, self.predicted, self.gold)
    }
    pub fn value(&self) -> Counts {
        Counts::new(self.value_ok, self.predicted, self.gold)
    }
    pub fn type_accuracy(&self) -> f64 {
        ratio(self.type_ok, self.relaxed)
    }
}

pub fn run(data: &Path) -> Result<Scores, EvalError> {
    let files = if data.is_file() {
        vec![data.to_path_buf()]
    } else {
        util::files_under(data, &|p| util::has_ext(p, "tml"))?
    };
    if files.is_empty() {
        return Err(EvalError::layout(
            data,
            "expected TimeML `.tml` files (TempEval-3 layout: <TEXT> with TIMEX3 tags, DCT TIMEX3 with \
             functionInDocument=\"CREATION_TIME\") in this directory or below",
        ));
    }
    let mut tally = Tally::default();
    let mut no_dct = 0;
    let mut panics = util::Panics::default();
    let wanted = std::env::var("STORYLINE_EVAL_EXAMPLES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(5);
    let mut unmatched = Unmatched { wanted, ..Unmatched::default() };
    for f in &files {
        let doc = parse(&util::read(f)?, f)?;
        if doc.dct.is_none() {
            no_dct += 1;
        }
        let sentences = storyline_text::sentences::split(&doc.text);
        let pred = panics
            .guard(&util::file_name(f), || {
                storyline_analyze::times::extract(&doc.text, &sentences, doc.dct)
            })
            .unwrap_or_default();
        tally.add(&doc.timexes, &pred);
        unmatched.add(&util::file_name(f), &doc, &pred);
    }
    let mut s = scores(data, files.len(), no_dct, &tally);
    let lists = [
        ("wrong values", &unmatched.wrong),
        ("missed", &unmatched.missed),
        ("spurious", &unmatched.spurious),
    ];
    for (what, list) in lists {
        if !list.is_empty() {
            s.notes.push(format!(
                "{what} (first {}; document: … [text] … | gold or predicted value):",
                list.len()
            ));
            s.notes.extend(list.iter().map(|m| format!("  {m}")));
        }
    }
    panics.report(&mut s.extra, &mut s.notes);
    Ok(s)
}

/// Wrong values, gold expressions no prediction overlaps and predictions no gold expression
/// overlaps, with their context (the first `wanted` of each).
#[derive(Debug, Clone, Default)]
struct Unmatched {
    wanted: usize,
    /// Overlapping pairs with different values: "gold → predicted".
    wrong: Vec<String>,
    missed: Vec<String>,
    spurious: Vec<String>,
}

impl Unmatched {
    fn add(&mut self, doc: &str, d: &TimeMl, pred: &[TimeExpr]) {
        let chars: Vec<char> = d.text.chars().collect();
        let show = |s: usize, e: usize, v: &str| {
            let from = s.saturating_sub(50);
            let to = (e + 30).min(chars.len());
            let ctx = |a: usize, b: usize| {
                chars[a.min(b)..b]
                    .iter()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            format!(
                "{doc}: …{} [{}] {}… | {v}",
                ctx(from, s),
                ctx(s, e.min(chars.len())),
                ctx(e.min(chars.len()), to)
            )
        };
        for g in &d.timexes {
            let hit = pred.iter().find(|p| overlap((p.start, p.end), (g.start, g.end)) > 0);
            let value =
                |p: &TimeExpr| p.value.as_ref().map_or("(none)".into(), ToString::to_string);
            if let Some(p) =
                hit.filter(|p| p.value.as_ref().is_none_or(|v| v.to_string() != g.value))
            {
                if self.wrong.len() < self.wanted {
                    let v = format!("{} → {}", g.value, value(p));
                    self.wrong.push(show(g.start, g.end, &v));
                }
            }
            if self.missed.len() < self.wanted
                && !pred.iter().any(|p| overlap((p.start, p.end), (g.start, g.end)) > 0)
            {
                self.missed.push(show(g.start, g.end, &g.value));
            }
        }
        for p in pred {
            if self.spurious.len() < self.wanted
                && !d.timexes.iter().any(|g| overlap((p.start, p.end), (g.start, g.end)) > 0)
            {
                let value = p.value.as_ref().map_or("(none)".into(), ToString::to_string);
                self.spurious.push(show(p.start, p.end, &value));
            }
        }
    }
}

fn scores(data: &Path, n_docs: usize, no_dct: usize, t: &Tally) -> Scores {
    let prf = |label: &str, c: Counts| {
        Row::new(
            label,
            vec![
                Metric::new("P", c.precision()),
                Metric::new("R", c.recall()),
                Metric::new("F1", c.f1()),
                Metric::count("correct", c.tp),
            ],
        )
    };
    let mut notes = Vec::new();
    if !t.wrong_by_type.is_empty() {
        let parts: Vec<String> = t.wrong_by_type.iter().map(|(k, n)| format!("{k} {n}")).collect();
        notes.push(format!("wrong values by gold type: {}", parts.join(", ")));
    }
    if !t.examples.is_empty() {
        notes.push("examples (text | gold value | predicted value):".into());
        for (text, g, p) in t.examples.iter().take(5) {
            let p = if p.is_empty() { "(none)" } else { p };
            notes.push(format!("  {text} | {g} | {p}"));
        }
    }
    let mut extra = vec![
        Metric::count("gold TIMEX3", t.gold),
        Metric::count("predicted", t.predicted),
        Metric::new("type accuracy (relaxed matches)", t.type_accuracy()),
    ];
    if no_dct > 0 {
        extra.push(Metric::count("documents without DCT", no_dct));
    }
    Scores {
        task: "temporal".into(),
        data: data.display().to_string(),
        items: n_docs,
        unit: "documents".into(),
        rows: vec![
            prf("strict span", t.strict()),
            prf("relaxed span", t.relaxed()),
            prf("value", t.value()),
        ],
        extra,
        notes,
        headline: Metric::new("value F1", t.value().f1()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<?xml version="1.0" ?>
<TimeML>
<DOCID>X1</DOCID>
<DCT><TIMEX3 tid="t0" type="TIME" value="2003-04-05T10:30" temporalFunction="false" functionInDocument="CREATION_TIME">04/05/2003</TIMEX3></DCT>
<TEXT>
The Ostrava &amp; Brno <EVENT eid="e1" class="OCCURRENCE">fair</EVENT> opened <TIMEX3 tid="t1" type="DATE" value="2003-04-04" functionInDocument="NONE">yesterday</TIMEX3> and runs for <TIMEX3 tid="t2" type="DURATION" value="P2W">two weeks</TIMEX3> – café &lt;owners&gt; cheered.
</TEXT>
</TimeML>
"#;

    #[test]
    fn parses_text_offsets_and_dct() {
        let d = parse(SAMPLE, Path::new("x.tml")).unwrap();
        assert_eq!(d.dct, Some("2003-04-05".parse().unwrap()));
        assert!(d.text.starts_with("\nThe Ostrava & Brno fair opened yesterday"));
        assert!(d.text.contains("– café <owners> cheered."));
        assert_eq!(d.timexes.len(), 2);
        let chars: Vec<char> = d.text.chars().collect();
        for t in &d.timexes {
            assert_eq!(chars[t.start..t.end].iter().collect::<String>(), t.text);
        }
        assert_eq!(d.timexes[0].start, 32);
        assert_eq!(d.timexes[1].kind, "DURATION");
        assert_eq!(d.timexes[1].value, "P2W");
    }

    fn pred(start: usize, end: usize, kind: TimeType, value: Option<&str>) -> TimeExpr {
        TimeExpr {
            start,
            end,
            text: String::new(),
            kind,
            value: value.map(storyline_model::Timex::from),
        }
    }

    /// Gold: A (right value), B (wrong value), C (missed). Predicted: A exact, B overlapping with a
    /// wrong value and type, and one spurious D.
    #[test]
    fn tempeval_counts() {
        let g = |s, e, k: &str, v: &str| Timex {
            start: s,
            end: e,
            text: format!("g{s}"),
            kind: k.into(),
            value: v.into(),
        };
        let gold = [
            g(0, 9, "DATE", "2003-04-04"),
            g(20, 29, "DURATION", "P2W"),
            g(40, 45, "DATE", "2003"),
        ];
        let pred = [
            pred(0, 9, TimeType::Date, Some("2003-04-04")),
            pred(24, 29, TimeType::Date, Some("P2D")),
            pred(60, 65, TimeType::Date, None),
        ];
        let mut t = Tally::default();
        t.add(&gold, &pred);
        assert_eq!(t.strict(), Counts::new(1, 3, 3));
        assert_eq!(t.relaxed(), Counts::new(2, 3, 3));
        assert_eq!(t.value(), Counts::new(1, 3, 3));
        assert!((t.value().f1() - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(t.type_accuracy(), 0.5);
        assert_eq!(t.wrong_by_type["DURATION"], 1);
        assert_eq!(t.examples[0], ("g20".into(), "P2W".into(), "P2D".into()));
        let s = scores(Path::new("x"), 1, 0, &t);
        assert!(s.render().ends_with("value F1 0.333"), "{}", s.render());
    }

    #[test]
    #[ignore = "needs ../shared/data/temporal/tbaq"]
    fn smoke_tbaq() {
        let p = util::shared_data("temporal/tbaq");
        let s = run(&p).unwrap();
        println!("{}", s.render());
        assert_eq!(s.items, 256);
        assert_eq!(s.extra("gold TIMEX3"), Some(1822.0));
    }
}
