//! Multi-document summaries: the story summary (`storyline_compare::summary_of`) against Multi-News
//! human summaries, scored with ROUGE-1/2/L F1 (Porter stemming, `rouge-score`'s tokenizer) after
//! truncating the system summary to the reference's word count, averaged over clusters. A lead
//! baseline (each article's first sentences in turn) is scored the same way for comparison.

use std::path::Path;
use std::time::Instant;

use serde_json::Value;
use storyline_model::Article;

use crate::rouge::{rouge_l, rouge_n, tokens, truncate_words, Prf};
use crate::{util, EvalError, Metric, Row, Scores};

/// One Multi-News cluster: its articles and the human summary.
pub struct Cluster {
    pub idx: String,
    pub documents: Vec<String>,
    pub summary: String,
}

/// Reads a Multi-News JSON Lines file (`{idx, summary, documents: [text…]}`); a record without
/// `documents` (a header line) is skipped.
pub fn read(path: &Path) -> Result<Vec<Cluster>, EvalError> {
    let mut out = Vec::new();
    for (i, line) in util::read(path)?.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line)
            .map_err(|e| EvalError::parse(path, Some(i + 1), format!("invalid JSON: {e}")))?;
        let Some(docs) = v.get("documents").and_then(Value::as_array) else {
            // A record without documents (a header, metadata) has no text to summarise: skipped.
            continue;
        };
        let Some(summary) = v.get("summary").and_then(Value::as_str) else {
            return Err(EvalError::parse(
                path,
                Some(i + 1),
                "expected a Multi-News record `{idx, summary, documents: [text…]}`",
            ));
        };
        let idx = match v.get("idx") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => (i + 1).to_string(),
        };
        let documents = docs
            .iter()
            .filter_map(|d| match d {
                Value::String(s) => Some(s.clone()),
                Value::Object(o) => o.get("text").and_then(Value::as_str).map(str::to_string),
                _ => None,
            })
            .filter(|s| !s.trim().is_empty())
            .collect();
        out.push(Cluster { idx, documents, summary: summary.to_string() });
    }
    if out.is_empty() {
        return Err(EvalError::layout(path, "no Multi-News records found"));
    }
    Ok(out)
}

/// The cluster's articles as the pipeline sees raw text (no analysis: the summariser splits
/// sentences itself).
fn articles(c: &Cluster) -> Vec<Article> {
    c.documents
        .iter()
        .enumerate()
        .map(|(n, d)| storyline_ingest::body_article(&format!("{}/{n}", c.idx), d))
        .collect()
}

/// Lead baseline: the articles' first sentences, round robin, until `max_words`.
fn lead(arts: &[Article], max_words: usize) -> String {
    let sents: Vec<Vec<String>> = arts
        .iter()
        .map(|a| {
            a.text
                .split_inclusive(['.', '!', '?'])
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .collect();
    let mut out: Vec<&str> = Vec::new();
    let mut words = 0;
    for k in 0.. {
        let mut any = false;
        for s in &sents {
            if let Some(t) = s.get(k) {
                any = true;
                if words < max_words {
                    out.push(t);
                    words += t.split_whitespace().count();
                }
            }
        }
        if !any || words >= max_words {
            break;
        }
    }
    out.join(" ")
}

#[derive(Default)]
struct Sums {
    r1: f64,
    r2: f64,
    rl: f64,
    r1p: f64,
    r1r: f64,
}

impl Sums {
    fn add(&mut self, system: &str, reference: &str) -> Prf {
        let n = reference.split_whitespace().count();
        let (p, g) = (tokens(&truncate_words(system, n)), tokens(reference));
        let r1 = rouge_n(&p, &g, 1);
        self.r1 += r1.f1;
        self.r1p += r1.precision;
        self.r1r += r1.recall;
        self.r2 += rouge_n(&p, &g, 2).f1;
        self.rl += rouge_l(&p, &g).f1;
        r1
    }
    fn row(&self, label: &str, n: f64) -> Row {
        Row::new(
            label,
            vec![
                Metric::new("R-1", 100.0 * self.r1 / n),
                Metric::new("R-2", 100.0 * self.r2 / n),
                Metric::new("R-L", 100.0 * self.rl / n),
                Metric::new("R-1 P", 100.0 * self.r1p / n),
                Metric::new("R-1 R", 100.0 * self.r1r / n),
            ],
        )
    }
}

pub fn run(data: &Path) -> Result<Scores, EvalError> {
    if !(data.is_file() && util::has_ext(data, "jsonl")) {
        return Err(EvalError::layout(data, "expected a Multi-News `.jsonl` file"));
    }
    let clusters = read(data)?;
    let mut system = Sums::default();
    // The same scores on the even- and odd-indexed clusters (held-out check for fitted weights).
    let mut halves = [Sums::default(), Sums::default()];
    let mut baseline = Sums::default();
    let mut summarise_secs = 0.0;
    let t0 = Instant::now();
    // Error table: R-1 by number of articles in the cluster.
    let mut by_docs: std::collections::BTreeMap<usize, (usize, f64)> = Default::default();
    let mut worst: Vec<(f64, String)> = Vec::new();
    for (ci, c) in clusters.iter().enumerate() {
        let arts = articles(c);
        let ref_words = c.summary.split_whitespace().count();
        let t = Instant::now();
        let summary = storyline_compare::summary_of(&arts, ref_words);
        summarise_secs += t.elapsed().as_secs_f64();
        let text: Vec<&str> = summary.iter().map(|s| s.text.as_str()).collect();
        let r1 = system.add(&text.join(" "), &c.summary);
        halves[ci % 2].add(&text.join(" "), &c.summary);
        baseline.add(&lead(&arts, ref_words), &c.summary);
        let e = by_docs.entry(arts.len().min(5)).or_default();
        e.0 += 1;
        e.1 += r1.f1;
        worst.push((r1.f1, c.idx.clone()));
    }
    let n = clusters.len() as f64;
    let n_even = clusters.len().div_ceil(2) as f64;
    let n_odd = (clusters.len() / 2).max(1) as f64;
    let secs = t0.elapsed().as_secs_f64();
    let mut notes = vec!["R-1 by articles in the cluster (5 = five or more):".to_string()];
    for (k, (count, sum)) in &by_docs {
        notes.push(format!(
            "  {k} articles: {count} clusters, R-1 {:.1}",
            100.0 * sum / *count as f64
        ));
    }
    worst.sort_by(|a, b| a.0.total_cmp(&b.0));
    notes.push(format!(
        "lowest R-1 clusters: {}",
        worst
            .iter()
            .take(5)
            .map(|(r, i)| format!("{i} ({:.1})", 100.0 * r))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    notes.push("anchors (R-1/R-2): LexRank 43.6/14.4, Hi-MAP 43.5, PRIMERA 49.9".into());
    Ok(Scores {
        task: "summaries".into(),
        data: data.display().to_string(),
        items: clusters.len(),
        unit: "clusters".into(),
        rows: vec![
            system.row("storyline", n),
            halves[0].row("  even clusters", n_even),
            halves[1].row("  odd clusters", n_odd),
            baseline.row("lead baseline", n),
        ],
        extra: vec![
            Metric::new("clusters/s (summariser only)", n / summarise_secs.max(1e-9)),
            Metric::new("clusters/s (with reading and scoring)", n / secs.max(1e-9)),
        ],
        notes,
        headline: Metric::new("ROUGE-1 F1", 100.0 * system.r1 / n),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A header record (no `documents`) is skipped, not an error; records after it are read.
    #[test]
    fn header_record_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("mn.jsonl");
        std::fs::write(
            &f,
            "{\"source\": \"invented\"}\n\
             {\"idx\": 7, \"summary\": \"Ferries stop.\", \"documents\": [\"Ferries in Varrow stopped.\"]}\n",
        )
        .unwrap();
        let c = read(&f).unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].idx.as_str(), c[0].documents.len()), ("7", 1));
        std::fs::write(&f, "{\"documents\": [\"A text.\"]}\n").unwrap();
        assert!(read(&f).is_err(), "documents without a summary have no reference");
    }
}
