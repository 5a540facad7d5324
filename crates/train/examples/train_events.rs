//! Writes the learned trigger lexicon of `storyline_analyze::events`
//! (`crates/analyze/models/event_lexicon.tsv`) from the CAMEO → PLOVER table and WordNet 3.0
//! (see `storyline_train::event_lexicon` for how):
//!
//! ```sh
//! apt-get install wordnet-base   # WordNet 3.0 in /usr/share/wordnet
//! cargo run --release -p storyline-train --example train_events -- \
//!     ../shared/data/events/plover/CAMEO2PLOVER-2021.txt [--wordnet /usr/share/wordnet] \
//!     [--senses 3] [--out crates/analyze/models/event_lexicon.tsv]
//! ```
//!
//! No PLOVER sentence is read: the development split stays an unseen test of the lexicon.

use std::path::Path;

use storyline_train::cli::Args;
use storyline_train::event_lexicon::{build, parse_table, render, WordNet};

const USAGE: &str =
    "usage: train_events CAMEO2PLOVER.txt [--wordnet DIR] [--senses N] [--out FILE]";

fn main() {
    let args = Args::parse(USAGE, &["--wordnet", "--senses", "--out"]);
    let [table] = args.positional();
    let wordnet: String = args.value("--wordnet", "/usr/share/wordnet".to_string());
    let senses: usize = args.value("--senses", 3);
    let out: String = args.value("--out", "crates/analyze/models/event_lexicon.tsv".to_string());
    let text = std::fs::read_to_string(table).unwrap_or_else(|e| panic!("{table}: {e}"));
    let rows = parse_table(&text);
    let wn = WordNet::load(Path::new(&wordnet)).unwrap_or_else(|e| panic!("{wordnet}: {e}"));
    let entries = build(&rows, &wn, senses);
    std::fs::write(&out, render(&entries, senses)).unwrap_or_else(|e| panic!("{out}: {e}"));
    let lemmas: std::collections::BTreeSet<&str> =
        entries.iter().map(|e| e.lemma.as_str()).collect();
    eprintln!(
        "{} table rows, {} lemmas, {} forms -> {out}",
        rows.len(),
        lemmas.len(),
        entries.len()
    );
}
