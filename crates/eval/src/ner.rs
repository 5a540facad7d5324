//! Named entities on CoNLL-2003 (four columns `token POS chunk NER`, IOB1 tags, `-DOCSTART-`
//! between documents, blank lines between sentences), scored like `conlleval`: a chunk counts
//! when its token span and type both match exactly; precision, recall and F1 per type and
//! micro-averaged overall.
//!
//! Each document's text is rebuilt by joining its tokens with single spaces and its sentences with
//! newlines, and `entities::extract` runs on it with one sentence span per CoNLL sentence.
//! Predicted character spans map to the tokens they touch (a span that does not align to token
//! boundaries extends to the covering tokens).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use storyline_model::{Entity, Span};

use crate::metrics::Counts;
use crate::util::{self, file_name};
use crate::{EvalError, Metric, Row, Scores};

/// The entity types CoNLL-2003 annotates, in table order.
pub const TYPES: [&str; 4] = ["PER", "ORG", "LOC", "MISC"];

/// One token and its NER tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub word: String,
    pub tag: String,
}

/// A document: its sentences of tokens.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    pub sentences: Vec<Vec<Token>>,
}

/// A chunk: token range `[start, end)` (document-wide token indices) and its type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Chunk {
    pub start: usize,
    pub end: usize,
    pub kind: String,
}

/// Parses a CoNLL file's text into documents. A file without `-DOCSTART-` lines is one document;
/// `path` only names the file in errors.
pub fn parse(text: &str, path: &Path) -> Result<Vec<Document>, EvalError> {
    let mut docs = Vec::new();
    let mut doc = Document::default();
    let mut sent: Vec<Token> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.is_empty() {
            if !sent.is_empty() {
                doc.sentences.push(std::mem::take(&mut sent));
            }
            continue;
        }
        if cols[0] == "-DOCSTART-" {
            if !sent.is_empty() {
                doc.sentences.push(std::mem::take(&mut sent));
            }
            if !doc.sentences.is_empty() {
                docs.push(std::mem::take(&mut doc));
            }
            continue;
        }
        if cols.len() < 2 {
            return Err(EvalError::parse(
                path,
                Some(i + 1),
                "expected CoNLL columns `token … NER-tag` (CoNLL-2003: token POS chunk NER)",
            ));
        }
        let tag = cols[cols.len() - 1];
        if !is_tag(tag) {
            return Err(EvalError::parse(
                path,
                Some(i + 1),
                format!("last column `{tag}` is not an IOB tag (O, B-TYPE, I-TYPE)"),
            ));
        }
        sent.push(Token { word: cols[0].to_string(), tag: tag.to_string() });
    }
    if !sent.is_empty() {
        doc.sentences.push(sent);
    }
    if !doc.sentences.is_empty() {
        docs.push(doc);
    }
    Ok(docs)
}

fn is_tag(t: &str) -> bool {
    t == "O"
        || (t.len() > 2
            && (t.starts_with("B-")
                || t.starts_with("I-")
                || t.starts_with("E-")
                || t.starts_with("S-")))
}

/// Splits a tag into its prefix (`B`, `I`, or `O`) and type.
fn split_tag(t: &str) -> (char, &str) {
    if t == "O" {
        ('O', "")
    } else {
        (t.chars().next().unwrap_or('O'), &t[2..])
    }
}

/// IOB1 chunks of one sentence (token indices offset by `base`), as conlleval reads them: `I-X`
/// continues a chunk of type X and starts one otherwise; `B-X` always starts one.
pub fn chunks(tags: &[&str], base: usize) -> Vec<Chunk> {
    let mut out = Vec::new();
    let mut cur: Option<(usize, &str)> = None;
    for (i, t) in tags.iter().enumerate() {
        let (prefix, kind) = split_tag(t);
        let continues = prefix == 'I' && cur.is_some_and(|(_, k)| k == kind);
        if continues {
            continue;
        }
        if let Some((s, k)) = cur.take() {
            out.push(Chunk { start: base + s, end: base + i, kind: k.to_string() });
        }
        if prefix != 'O' {
            cur = Some((i, kind));
        }
    }
    if let Some((s, k)) = cur {
        out.push(Chunk { start: base + s, end: base + tags.len(), kind: k.to_string() });
    }
    out
}

/// A document's rebuilt text, its sentence spans and each token's character span.
pub struct Rebuilt {
    pub text: String,
    pub sentences: Vec<Span>,
    pub tokens: Vec<Span>,
}

/// Joins tokens with single spaces and sentences with newlines (character offsets).
pub fn rebuild(doc: &Document) -> Rebuilt {
    let mut text = String::new();
    let mut pos = 0; // chars
    let mut sentences = Vec::new();
    let mut tokens = Vec::new();
    for (si, s) in doc.sentences.iter().enumerate() {
        if si > 0 {
            text.push('\n');
            pos += 1;
        }
        let start = pos;
        for (ti, t) in s.iter().enumerate() {
            if ti > 0 {
                text.push(' ');
                pos += 1;
            }
            let n = t.word.chars().count();
            tokens.push(Span::new(pos, pos + n));
            text.push_str(&t.word);
            pos += n;
        }
        sentences.push(Span::new(start, pos));
    }
    Rebuilt { text, sentences, tokens }
}

/// Maps a character span to the tokens it touches: `[first, last + 1)`, or `None` when it
/// covers no token.
pub fn to_tokens(tokens: &[Span], span: Span) -> Option<(usize, usize)> {
    let first = tokens.partition_point(|t| t.end <= span.start);
    let end = tokens.partition_point(|t| t.start < span.end);
    (first < end).then_some((first, end))
}

/// Gold chunks of a document (document-wide token indices).
pub fn gold_chunks(doc: &Document) -> Vec<Chunk> {
    let mut gold = Vec::new();
    let mut base = 0;
    for s in &doc.sentences {
        let tags: Vec<&str> = s.iter().map(|t| t.tag.as_str()).collect();
        gold.extend(chunks(&tags, base));
        base += s.len();
    }
    gold
}

/// The chunks of entities found in a rebuilt document: each mapped to the tokens it touches,
/// sorted, without repeats.
pub fn predicted_chunks(rb: &Rebuilt, entities: &[Entity]) -> Vec<Chunk> {
    let mut pred: Vec<Chunk> = entities
        .iter()
        .filter_map(|e| {
            let (s, e2) = to_tokens(&rb.tokens, e.span())?;
            Some(Chunk { start: s, end: e2, kind: e.kind.as_str().to_string() })
        })
        .collect();
    pred.sort();
    pred.dedup();
    pred
}

/// Gold and predicted chunks of one document, and the time the entity step took.
fn score_doc(
    doc: &Document,
    name: &str,
    panics: &mut util::Panics,
) -> (Vec<Chunk>, Vec<Chunk>, f64) {
    let gold = gold_chunks(doc);
    let rb = rebuild(doc);
    let t0 = Instant::now();
    let ents = panics
        .guard(name, || storyline_analyze::entities::extract(&rb.text, &rb.sentences))
        .unwrap_or_default();
    let secs = t0.elapsed().as_secs_f64();
    (gold, predicted_chunks(&rb, &ents), secs)
}

/// conlleval counts per type from gold and predicted chunks.
pub fn count(gold: &[Chunk], pred: &[Chunk], per_type: &mut BTreeMap<String, Counts>) {
    let gold_set: std::collections::HashSet<&Chunk> = gold.iter().collect();
    for c in gold {
        per_type.entry(c.kind.clone()).or_default().gold += 1;
    }
    for c in pred {
        let e = per_type.entry(c.kind.clone()).or_default();
        e.predicted += 1;
        if gold_set.contains(c) {
            e.tp += 1;
        }
    }
}

/// The CoNLL files a path names: the file itself, or every file in the directory (recursively)
/// that looks like CoNLL.
pub fn discover(data: &Path) -> Result<Vec<PathBuf>, EvalError> {
    if data.is_file() {
        return Ok(vec![data.to_path_buf()]);
    }
    let files = util::files_under(data, &|p| looks_like_conll(p))?;
    if files.is_empty() {
        return Err(EvalError::layout(
            data,
            "expected CoNLL-2003 files (e.g. eng.testa: lines `token POS chunk NER` with IOB tags, \
             blank lines between sentences, -DOCSTART- between documents)",
        ));
    }
    Ok(files)
}

/// Whether the file's first non-empty lines have whitespace-separated columns ending in IOB tags.
fn looks_like_conll(p: &Path) -> bool {
    use std::io::{BufRead, BufReader};
    let Ok(f) = std::fs::File::open(p) else { return false };
    let mut seen = 0;
    for line in BufReader::new(f).lines().take(200) {
        let Ok(line) = line else { return false };
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.is_empty() {
            continue;
        }
        if cols.len() < 2 || !is_tag(cols[cols.len() - 1]) {
            return false;
        }
        seen += 1;
        if seen >= 20 {
            break;
        }
    }
    seen > 0
}

/// The surface forms of chunks of a document: their tokens joined by single spaces.
/// One missed gold name for the notes: `[name] TYPE | predicted overlapping spans`.
fn missed_name(doc: &Document, gold: &Chunk, name: &str, predicted: &[Chunk]) -> String {
    let words: Vec<&str> = doc.sentences.iter().flatten().map(|t| t.word.as_str()).collect();
    let overlapping: Vec<String> = predicted
        .iter()
        .filter(|p| p.start < gold.end && gold.start < p.end)
        .map(|p| format!("[{}] {}", words[p.start..p.end].join(" "), p.kind))
        .collect();
    let context = words[gold.start.saturating_sub(4)..(gold.end + 4).min(words.len())].join(" ");
    let found = if overlapping.is_empty() { "nothing".to_string() } else { overlapping.join(", ") };
    format!("  [{name}] {} | predicted {found} | … {context} …", gold.kind)
}

fn surfaces(doc: &Document, chunks: &[Chunk]) -> Vec<String> {
    let words: Vec<&str> = doc.sentences.iter().flatten().map(|t| t.word.as_str()).collect();
    chunks.iter().map(|c| words[c.start..c.end].join(" ")).collect()
}

/// The surface forms of the names of the training file `eng.train` beside the first scored file,
/// when it exists and is not scored itself: recall on names outside it is what generalises.
fn training_names(
    files: &[PathBuf],
) -> Result<Option<std::collections::HashSet<String>>, EvalError> {
    let Some(train) = files.first().and_then(|f| f.parent()).map(|d| d.join("eng.train")) else {
        return Ok(None);
    };
    if !train.is_file() || files.iter().any(|f| f == &train) {
        return Ok(None);
    }
    let docs = parse(&util::read(&train)?, &train)?;
    Ok(Some(docs.iter().flat_map(|d| surfaces(d, &gold_chunks(d))).collect()))
}

pub fn run(data: &Path) -> Result<Scores, EvalError> {
    let files = discover(data)?;
    let seen_names = training_names(&files)?;
    // Recall of gold names by whether their surface form is a name of the training file.
    let (mut seen, mut unseen) = (Counts::default(), Counts::default());
    let mut per_type: BTreeMap<String, Counts> = BTreeMap::new();
    let (mut n_sent, mut n_tok, mut n_doc, mut secs) = (0, 0, 0, 0.0);
    let mut panics = util::Panics::default();
    let examples_wanted = std::env::var("STORYLINE_EVAL_EXAMPLES")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut unseen_missed: Vec<String> = Vec::new();
    for f in &files {
        let docs = parse(&util::read(f)?, f)?;
        for (di, d) in docs.iter().enumerate() {
            n_doc += 1;
            n_sent += d.sentences.len();
            n_tok += d.sentences.iter().map(Vec::len).sum::<usize>();
            let (g, p, s) =
                score_doc(d, &format!("{} document {}", file_name(f), di + 1), &mut panics);
            secs += s;
            count(&g, &p, &mut per_type);
            if let Some(names) = &seen_names {
                let predicted: std::collections::HashSet<&Chunk> = p.iter().collect();
                for (c, name) in g.iter().zip(surfaces(d, &g)) {
                    let side = if names.contains(&name) { &mut seen } else { &mut unseen };
                    side.gold += 1;
                    side.tp += usize::from(predicted.contains(c));
                    if !names.contains(&name)
                        && !predicted.contains(c)
                        && unseen_missed.len() < examples_wanted
                    {
                        unseen_missed.push(missed_name(d, c, &name, &p));
                    }
                }
            }
        }
    }
    let mut s = scores(data, &files, per_type, n_sent, n_doc, n_tok, secs);
    if seen_names.is_some() {
        s.extra.push(Metric::count("gold names seen in eng.train", seen.gold));
        s.extra.push(Metric::new("recall on seen names", seen.recall()));
        s.extra.push(Metric::count("gold names not in eng.train", unseen.gold));
        s.extra.push(Metric::new("recall on unseen names", unseen.recall()));
        if !unseen_missed.is_empty() {
            s.notes.push(format!("missed unseen names (first {}):", unseen_missed.len()));
            s.notes.extend(unseen_missed);
        }
    }
    panics.report(&mut s.extra, &mut s.notes);
    Ok(s)
}

fn scores(
    data: &Path,
    files: &[PathBuf],
    per_type: BTreeMap<String, Counts>,
    n_sent: usize,
    n_doc: usize,
    n_tok: usize,
    secs: f64,
) -> Scores {
    let row = |label: &str, c: &Counts| {
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
    let mut rows = Vec::new();
    let mut overall = Counts::default();
    let mut labels: Vec<&str> = TYPES.to_vec();
    labels.extend(per_type.keys().map(String::as_str).filter(|k| !TYPES.contains(k)));
    for t in labels {
        let c = per_type.get(t).copied().unwrap_or_default();
        overall.add(c);
        rows.push(row(t, &c));
    }
    rows.push(row("overall", &overall));
    Scores {
        task: "ner".into(),
        data: data.display().to_string(),
        items: n_sent,
        unit: "sentences".into(),
        rows,
        extra: vec![
            Metric::count("files", files.len()),
            Metric::count("documents", n_doc),
            Metric::count("tokens", n_tok),
            Metric::new(
                "tokens/s (entity step)",
                if secs > 0.0 { n_tok as f64 / secs } else { 0.0 },
            ),
        ],
        notes: vec![format!(
            "files: {}",
            files.iter().map(|f| file_name(f)).collect::<Vec<_>>().join(", ")
        )],
        headline: Metric::new("overall F1", overall.f1()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "-DOCSTART- -X- O O\n\
\n\
Maria NNP I-NP I-PER\n\
Olsen NNP I-NP I-PER\n\
visited VBD I-VP O\n\
Port NNP I-NP I-LOC\n\
Vell NNP I-NP I-LOC\n\
Quarry NNP I-NP B-LOC\n\
. . O O\n\
\n\
Tandem NNP I-NP I-ORG\n\
Grain NNP I-NP I-ORG\n\
hired VBD I-VP O\n\
Olsen NNP I-NP I-PER\n\
Brothers NNP I-NP I-ORG\n\
. . O O\n\
\n\
-DOCSTART- -X- O O\n\
\n\
Quiet JJ I-NP O\n\
day NN I-NP O\n";

    #[test]
    fn parses_documents_and_iob1_chunks() {
        let docs = parse(SAMPLE, Path::new("sample")).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].sentences.len(), 2);
        assert_eq!(docs[1].sentences[0].len(), 2);
        let tags: Vec<&str> = docs[0].sentences[0].iter().map(|t| t.tag.as_str()).collect();
        let c = chunks(&tags, 0);
        let ck = |s, e, k: &str| Chunk { start: s, end: e, kind: k.into() };
        // B-LOC after I-LOC starts a second LOC chunk.
        assert_eq!(c, vec![ck(0, 2, "PER"), ck(3, 5, "LOC"), ck(5, 6, "LOC")]);
        let tags: Vec<&str> = docs[0].sentences[1].iter().map(|t| t.tag.as_str()).collect();
        // I-PER then I-ORG: a type change starts a new chunk.
        assert_eq!(chunks(&tags, 7), vec![ck(7, 9, "ORG"), ck(10, 11, "PER"), ck(11, 12, "ORG")]);
    }

    #[test]
    fn rebuilds_text_with_token_offsets() {
        let docs = parse(SAMPLE, Path::new("sample")).unwrap();
        let rb = rebuild(&docs[0]);
        assert!(rb.text.starts_with("Maria Olsen visited Port Vell Quarry .\nTandem Grain"));
        assert_eq!(rb.sentences[1].start, 39);
        assert_eq!(rb.tokens[7], Span::new(39, 45)); // Tandem
                                                     // "Vell Qua" -> tokens Vell..Quarry; "aria" inside Maria -> Maria; a gap -> None.
        assert_eq!(to_tokens(&rb.tokens, Span::new(25, 33)), Some((4, 6)));
        assert_eq!(to_tokens(&rb.tokens, Span::new(1, 5)), Some((0, 1)));
        assert_eq!(to_tokens(&rb.tokens, Span::new(5, 6)), None);
    }

    /// conlleval on two sentences: gold PER(0,2) LOC(3,5) LOC(5,6) | ORG(7,9) PER(10,11) ORG(11,12);
    /// predicted PER(0,2) ok, LOC(3,6) wrong span, ORG(7,9) ok, ORG(10,11) wrong type.
    #[test]
    fn conlleval_counts() {
        let ck = |s, e, k: &str| Chunk { start: s, end: e, kind: k.into() };
        let gold = [
            ck(0, 2, "PER"),
            ck(3, 5, "LOC"),
            ck(5, 6, "LOC"),
            ck(7, 9, "ORG"),
            ck(10, 11, "PER"),
            ck(11, 12, "ORG"),
        ];
        let pred = [ck(0, 2, "PER"), ck(3, 6, "LOC"), ck(7, 9, "ORG"), ck(10, 11, "ORG")];
        let mut per = BTreeMap::new();
        count(&gold, &pred, &mut per);
        assert_eq!(per["PER"], Counts::new(1, 1, 2));
        assert_eq!(per["LOC"], Counts::new(0, 1, 2));
        assert_eq!(per["ORG"], Counts::new(1, 2, 2));
        let s = scores(Path::new("x"), &[], per, 2, 1, 13, 1.0);
        let o = s.row("overall").unwrap();
        assert_eq!(o.get("P"), Some(0.5));
        assert_eq!(o.get("R"), Some(2.0 / 6.0));
        assert!((s.headline.value - 0.4).abs() < 1e-9);
        assert!(s.render().ends_with("overall F1 0.400"));
    }

    #[test]
    fn recall_is_split_by_names_seen_in_training() {
        let dir = tempfile::tempdir().unwrap();
        let train = "-DOCSTART- -X- O O\n\nMaria NNP I-NP I-PER\nOlsen NNP I-NP I-PER\nwon VBD I-VP O\n. . O O\n";
        std::fs::write(dir.path().join("eng.train"), train).unwrap();
        std::fs::write(dir.path().join("eng.testa"), SAMPLE).unwrap();
        let s = run(&dir.path().join("eng.testa")).unwrap();
        let extra = |name: &str| s.extra.iter().find(|m| m.name == name).map(|m| m.value);
        // SAMPLE names "Maria Olsen" once (seen) and five other names.
        assert_eq!(extra("gold names seen in eng.train"), Some(1.0));
        assert_eq!(extra("gold names not in eng.train"), Some(5.0));
        assert!(extra("recall on unseen names").is_some());
        // Scoring the training file itself splits nothing.
        let t = run(&dir.path().join("eng.train")).unwrap();
        assert!(t.extra.iter().all(|m| !m.name.contains("unseen")));
    }

    #[test]
    fn end_to_end_on_sample() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("sample.conll"), SAMPLE).unwrap();
        std::fs::write(dir.path().join("README"), "not conll at all\n").unwrap();
        let s = crate::run(crate::Task::Ner, dir.path()).unwrap();
        assert_eq!(s.items, 3);
        assert_eq!(s.row("overall").unwrap().get("gold"), Some(6.0));
        let e = crate::run(crate::Task::Ner, &dir.path().join("README")).unwrap_err();
        assert!(e.to_string().contains("README"), "{e}");
    }

    #[test]
    #[ignore = "needs ../shared/data/ner/conll2003/eng.testa"]
    fn smoke_testa() {
        let p = util::shared_data("ner/conll2003/eng.testa");
        let s = run(&p).unwrap();
        println!("{}", s.render());
        assert_eq!(s.items, 3250);
        assert!(s.headline.value > 0.0);
    }
}
