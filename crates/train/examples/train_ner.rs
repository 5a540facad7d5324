//! Trains the entity tagger on CoNLL-2003 and writes the model file; optionally scores the new
//! model on a development file the way `storyline eval ner` does (tokens joined by spaces, spans
//! mapped back to CoNLL tokens, conlleval exact-span F1).
//!
//! `cargo run --release -p storyline-train --example train_ner -- TRAIN OUT [--epochs N] [--dev FILE]...`
//! e.g. `-- ../shared/data/ner/conll2003/eng.train crates/analyze/models/ner.bin`.

use std::collections::{BTreeMap, HashSet};
use std::time::Instant;

use storyline_analyze::entities;
use storyline_analyze::ner::Model;
use storyline_model::Span;
use storyline_train::ner::{iob_chunks, parse_conll, prepare, train, ConllDoc, Options};

use storyline_train::cli;

fn main() {
    let args = cli::Args::parse(
        "usage: train_ner TRAIN OUT [--epochs N] [--dev FILE]...",
        &["--epochs", "--dev"],
    );
    let [train_path, out_path] = args.positional();
    let defaults = Options::default();
    let opts = Options { epochs: args.value("--epochs", defaults.epochs), ..defaults };
    let dev = args.all("--dev");
    let text = std::fs::read_to_string(train_path).expect("read training file");
    let docs: Vec<_> = parse_conll(&text).iter().map(prepare).collect();
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
        let text = std::fs::read_to_string(d).expect("read dev file");
        evaluate(&model, d, &parse_conll(&text));
    }
}

/// conlleval-style scores of `model` on CoNLL documents, plus the worst confusions.
fn evaluate(model: &Model, name: &str, docs: &[ConllDoc]) {
    let mut counts: BTreeMap<String, [usize; 3]> = BTreeMap::new(); // gold, predicted, correct
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let (mut n_tok, mut secs) = (0, 0.0);
    for doc in docs {
        let mut text = String::new();
        let mut sents = Vec::new();
        let mut toks = Vec::new();
        let mut gold = HashSet::new();
        for s in doc {
            if !text.is_empty() {
                text.push('\n');
            }
            let start = text.chars().count();
            let base = toks.len();
            for (ti, (w, _)) in s.iter().enumerate() {
                if ti > 0 {
                    text.push(' ');
                }
                let p = text.chars().count();
                toks.push(Span::new(p, p + w.chars().count()));
                text.push_str(w);
            }
            sents.push(Span::new(start, text.chars().count()));
            let tags: Vec<&str> = s.iter().map(|(_, t)| t.as_str()).collect();
            for (a, b, ty) in iob_chunks(&tags) {
                gold.insert((base + a, base + b, ty_name(ty)));
            }
        }
        n_tok += toks.len();
        let t = Instant::now();
        let ents = entities::extract_with(model, &text, &sents);
        secs += t.elapsed().as_secs_f64();
        let mut pred = HashSet::new();
        for e in ents {
            let first = toks.partition_point(|t| t.end <= e.start);
            let end = toks.partition_point(|t| t.start < e.end);
            if first < end {
                pred.insert((first, end, e.kind.as_str()));
            }
        }
        for g in &gold {
            counts.entry(g.2.to_string()).or_default()[0] += 1;
        }
        classify_errors(&text, &toks, &gold, &pred, &mut errors);
        for p in &pred {
            let c = counts.entry(p.2.to_string()).or_default();
            c[1] += 1;
            c[2] += usize::from(gold.contains(p));
        }
    }
    let mut all = [0; 3];
    println!("{name}: {n_tok} tokens, {:.0} tokens/s (entity step)", n_tok as f64 / secs);
    for (k, c) in &counts {
        print_row(k, c);
        for i in 0..3 {
            all[i] += c[i];
        }
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

type Chunk = (usize, usize, &'static str);

/// Sorts each wrong chunk into an error kind: wrong type (same span), wrong boundary (overlap),
/// missed, spurious.
fn classify_errors(
    text: &str,
    toks: &[Span],
    gold: &HashSet<Chunk>,
    pred: &HashSet<Chunk>,
    out: &mut BTreeMap<String, Vec<String>>,
) {
    let show = |c: &Chunk| -> String {
        let s = toks[c.0].start;
        let e = toks[c.1 - 1].end;
        text.chars().skip(s).take(e - s).collect()
    };
    let overlaps = |a: &Chunk, b: &Chunk| a.0 < b.1 && b.0 < a.1;
    for g in gold.iter().filter(|g| !pred.contains(g)) {
        let same_span = pred.iter().find(|p| p.0 == g.0 && p.1 == g.1);
        let over = pred.iter().find(|p| overlaps(p, g));
        let (kind, ex) = match (same_span, over) {
            (Some(p), _) => (format!("type {}→{}", g.2, p.2), show(g)),
            (None, Some(p)) => (format!("boundary {}", g.2), format!("{}→{}", show(g), show(p))),
            _ => (format!("missed {}", g.2), show(g)),
        };
        out.entry(kind).or_default().push(ex);
    }
    for p in pred.iter().filter(|p| !gold.contains(p)) {
        if !gold.iter().any(|g| overlaps(p, g)) {
            out.entry(format!("spurious {}", p.2)).or_default().push(show(p));
        }
    }
}

fn ty_name(ty: usize) -> &'static str {
    ["PER", "ORG", "LOC", "MISC"][ty]
}

fn print_row(label: &str, c: &[usize; 3]) {
    let p = c[2] as f64 / c[1].max(1) as f64;
    let r = c[2] as f64 / c[0].max(1) as f64;
    let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
    println!(
        "  {label:8} P {p:.3} R {r:.3} F1 {f:.3}  (gold {}, predicted {}, correct {})",
        c[0], c[1], c[2]
    );
}
