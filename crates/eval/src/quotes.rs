//! Quotes and speakers on PolNeAR (a split holds `text/<name>.txt` raw articles and
//! `attributions/<name>_<annotator>.ann` BRAT files; `metadata.tsv` next to or above the split
//! gives publication dates). BRAT offsets are character offsets into the raw text, possibly
//! discontinuous (`10 20;25 30`); an attribution is an `E` line linking `Source`, `Cue` and
//! `Content` (or `Content2`) spans. A document annotated by several annotators is scored once,
//! against the first annotation file in name order.
//!
//! **Direct quotation** (the headline's gold set): an attribution whose Content holds a quotation
//! mark, where a quotation mark is a double mark (`"` `“` `”` `«` `»`) anywhere, or a *pair* of
//! single marks at word boundaries: an opening `'`/`‘` with no letter or digit before it and a
//! letter or digit after it, followed later by a closing `'`/`’` with no letter or digit after
//! it. An apostrophe between letters ("didn’t", "Obama’s") is never a quotation mark, nor is a
//! lone trailing one ("voters’ views") without an opener.
//!
//! **Predicted attributions.** PolNeAR links all content segments of one Source + Cue into one
//! attribution (`“A,” said X. “B.”` is one attribution with two segments). Predicted quotes are
//! grouped the same way: quotes whose speaker is the same mention (same span) form one predicted
//! attribution; a quote without a speaker stands alone. All counts below are over these groups.
//!
//! Metrics, over all documents:
//! * content P/R/F1: a predicted attribution matches a gold attribution when some content of one
//!   overlaps some content of the other (one-to-one, greedy by overlap length);
//! * speaker P/R/F1: content-matched pairs whose predicted speaker span overlaps the gold Source
//!   span (P over predicted attributions with a speaker, R over gold attributions with a Source).
//!   Both sides are mentions *as written*: a gold Source "he" is matched by a speaker span on
//!   that "he" (the resolved `canonical` name is not scored here);
//! * headline, direct-quote + speaker P/R/F1: gold restricted to direct attributions (above),
//!   predictions to (quote, speaker) pairs: direct/partial quotes that have a speaker and whose
//!   content sits within quotation marks (a quote left without a speaker claims no pair: it counts
//!   in the content row, and as a miss here); a true positive overlaps in content AND speaker
//!   (one-to-one).
//!
//! The notes list a few missed and spurious direct quotes (document, text, speaker) to show where
//! the extractor differs from gold; `STORYLINE_EVAL_EXAMPLES=N` sets how many (default 10).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use storyline_model::{Date, Quote, QuoteKind, Span};

use crate::metrics::{match_one_to_one, overlap, Counts};
use crate::util::{self, file_name};
use crate::{EvalError, Metric, Row, Scores};

/// Double quotation marks: each one is a quotation mark wherever it stands.
pub const DOUBLE_MARKS: [char; 5] = ['"', '“', '”', '«', '»'];

/// Whether `s` holds a quotation mark: a double mark, or a paired opening and closing single mark
/// at word boundaries (an apostrophe inside a word is not one). See the module doc.
pub fn has_quotation_mark(s: &str) -> bool {
    if s.contains(DOUBLE_MARKS) {
        return true;
    }
    let chars: Vec<char> = s.chars().collect();
    let alnum =
        |i: Option<usize>| i.and_then(|i| chars.get(i)).is_some_and(|c| c.is_alphanumeric());
    let mut opened = false;
    for (i, &c) in chars.iter().enumerate() {
        if !matches!(c, '\'' | '‘' | '’') {
            continue;
        }
        let (before, after) = (alnum(i.checked_sub(1)), alnum(Some(i + 1)));
        if !before && after && c != '’' {
            opened = true;
        } else if opened && !after && (before || i > 0) {
            return true;
        }
    }
    false
}

/// One gold attribution.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attribution {
    /// Content segments (Content and Content2, each possibly discontinuous).
    pub content: Vec<Span>,
    /// The annotated words of the content segments.
    pub content_text: String,
    pub source: Vec<Span>,
    pub cue: Vec<Span>,
}

impl Attribution {
    /// Whether the content contains a quotation mark (a direct quotation; see the module doc).
    pub fn is_direct(&self) -> bool {
        has_quotation_mark(&self.content_text)
    }
}

/// Parses a BRAT `.ann` file into attributions (in `E` line order); `path` names it in errors.
pub fn parse_ann(ann: &str, path: &Path) -> Result<Vec<Attribution>, EvalError> {
    let mut spans: HashMap<&str, (Vec<Span>, &str)> = HashMap::new();
    let mut events: Vec<&str> = Vec::new();
    for (i, line) in ann.lines().enumerate() {
        let mut cols = line.splitn(3, '\t');
        let id = cols.next().unwrap_or("");
        // Ids are a letter and digits; other lines continue an annotation text with a newline.
        let is_id = |prefix: char| {
            id.strip_prefix(prefix)
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        };
        if is_id('T') {
            let (Some(def), text) = (cols.next(), cols.next().unwrap_or("")) else {
                return Err(EvalError::parse(
                    path,
                    Some(i + 1),
                    "T line without `Label start end`",
                ));
            };
            let (_label, offs) = def.split_once(' ').unwrap_or((def, ""));
            let mut segs = Vec::new();
            for seg in offs.split(';') {
                let mut it = seg.split_whitespace().map(str::parse::<usize>);
                match (it.next(), it.next()) {
                    (Some(Ok(s)), Some(Ok(e))) if s <= e => segs.push(Span::new(s, e)),
                    _ => {
                        return Err(EvalError::parse(
                            path,
                            Some(i + 1),
                            format!(
                                "bad BRAT offsets `{offs}` (expected `start end[;start end…]`)"
                            ),
                        ))
                    }
                }
            }
            spans.insert(id, (segs, text));
        } else if is_id('E') {
            events.push(cols.next().unwrap_or(""));
        }
    }
    let mut out = Vec::new();
    for ev in events {
        let mut a = Attribution::default();
        let mut texts = Vec::new();
        for arg in ev.split_whitespace() {
            let Some((role, tid)) = arg.split_once(':') else { continue };
            let Some((segs, text)) = spans.get(tid) else { continue };
            let role = role.trim_end_matches(|c: char| c.is_ascii_digit());
            match role {
                "Content" => {
                    a.content.extend(segs);
                    texts.push(*text);
                }
                "Source" => a.source.extend(segs),
                "Cue" => a.cue.extend(segs),
                _ => {}
            }
        }
        a.content_text = texts.join(" ");
        out.push(a);
    }
    Ok(out)
}

/// Whether a predicted quote's content sits within quotation marks: an opening mark right before
/// it, or a closing mark right after it (past closing punctuation such as `,` or `.`).
pub fn within_marks(chars: &[char], content: Span) -> bool {
    let before = content.start.checked_sub(1).and_then(|i| chars.get(i));
    let after = chars
        .get(content.end.min(chars.len())..)
        .unwrap_or(&[])
        .iter()
        .take(3)
        .find(|c| !matches!(c, ',' | '.' | '?' | '!' | ';' | ':'));
    before.is_some_and(|c| matches!(c, '"' | '“' | '‘' | '\'' | '«'))
        || after.is_some_and(|c| matches!(c, '"' | '”' | '’' | '\'' | '»'))
}

fn overlaps_any(span: Span, segs: &[Span]) -> usize {
    segs.iter().map(|s| overlap((span.start, span.end), (s.start, s.end))).sum()
}

/// Running counts over documents.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub content: Counts,
    pub speaker: Counts,
    pub direct: Counts,
    pub docs: usize,
    pub gold_attributions: usize,
    pub gold_direct: usize,
    pub predicted_by_kind: BTreeMap<&'static str, usize>,
    /// How many missed and spurious direct quotes to keep as examples (0: none).
    pub examples_wanted: usize,
    pub missed: Vec<String>,
    pub spurious: Vec<String>,
}

/// Predicted quotes grouped into attributions: one group per speaker mention (same span), each
/// quote without a speaker alone. Groups are in order of their first quote.
fn group_by_speaker(pred: &[&Quote]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut by_speaker: HashMap<(usize, usize), usize> = HashMap::new();
    for (i, q) in pred.iter().enumerate() {
        match &q.speaker {
            Some(sp) => {
                let g = *by_speaker.entry((sp.start, sp.end)).or_insert_with(|| {
                    groups.push(Vec::new());
                    groups.len() - 1
                });
                groups[g].push(i);
            }
            None => groups.push(vec![i]),
        }
    }
    groups
}

fn snippet(chars: &[char], spans: &[Span], max: usize) -> String {
    let mut out = String::new();
    for s in spans {
        if !out.is_empty() {
            out.push_str(" … ");
        }
        out.extend(chars[s.start.min(chars.len())..s.end.min(chars.len())].iter());
    }
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if out.chars().count() > max {
        let cut: String = out.chars().take(max).collect();
        format!("{cut}…")
    } else {
        out
    }
}

impl Tally {
    /// Adds one document (`doc` names it in examples): its text, gold attributions and predicted
    /// quotes.
    pub fn add(&mut self, doc: &str, text: &str, gold: &[Attribution], pred: &[Quote]) {
        self.docs += 1;
        self.gold_attributions += gold.len();
        for q in pred {
            let k = match q.kind {
                QuoteKind::Direct => "direct",
                QuoteKind::Partial => "partial",
                QuoteKind::Indirect => "indirect",
            };
            *self.predicted_by_kind.entry(k).or_insert(0) += 1;
        }
        let gold: Vec<&Attribution> = gold.iter().filter(|a| !a.content.is_empty()).collect();
        let speaker_ok = |q: &Quote, a: &Attribution| {
            q.speaker
                .as_ref()
                .is_some_and(|s| overlaps_any(Span::new(s.start, s.end), &a.source) > 0)
        };
        let content_overlap = |qs: &[&Quote], group: &[usize], a: &Attribution| -> usize {
            group.iter().map(|&i| overlaps_any(qs[i].content, &a.content)).sum()
        };

        let all: Vec<&Quote> = pred.iter().collect();
        let groups = group_by_speaker(&all);
        let matched = match_one_to_one(groups.len(), gold.len(), |p, g| {
            let o = content_overlap(&all, &groups[p], gold[g]);
            (o > 0).then_some(o)
        });
        self.content.add(Counts::new(matched.len(), groups.len(), gold.len()));
        let tp = matched.iter().filter(|&&(p, g)| speaker_ok(all[groups[p][0]], gold[g])).count();
        self.speaker.add(Counts::new(
            tp,
            groups.iter().filter(|g| all[g[0]].speaker.is_some()).count(),
            gold.iter().filter(|a| !a.source.is_empty()).count(),
        ));

        let chars: Vec<char> = text.chars().collect();
        let gold_d: Vec<&Attribution> = gold.iter().copied().filter(|a| a.is_direct()).collect();
        self.gold_direct += gold_d.len();
        let pred_d: Vec<&Quote> = pred
            .iter()
            .filter(|q| {
                q.kind != QuoteKind::Indirect
                    && q.speaker.is_some()
                    && within_marks(&chars, q.content)
            })
            .collect();
        let groups_d = group_by_speaker(&pred_d);
        let m = match_one_to_one(groups_d.len(), gold_d.len(), |p, g| {
            let o = content_overlap(&pred_d, &groups_d[p], gold_d[g]);
            (o > 0 && speaker_ok(pred_d[groups_d[p][0]], gold_d[g])).then_some(o)
        });
        self.direct.add(Counts::new(m.len(), groups_d.len(), gold_d.len()));
        self.collect_examples(doc, &chars, &gold_d, &pred_d, &groups_d, &m);
    }

    fn collect_examples(
        &mut self,
        doc: &str,
        chars: &[char],
        gold: &[&Attribution],
        pred: &[&Quote],
        groups: &[Vec<usize>],
        matched: &[(usize, usize)],
    ) {
        let speaker_text = |q: &Quote| {
            q.speaker.as_ref().map_or("-".to_string(), |s| {
                let c = s.canonical.as_deref().unwrap_or("?");
                format!("{} [{c}]", snippet(chars, &[Span::new(s.start, s.end)], 40))
            })
        };
        for (g, a) in gold.iter().enumerate() {
            if self.missed.len() >= self.examples_wanted {
                break;
            }
            if matched.iter().any(|&(_, mg)| mg == g) {
                continue;
            }
            let near = pred.iter().find(|q| overlaps_any(q.content, &a.content) > 0);
            self.missed.push(format!(
                "{doc}: {} | gold source: {} | predicted speaker: {}",
                snippet(chars, &a.content, 90),
                snippet(chars, &a.source, 40),
                near.map_or("(no quote)".to_string(), |q| speaker_text(q)),
            ));
        }
        for (p, group) in groups.iter().enumerate() {
            if self.spurious.len() >= self.examples_wanted {
                break;
            }
            if matched.iter().any(|&(mp, _)| mp == p) {
                continue;
            }
            let q = pred[group[0]];
            let spans: Vec<Span> = group.iter().map(|&i| pred[i].content).collect();
            let near = gold.iter().find(|a| overlaps_any(q.content, &a.content) > 0);
            self.spurious.push(format!(
                "{doc}: {} | speaker: {} | gold source: {}",
                snippet(chars, &spans, 90),
                speaker_text(q),
                near.map_or("(not a gold direct quote)".to_string(), |a| snippet(
                    chars, &a.source, 40
                )),
            ));
        }
    }
}

/// One split: its text files, each with the annotation file scored against it.
#[derive(Debug, Clone)]
pub struct Split {
    pub dir: PathBuf,
    pub docs: Vec<(PathBuf, PathBuf)>,
    /// Documents with more than one annotation file.
    pub multi_annotated: usize,
    /// Text files with no annotation file (not scored).
    pub unannotated: usize,
}

fn is_split(dir: &Path) -> bool {
    dir.join("text").is_dir() && dir.join("attributions").is_dir()
}

/// The splits under `data`: `data` itself when it holds `text/` and `attributions/`, else each
/// subdirectory that does.
pub fn discover(data: &Path) -> Result<Vec<Split>, EvalError> {
    let dirs: Vec<PathBuf> = if is_split(data) {
        vec![data.to_path_buf()]
    } else if data.is_dir() {
        util::list_dir(data)?.into_iter().filter(|d| is_split(d)).collect()
    } else {
        Vec::new()
    };
    if dirs.is_empty() {
        return Err(EvalError::layout(
            data,
            "expected a PolNeAR split (a directory holding `text/*.txt` and `attributions/*.ann`) or a \
             directory of such splits",
        ));
    }
    let mut splits = Vec::new();
    for dir in dirs {
        let mut anns: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
        for p in util::list_dir(&dir.join("attributions"))? {
            if !util::has_ext(&p, "ann") {
                continue;
            }
            let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            anns.entry(stem.clone()).or_default().push(p.clone());
            if let Some((base, _annotator)) = stem.rsplit_once('_') {
                anns.entry(base.to_string()).or_default().push(p);
            }
        }
        let mut docs = Vec::new();
        let (mut multi, mut unannotated) = (0, 0);
        for t in util::list_dir(&dir.join("text"))? {
            if !util::has_ext(&t, "txt") {
                continue;
            }
            let stem = t.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            match anns.get(&stem) {
                Some(list) => {
                    let mut list = list.clone();
                    list.sort();
                    list.dedup();
                    if list.len() > 1 {
                        multi += 1;
                    }
                    docs.push((t, list[0].clone()));
                }
                None => unannotated += 1,
            }
        }
        splits.push(Split { dir, docs, multi_annotated: multi, unannotated });
    }
    if splits.iter().all(|s| s.docs.is_empty()) {
        return Err(EvalError::layout(
            data,
            "no text file has an annotation file (expected text/<name>.txt with attributions/<name>_<annotator>.ann)",
        ));
    }
    Ok(splits)
}

/// Publication dates by file name (without `.txt`) from the first `metadata.tsv` found in the
/// split directory or up to two levels above it.
pub fn metadata_dates(split: &Path) -> Result<HashMap<String, Date>, EvalError> {
    let mut dir = Some(split);
    for _ in 0..3 {
        let Some(d) = dir else { break };
        let p = d.join("metadata.tsv");
        if p.is_file() {
            return Ok(parse_metadata(&util::read(&p)?));
        }
        dir = d.parent();
    }
    Ok(HashMap::new())
}

/// Parses a metadata TSV with `filename` and `publication_date` columns.
pub fn parse_metadata(tsv: &str) -> HashMap<String, Date> {
    let mut lines = tsv.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
    let col = |n: &str| header.iter().position(|h| h.trim() == n);
    let (Some(fc), Some(dc)) = (col("filename"), col("publication_date")) else {
        return HashMap::new();
    };
    lines
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            let name = cols.get(fc)?.trim().trim_end_matches(".txt");
            let date = cols.get(dc)?.trim().get(..10)?.parse().ok()?;
            Some((name.to_string(), date))
        })
        .collect()
}

pub fn run(data: &Path) -> Result<Scores, EvalError> {
    let splits = discover(data)?;
    let examples_wanted = std::env::var("STORYLINE_EVAL_EXAMPLES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(10);
    let mut tally = Tally { examples_wanted, ..Tally::default() };
    let mut dated = 0;
    let mut panics = util::Panics::default();
    for split in &splits {
        let dates = metadata_dates(&split.dir)?;
        for (tp, ap) in &split.docs {
            let text = util::read(tp)?;
            let gold = parse_ann(&util::read(ap)?, ap)?;
            let stem = tp.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let published = dates.get(&stem).copied();
            dated += usize::from(published.is_some());
            let quotes = panics
                .guard(&file_name(tp), || storyline_analyze::analyze(&text, published).quotes)
                .unwrap_or_default();
            tally.add(&stem, &text, &gold, &quotes);
        }
    }
    let mut notes = Vec::new();
    for s in &splits {
        notes.push(format!(
            "split {}: {} documents scored ({} with several annotators: first file used; {} without annotations skipped)",
            file_name(&s.dir),
            s.docs.len(),
            s.multi_annotated,
            s.unannotated
        ));
    }
    let mut s = scores(data, &tally, dated, notes);
    panics.report(&mut s.extra, &mut s.notes);
    Ok(s)
}

fn scores(data: &Path, t: &Tally, dated: usize, mut notes: Vec<String>) -> Scores {
    let prf = |label: &str, c: Counts| {
        Row::new(
            label,
            vec![
                Metric::new("P", c.precision()),
                Metric::new("R", c.recall()),
                Metric::new("F1", c.f1()),
                Metric::count("gold", c.gold),
                Metric::count("predicted", c.predicted),
                Metric::count("correct", c.tp),
            ],
        )
    };
    let kinds: Vec<String> = t.predicted_by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
    notes.push(format!("predicted quotes by kind: {}", kinds.join(", ")));
    let d = t.direct;
    notes.push(format!(
        "gold direct attributions (content holds a quotation mark): {} of {}",
        t.gold_direct, t.content.gold
    ));
    notes.push(format!(
        "direct-quote + speaker: P {:.3} R {:.3} F1 {:.3}",
        d.precision(),
        d.recall(),
        d.f1()
    ));
    if !t.missed.is_empty() {
        notes.push(format!("missed direct quotes (first {}):", t.missed.len()));
        notes.extend(t.missed.iter().map(|m| format!("  {m}")));
    }
    if !t.spurious.is_empty() {
        notes.push(format!("spurious direct quotes (first {}):", t.spurious.len()));
        notes.extend(t.spurious.iter().map(|m| format!("  {m}")));
    }
    Scores {
        task: "quotes".into(),
        data: data.display().to_string(),
        items: t.docs,
        unit: "documents".into(),
        rows: vec![
            prf("content", t.content),
            prf("speaker", t.speaker),
            prf("direct + speaker", t.direct),
        ],
        extra: vec![
            Metric::count("gold attributions", t.gold_attributions),
            Metric::count("gold direct attributions", t.gold_direct),
            Metric::count("documents with a publication date", dated),
        ],
        notes,
        headline: Metric::new("direct-quote + speaker F1", d.f1()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyline_model::Speaker;

    // Invented article; offsets below are character offsets ("é" and "“" are multi-byte).
    const TEXT: &str = "Café owner Lena Brill said the rent “is simply too high” and “we will close.” Officials expect a decision soon, a spokesman said.";

    fn ann() -> String {
        let chars: Vec<char> = TEXT.chars().collect();
        let find = |w: &str| {
            let wc: Vec<char> = w.chars().collect();
            (0..chars.len()).find(|&i| chars[i..].starts_with(&wc)).unwrap()
        };
        let (s, c1, c2) = (find("Lena Brill"), find("is simply too high"), find("we will close."));
        let (c3, s2) = (find("Officials expect"), find("a spokesman"));
        format!(
            "T1\tSource {s} {}\tLena Brill\n\
             T2\tCue {} {}\tsaid\n\
             T3\tContent {} {};{} {}\tthe rent “is simply too high” and “we will close.”\n\
             The rent line continues after a newline\n\
             T4\tAttribution {} {}\tsaid\n\
             E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3\n\
             T5\tContent {c3} {}\tOfficials expect a decision soon\n\
             T6\tSource {s2} {}\ta spokesman\n\
             E2\tAttribution-no-source:T4 Content:T5 Source:T6\n\
             A1\tSomething T1\n",
            s + 10,
            s + 11,
            s + 15,
            c1 - 10,
            c1 + 19,
            c2 - 1,
            c2 + 15,
            s + 11,
            s + 15,
            c3 + 32,
            s2 + 11
        )
    }

    #[test]
    fn parses_brat_with_discontinuous_spans() {
        let a = parse_ann(&ann(), Path::new("x.ann")).unwrap();
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].content.len(), 2);
        let chars: Vec<char> = TEXT.chars().collect();
        let seg = |s: Span| chars[s.start..s.end].iter().collect::<String>();
        assert_eq!(seg(a[0].source[0]), "Lena Brill");
        assert_eq!(seg(a[0].content[0]), "the rent “is simply too high”");
        assert_eq!(seg(a[0].content[1]), "“we will close.”");
        assert!(a[0].is_direct());
        assert!(!a[1].is_direct());
        assert_eq!(seg(a[1].source[0]), "a spokesman");
        assert!(parse_ann("T1\tSource 5 x\tfoo\n", Path::new("bad.ann")).is_err());
    }

    fn q(kind: QuoteKind, content: (usize, usize), speaker: Option<(usize, usize)>) -> Quote {
        Quote {
            kind,
            content: Span::new(content.0, content.1),
            cue: None,
            speaker: speaker.map(|(s, e)| Speaker {
                start: s,
                end: e,
                text: String::new(),
                canonical: None,
            }),
        }
    }

    #[test]
    fn direct_quote_and_speaker_counts() {
        let gold = parse_ann(&ann(), Path::new("x.ann")).unwrap();
        let chars: Vec<char> = TEXT.chars().collect();
        let find = |w: &str| {
            let wc: Vec<char> = w.chars().collect();
            (0..chars.len()).find(|&i| chars[i..].starts_with(&wc)).unwrap()
        };
        let (c1, c2, s, c3) = (find("is simply"), find("we will"), find("Lena"), find("Officials"));
        assert!(within_marks(&chars, Span::new(c1, c1 + 18)));
        assert!(within_marks(&chars, Span::new(c2, c2 + 13))); // "we will close" then ".”"
        assert!(!within_marks(&chars, Span::new(c3, c3 + 10)));
        let pred = [
            // direct, right speaker: TP for content, speaker and direct.
            q(QuoteKind::Partial, (c1, c1 + 18), Some((s, s + 4))),
            // second quoted piece of the same attribution: content spurious (one-to-one).
            q(QuoteKind::Direct, (c2, c2 + 13), Some((s, s + 10))),
            // indirect with the wrong speaker: content TP, speaker wrong.
            q(QuoteKind::Indirect, (c3, c3 + 16), Some((0, 4))),
        ];
        let mut t = Tally { examples_wanted: 5, ..Tally::default() };
        t.add("doc", TEXT, &gold, &pred);
        assert_eq!(t.content, Counts::new(2, 3, 2));
        assert_eq!(t.speaker, Counts::new(1, 3, 2));
        assert_eq!(t.direct, Counts::new(1, 2, 1));
        assert_eq!(t.gold_direct, 1);
        assert_eq!(t.spurious.len(), 1);
        assert!(t.spurious[0].starts_with("doc: we will close"), "{:?}", t.spurious);
        let rendered = scores(Path::new("x"), &t, 1, vec![]).render();
        assert!(rendered.ends_with("direct-quote + speaker F1 0.667"), "{rendered}");

        // The two pieces share one speaker mention: one predicted attribution, as in the gold.
        let grouped = [
            q(QuoteKind::Partial, (c1, c1 + 18), Some((s, s + 10))),
            q(QuoteKind::Direct, (c2, c2 + 13), Some((s, s + 10))),
        ];
        let mut t = Tally::default();
        t.add("doc", TEXT, &gold, &grouped);
        assert_eq!(t.content, Counts::new(1, 1, 2));
        assert_eq!(t.direct, Counts::new(1, 1, 1));
        assert!(t.missed.is_empty() && t.spurious.is_empty());
    }

    #[test]
    fn quotation_marks_are_not_apostrophes() {
        for direct in [
            "he said “no”",
            "a \"plain\" word",
            "the ‘in their heads’ remark",
            "it was 'a mistake,' he said",
            "«non»",
        ] {
            assert!(has_quotation_mark(direct), "{direct}");
        }
        for not_direct in [
            "Obama’s plan didn’t pass",
            "the voters’ choice",
            "the '90s were calm",
            "it's the workers' union",
        ] {
            assert!(!has_quotation_mark(not_direct), "{not_direct}");
        }
    }

    #[test]
    fn discovers_splits_and_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let split = dir.path().join("dev");
        std::fs::create_dir_all(split.join("text")).unwrap();
        std::fs::create_dir_all(split.join("attributions")).unwrap();
        std::fs::write(split.join("text/outlet_2016-01-02_story.txt"), TEXT).unwrap();
        std::fs::write(split.join("text/unannotated.txt"), "Nothing here.").unwrap();
        std::fs::write(split.join("attributions/outlet_2016-01-02_story_ab12.ann"), ann()).unwrap();
        std::fs::write(split.join("attributions/outlet_2016-01-02_story_cd34.ann"), "").unwrap();
        std::fs::write(
            dir.path().join("metadata.tsv"),
            "compartment\tfilename\tpublication_date\ndev\toutlet_2016-01-02_story\t2016-01-02\n",
        )
        .unwrap();
        for root in [dir.path(), split.as_path()] {
            let splits = discover(root).unwrap();
            assert_eq!(splits.len(), 1);
            assert_eq!(splits[0].docs.len(), 1);
            assert!(splits[0].docs[0].1.ends_with("outlet_2016-01-02_story_ab12.ann"));
            assert_eq!(splits[0].multi_annotated, 1);
            assert_eq!(splits[0].unannotated, 1);
        }
        let dates = metadata_dates(&split).unwrap();
        assert_eq!(dates["outlet_2016-01-02_story"], "2016-01-02".parse::<Date>().unwrap());
        let s = crate::run(crate::Task::Quotes, dir.path()).unwrap();
        assert_eq!(s.items, 1);
        assert_eq!(s.extra("documents with a publication date"), Some(1.0));
        let e = crate::run(crate::Task::Quotes, &split.join("text")).unwrap_err().to_string();
        assert!(e.contains("attributions"), "{e}");
    }

    #[test]
    #[ignore = "needs ../shared/data/quotes/polnear/dev"]
    fn smoke_polnear_dev() {
        let p = util::shared_data("quotes/polnear/dev");
        let s = run(&p).unwrap();
        println!("{}", s.render());
        assert_eq!(s.items, 84);
    }
}
