//! Checks `detect_language` against whatlang alone on real articles: every text of the JSON Lines
//! files (a `text` field) and plain-text files given, or found under the directories given.
//!
//! ```text
//! python3 bench/reuters_jsonl.py ../shared/data/bench/reuters21578 /tmp/reuters.jsonl
//! cargo run --release -p storyline-ingest --example language_agreement -- /tmp/reuters.jsonl \
//!     ../shared/data/timelines/timeline17
//! ```
//!
//! Prints how many texts each gives each language and every text where they differ.

use std::collections::BTreeMap;
use std::path::Path;

/// What detection gave before the English shortcut: whatlang over the same sample.
fn whatlang_only(text: &str) -> Option<String> {
    let mut end = text.len().min(2048);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = &text[..end];
    if text.chars().filter(|c| c.is_alphabetic()).count() < 40 {
        return None;
    }
    let info = whatlang::detect(text)?;
    if !info.is_reliable() && info.confidence() < 0.5 {
        return None;
    }
    Some(info.lang().code().to_string())
}

fn texts(path: &Path, out: &mut Vec<(String, String)>) {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .expect("readable directory")
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            texts(&p, out);
        }
        return;
    }
    let Ok(raw) = std::fs::read_to_string(path) else { return };
    if path.extension().is_some_and(|x| x == "jsonl") {
        for (i, line) in raw.lines().enumerate() {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else { continue };
            if let Some(t) = v.get("text").and_then(|t| t.as_str()) {
                out.push((format!("{}:{}", path.display(), i + 1), t.to_string()));
            }
        }
    } else if path.extension().is_none_or(|x| x == "txt") {
        out.push((path.display().to_string(), raw));
    }
}

fn main() {
    let mut all = Vec::new();
    for arg in std::env::args().skip(1) {
        texts(Path::new(&arg), &mut all);
    }
    let mut counts: BTreeMap<(Option<String>, Option<String>), usize> = BTreeMap::new();
    let mut differ = 0;
    for (name, text) in &all {
        let new = storyline_ingest::detect_language(text);
        let old = whatlang_only(text);
        let same = match (&new, &old) {
            (Some(n), Some(o)) => n == "en" && o == "eng" || n != "en" && o != "eng",
            (None, None) => true,
            _ => false,
        };
        if !same {
            differ += 1;
            let head: String = text.chars().take(120).collect();
            println!("differ {name}: now {new:?}, whatlang {old:?} | {head:?}");
        }
        *counts.entry((new, old)).or_default() += 1;
    }
    for ((new, old), n) in &counts {
        println!("{n:>7}  now {new:?}  whatlang {old:?}");
    }
    println!("{} texts, {differ} differ", all.len());
}
