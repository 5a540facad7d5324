//! Event types on PLOVER JSONL (one record a line: `text`, gold `event` type, `source`/`target`
//! actor lists of `{actorText, …}`, optional `date`). Each text is analysed with its date; the
//! predicted type is the type of the first event found ("NONE" when there is none). A record
//! without text (a header or metadata line) is skipped and counted in the notes, never an error.
//!
//! Metrics: type accuracy (headline), the majority-class baseline, actor and target match rates
//! (the predicted actor/target shares a word, case-insensitively, with any gold actorText; over
//! records whose gold has one), and the ten most frequent (gold → predicted) confusions. The notes
//! list a few wrongly typed records (`STORYLINE_EVAL_EXAMPLES=N` sets how many, default 10).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use storyline_model::Date;

use crate::metrics::ratio;
use crate::util::{self, words};
use crate::{EvalError, Metric, Row, Scores};

/// One gold record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub text: String,
    pub event: String,
    pub date: Option<Date>,
    pub sources: Vec<String>,
    pub targets: Vec<String>,
}

/// Actor texts of a `source`/`target` field: a list of `{actorText}` objects (or strings), a
/// plain string, or null.
fn actor_texts(v: Option<&Value>) -> Vec<String> {
    let one = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("actorText").and_then(Value::as_str).map(String::from),
        _ => None,
    };
    let all: Vec<String> = match v {
        Some(Value::Array(a)) => a.iter().filter_map(one).collect(),
        Some(v) => one(v).into_iter().collect(),
        None => Vec::new(),
    };
    all.into_iter().filter(|s| !s.trim().is_empty()).collect()
}

/// PLOVER records of one JSON Lines file, and how many lines were skipped as records without
/// text (a header or metadata record: a JSON value with no non-empty string `text`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub records: Vec<Record>,
    pub without_text: usize,
}

/// Parses PLOVER JSON Lines; `path` names the file in errors. A record without text (a header
/// line, metadata) is skipped and counted, not an error; a line that is not JSON, or a record
/// with text but no gold `event`, is an error naming the line.
pub fn parse(jsonl: &str, path: &Path) -> Result<Parsed, EvalError> {
    let mut out = Parsed::default();
    for (i, line) in jsonl.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line)
            .map_err(|e| EvalError::parse(path, Some(i + 1), format!("invalid JSON: {e}")))?;
        let field = |k: &str| v.get(k).and_then(Value::as_str);
        let Some(text) = field("text").filter(|t| !t.trim().is_empty()) else {
            out.without_text += 1;
            continue;
        };
        let Some(event) = field("event") else {
            return Err(EvalError::parse(
                path,
                Some(i + 1),
                "expected a PLOVER record with string fields `text` and `event`",
            ));
        };
        out.records.push(Record {
            text: text.to_string(),
            event: event.trim().to_string(),
            date: field("date").and_then(|d| d.get(..10)).and_then(|d| d.parse().ok()),
            sources: actor_texts(v.get("source")),
            targets: actor_texts(v.get("target")),
        });
    }
    Ok(out)
}

/// Words that do not make two actor names match.
const STOP: [&str; 8] = ["the", "of", "and", "a", "an", "in", "for", "to"];

/// Whether `pred` shares a (non-stopword) word with any of `gold`, case-insensitively.
pub fn actor_match(pred: &str, gold: &[String]) -> bool {
    let p: Vec<String> = words(pred).into_iter().filter(|w| !STOP.contains(&w.as_str())).collect();
    gold.iter().any(|g| words(g).iter().any(|w| p.contains(w)))
}

/// What the analysis predicted for one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prediction {
    pub event: String,
    pub actor: Option<String>,
    pub target: Option<String>,
}

/// Runs the analysis on one record.
pub fn predict(r: &Record, panics: &mut util::Panics) -> Prediction {
    let name: String = r.text.chars().take(40).collect();
    let events = panics
        .guard(&name, || storyline_analyze::analyze(&r.text, r.date).events)
        .unwrap_or_default();
    match events.first() {
        Some(e) => Prediction {
            event: e.kind.to_string(),
            actor: e.actor.clone(),
            target: e.target.clone(),
        },
        None => Prediction { event: "NONE".into(), actor: None, target: None },
    }
}

/// Running counts.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub n: usize,
    pub correct: usize,
    pub gold_counts: BTreeMap<String, usize>,
    pub pred_counts: BTreeMap<String, usize>,
    pub per_type_correct: BTreeMap<String, usize>,
    pub with_source: usize,
    pub source_ok: usize,
    pub with_target: usize,
    pub target_ok: usize,
    pub confusions: BTreeMap<(String, String), usize>,
    /// How many wrongly typed records to keep as examples (0: none).
    pub examples_wanted: usize,
    pub wrong: Vec<String>,
}

impl Tally {
    pub fn add(&mut self, r: &Record, p: &Prediction) {
        self.n += 1;
        *self.gold_counts.entry(r.event.clone()).or_insert(0) += 1;
        *self.pred_counts.entry(p.event.clone()).or_insert(0) += 1;
        if p.event == r.event {
            self.correct += 1;
            *self.per_type_correct.entry(r.event.clone()).or_insert(0) += 1;
        } else {
            *self.confusions.entry((r.event.clone(), p.event.clone())).or_insert(0) += 1;
            if self.wrong.len() < self.examples_wanted {
                let text: String = r.text.chars().take(160).collect();
                self.wrong.push(format!("{} -> {}: {text}", r.event, p.event));
            }
        }
        if !r.sources.is_empty() {
            self.with_source += 1;
            self.source_ok +=
                usize::from(p.actor.as_deref().is_some_and(|a| actor_match(a, &r.sources)));
        }
        if !r.targets.is_empty() {
            self.with_target += 1;
            self.target_ok +=
                usize::from(p.target.as_deref().is_some_and(|a| actor_match(a, &r.targets)));
        }
    }

    pub fn accuracy(&self) -> f64 {
        ratio(self.correct, self.n)
    }

    /// Accuracy of always answering the most frequent gold type.
    pub fn majority_baseline(&self) -> (String, f64) {
        let best = self.gold_counts.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)));
        best.map(|(k, &n)| (k.clone(), ratio(n, self.n))).unwrap_or_default()
    }

    /// The `k` most frequent confusions, most frequent first (ties by name).
    pub fn top_confusions(&self, k: usize) -> Vec<(&str, &str, usize)> {
        let mut v: Vec<(&str, &str, usize)> =
            self.confusions.iter().map(|((g, p), &n)| (g.as_str(), p.as_str(), n)).collect();
        v.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)).then(a.1.cmp(b.1)));
        v.truncate(k);
        v
    }
}

/// The JSONL files a path names: the file itself or every `*.jsonl` under the directory.
pub fn discover(data: &Path) -> Result<Vec<PathBuf>, EvalError> {
    let files = if data.is_file() {
        vec![data.to_path_buf()]
    } else {
        util::files_under(data, &|p| util::has_ext(p, "jsonl"))?
    };
    if files.is_empty() {
        return Err(EvalError::layout(
            data,
            "expected PLOVER JSON Lines (`*.jsonl`, one record a line with `text`, `event`, `source`, `target`)",
        ));
    }
    Ok(files)
}

pub fn run(data: &Path) -> Result<Scores, EvalError> {
    let files = discover(data)?;
    let examples_wanted = std::env::var("STORYLINE_EVAL_EXAMPLES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(10);
    let mut t = Tally { examples_wanted, ..Tally::default() };
    let mut panics = util::Panics::default();
    let mut without_text = 0;
    for f in &files {
        let parsed = parse(&util::read(f)?, f)?;
        without_text += parsed.without_text;
        for r in parsed.records {
            let p = predict(&r, &mut panics);
            t.add(&r, &p);
        }
    }
    if t.n == 0 {
        return Err(EvalError::layout(data, "no PLOVER records found in the JSON Lines file(s)"));
    }
    let mut s = scores(data, &t);
    if without_text > 0 {
        s.notes.push(format!("{without_text} record(s) without text skipped (headers, metadata)"));
    }
    panics.report(&mut s.extra, &mut s.notes);
    Ok(s)
}

fn scores(data: &Path, t: &Tally) -> Scores {
    let mut rows = Vec::new();
    for (k, &n) in &t.gold_counts {
        let ok = t.per_type_correct.get(k).copied().unwrap_or(0);
        let pred = t.pred_counts.get(k).copied().unwrap_or(0);
        rows.push(Row::new(
            k,
            vec![
                Metric::count("gold", n),
                Metric::count("predicted", pred),
                Metric::count("correct", ok),
                Metric::new("recall", ratio(ok, n)),
                Metric::new("precision", ratio(ok, pred)),
            ],
        ));
    }
    let (major, base) = t.majority_baseline();
    let mut notes = vec![format!("majority class: {major}")];
    let conf = t.top_confusions(10);
    if !conf.is_empty() {
        notes.push("top confusions (gold -> predicted: count):".into());
        for (g, p, n) in conf {
            notes.push(format!("  {g} -> {p}: {n}"));
        }
    }
    if !t.wrong.is_empty() {
        notes.push(format!("wrongly typed records (first {}):", t.wrong.len()));
        notes.extend(t.wrong.iter().map(|w| format!("  {w}")));
    }
    Scores {
        task: "events".into(),
        data: data.display().to_string(),
        items: t.n,
        unit: "records".into(),
        rows,
        extra: vec![
            Metric::new("majority-class baseline accuracy", base),
            Metric::new("actor match rate", ratio(t.source_ok, t.with_source)),
            Metric::count("records with gold source", t.with_source),
            Metric::new("target match rate", ratio(t.target_ok, t.with_target)),
            Metric::count("records with gold target", t.with_target),
            Metric::count("no event predicted", t.pred_counts.get("NONE").copied().unwrap_or(0)),
        ],
        notes,
        headline: Metric::new("type accuracy", t.accuracy()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{"id": "x1", "date": "2001-03-04", "source": [{"actorText": "Nordland", "code": "NRD"}], "target": [{"actorText": "Sudmark rebels"}], "event": "THREATEN", "text": "Nordland threatened Sudmark rebels with air strikes on Monday."}
{"id": "x2", "source": [{"actorText": "Teachers' union"}], "target": "", "event": "PROTEST", "text": "The teachers' union marched outside parliament."}

{"id": "x3", "source": null, "target": null, "event": "THREATEN", "text": "Threats were made."}
"#;

    #[test]
    fn parses_records() {
        let r = parse(SAMPLE, Path::new("x.jsonl")).unwrap().records;
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].date, Some("2001-03-04".parse().unwrap()));
        assert_eq!(r[0].targets, ["Sudmark rebels"]);
        assert!(r[1].targets.is_empty() && r[1].date.is_none());
        assert!(r[2].sources.is_empty());
        assert!(parse("{\"text\": \"a\"}\n", Path::new("bad.jsonl"))
            .unwrap_err()
            .to_string()
            .contains("bad.jsonl:1"));
        assert!(parse("not json\n", Path::new("bad.jsonl")).is_err());
    }

    /// A header record (no `text`) and a record with empty text are skipped and counted; the
    /// records after them are read, and `run` scores the file.
    #[test]
    fn records_without_text_are_skipped() {
        let with_header = format!(
            "{{\"dataset\": \"invented\", \"version\": 2, \"fields\": [\"text\", \"event\"]}}\n\
             {{\"id\": \"x0\", \"text\": \"  \", \"event\": \"AGREE\"}}\n{SAMPLE}"
        );
        let p = parse(&with_header, Path::new("x.jsonl")).unwrap();
        assert_eq!(p.records.len(), 3);
        assert_eq!(p.without_text, 2);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x.jsonl"), &with_header).unwrap();
        let s = run(dir.path()).unwrap();
        assert_eq!(s.items, 3);
        assert!(
            s.notes.iter().any(|n| n.contains("2 record(s) without text skipped")),
            "{:?}",
            s.notes
        );
        std::fs::write(dir.path().join("x.jsonl"), "{\"header\": true}\n").unwrap();
        assert!(run(dir.path()).is_err(), "a file of headers alone has no records to score");
    }

    #[test]
    fn accuracy_baseline_and_actor_match() {
        let r = parse(SAMPLE, Path::new("x.jsonl")).unwrap().records;
        let p = |e: &str, a: Option<&str>, t: Option<&str>| Prediction {
            event: e.into(),
            actor: a.map(String::from),
            target: t.map(String::from),
        };
        let mut t = Tally::default();
        t.add(&r[0], &p("THREATEN", Some("NORDLAND"), Some("Ostmark")));
        t.add(&r[1], &p("DEMAND", Some("the union"), None));
        t.add(&r[2], &p("NONE", None, None));
        assert!((t.accuracy() - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(t.majority_baseline(), ("THREATEN".into(), 2.0 / 3.0));
        assert_eq!((t.source_ok, t.with_source), (2, 2));
        assert_eq!((t.target_ok, t.with_target), (0, 1));
        assert!(!actor_match("the", &["The Hague".into()]));
        assert_eq!(t.top_confusions(10), vec![("PROTEST", "DEMAND", 1), ("THREATEN", "NONE", 1)]);
        assert!(scores(Path::new("x"), &t).render().ends_with("type accuracy 0.333"));
    }

    #[test]
    #[ignore = "needs ../shared/data/events/plover"]
    fn smoke_plover_dev() {
        let p = util::shared_data("events/plover");
        let s = run(&p).unwrap();
        println!("{}", s.render());
        assert_eq!(s.items, 161);
    }
}
