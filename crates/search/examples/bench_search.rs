//! Index build rate and query latency on real articles.
//!
//! ```sh
//! cargo run --release -p storyline-search --example bench_search -- ARTICLES.jsonl [LIMIT]
//! ```
//!
//! Reads JSON Lines records (`title`, `source`, `published`, `text`: what `bench/search.sh` makes
//! of Reuters-21578), stores the first LIMIT (default all) in a fresh SQLite store — without
//! analysis, each article its own story, so the store's time is not the index's —, builds the
//! index from scratch (`SearchIndex::rebuild`), catches up 1,000 more articles, then runs each
//! query of a fixed set 50 times through `SearchIndex::search` (catch-up check, BM25, snippets,
//! facets, stories read from the store) and prints p50 / p99 latency.

use std::io::BufRead;
use std::time::Instant;

use storyline_model::{StoryId, StorySummary};
use storyline_search::{SearchIndex, SearchRequest};
use storyline_store::conformance::new_article;
use storyline_store::{Batch, NewArticle, Store};
use storyline_store_sqlite::SqliteStore;

const QUERIES: &[&str] = &[
    "oil prices",
    "\"interest rates\"",
    "wheat OR corn",
    "bank -japan",
    "trade deficit",
    "dollar yen",
    "\"crude oil\" opec",
    "acquisition shares",
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().expect("usage: bench_search ARTICLES.jsonl [LIMIT]");
    let limit: usize = args.get(1).map_or(usize::MAX, |n| n.parse().expect("LIMIT is a number"));
    let records = read(path, limit.saturating_add(1_000));
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("bench.db")).unwrap();
    let split = records.len().saturating_sub(1_000).min(limit);
    let (first, later) = records.split_at(split);
    store_all(&store, first);

    let index = SearchIndex::load(&dir.path().join("bench.db.search")).unwrap();
    let started = Instant::now();
    let built = index.rebuild(&store).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "rebuild: {} articles in {seconds:.2} s = {:.0} articles/s",
        built.indexed,
        built.indexed as f64 / seconds
    );
    store_all(&store, later);
    let started = Instant::now();
    let caught = index.catch_up(&store).unwrap();
    println!("catch-up: {} articles in {:.3} s", caught.indexed, started.elapsed().as_secs_f64());
    println!("index size: {:.1} MB", size(&dir.path().join("bench.db.search")) as f64 / 1e6);
    latencies(&index, &store);
}

/// The first `limit` records of the JSON Lines file, as new articles numbered from 1.
fn read(path: &str, limit: usize) -> Vec<NewArticle> {
    let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    file.lines()
        .take(limit)
        .enumerate()
        .map(|(i, line)| {
            let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
            let (seq, id) = (i as u64 + 1, format!("r{:07}", i + 1));
            let mut a = new_article(seq, &id, &id, 1, v["source"].as_str().unwrap_or("Reuters"));
            a.article.title = v["title"].as_str().map(String::from);
            a.article.text = v["text"].as_str().unwrap_or_default().to_string();
            a.article.published = v["published"].as_str().and_then(|d| d.parse().ok());
            a
        })
        .collect()
}

fn store_all(store: &SqliteStore, articles: &[NewArticle]) {
    for chunk in articles.chunks(256) {
        let stories = chunk
            .iter()
            .map(|a| StorySummary {
                id: StoryId::started_by(&a.article.id),
                headline: a.article.title.clone().unwrap_or_default(),
                date: a.article.published,
                articles: 1,
                sources: 1,
            })
            .collect();
        store.save_batch(&Batch { articles: chunk.to_vec(), stories, cursor: None }).unwrap();
    }
}

fn latencies(index: &SearchIndex, store: &dyn Store) {
    let mut all = Vec::new();
    for query in QUERIES {
        let request = SearchRequest::new(*query);
        let mut times = Vec::new();
        let mut total = 0;
        for _ in 0..50 {
            let started = Instant::now();
            total = index.search(store, &request).unwrap().total;
            times.push(started.elapsed().as_secs_f64() * 1e3);
        }
        times.sort_by(f64::total_cmp);
        println!("{query:<22} {total:>6} hits  p50 {:.2} ms  p99 {:.2} ms", times[25], times[49]);
        all.extend(times);
    }
    all.sort_by(f64::total_cmp);
    let at = |q: f64| all[((all.len() - 1) as f64 * q) as usize];
    println!("all queries: p50 {:.2} ms  p99 {:.2} ms  (n = {})", at(0.5), at(0.99), all.len());
}

/// Bytes under `dir`.
fn size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}
