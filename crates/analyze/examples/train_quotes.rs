//! Trains the quotation speaker model on PolNeAR and writes `models/quote_speaker.tsv`.
//!
//! `cargo run --release -p storyline-analyze --example train_quotes -- TRAIN_SPLIT OUT [--epochs N] [--min-count N] [--min-count-words N] [--min-precision P] [--dev SPLIT]`
//! The committed model: `-- ../shared/data/quotes/polnear/train crates/analyze/models/quote_speaker.tsv
//! --min-count-words 10` (10 epochs, min count 3, min precision 0.90). `--dev SPLIT` only prints
//! the scores on that split at the end; nothing is chosen on it.
//!
//! A split holds `text/<name>.txt` and `attributions/<name>_<annotator>.ann` (BRAT); the first
//! annotation file in name order is used, as `storyline eval quotes` does. Every quotation the
//! rules find is one decision: its correct candidates are those overlapping the Source of the
//! gold attribution whose Content overlaps the quotation most; with no such attribution, or no
//! candidate on its Source, "no speaker" is correct. Documents are read in name order and the
//! perceptron is deterministic, so the same data gives the same file.
//!
//! The decision thresholds stored with the weights (overrule margin, abstention margins; see
//! `speaker::Thresholds`) are chosen by 2-fold cross-validation on the training split: the
//! documents are split in two (alternately in name order), a model is trained on each half and
//! every threshold setting is scored on the other half with the headline measure of `storyline
//! eval quotes` (direct quotes with the right speaker, predicted quotes grouped by speaker
//! mention, one-to-one). The setting with the best pooled F1 among those with pooled precision
//! of at least `--min-precision` wins (the most precise one if none reaches it).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use storyline_analyze::quotes::speaker::{self, Example, Model, Thresholds};
use storyline_analyze::{entities, quotes, sentences};
use storyline_model::{Quote, QuoteKind, Span};

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

/// One gold attribution: content and source segments, and whether it is a direct quotation.
struct GoldAttribution {
    content: Vec<Span>,
    source: Vec<Span>,
    direct: bool,
}

/// One training document, analysed once.
struct Doc {
    text: String,
    chars: Vec<char>,
    gold: Vec<GoldAttribution>,
    prepared: quotes::Prepared,
    examples: Vec<Example>,
}

/// Whether `s` holds a quotation mark: a double mark anywhere, or an opening single mark at a
/// word start later closed at a word end (as `storyline eval quotes` decides "direct").
fn has_quotation_mark(s: &str) -> bool {
    if s.contains(['"', '“', '”', '«', '»']) {
        return true;
    }
    let chars: Vec<char> = s.chars().collect();
    let alnum =
        |i: Option<usize>| i.and_then(|i| chars.get(i)).is_some_and(|c| c.is_alphanumeric());
    let mut opened = false;
    for (i, &c) in chars.iter().enumerate() {
        if !matches!(c, '\'' | '‘' | '’') {
            continue;
        }
        let (before, after) = (alnum(i.checked_sub(1)), alnum(Some(i + 1)));
        if !before && after && c != '’' {
            opened = true;
        } else if opened && !after && (before || i > 0) {
            return true;
        }
    }
    false
}

/// Whether the content sits within quotation marks (as the scorer requires of a prediction).
fn within_marks(chars: &[char], content: Span) -> bool {
    let before = content.start.checked_sub(1).and_then(|i| chars.get(i));
    let after = chars
        .get(content.end.min(chars.len())..)
        .unwrap_or(&[])
        .iter()
        .take(3)
        .find(|c| !matches!(c, ',' | '.' | '?' | '!' | ';' | ':'));
    before.is_some_and(|c| matches!(c, '"' | '“' | '‘' | '\'' | '«'))
        || after.is_some_and(|c| matches!(c, '"' | '”' | '’' | '\'' | '»'))
}

fn overlaps_any(span: Span, segs: &[Span]) -> usize {
    segs.iter().map(|&s| overlap(span, s)).sum()
}

fn load(split: &Path) -> Vec<Doc> {
    documents(split)
        .into_iter()
        .map(|(tp, ap)| {
            let text = std::fs::read_to_string(&tp).expect("read text");
            let chars: Vec<char> = text.chars().collect();
            let raw = parse_ann(&std::fs::read_to_string(&ap).expect("read annotations"));
            let gold: Vec<GoldAttribution> = raw
                .into_iter()
                .filter(|(content, _)| !content.is_empty())
                .map(|(content, source)| {
                    let words: Vec<String> = content
                        .iter()
                        .map(|c| {
                            chars[c.start.min(chars.len())..c.end.min(chars.len())].iter().collect()
                        })
                        .collect();
                    let direct = has_quotation_mark(&words.join(" "));
                    GoldAttribution { content, source, direct }
                })
                .collect();
            let sents = sentences::split(&text);
            let ents = entities::extract(&text, &sents);
            let prepared = quotes::prepare(&text, &sents, &ents);
            let examples = examples(&text, &prepared, &raw_pairs(&gold));
            Doc { text, chars, gold, prepared, examples }
        })
        .collect()
}

fn raw_pairs(gold: &[GoldAttribution]) -> Gold {
    gold.iter().map(|a| (a.content.clone(), a.source.clone())).collect()
}

fn examples(text: &str, prepared: &quotes::Prepared, gold: &Gold) -> Vec<Example> {
    let mut out = Vec::new();
    for qc in quotes::speaker_choices(text, prepared) {
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
    out
}

/// Direct-quote + speaker counts (true positives, predicted, gold) of `docs` under `model` with
/// thresholds `th`, as `storyline eval quotes` counts its headline.
fn score(docs: &[&Doc], model: &Model, th: Thresholds) -> (usize, usize, usize) {
    let (mut tp, mut predicted, mut gold_n) = (0, 0, 0);
    for d in docs {
        let pred: Vec<Quote> = quotes::finish(&d.text, &d.prepared, model, th)
            .into_iter()
            .filter(|q| {
                q.kind != QuoteKind::Indirect
                    && q.speaker.is_some()
                    && within_marks(&d.chars, q.content)
            })
            .collect();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut by_speaker: HashMap<(usize, usize), usize> = HashMap::new();
        for (i, q) in pred.iter().enumerate() {
            let sp = q.speaker.as_ref().map_or((0, 0), |s| (s.start, s.end));
            let g = *by_speaker.entry(sp).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[g].push(i);
        }
        let gold: Vec<&GoldAttribution> = d.gold.iter().filter(|a| a.direct).collect();
        let mut pairs = Vec::new();
        for (p, group) in groups.iter().enumerate() {
            let sp = pred[group[0]].speaker.as_ref().map(|s| Span::new(s.start, s.end));
            for (g, a) in gold.iter().enumerate() {
                let o: usize =
                    group.iter().map(|&i| overlaps_any(pred[i].content, &a.content)).sum();
                let speaker_ok = sp.is_some_and(|s| overlaps_any(s, &a.source) > 0);
                if o > 0 && speaker_ok {
                    pairs.push((o, p, g));
                }
            }
        }
        pairs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let (mut used_p, mut used_g) = (vec![false; groups.len()], vec![false; gold.len()]);
        for (_, p, g) in pairs {
            if !used_p[p] && !used_g[g] {
                used_p[p] = true;
                used_g[g] = true;
                tp += 1;
            }
        }
        predicted += groups.len();
        gold_n += gold.len();
    }
    (tp, predicted, gold_n)
}

fn prf((tp, predicted, gold): (usize, usize, usize)) -> (f64, f64, f64) {
    let p = tp as f64 / predicted.max(1) as f64;
    let r = tp as f64 / gold.max(1) as f64;
    let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
    (p, r, f)
}

/// Every threshold setting tried by the cross-validation.
fn grid() -> Vec<Thresholds> {
    let mut out = Vec::new();
    // The rules are overruled only by a clear margin: their frames (a name at the cue, a
    // paragraph continued by the next quote) are right more often than a fit on train shows.
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

/// 2-fold cross-validation of the thresholds on `docs` (see the module doc).
fn cross_validate(docs: &[Doc], opts: speaker::Options, min_precision: f64) -> Thresholds {
    let grid = grid();
    let mut pooled = vec![(0, 0, 0); grid.len()];
    for fold in 0..2 {
        let in_fold = |i: usize| i % 2 == fold;
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
            let (tp, p, g) = score(&held, &model, *th);
            pooled[k] = (pooled[k].0 + tp, pooled[k].1 + p, pooled[k].2 + g);
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
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mut positional, mut dev) = (Vec::new(), None);
    let mut opts = speaker::Options::default();
    let mut min_precision = 0.90f64;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--epochs" => {
                i += 1;
                opts.epochs = args[i].parse().expect("--epochs N");
            }
            "--min-precision" => {
                i += 1;
                min_precision = args[i].parse().expect("--min-precision P");
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
        eprintln!("usage: train_quotes TRAIN_SPLIT OUT [--epochs N] [--min-count N] [--min-count-words N] [--min-precision P] [--dev SPLIT]");
        std::process::exit(2);
    };
    let docs = load(Path::new(train_dir));
    let train: Vec<Example> = docs.iter().flat_map(|d| d.examples.iter().cloned()).collect();
    let with_speaker = train.iter().filter(|e| !e.gold.is_empty()).count();
    eprintln!(
        "{} documents, {} decisions ({with_speaker} with a gold speaker among the candidates)",
        docs.len(),
        train.len()
    );
    let thresholds = cross_validate(&docs, opts, min_precision);
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
