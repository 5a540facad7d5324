//! Trains the entity tagger on CoNLL-2003 and writes the model file; optionally scores the new
//! model on a development file the way `storyline eval ner` does (tokens joined by spaces, spans
//! mapped back to CoNLL tokens, conlleval exact-span F1).
//!
//! `cargo run --release -p storyline-train --example train_ner -- TRAIN OUT [--epochs N] [--dev FILE]...`
//! e.g. `-- ../shared/data/ner/conll2003/eng.train crates/analyze/models/ner.bin`.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use storyline_analyze::entities;
use storyline_analyze::ner::Model;
use storyline_eval::metrics::Counts;
use storyline_eval::ner::{self as conll, Chunk, Document};
use storyline_model::Span;
use storyline_train::cli;
use storyline_train::ner::{prepare, train, Options};

/// The documents of a CoNLL file, read as `storyline eval ner` reads them.
fn read_conll(path: &str) -> Vec<Document> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        eprintln!("cannot read {path}: {e}");
        std::process::exit(2)
    });
    conll::parse(&text, Path::new(path)).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    })
}

fn main() {
    let args = cli::Args::parse(
        "usage: train_ner TRAIN OUT [--epochs N] [--dev FILE]...",
        &["--epochs", "--dev"],
    );
    let [train_path, out_path] = args.positional();
    let defaults = Options::default();
    let opts = Options { epochs: args.value("--epochs", defaults.epochs), ..defaults };
    let dev = args.all("--dev");
    let docs: Vec<_> = read_conll(train_path).iter().map(prepare).collect();
    let n_tok: usize = docs.iter().map(|d| d.gold.len()).sum();
    eprintln!("{} documents, {n_tok} tokens", docs.len());
    let t0 = Instant::now();
    let model = train(&docs, opts, |epoch, errors, tokens| {
        eprintln!(
            "epoch {epoch}: token error rate {:.4} ({:.0?})",
            errors as f64 / tokens as f64,
            t0.elapsed()
        );
    });
    let bytes = model.to_bytes();
    std::fs::write(out_path, &bytes).expect("write model");
    eprintln!("{} features, {:.1} MB → {out_path}", model.n_features(), bytes.len() as f64 / 1e6);
    let t1 = Instant::now();
    let model = Model::from_bytes(&bytes).expect("reload");
    eprintln!("load {:.0?}", t1.elapsed());
    for d in dev {
        evaluate(&model, d, &read_conll(d));
    }
}

/// conlleval-style scores of `model` on CoNLL documents (scored as `storyline eval ner` scores
/// the embedded model), plus the worst confusions.
fn evaluate(model: &Model, name: &str, docs: &[Document]) {
    let mut per_type: BTreeMap<String, Counts> = BTreeMap::new();
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let (mut n_tok, mut secs) = (0, 0.0);
    for doc in docs {
        let gold = conll::gold_chunks(doc);
        let rb = conll::rebuild(doc);
        n_tok += rb.tokens.len();
        let t = Instant::now();
        let ents = entities::extract_with(model, &rb.text, &rb.sentences);
        secs += t.elapsed().as_secs_f64();
        let pred = conll::predicted_chunks(&rb, &ents);
        conll::count(&gold, &pred, &mut per_type);
        classify_errors(&rb.text, &rb.tokens, &gold, &pred, &mut errors);
    }
    let mut all = Counts::default();
    println!("{name}: {n_tok} tokens, {:.0} tokens/s (entity step)", n_tok as f64 / secs);
    for (k, c) in &per_type {
        print_row(k, c);
        all.add(*c);
    }
    print_row("overall", &all);
    let mut kinds: Vec<_> = errors.into_iter().collect();
    kinds.sort_by_key(|(_, v)| std::cmp::Reverse(v.len()));
    println!("errors by kind:");
    for (k, v) in kinds.iter().take(14) {
        let ex: Vec<&str> = v.iter().take(6).map(String::as_str).collect();
        println!("  {:5} {k}: {}", v.len(), ex.join(" | "));
    }
}

/// Sorts each wrong chunk into an error kind: wrong type (same span), wrong boundary (overlap),
/// missed, spurious.
fn classify_errors(
    text: &str,
    toks: &[Span],
    gold: &[Chunk],
    pred: &[Chunk],
    out: &mut BTreeMap<String, Vec<String>>,
) {
    let show = |c: &Chunk| -> String {
        let s = toks[c.start].start;
        let e = toks[c.end - 1].end;
        text.chars().skip(s).take(e - s).collect()
    };
    let overlaps = |a: &Chunk, b: &Chunk| a.start < b.end && b.start < a.end;
    for g in gold.iter().filter(|g| !pred.contains(g)) {
        let same_span = pred.iter().find(|p| p.start == g.start && p.end == g.end);
        let over = pred.iter().find(|p| overlaps(p, g));
        let (kind, ex) = match (same_span, over) {
            (Some(p), _) => (format!("type {}→{}", g.kind, p.kind), show(g)),
            (None, Some(p)) => (format!("boundary {}", g.kind), format!("{}→{}", show(g), show(p))),
            _ => (format!("missed {}", g.kind), show(g)),
        };
        out.entry(kind).or_default().push(ex);
    }
    for p in pred.iter().filter(|p| !gold.contains(p)) {
        if !gold.iter().any(|g| overlaps(p, g)) {
            out.entry(format!("spurious {}", p.kind)).or_default().push(show(p));
        }
    }
}

fn print_row(label: &str, c: &Counts) {
    println!(
        "  {label:8} P {:.3} R {:.3} F1 {:.3}  (gold {}, predicted {}, correct {})",
        c.precision(),
        c.recall(),
        c.f1(),
        c.gold,
        c.predicted,
        c.tp
    );
}
