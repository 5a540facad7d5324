//! HTML main-text extraction on the ScrapingHub article-extraction benchmark layout:
//! `pages/<id>.html.gz` (or `.html`) and `ground-truth.json` (`{id: {articleBody, url}}`).
//!
//! Each page goes through the real ingest path ([`storyline_ingest::parse`]: gzip, charset,
//! HTML extraction, text cleaning), and the article text is compared with `articleBody` the
//! benchmark's way: 4-word shingles over `\w+` tokens (lowercased), counted with multiplicity;
//! per page TP/FP/FN (normalised by their sum); precision averaged over pages with TP+FP > 0,
//! recall over pages with TP+FN > 0; F1 of the two means (the headline figure). Speed is
//! single-threaded extraction (the whole `parse`, decompression included), given per second of
//! wall-clock time and, on Linux, per second of the thread's CPU time (per core, whatever else
//! the machine is running).
//!
//! Other extractors can be scored by the same code in the same run: set
//! `STORYLINE_EVAL_HTML_COMPARE=name=predictions.json[,name2=file2.json]` where each file is
//! `{id: {articleBody}}` (the shape the benchmark uses); each adds a row. `bench/` uses this to
//! print trafilatura beside Storyline. `STORYLINE_EVAL_HTML_DUMP=file.json` writes Storyline's own
//! predictions in that shape (for error analysis).

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use serde_json::Value;

use crate::util::{self, file_name};
use crate::{EvalError, Metric, Row, Scores};

/// Normalised TP/FP/FN of one page.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PageCounts {
    pub tp: f64,
    pub fp: f64,
    pub fn_: f64,
}

impl PageCounts {
    fn precision(&self) -> f64 {
        if self.fp == 0.0 && self.fn_ == 0.0 {
            1.0
        } else if self.tp == 0.0 && self.fp == 0.0 {
            0.0
        } else {
            self.tp / (self.tp + self.fp)
        }
    }
    fn recall(&self) -> f64 {
        if self.fp == 0.0 && self.fn_ == 0.0 {
            1.0
        } else if self.tp == 0.0 && self.fn_ == 0.0 {
            0.0
        } else {
            self.tp / (self.tp + self.fn_)
        }
    }
}

/// Lowercased `\w+` tokens (Unicode alphanumerics and `_`, as Python's `re` reads `\w`).
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' {
            cur.extend(c.to_lowercase());
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// 4-token shingles with their counts (a text of fewer than 4 tokens is one shorter shingle).
fn shingles(text: &str) -> HashMap<Vec<String>, usize> {
    let toks = tokens(text);
    let mut out = HashMap::new();
    let n = 4;
    let last = toks.len().saturating_sub(n) + 1;
    for i in 0..last.max(1) {
        let s = toks[i.min(toks.len())..(i + n).min(toks.len())].to_vec();
        if !s.is_empty() {
            *out.entry(s).or_insert(0) += 1;
        }
    }
    out
}

/// TP/FP/FN of a prediction against the gold text, normalised so that they sum to 1.
pub fn page_counts(gold: &str, predicted: &str) -> PageCounts {
    let g = shingles(gold);
    let p = shingles(predicted);
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for (k, &gc) in &g {
        let pc = p.get(k).copied().unwrap_or(0);
        tp += gc.min(pc);
        fn_ += gc.saturating_sub(pc);
    }
    for (k, &pc) in &p {
        fp += pc.saturating_sub(g.get(k).copied().unwrap_or(0));
    }
    let s = (tp + fp + fn_) as f64;
    if s == 0.0 {
        return PageCounts::default();
    }
    PageCounts { tp: tp as f64 / s, fp: fp as f64 / s, fn_: fn_ as f64 / s }
}

/// Macro precision, recall and their F1 over pages.
pub fn macro_prf(pages: &[PageCounts]) -> (f64, f64, f64) {
    let mean =
        |v: Vec<f64>| if v.is_empty() { 0.0 } else { v.iter().sum::<f64>() / v.len() as f64 };
    let p = mean(pages.iter().filter(|c| c.tp + c.fp > 0.0).map(PageCounts::precision).collect());
    let r = mean(pages.iter().filter(|c| c.tp + c.fn_ > 0.0).map(PageCounts::recall).collect());
    (p, r, crate::metrics::f1(p, r))
}

fn prf_row(label: &str, pages: &[PageCounts]) -> Row {
    let (p, r, f) = macro_prf(pages);
    Row::new(
        label,
        vec![
            Metric::new("P", p),
            Metric::new("R", r),
            Metric::new("F1", f),
            Metric::count("pages", pages.len()),
        ],
    )
}

/// Reads `{id: {articleBody}}` into id → text.
fn bodies(path: &Path) -> Result<HashMap<String, String>, EvalError> {
    let v: Value = serde_json::from_str(&util::read(path)?)
        .map_err(|e| EvalError::parse(path, Some(e.line()), e.to_string()))?;
    let Value::Object(map) = v else {
        return Err(EvalError::parse(path, None, "expected an object {id: {articleBody}}"));
    };
    Ok(map
        .into_iter()
        .map(|(id, rec)| {
            let body = rec.get("articleBody").and_then(Value::as_str).unwrap_or("").to_string();
            (id, body)
        })
        .collect())
}

/// Scores Storyline's HTML extraction on the benchmark at `data`.
pub fn run(data: &Path) -> Result<Scores, EvalError> {
    let gt_path = data.join("ground-truth.json");
    let pages_dir = data.join("pages");
    if !gt_path.is_file() || !pages_dir.is_dir() {
        return Err(EvalError::layout(
            data,
            "expected ground-truth.json and pages/<id>.html.gz (eval html)",
        ));
    }
    let gold = bodies(&gt_path)?;
    let files = util::files_under(&pages_dir, &|p| {
        let n = file_name(p);
        n.ends_with(".html.gz") || n.ends_with(".html")
    })?;
    let mut ids = Vec::new();
    let mut inputs = Vec::new();
    for f in &files {
        let n = file_name(f);
        let id = n.trim_end_matches(".gz").trim_end_matches(".html").to_string();
        if !gold.contains_key(&id) {
            continue;
        }
        let bytes = std::fs::read(f).map_err(|e| EvalError::io(f, e))?;
        ids.push(id);
        inputs.push(storyline_ingest::Input { name: n, bytes });
    }
    if ids.is_empty() {
        return Err(EvalError::layout(data, "no page of pages/ has a ground-truth entry"));
    }
    let t0 = Instant::now();
    let cpu0 = thread_cpu_seconds();
    let mut predicted = Vec::with_capacity(inputs.len());
    let mut failed = 0;
    for input in &inputs {
        let parsed = std::panic::catch_unwind(|| storyline_ingest::parse(input));
        let text = match parsed.ok().and_then(|p| p.records.into_iter().next()) {
            Some(Ok(a)) => a.text,
            _ => {
                failed += 1;
                String::new()
            }
        };
        predicted.push(text);
    }
    let secs = t0.elapsed().as_secs_f64().max(1e-9);
    let cpu_secs = thread_cpu_seconds().zip(cpu0).map(|(b, a)| (b - a).max(1e-9));
    let ours: Vec<PageCounts> =
        ids.iter().zip(&predicted).map(|(id, p)| page_counts(&gold[id], p)).collect();
    if let Ok(path) = std::env::var("STORYLINE_EVAL_HTML_DUMP") {
        let dump: serde_json::Map<String, Value> = ids
            .iter()
            .zip(&predicted)
            .map(|(id, p)| (id.clone(), serde_json::json!({ "articleBody": p })))
            .collect();
        let path = Path::new(&path);
        std::fs::write(path, Value::Object(dump).to_string())
            .map_err(|e| EvalError::io(path, e))?;
    }
    let mut rows = vec![prf_row("storyline", &ours)];
    for (name, path) in compare_files() {
        let other = bodies(Path::new(&path))?;
        let counts: Vec<PageCounts> = ids
            .iter()
            .map(|id| page_counts(&gold[id], other.get(id).map(String::as_str).unwrap_or("")))
            .collect();
        rows.push(prf_row(&name, &counts));
    }
    let mut worst: Vec<(f64, &String, PageCounts)> =
        ids.iter().zip(&ours).map(|(id, c)| ((c.precision() + c.recall()) / 2.0, id, *c)).collect();
    worst.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut notes = vec!["worst pages (id: precision / recall):".to_string()];
    for (_, id, c) in worst.iter().take(8) {
        notes.push(format!(
            "  {}: {:.3} / {:.3}",
            &id[..id.len().min(16)],
            c.precision(),
            c.recall()
        ));
    }
    let (_, _, f) = macro_prf(&ours);
    Ok(Scores {
        task: "html".into(),
        data: data.display().to_string(),
        items: ids.len(),
        unit: "pages".into(),
        rows,
        extra: [
            Some(Metric::new("pages/s (one thread, wall clock)", ids.len() as f64 / secs)),
            cpu_secs.map(|c| Metric::new("pages/s per core (CPU time)", ids.len() as f64 / c)),
            Some(Metric::count("pages without text", failed)),
        ]
        .into_iter()
        .flatten()
        .collect(),
        notes,
        headline: Metric::new("F1", f),
    })
}

/// CPU time of the calling thread in seconds (Linux `schedstat`), `None` elsewhere.
fn thread_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

/// `(name, path)` pairs from `STORYLINE_EVAL_HTML_COMPARE`.
fn compare_files() -> Vec<(String, String)> {
    let Ok(spec) = std::env::var("STORYLINE_EVAL_HTML_COMPARE") else {
        return Vec::new();
    };
    spec.split(',')
        .filter_map(|part| {
            let (name, path) = part.split_once('=')?;
            Some((name.trim().to_string(), path.trim().to_string()))
        })
        .filter(|(n, p)| !n.is_empty() && !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_lowercased_words() {
        assert_eq!(tokens("Hello, World! it's_ok 42"), vec!["hello", "world", "it", "s_ok", "42"]);
    }

    #[test]
    fn identical_texts_score_one() {
        let c = page_counts("the quick brown fox jumps", "The quick brown fox jumps.");
        assert_eq!((c.precision(), c.recall()), (1.0, 1.0));
    }

    #[test]
    fn extra_text_costs_precision_only() {
        let gold = "one two three four five";
        let c = page_counts(gold, "one two three four five six seven");
        assert!(c.recall() == 1.0 && c.precision() < 1.0, "{c:?}");
        let (p, r, f) = macro_prf(&[c, page_counts(gold, gold)]);
        assert!(p < 1.0 && r == 1.0 && f < 1.0 && f > 0.5);
    }

    #[test]
    fn empty_prediction_counts_for_recall_only() {
        let c = page_counts("alpha beta gamma delta epsilon", "");
        assert_eq!(c.precision(), 0.0);
        let (p, r, _) = macro_prf(&[c]);
        assert_eq!((p, r), (0.0, 0.0));
    }

    #[test]
    fn scores_a_small_layout() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("pages")).unwrap();
        let body = "The harbour council of Westmere voted on Tuesday to rebuild the old pier. \
                    Work starts in spring and should take two years, the mayor said.";
        let html = format!(
            "<html><head><title>Pier vote</title></head><body><nav>Home News Sport</nav>\
             <article><h1>Pier vote</h1><p>{body}</p></article><footer>Contact us</footer></body></html>"
        );
        std::fs::write(dir.path().join("pages/p1.html"), html).unwrap();
        let gt = serde_json::json!({"p1": {"articleBody": body, "url": "https://example.org/p1"}});
        std::fs::write(dir.path().join("ground-truth.json"), gt.to_string()).unwrap();
        let s = run(dir.path()).unwrap();
        assert_eq!(s.items, 1);
        assert!(s.headline.value > 0.9, "{}", s.render());
    }
}
