//! Throughput of the shipped encoder on one thread.
//!
//! ```sh
//! cargo run --release -p storyline-embed --example bench_embed -- [FILE ...]
//! ```
//!
//! Sentences are the non-empty lines of the `text` field of JSON-lines records (default: the
//! ingest records `../shared/data/compare/*.jsonl`, whose texts hold one sentence per line),
//! or the non-empty lines of any other file given. Prints sentences/s and tokens/s.

use std::time::Instant;

use storyline_embed::Encoder;

fn sentences(path: &str, out: &mut Vec<String>) {
    let Ok(text) = std::fs::read_to_string(path) else { return };
    if path.ends_with(".jsonl") {
        for line in text.lines() {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else { continue };
            if let Some(t) = v["text"].as_str() {
                out.extend(t.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string));
            }
        }
    } else {
        out.extend(text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string));
    }
}

fn main() {
    let mut files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        let dir = "../shared/data/compare";
        let mut found: Vec<String> = std::fs::read_dir(dir)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path().display().to_string()).collect())
            .unwrap_or_default();
        found.retain(|p| p.ends_with(".jsonl") && !p.ends_with("events.jsonl"));
        found.sort();
        files = found;
    }
    let mut sents = Vec::new();
    for f in &files {
        sentences(f, &mut sents);
    }
    assert!(!sents.is_empty(), "no sentences found in {files:?}");
    let t0 = Instant::now();
    let e = Encoder::shipped();
    println!("model parsed in {:.1} ms ({}-d)", t0.elapsed().as_secs_f64() * 1e3, e.dim());
    let mut tokens = 0usize;
    for s in &sents {
        e.for_each_token(s, |_| tokens += 1);
    }
    let words: usize = sents.iter().map(|s| s.split_whitespace().count()).sum();
    println!(
        "{} sentences, {:.1} words and {:.1} tokens per sentence",
        sents.len(),
        words as f64 / sents.len() as f64,
        tokens as f64 / sents.len() as f64
    );
    let mut buf = vec![0.0f32; e.dim()];
    let mut check = 0.0f32;
    let reps = (200_000 / sents.len()).max(1);
    let t = Instant::now();
    for _ in 0..reps {
        for s in &sents {
            e.embed_into(s, &mut buf);
            check += buf[0];
        }
    }
    let secs = t.elapsed().as_secs_f64();
    let n = (reps * sents.len()) as f64;
    println!(
        "embed_into: {:.0} sentences/s, {:.0} tokens/s, {:.2} µs/sentence (one thread, {} passes; checksum {check:.3})",
        n / secs,
        (reps * tokens) as f64 / secs,
        secs / n * 1e6,
        reps
    );
}
