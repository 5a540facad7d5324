//! Trains the quotation speaker model on PolNeAR and writes `models/quote_speaker.tsv`.
//!
//! `cargo run --release -p storyline-analyze --example train_quotes -- TRAIN_SPLIT OUT [--epochs N] [--min-count N] [--min-count-words N] [--margin X] [--dev SPLIT]`
//! The committed model: `-- ../shared/data/quotes/polnear/train crates/analyze/models/quote_speaker.tsv
//! --min-count-words 10` (10 epochs, min count 3, margin 0; `--dev ../shared/data/quotes/polnear/dev`
//! also prints decision precision / recall on dev for a few margins).
//!
//! A split holds `text/<name>.txt` and `attributions/<name>_<annotator>.ann` (BRAT); the first
//! annotation file in name order is used, as `storyline eval quotes` does. Every quotation the
//! rules find is one decision: its correct candidates are those overlapping the Source of the
//! gold attribution whose Content overlaps the quotation most; with no such attribution, or no
//! candidate on its Source, "no speaker" is correct. Documents are read in name order and the
//! perceptron is deterministic, so the same data gives the same file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use storyline_analyze::quotes::speaker::{self, Example, Model};
use storyline_analyze::{entities, quotes, sentences};
use storyline_model::Span;

/// Gold attributions of one document: (content segments, source segments).
type Gold = Vec<(Vec<Span>, Vec<Span>)>;

fn parse_ann(ann: &str) -> Gold {
    let mut spans: HashMap<&str, Vec<Span>> = HashMap::new();
    let mut events = Vec::new();
    for line in ann.lines() {
        let mut cols = line.splitn(3, '\t');
        let id = cols.next().unwrap_or("");
        let def = cols.next().unwrap_or("");
        if id.starts_with('T') {
            let (_, offs) = def.split_once(' ').unwrap_or((def, ""));
            let segs = offs
                .split(';')
                .filter_map(|seg| {
                    let mut it = seg.split_whitespace().map(str::parse::<usize>);
                    match (it.next(), it.next()) {
                        (Some(Ok(s)), Some(Ok(e))) if s <= e => Some(Span::new(s, e)),
                        _ => None,
                    }
                })
                .collect();
            spans.insert(id, segs);
        } else if id.starts_with('E') {
            events.push(def);
        }
    }
    events
        .into_iter()
        .map(|ev| {
            let (mut content, mut source) = (Vec::new(), Vec::new());
            for arg in ev.split_whitespace() {
                let Some((role, tid)) = arg.split_once(':') else { continue };
                let segs = spans.get(tid).cloned().unwrap_or_default();
                match role.trim_end_matches(|c: char| c.is_ascii_digit()) {
                    "Content" => content.extend(segs),
                    "Source" => source.extend(segs),
                    _ => {}
                }
            }
            (content, source)
        })
        .collect()
}

fn overlap(a: Span, b: Span) -> usize {
    a.end.min(b.end).saturating_sub(a.start.max(b.start))
}

/// (text file, annotation file) pairs of a split, in name order.
fn documents(split: &Path) -> Vec<(PathBuf, PathBuf)> {
    let list = |d: PathBuf, ext: &str| {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&d)
            .unwrap_or_else(|e| panic!("read {}: {e}", d.display()))
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == ext))
            .collect();
        v.sort();
        v
    };
    let anns = list(split.join("attributions"), "ann");
    list(split.join("text"), "txt")
        .into_iter()
        .filter_map(|t| {
            let stem = t.file_stem()?.to_string_lossy().into_owned();
            let ann = anns.iter().find(|a| {
                a.file_stem().is_some_and(|s| {
                    let s = s.to_string_lossy();
                    s == stem || s.rsplit_once('_').is_some_and(|(base, _)| base == stem)
                })
            })?;
            Some((t, ann.clone()))
        })
        .collect()
}

fn examples(split: &Path) -> Vec<Example> {
    let mut out = Vec::new();
    for (tp, ap) in documents(split) {
        let text = std::fs::read_to_string(&tp).expect("read text");
        let gold = parse_ann(&std::fs::read_to_string(&ap).expect("read annotations"));
        let sents = sentences::split(&text);
        let ents = entities::extract(&text, &sents);
        for qc in quotes::speaker_choices(&text, &sents, &ents) {
            let best = gold
                .iter()
                .map(|(content, source)| {
                    (content.iter().map(|&c| overlap(c, qc.content)).sum::<usize>(), source)
                })
                .filter(|(o, _)| *o > 0)
                .max_by_key(|(o, _)| *o);
            let positives = best.map_or(Vec::new(), |(_, source)| {
                (0..qc.candidates.len())
                    .filter(|&i| source.iter().any(|&s| overlap(s, qc.candidates[i]) > 0))
                    .collect()
            });
            out.push(Example { choice: qc.choice, gold: positives });
        }
    }
    out
}

/// Precision and recall of the speaker decisions alone (a proxy of the eval's speaker rows) for
/// a few margins given to "no speaker".
fn margins(model: &Model, exs: &[Example]) -> String {
    let mut out = Vec::new();
    for margin in [-1.0f32, 0.0, 1.0, 2.0, 4.0] {
        let (mut chosen, mut right) = (0, 0);
        for ex in exs {
            if let Some(i) = model.choose_with_margin(&ex.choice, margin) {
                chosen += 1;
                right += usize::from(ex.gold.contains(&i));
            }
        }
        let gold = exs.iter().filter(|e| !e.gold.is_empty()).count();
        let (p, r) = (right as f64 / chosen.max(1) as f64, right as f64 / gold.max(1) as f64);
        out.push(format!("margin {margin}: P {p:.3} R {r:.3} F1 {:.3}", 2.0 * p * r / (p + r)));
    }
    out.join("\n")
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

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mut positional, mut dev) = (Vec::new(), None);
    let mut opts = speaker::Options::default();
    let mut margin = 0.0f32;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--epochs" => {
                i += 1;
                opts.epochs = args[i].parse().expect("--epochs N");
            }
            "--margin" => {
                i += 1;
                margin = args[i].parse().expect("--margin X");
            }
            "--min-count-words" => {
                i += 1;
                opts.min_count_words = args[i].parse().expect("--min-count-words N");
            }
            "--min-count" => {
                i += 1;
                opts.min_count = args[i].parse().expect("--min-count N");
            }
            "--dev" => {
                i += 1;
                dev = Some(PathBuf::from(&args[i]));
            }
            a => positional.push(a.to_string()),
        }
        i += 1;
    }
    let [train_dir, out_path] = positional.as_slice() else {
        eprintln!("usage: train_quotes TRAIN_SPLIT OUT [--epochs N] [--min-count N] [--min-count-words N] [--margin X] [--dev SPLIT]");
        std::process::exit(2);
    };
    let train = examples(Path::new(train_dir));
    let with_speaker = train.iter().filter(|e| !e.gold.is_empty()).count();
    eprintln!(
        "{} decisions ({with_speaker} with a gold speaker among the candidates)",
        train.len()
    );
    let model = speaker::train(&train, opts, |epoch, errors, n| {
        eprintln!("epoch {epoch}: {errors} errors of {n}");
    });
    let model = model.with_no_speaker_margin(margin);
    std::fs::write(out_path, model.to_tsv()).expect("write model");
    eprintln!("{} weights → {out_path}", model.len());
    eprintln!("train decision accuracy {:.3}", accuracy(&model, &train));
    eprintln!("{}", margins(&model, &train));
    if let Some(d) = dev {
        let dev = examples(&d);
        eprintln!("dev decision accuracy {:.3} ({} decisions)", accuracy(&model, &dev), dev.len());
        eprintln!("{}", margins(&model, &dev));
    }
}
