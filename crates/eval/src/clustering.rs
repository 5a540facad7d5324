//! Same-event clustering on ECB+ (`<topic>/*.xml`, CAT XML with `<token t_id sentence number>`):
//! the gold cluster of a document is its topic directory plus `ecbplus` when the file name
//! contains it, else `ecb` (each topic holds two different events of one kind). Also accepts a
//! Multi-News JSON Lines file (`{idx, documents: [text…]}`: each document an article, gold cluster
//! = `idx`).
//!
//! Each document's text is rebuilt from its tokens (tokens joined by spaces, no space before
//! closing punctuation, sentences by blank lines); sentence 0 of an `*ecbplus.xml` file is the
//! source URL: it is dropped from the text and its host becomes the outlet. Every document is
//! analysed, turned into grouping features and fed, in a fixed pseudo-random order (LCG, fixed
//! seed), to one [`storyline_group::Grouper`]; the predicted cluster is `Grouping.story`.
//!
//! Two more layouts select other modes: a Timeline17 directory ([`timelines`]: storylines
//! against topics) and a Reuters-21578 directory of `*.sgm` files ([`copies`]: near-duplicate
//! precision and recall on copies edited at run time).
//!
//! Metrics: B-cubed P/R/F1 (headline F1), pairwise P/R/F1, adjusted Rand index, numbers of
//! predicted and gold clusters, documents per second.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use serde_json::Value;
use storyline_group::model::Model;
use storyline_group::Features;
use storyline_model::{Article, ArticleId, Date};

use crate::metrics::{adjusted_rand, bcubed, n_clusters, pairwise, Prf};
use crate::util::{self, file_name, unescape};
use crate::{EvalError, Metric, Row, Scores};

/// Seed of the document order.
pub const SEED: u64 = 0x5EED_2014;

/// One document to cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    /// File name (or `idx/n` for Multi-News).
    pub name: String,
    pub text: String,
    pub source: Option<String>,
    /// Publication date, when the layout gives one.
    pub published: Option<Date>,
    pub gold: String,
}

/// Tokens of a CAT XML document grouped by sentence number (in sentence order).
pub fn cat_sentences(xml: &str) -> Vec<(u32, Vec<String>)> {
    let mut by_sentence: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for (_, end, tag) in util::tags(xml) {
        if tag.name != "token" || tag.closing || tag.self_closing {
            continue;
        }
        let word_end = xml[end..].find('<').map_or(xml.len(), |i| end + i);
        let word = unescape(xml[end..word_end].trim());
        let s = tag.attr("sentence").and_then(|s| s.parse().ok()).unwrap_or(0);
        if !word.is_empty() {
            by_sentence.entry(s).or_default().push(word);
        }
    }
    by_sentence.into_iter().collect()
}

/// Joins tokens with spaces, without a space before closing punctuation and clitics, after
/// opening brackets, around word-internal hyphens, or inside clock times ("8:12").
pub fn join_tokens<S: AsRef<str>>(tokens: &[S]) -> String {
    const NO_SPACE_BEFORE: [&str; 17] = [
        ",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "'s", "n't", "'re", "'ll", "'ve", "’s",
        "n’t",
    ];
    const NO_SPACE_AFTER: [&str; 4] = ["(", "[", "{", "$"];
    let mut out = String::new();
    let mut prev: Option<&str> = None;
    let mut prev2: Option<&str> = None;
    for t in tokens {
        let t = t.as_ref();
        if let Some(p) = prev {
            let digit_end = |s: &str| s.chars().next_back().is_some_and(|c| c.is_ascii_digit());
            let digit_start = |s: &str| s.chars().next().is_some_and(|c| c.is_ascii_digit());
            let glue = NO_SPACE_BEFORE.iter().any(|x| x.eq_ignore_ascii_case(t))
                || matches!(t, "'d" | "'m" | "...")
                || NO_SPACE_AFTER.contains(&p)
                || t == "-"
                || p == "-"
                || (p == ":" && prev2.is_some_and(digit_end) && digit_start(t));
            if !glue {
                out.push(' ');
            }
        }
        out.push_str(t);
        prev2 = prev;
        prev = Some(t);
    }
    out
}

/// The host of a URL (`www.` dropped), if it looks like one.
pub fn host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let h = rest.split(['/', '?', '#']).next()?.trim().to_ascii_lowercase();
    let h = h.strip_prefix("www.").unwrap_or(&h).to_string();
    (h.contains('.') && !h.contains(' ')).then_some(h)
}

/// Builds an ECB+ document from its CAT XML; `topic` is the gold topic (its directory).
pub fn ecb_doc(xml: &str, name: &str, topic: &str) -> Doc {
    let plus = name.contains("ecbplus");
    let mut sentences = cat_sentences(xml);
    let mut source = None;
    if plus && sentences.first().is_some_and(|(n, _)| *n == 0) {
        let (_, url) = sentences.remove(0);
        source = host(&url.concat());
    }
    let text = sentences.iter().map(|(_, t)| join_tokens(t)).collect::<Vec<_>>().join("\n\n");
    let gold = format!("{topic}/{}", if plus { "ecbplus" } else { "ecb" });
    Doc { name: name.to_string(), text, source, published: None, gold }
}

/// Reads the ECB+ documents under `dir` (`<topic>/*.xml`, searched recursively; the topic is a
/// file's parent directory name).
pub fn read_ecb(dir: &Path) -> Result<Vec<Doc>, EvalError> {
    let files = util::files_under(dir, &|p| util::has_ext(p, "xml"))?;
    let mut docs = Vec::new();
    for f in &files {
        let xml = util::read(f)?;
        if !xml.contains("<token") {
            continue;
        }
        let topic = f.parent().map(file_name).unwrap_or_default();
        docs.push(ecb_doc(&xml, &file_name(f), &topic));
    }
    if docs.is_empty() {
        return Err(EvalError::layout(
            dir,
            "expected ECB+ CAT XML documents (`<topic>/*.xml` with `<token t_id sentence number>word</token>`), \
             or a Multi-News `.jsonl` file",
        ));
    }
    Ok(docs)
}

/// Reads a Multi-News JSON Lines file: each of a record's `documents` is an article, its gold
/// cluster the record's `idx`. A record without `documents` (a header line) is skipped, as is a
/// document without text.
pub fn read_multinews(path: &Path) -> Result<Vec<Doc>, EvalError> {
    let mut docs = Vec::new();
    for (i, line) in util::read(path)?.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line)
            .map_err(|e| EvalError::parse(path, Some(i + 1), format!("invalid JSON: {e}")))?;
        let Some(list) = v.get("documents").and_then(Value::as_array) else {
            // A record without documents (a header, metadata) has no text to group: skipped.
            continue;
        };
        let Some(idx) = v.get("idx") else {
            return Err(EvalError::parse(
                path,
                Some(i + 1),
                "expected a Multi-News record `{idx, summary, documents: [text…]}`",
            ));
        };
        let idx = match idx {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        for (n, d) in list.iter().enumerate() {
            let text = match d {
                Value::String(s) => s.clone(),
                Value::Object(o) => o.get("text").and_then(Value::as_str).unwrap_or("").to_string(),
                _ => String::new(),
            };
            if !text.trim().is_empty() {
                docs.push(Doc {
                    name: format!("{idx}/{n}"),
                    text,
                    source: None,
                    published: None,
                    gold: idx.clone(),
                });
            }
        }
    }
    if docs.is_empty() {
        return Err(EvalError::layout(path, "no Multi-News documents found"));
    }
    Ok(docs)
}

/// A permutation of `0..n` from a 64-bit LCG (Knuth's MMIX constants) and Fisher–Yates.
pub fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut state = seed;
    for i in (1..n).rev() {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let j = ((state >> 33) % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}

/// Analyses the documents and computes their grouping features (input order), with the seconds
/// it took.
pub fn doc_features(docs: &[Doc], panics: &mut util::Panics) -> (Vec<(ArticleId, Features)>, f64) {
    let t0 = Instant::now();
    let out = docs
        .iter()
        .map(|d| {
            let article = doc_article(d, panics);
            (article.id.clone(), storyline_group::features(&article))
        })
        .collect();
    (out, t0.elapsed().as_secs_f64())
}

/// A document as the pipeline's analysed article (outlet and date from the layout).
fn doc_article(d: &Doc, panics: &mut util::Panics) -> Article {
    let mut article: Article = storyline_ingest::body_article(&d.name, &d.text);
    // Every gold document is its own item, even where two carry the same text (the same crawl
    // notice in many clusters): identical input would otherwise be one re-ingested article.
    article.id = storyline_ingest::article_id(Some(&d.name), None, &d.text);
    article.source = d.source.clone();
    article.published = d.published.or(article.published);
    let (text, published) = (&article.text, article.published);
    article.analysis =
        panics.guard(&d.name, || storyline_analyze::analyze(text, published)).unwrap_or_default();
    article
}

/// The analysed articles of the documents (input order), for tools that cache the analysis
/// (analysis panics are counted, not reported).
pub fn articles_of(docs: &[Doc]) -> Vec<Article> {
    let mut panics = util::Panics::default();
    docs.iter().map(|d| doc_article(d, &mut panics)).collect()
}

/// [`doc_features`] for tools outside this crate (analysis panics are counted, not reported).
pub fn features_of(docs: &[Doc]) -> Vec<(ArticleId, Features)> {
    doc_features(docs, &mut util::Panics::default()).0
}

/// Groups documents' features with one grouper using `model`, in `order` (indices into
/// `features`): the predicted story and storyline of each document (input order), and the
/// seconds grouping took.
pub fn group_features(
    features: &[(ArticleId, Features)],
    order: &[usize],
    model: Model,
) -> (Vec<String>, Vec<String>, f64) {
    let t0 = Instant::now();
    let mut grouper = storyline_group::Grouper::with_model(model);
    let mut stories = vec![String::new(); features.len()];
    let mut storylines = vec![String::new(); features.len()];
    for &i in order {
        let (id, f) = &features[i];
        let g = grouper.add(id, f.clone());
        stories[i] = g.story.map_or_else(|| id.to_string(), String::from);
        storylines[i] = g.storyline.map_or_else(|| stories[i].clone(), String::from);
    }
    (stories, storylines, t0.elapsed().as_secs_f64())
}

/// Clusters the documents with the grouping stage: one predicted label per document (in input
/// order), and the seconds analysis + grouping took. Documents are fed in a fixed pseudo-random
/// order ([`SEED`]), or by date when every document is dated.
pub fn predict(docs: &[Doc], panics: &mut util::Panics) -> (Vec<String>, f64) {
    let (features, secs) = doc_features(docs, panics);
    let (pred, _, group_secs) = group_features(&features, &feed_order(docs), Model::default());
    (pred, secs + group_secs)
}

/// The order documents are fed in: by publication date (ties in the shuffled order) when all are
/// dated, else the fixed shuffle.
pub fn feed_order(docs: &[Doc]) -> Vec<usize> {
    let mut order = shuffled(docs.len(), SEED);
    if docs.iter().all(|d| d.published.is_some()) {
        order.sort_by_key(|&i| docs[i].published);
    }
    order
}

pub mod copies;
pub mod stream;
pub mod timelines;

/// Number of record orders [`run`] scores (the fixed order and `ORDERS − 1` more seeds), for the
/// mean and spread of B-cubed F1: online grouping can depend on the order records arrive in.
pub const ORDERS: u64 = 5;

pub fn run(data: &Path) -> Result<Scores, EvalError> {
    if data.is_dir() && stream::is_layout(data) {
        return stream::run(data);
    }
    if data.is_dir() && timelines::is_layout(data) {
        return timelines::run(data);
    }
    if data.is_dir() && util::files_under(data, &|p| util::has_ext(p, "sgm"))?.iter().any(|_| true)
    {
        return copies::run(data);
    }
    let docs = if data.is_file() && util::has_ext(data, "jsonl") {
        read_multinews(data)?
    } else if data.is_dir() {
        read_ecb(data)?
    } else {
        return Err(EvalError::layout(
            data,
            "expected an ECB+ directory (`<topic>/*.xml`) or a Multi-News `.jsonl` file",
        ));
    };
    let gold: Vec<&str> = docs.iter().map(|d| d.gold.as_str()).collect();
    let mut panics = util::Panics::default();
    let (features, analysis_secs) = doc_features(&docs, &mut panics);
    let (pred, _, group_secs) = group_features(&features, &feed_order(&docs), Model::default());
    let secs = analysis_secs + group_secs;
    let with_source = docs.iter().filter(|d| d.source.is_some()).count();
    let mut s = scores(data, &gold, &pred, secs, with_source);
    // The same documents in other orders: mean and spread (max − min) of B-cubed F1, fed one by
    // one (the online grouper's own order sensitivity) and as `storyline ingest` groups them (in
    // chunks of 256, each sorted by day and article id: `Grouper::add_batch`).
    let mut f1s = vec![s.headline.value];
    let mut batched = Vec::new();
    for seed in 0..ORDERS {
        let mut order = if seed == 0 {
            feed_order(&docs)
        } else {
            shuffled(docs.len(), SEED.wrapping_add(seed))
        };
        if seed > 0 && docs.iter().all(|d| d.published.is_some()) {
            order.sort_by_key(|&i| docs[i].published);
        }
        if seed > 0 {
            let (p, _, _) = group_features(&features, &order, Model::default());
            f1s.push(bcubed(&gold, &p).f1);
        }
        let (p, _) = stream::group_in_order(&features, &order, Model::default());
        batched.push(bcubed(&gold, &p).f1);
    }
    let mean_spread = |v: &[f64]| {
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        let hi = v.iter().copied().fold(f64::MIN, f64::max);
        (mean, hi - v.iter().copied().fold(f64::MAX, f64::min))
    };
    let (mean, spread) = mean_spread(&f1s);
    s.extra.push(Metric::new("B-cubed F1 mean over orders", mean));
    s.extra.push(Metric::new("B-cubed F1 spread over orders", spread));
    let (mean, spread) = mean_spread(&batched);
    s.extra.push(Metric::new("B-cubed F1 mean over orders, grouped as ingest does", mean));
    s.extra.push(Metric::new("B-cubed F1 spread over orders, grouped as ingest does", spread));
    s.extra.push(Metric::count("orders", f1s.len()));
    s.notes.extend(error_notes(&docs, &pred));
    panics.report(&mut s.extra, &mut s.notes);
    Ok(s)
}

/// Error analysis: the largest predicted clusters (how many gold clusters they merge, with the
/// openings of two of their documents) and the gold clusters split into the most stories.
pub fn error_notes(docs: &[Doc], pred: &[String]) -> Vec<String> {
    let opening = |i: usize| -> String {
        let t: String = docs[i].text.split_whitespace().collect::<Vec<_>>().join(" ");
        t.chars().take(70).collect()
    };
    let mut by_pred: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut by_gold: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, p) in pred.iter().enumerate() {
        by_pred.entry(p).or_default().push(i);
        by_gold.entry(&docs[i].gold).or_default().push(i);
    }
    let mut merged: Vec<(&str, Vec<usize>, usize)> = by_pred
        .into_iter()
        .map(|(p, m)| {
            let golds = m
                .iter()
                .map(|&i| docs[i].gold.as_str())
                .collect::<std::collections::BTreeSet<_>>()
                .len();
            (p, m, golds)
        })
        .filter(|(_, _, g)| *g > 1)
        .collect();
    merged.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
    let mut out = vec![format!(
        "merges (predicted stories spanning several gold clusters): {}",
        merged.len()
    )];
    for (_, m, g) in merged.iter().take(5) {
        out.push(format!(
            "  {} docs from {g} gold clusters: «{}» / «{}»",
            m.len(),
            opening(m[0]),
            opening(m[m.len() - 1])
        ));
    }
    let mut split: Vec<(&str, usize, usize)> = by_gold
        .into_iter()
        .map(|(g, m)| {
            (
                g,
                m.len(),
                m.iter()
                    .map(|&i| pred[i].as_str())
                    .collect::<std::collections::BTreeSet<_>>()
                    .len(),
            )
        })
        .filter(|(_, _, n)| *n > 1)
        .collect();
    split.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
    out.push(format!("splits (gold clusters over several predicted stories): {}", split.len()));
    for (g, n, k) in split.iter().take(5) {
        out.push(format!("  gold {g}: {n} docs in {k} stories"));
    }
    out
}

/// Size of the largest cluster of a labeling.
fn largest<L: Ord>(labels: &[L]) -> usize {
    let mut sizes: BTreeMap<&L, usize> = BTreeMap::new();
    for l in labels {
        *sizes.entry(l).or_insert(0) += 1;
    }
    sizes.into_values().max().unwrap_or(0)
}

/// The clustering metrics of a predicted labeling against the gold one.
pub fn scores(
    data: &Path,
    gold: &[&str],
    pred: &[String],
    secs: f64,
    with_source: usize,
) -> Scores {
    let row = |label: &str, m: Prf| {
        Row::new(
            label,
            vec![
                Metric::new("P", m.precision),
                Metric::new("R", m.recall),
                Metric::new("F1", m.f1),
            ],
        )
    };
    let b3 = bcubed(gold, pred);
    let n = gold.len();
    Scores {
        task: "clustering".into(),
        data: data.display().to_string(),
        items: n,
        unit: "documents".into(),
        rows: vec![row("B-cubed", b3), row("pairwise", pairwise(gold, pred))],
        extra: vec![
            Metric::new("adjusted Rand index", adjusted_rand(gold, pred)),
            Metric::count("predicted clusters", n_clusters(pred)),
            Metric::count("gold clusters", n_clusters(gold)),
            Metric::count("largest predicted cluster", largest(pred)),
            Metric::count("largest gold cluster", largest(gold)),
            Metric::count("documents with an outlet", with_source),
            Metric::new("docs/s", if secs > 0.0 { n as f64 / secs } else { 0.0 }),
        ],
        notes: Vec::new(),
        headline: Metric::new("B-cubed F1", b3.f1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLUS: &str = r#"<Document doc_name="7_3ecbplus.xml" doc_id="D1">
<token t_id="1" sentence="0" number="0">http</token>
<token t_id="2" sentence="0" number="1">:</token>
<token t_id="3" sentence="0" number="2">/</token>
<token t_id="4" sentence="0" number="3">/</token>
<token t_id="5" sentence="0" number="4">www.valley-herald.example</token>
<token t_id="6" sentence="0" number="5">/</token>
<token t_id="7" sentence="0" number="6">story</token>
<token t_id="8" sentence="1" number="0">Flood</token>
<token t_id="9" sentence="1" number="1">hits</token>
<token t_id="10" sentence="1" number="2">Marlow</token>
<token t_id="11" sentence="2" number="0">Residents</token>
<token t_id="12" sentence="2" number="1">(</token>
<token t_id="13" sentence="2" number="2">about</token>
<token t_id="14" sentence="2" number="3">300</token>
<token t_id="15" sentence="2" number="4">)</token>
<token t_id="16" sentence="2" number="5">left</token>
<token t_id="17" sentence="2" number="6">,</token>
<token t_id="18" sentence="2" number="7">officials</token>
<token t_id="19" sentence="2" number="8">said</token>
<token t_id="20" sentence="2" number="9">&amp;</token>
<token t_id="21" sentence="2" number="10">it</token>
<token t_id="22" sentence="2" number="11">'s</token>
<token t_id="23" sentence="2" number="12">over</token>
<token t_id="25" sentence="2" number="13">at</token>
<token t_id="26" sentence="2" number="14">8</token>
<token t_id="27" sentence="2" number="15">:</token>
<token t_id="28" sentence="2" number="16">12</token>
<token t_id="29" sentence="2" number="17">for</token>
<token t_id="30" sentence="2" number="18">16</token>
<token t_id="31" sentence="2" number="19">-</token>
<token t_id="32" sentence="2" number="20">year</token>
<token t_id="33" sentence="2" number="21">-</token>
<token t_id="34" sentence="2" number="22">olds</token>
<token t_id="24" sentence="2" number="13">.</token>
<Markables>
<ACTION_OCCURRENCE m_id="1"><token_anchor t_id="9"/></ACTION_OCCURRENCE>
</Markables>
</Document>
"#;

    #[test]
    fn rebuilds_ecbplus_text_and_outlet() {
        let d = ecb_doc(PLUS, "7_3ecbplus.xml", "7");
        assert_eq!(
            d.text,
            "Flood hits Marlow\n\nResidents (about 300) left, officials said & it's over at 8:12 for 16-year-olds."
        );
        assert_eq!(d.source.as_deref(), Some("valley-herald.example"));
        assert_eq!(d.gold, "7/ecbplus");
        let e = ecb_doc(PLUS, "7_3ecb.xml", "7");
        assert!(e.text.starts_with("http") && e.text.contains("story\n\nFlood hits"), "{}", e.text);
        assert_eq!(e.source, None);
        assert_eq!(e.gold, "7/ecb");
    }

    /// A header record (no `documents`) is skipped, not an error; records after it are read.
    #[test]
    fn multinews_header_record_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("mn.jsonl");
        std::fs::write(
            &f,
            "{\"source\": \"invented\", \"records\": 1}\n\
             {\"idx\": 4, \"summary\": \"s\", \"documents\": [\"Ferry strike in Varrow.\", \"\"]}\n",
        )
        .unwrap();
        let docs = read_multinews(&f).unwrap();
        assert_eq!(docs.len(), 1);
        assert_eq!((docs[0].name.as_str(), docs[0].gold.as_str()), ("4/0", "4"));
        std::fs::write(&f, "{\"documents\": [\"A text.\"]}\n").unwrap();
        assert!(read_multinews(&f).is_err(), "documents without idx have no gold cluster");
    }

    #[test]
    fn shuffle_is_a_fixed_permutation() {
        let a = shuffled(50, SEED);
        assert_eq!(a, shuffled(50, SEED));
        let mut s = a.clone();
        s.sort();
        assert_eq!(s, (0..50).collect::<Vec<_>>());
        assert_ne!(a, (0..50).collect::<Vec<_>>());
    }

    #[test]
    fn scores_five_items() {
        let gold = ["1/ecb", "1/ecb", "1/ecb", "1/ecbplus", "1/ecbplus"];
        let pred: Vec<String> = ["a", "a", "b", "b", "b"].iter().map(|s| s.to_string()).collect();
        let s = scores(Path::new("x"), &gold, &pred, 1.0, 0);
        assert!((s.headline.value - 11.0 / 15.0).abs() < 1e-9);
        assert!((s.extra("adjusted Rand index").unwrap() - 1.0 / 6.0).abs() < 1e-9);
        assert_eq!(s.extra("predicted clusters"), Some(2.0));
        assert_eq!(s.extra("largest predicted cluster"), Some(3.0));
        assert!(s.render().ends_with("B-cubed F1 0.733"));
    }

    #[test]
    fn end_to_end_on_tiny_corpus() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("7")).unwrap();
        std::fs::write(dir.path().join("7/7_3ecbplus.xml"), PLUS).unwrap();
        std::fs::write(dir.path().join("7/7_4ecbplus.xml"), PLUS.replace("Marlow", "Marlow again"))
            .unwrap();
        std::fs::write(dir.path().join("README.txt"), "not xml").unwrap();
        let s = crate::run(crate::Task::Clustering, dir.path()).unwrap();
        assert_eq!(s.items, 2);
        assert_eq!(s.extra("gold clusters"), Some(1.0));
        let mn = dir.path().join("mn.jsonl");
        std::fs::write(&mn, "{\"idx\": 3, \"summary\": \"s\", \"documents\": [\"Flood hits Marlow.\", \"Marlow flood.\"]}\n").unwrap();
        let s = crate::run(crate::Task::Clustering, &mn).unwrap();
        assert_eq!(s.items, 2);
        let e = crate::run(crate::Task::Clustering, &dir.path().join("README.txt")).unwrap_err();
        assert!(e.to_string().contains("README.txt"));
    }

    #[test]
    #[ignore = "needs ../shared/data/clustering/ecbplus"]
    fn smoke_ecbplus() {
        let p = util::shared_data("clustering/ecbplus");
        let s = run(&p).unwrap();
        println!("{}", s.render());
        assert_eq!(s.items, 772);
        assert_eq!(s.extra("gold clusters"), Some(66.0));
    }
}
