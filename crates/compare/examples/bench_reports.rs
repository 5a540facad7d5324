//! Speed of the story report on large stories built from Multi-News validation clusters. The
//! documents of consecutive clusters (in file order) form a story's pool of `ARTICLES` documents;
//! each article of the story is `JOIN` documents of the pool joined into one long text (the pool
//! documents taken at a stride, so articles share passages as syndicated and rewritten coverage
//! does). Every article is analysed as the pipeline does (publication date fixed, so relative
//! dates resolve; outlets assigned in turn), then `storyline_compare::report` is timed per story.
//!
//! ```text
//! cargo run --release -p storyline-compare --example bench_reports -- \
//!     ../shared/data/summaries/multinews_val.jsonl [STORIES=6] [ARTICLES=50] [JOIN=6]
//! ```
//!
//! Prints reports/s, the mean and the slowest report (with its article and sentence counts), and
//! the analysis time for comparison. Skips (with a message) when the data file is absent.

use std::path::Path;
use std::time::Instant;

use storyline_model::{Article, Grouping, StoryId};

/// The documents of the first Multi-News clusters, in file order, until `needed` are read.
fn documents(path: &Path, needed: usize) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut out = Vec::new();
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        let docs = v.get("documents").and_then(|d| d.as_array()).cloned().unwrap_or_default();
        for d in docs {
            if let Some(s) = d.as_str().filter(|s| s.split_whitespace().count() >= 50) {
                out.push(s.to_string());
            }
        }
        if out.len() >= needed {
            break;
        }
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = Path::new(args.get(1).map_or("../shared/data/summaries/multinews_val.jsonl", |s| s));
    if !path.is_file() {
        eprintln!("bench_reports: {} not found; skipping", path.display());
        return;
    }
    let stories: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(6);
    let per_story: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(50);
    let join: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(6).max(1);
    let docs = documents(path, stories * per_story);
    let texts: Vec<String> = docs
        .chunks(per_story)
        .filter(|pool| pool.len() == per_story)
        .flat_map(|pool| {
            (0..per_story).map(move |k| {
                (0..join)
                    .map(|m| pool[(k + m * 7) % per_story].as_str())
                    .collect::<Vec<_>>()
                    .join("\n\n")
            })
        })
        .collect();
    let published = jiff::civil::date(2016, 3, 14);
    let t = Instant::now();
    let articles: Vec<(Article, Grouping)> = texts
        .iter()
        .enumerate()
        .map(|(n, d)| {
            let mut a = storyline_ingest::body_article(&format!("doc{n}"), d);
            a.published = Some(published);
            a.source = Some(format!("Outlet {}", n % 17));
            a.analysis = storyline_analyze::analyze(&a.text, a.published);
            (a, Grouping::default())
        })
        .collect();
    let analyse_secs = t.elapsed().as_secs_f64();
    let mut times: Vec<(f64, usize, usize)> = Vec::new();
    for chunk in articles.chunks(per_story).filter(|c| c.len() == per_story) {
        let id = StoryId::started_by(&chunk[0].0.id);
        let sentences: usize = chunk.iter().map(|(a, _)| a.analysis.sentences.len()).sum();
        let t = Instant::now();
        let report = storyline_compare::report(&id, chunk);
        std::hint::black_box(&report);
        times.push((t.elapsed().as_secs_f64(), chunk.len(), sentences));
    }
    if times.is_empty() {
        eprintln!("bench_reports: fewer than {per_story} articles read; nothing to time");
        return;
    }
    let total: f64 = times.iter().map(|t| t.0).sum();
    let slowest = times.iter().copied().fold((0.0, 0, 0), |a, b| if b.0 > a.0 { b } else { a });
    println!(
        "{} stories of {per_story} articles of {join} documents ({} words on average; {} articles \
         analysed in {analyse_secs:.1} s)",
        times.len(),
        texts.iter().map(|t| t.split_whitespace().count()).sum::<usize>() / texts.len().max(1),
        articles.len()
    );
    println!(
        "reports/s: {:.2} (mean {:.3} s per report)",
        times.len() as f64 / total,
        total / times.len() as f64
    );
    println!(
        "slowest report: {:.3} s ({} articles, {} sentences)",
        slowest.0, slowest.1, slowest.2
    );
}
