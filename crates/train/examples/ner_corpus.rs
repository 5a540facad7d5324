//! Tokenises unlabelled news text the way the entity tagger sees it, for its word clusters
//! (`crates/train/clusters/clusters.py`): JSON lines `{"text": …}` on stdin, one sentence per line
//! on stdout, tokens separated by single spaces.
//!
//! ```sh
//! python3 crates/train/clusters/corpus.py ../shared/data \
//!   | cargo run --release -p storyline-train --example ner_corpus > /tmp/news.tok
//! ```

use std::io::{BufRead, BufWriter, Write};

use storyline_analyze::ner::tokenize::tokenize;
use storyline_text::sentences::split;

fn main() {
    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut toks = Vec::new();
    for line in stdin.lines() {
        let line = line.expect("stdin is readable");
        let Ok(doc) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let Some(text) = doc.get("text").and_then(|t| t.as_str()) else {
            continue;
        };
        let bytes: Vec<usize> =
            text.char_indices().map(|(b, _)| b).chain(std::iter::once(text.len())).collect();
        for span in split(text) {
            toks.clear();
            tokenize(text, bytes[span.start], bytes[span.end], &mut toks);
            if toks.len() < 3 {
                continue;
            }
            let words: Vec<&str> = toks.iter().map(|&(a, b)| &text[a..b]).collect();
            writeln!(out, "{}", words.join(" ")).expect("stdout is writable");
        }
    }
}
