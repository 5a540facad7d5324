//! Trains the quotation speaker model on PolNeAR and writes `models/quote_speaker.tsv`.
//!
//! `cargo run --release -p storyline-train --example train_quotes -- TRAIN_SPLIT OUT [--epochs N] [--min-count N] [--min-count-words N] [--min-precision P] [--folds N] [--dev SPLIT]`
//! The committed model is reproduced byte for byte, from the repository root, by
//! `cargo run --release -p storyline-train --example train_quotes -- ../shared/data/quotes/polnear/train
//! crates/analyze/models/quote_speaker.tsv --min-count-words 10` (10 epochs, min count 3, 5 folds,
//! min precision 0.90); retrain it whenever the analysis before it (sentences, entities, the
//! quote rules, the lexicon) changes. `--dev SPLIT` only prints the scores on that split at the
//! end; nothing is chosen on it.
//!
//! A split holds `text/<name>.txt` and `attributions/<name>_<annotator>.ann` (BRAT); the first
//! annotation file in name order is used, as `storyline eval quotes` does (its
//! `storyline_eval::quotes` parses the split and scores the predictions here). Every quotation the
//! rules find is one decision: its correct candidates are those overlapping the Source of the
//! gold attribution whose Content overlaps the quotation most; with no such attribution, or no
//! candidate on its Source, "no speaker" is correct. Documents are read in name order and the
//! perceptron is deterministic, so the same data gives the same file.
//!
//! The decision thresholds stored with the weights (overrule margin, abstention margins; see
//! `speaker::Thresholds`) are chosen by `--folds`-fold cross-validation (5) on the training
//! split: document i (in name order) is held out in fold i mod N, a model is trained on the other
//! folds and every threshold setting is scored on the held-out documents with the headline
//! measure of `storyline eval quotes` (direct quotes with the right speaker, predicted quotes
//! grouped by speaker mention, one-to-one). The setting with the best pooled F1 among those with
//! pooled precision of at least `--min-precision` wins (the most precise one if none reaches it).
//! The protected frames (`quotes::RuleFrame`) are scored as `quotes::finish` runs them: the
//! rules' speaker stands there, whatever the model says.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use storyline_analyze::quotes::speaker::{Model, Thresholds};
use storyline_analyze::quotes::RuleFrame;
use storyline_analyze::{entities, quotes};
use storyline_eval::metrics::{overlap, Counts};
use storyline_eval::quotes::{discover, parse_ann, Attribution, Tally};
use storyline_model::Span;
use storyline_text::sentences;
use storyline_train::quote_speaker::{self as speaker, Example};

use storyline_train::cli;

/// One training document, analysed once.
struct Doc {
    name: String,
    text: String,
    /// Gold attributions with a content; `content_text` holds the raw text's words of the
    /// content segments (joined by a space), which decide whether one is direct.
    gold: Vec<Attribution>,
    prepared: quotes::Prepared,
    examples: Vec<Example>,
    /// The protected frame of each decision, if any.
    frames: Vec<Option<RuleFrame>>,
}

fn load(split: &Path) -> Vec<Doc> {
    let splits = discover(split).unwrap_or_else(|e| panic!("{e}"));
    splits
        .iter()
        .flat_map(|s| s.docs.iter())
        .map(|(tp, ap)| {
            let text = std::fs::read_to_string(tp).expect("read text");
            let chars: Vec<char> = text.chars().collect();
            let ann = std::fs::read_to_string(ap).expect("read annotations");
            let gold: Vec<Attribution> = parse_ann(&ann, ap)
                .unwrap_or_else(|e| panic!("{e}"))
                .into_iter()
                .filter(|a| !a.content.is_empty())
                .map(|a| {
                    let words: Vec<String> = a
                        .content
                        .iter()
                        .map(|c| {
                            chars[c.start.min(chars.len())..c.end.min(chars.len())].iter().collect()
                        })
                        .collect();
                    Attribution { content_text: words.join(" "), ..a }
                })
                .collect();
            let sents = sentences::split(&text);
            let ents = entities::extract(&text, &sents);
            let prepared = quotes::prepare(&text, &sents, &ents);
            let (examples, frames) = examples(&text, &prepared, &gold);
            let name = tp.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            Doc { name, text, gold, prepared, examples, frames }
        })
        .collect()
}

/// The decisions of one document and the protected frame each stands in (see
/// `quotes::RuleFrame`: the rules keep their speaker there, so the model's choice is not used).
fn examples(
    text: &str,
    prepared: &quotes::Prepared,
    gold: &[Attribution],
) -> (Vec<Example>, Vec<Option<RuleFrame>>) {
    let span_overlap = |a: Span, b: Span| overlap((a.start, a.end), (b.start, b.end));
    let mut out = Vec::new();
    let mut frames = Vec::new();
    for qc in quotes::speaker_choices(text, prepared) {
        let best = gold
            .iter()
            .map(|a| (a.content.iter().map(|&c| span_overlap(c, qc.content)).sum::<usize>(), a))
            .filter(|(o, _)| *o > 0)
            .max_by_key(|(o, _)| *o);
        let positives = best.map_or(Vec::new(), |(_, a)| {
            (0..qc.candidates.len())
                .filter(|&i| a.source.iter().any(|&s| span_overlap(s, qc.candidates[i]) > 0))
                .collect()
        });
        out.push(Example { choice: qc.choice, gold: positives });
        frames.push(qc.rule_frame);
    }
    (out, frames)
}

/// Direct-quote + speaker counts of `docs` under `model` with thresholds `th`: the headline of
/// `storyline eval quotes`, counted by its own tally.
fn score(docs: &[&Doc], model: &Model, th: Thresholds) -> Counts {
    let mut tally = Tally::default();
    for d in docs {
        let pred = quotes::finish(&d.text, &d.prepared, model, th);
        tally.add(&d.name, &d.text, &d.gold, &pred);
    }
    tally.direct
}

fn prf(c: Counts) -> (f64, f64, f64) {
    (c.precision(), c.recall(), c.f1())
}

/// Every threshold setting tried by the cross-validation.
fn grid() -> Vec<Thresholds> {
    let mut out = Vec::new();
    // Outside the protected frames (`quotes::RuleFrame`, never put to the model) the rules are
    // still overruled only by a clear margin: they are right more often than a fit on train shows.
    for rule_margin in [4.0f32, 6.0, 8.0] {
        for none_margin in [-1.0f32, 0.0, 1.0, 2.0, 4.0, 8.0] {
            for fill_margin in [-1.0f32, 0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0] {
                for bare_margin in [0.0f32, 2.0, 4.0, 8.0, 1000.0] {
                    out.push(Thresholds { rule_margin, none_margin, fill_margin, bare_margin });
                }
            }
        }
    }
    out
}

/// `folds`-fold cross-validation of the thresholds on `docs` (see the module doc).
fn cross_validate(
    docs: &[Doc],
    opts: speaker::Options,
    folds: usize,
    min_precision: f64,
) -> Thresholds {
    let grid = grid();
    let mut pooled = vec![Counts::default(); grid.len()];
    for fold in 0..folds {
        let in_fold = |i: usize| i % folds == fold;
        let held: Vec<&Doc> =
            docs.iter().enumerate().filter(|(i, _)| in_fold(*i)).map(|(_, d)| d).collect();
        let fit_examples: Vec<Example> = docs
            .iter()
            .enumerate()
            .filter(|(i, _)| !in_fold(*i))
            .flat_map(|(_, d)| d.examples.iter().cloned())
            .collect();
        let model = speaker::train(&fit_examples, opts, |_, _, _| {});
        for (k, th) in grid.iter().enumerate() {
            pooled[k].add(score(&held, &model, *th));
        }
        let (p, r, f) = prf(score(&held, &model, Thresholds::default()));
        eprintln!("fold {fold}: default thresholds P {p:.3} R {r:.3} F1 {f:.3}");
    }
    let key = |k: usize| {
        let (p, _, f) = prf(pooled[k]);
        if p >= min_precision {
            (1, f)
        } else {
            (0, p)
        }
    };
    let best = (0..grid.len())
        .max_by(|&a, &b| {
            key(a).0.cmp(&key(b).0).then(key(a).1.total_cmp(&key(b).1)).then(b.cmp(&a))
        })
        .unwrap_or(0);
    for floor in [0.85, 0.87, 0.88, 0.89, 0.90, 0.91, 0.92] {
        let top = (0..grid.len())
            .filter(|&k| prf(pooled[k]).0 >= floor)
            .max_by(|&a, &b| prf(pooled[a]).2.total_cmp(&prf(pooled[b]).2));
        if let Some(k) = top {
            let (p, r, f) = prf(pooled[k]);
            eprintln!("  P >= {floor:.2}: best {:?} P {p:.3} R {r:.3} F1 {f:.3}", grid[k]);
        }
    }
    let (p, r, f) = prf(pooled[best]);
    eprintln!("cross-validated thresholds {:?}: P {p:.3} R {r:.3} F1 {f:.3}", grid[best]);
    grid[best]
}

fn accuracy(model: &Model, exs: &[Example]) -> f64 {
    let ok = exs
        .iter()
        .filter(|ex| match model.choose(&ex.choice) {
            Some(i) => ex.gold.contains(&i),
            None => ex.gold.is_empty(),
        })
        .count();
    ok as f64 / exs.len().max(1) as f64
}

fn report(label: &str, docs: &[Doc], model: &Model) {
    let all: Vec<&Doc> = docs.iter().collect();
    for (name, th) in [("default", Thresholds::default()), ("tuned", model.thresholds)] {
        let (p, r, f) = prf(score(&all, model, th));
        eprintln!("{label} direct + speaker, {name} thresholds: P {p:.3} R {r:.3} F1 {f:.3}");
    }
}

fn main() {
    let args = cli::Args::parse(
        "usage: train_quotes TRAIN_SPLIT OUT [--epochs N] [--min-count N] [--min-count-words N] [--min-precision P] [--folds N] [--dev SPLIT]",
        &["--epochs", "--min-count", "--min-count-words", "--min-precision", "--folds", "--dev"],
    );
    let [train_dir, out_path] = args.positional();
    let defaults = speaker::Options::default();
    let opts = speaker::Options {
        epochs: args.value("--epochs", defaults.epochs),
        min_count: args.value("--min-count", defaults.min_count),
        min_count_words: args.value("--min-count-words", defaults.min_count_words),
    };
    let min_precision = args.value("--min-precision", 0.90f64);
    let folds = args.value("--folds", 5usize).max(2);
    let dev = args.last("--dev").map(PathBuf::from);
    let docs = load(Path::new(train_dir));
    let train: Vec<Example> = docs.iter().flat_map(|d| d.examples.iter().cloned()).collect();
    let with_speaker = train.iter().filter(|e| !e.gold.is_empty()).count();
    eprintln!(
        "{} documents, {} decisions ({with_speaker} with a gold speaker among the candidates)",
        docs.len(),
        train.len()
    );
    let mut frames: BTreeMap<String, usize> = BTreeMap::new();
    for f in docs.iter().flat_map(|d| d.frames.iter().flatten()) {
        *frames.entry(format!("{f:?}")).or_default() += 1;
    }
    eprintln!("decisions the rules keep (protected frames): {frames:?}");
    let thresholds = cross_validate(&docs, opts, folds, min_precision);
    let mut model = speaker::train(&train, opts, |epoch, errors, n| {
        eprintln!("epoch {epoch}: {errors} errors of {n}");
    });
    model.thresholds = thresholds;
    std::fs::write(out_path, model.to_tsv()).expect("write model");
    eprintln!("{} weights → {out_path}", model.len());
    eprintln!("train decision accuracy {:.3}", accuracy(&model, &train));
    report("train", &docs, &model);
    if let Some(d) = dev {
        let dev = load(&d);
        report("dev", &dev, &model);
    }
}
