//! Fits the claim-alignment weights of `crates/compare/src/align.rs` on real multi-outlet news.
//!
//! ```sh
//! cargo run --release -p storyline-train --example fit_compare -- ../shared/data/compare \
//!     [--hold-out EVENT,EVENT,...]
//! ```
//!
//! Every event's records go through the real pipeline (ingest → analyze) into one story; every
//! pair of sentences of two outlets gets the report's alignment features
//! (`storyline_compare::alignment_pairs`). A pair is a positive when both sentences belong to one
//! hand-annotated claim (an agreed claim, or the two sides of one conflict: same thing, different
//! value). Our sentences are mapped to the gold sentences by their words, as the scorer does.
//!
//! It prints the leave-one-event-out cross-validated figures (ROC-AUC, and precision / recall / F1
//! of the pairs at the committed thresholds) for the committed weights and for the refitted ones,
//! then the weights fitted on every event except the held-out ones (`--hold-out`, scored apart):
//! paste them into `align.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;
use storyline_compare::{alignment_pairs, AlignmentPair, FEATURE_NAMES, N_FEATURES};
use storyline_model::offsets::slice;
use storyline_model::{Article, Grouping};
use storyline_train::logistic::{fit_logistic, Example};

type Sample = ([f64; N_FEATURES], bool, f64);

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: fit_compare DATA_DIR [--hold-out EVENT,EVENT,...]");
        std::process::exit(2);
    };
    let hold_out: BTreeSet<String> = args
        .iter()
        .position(|a| a == "--hold-out")
        .and_then(|i| args.get(i + 1))
        .map(|s| s.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    let events = read_events(Path::new(dir));
    let mut by_event: Vec<(String, Vec<Sample>)> = Vec::new();
    for ev in &events {
        let samples = samples_of(Path::new(dir), ev);
        let pos = samples.iter().filter(|s| s.1).count();
        eprintln!("{}: {} pairs, {} positive", ev["id"].as_str().unwrap_or(""), samples.len(), pos);
        by_event.push((ev["id"].as_str().unwrap_or("").to_string(), samples));
    }
    let (dev, held): (Vec<_>, Vec<_>) =
        by_event.into_iter().partition(|(id, _)| !hold_out.contains(id));

    // Committed weights, on every development event.
    let committed: Vec<(f64, bool)> =
        dev.iter().flat_map(|(_, s)| s.iter().map(|x| (x.2, x.1))).collect();
    report("committed weights (dev events)", &committed);

    // Leave one event out.
    let mut held_scores: Vec<(f64, bool)> = Vec::new();
    for (k, _) in dev.iter().enumerate() {
        let train: Vec<&Sample> =
            dev.iter().enumerate().filter(|(j, _)| *j != k).flat_map(|(_, e)| &e.1).collect();
        let w = fit(&train);
        held_scores.extend(dev[k].1.iter().map(|s| (predict(&w, &s.0), s.1)));
    }
    report("refit, leave one event out (dev events)", &held_scores);

    let all: Vec<&Sample> = dev.iter().flat_map(|(_, e)| e).collect();
    let w = fit(&all);
    if !held.is_empty() {
        let scores: Vec<(f64, bool)> =
            held.iter().flat_map(|(_, s)| s.iter().map(|x| (predict(&w, &x.0), x.1))).collect();
        report("refit on dev, held-out events", &scores);
        let committed: Vec<(f64, bool)> =
            held.iter().flat_map(|(_, s)| s.iter().map(|x| (x.2, x.1))).collect();
        report("committed weights, held-out events", &committed);
    }
    println!("\nweights fitted on the development events:");
    for (name, x) in FEATURE_NAMES.iter().zip(&w) {
        println!("  {name:<16} {x:>8.3}");
    }
    let list: Vec<String> = w.iter().map(|x| format!("{x:.3}")).collect();
    println!("const WEIGHTS: Features = [{}];", list.join(", "));
}

fn read_events(dir: &Path) -> Vec<Value> {
    let path = dir.join("events.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("{}: {e}", path.display());
        std::process::exit(2);
    });
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// Lowercased word tokens (`\w+` runs) of a text.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The gold sentences a text span stands for: the one it shares most words with (Dice), and any
/// other holding at least half its words.
fn gold_hits(span_text: &str, gold: &[BTreeMap<String, usize>]) -> BTreeSet<usize> {
    let ws = words(span_text);
    let n = ws.len() as f64;
    let mut out = BTreeSet::new();
    let mut best: Option<(f64, usize)> = None;
    for (k, bag) in gold.iter().enumerate() {
        let mut left = bag.clone();
        let mut common = 0usize;
        for w in &ws {
            if let Some(c) = left.get_mut(w) {
                if *c > 0 {
                    *c -= 1;
                    common += 1;
                }
            }
        }
        let len = bag.values().sum::<usize>() as f64;
        let dice = 2.0 * common as f64 / (n + len).max(1.0);
        if best.is_none_or(|(d, _)| dice > d) {
            best = Some((dice, k));
        }
        if common as f64 >= 0.5 * n && dice >= 0.3 {
            out.insert(k);
        }
    }
    if let Some((d, k)) = best.filter(|(d, _)| *d >= 0.5) {
        let _ = d;
        out.insert(k);
    }
    out
}

/// Gold claim groups as (article id → sentence ids) maps: agreed claims and conflicts.
fn claim_groups(ev: &Value) -> Vec<BTreeMap<String, BTreeSet<usize>>> {
    let ids = |v: &Value| -> BTreeSet<usize> {
        v.as_array().into_iter().flatten().filter_map(|x| x.as_u64()).map(|x| x as usize).collect()
    };
    let mut out = Vec::new();
    for c in ev["agreed"].as_array().into_iter().flatten() {
        let m = c["sentences"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(a, s)| (a.clone(), ids(s)))
            .collect();
        out.push(m);
    }
    for c in ev["conflicts"].as_array().into_iter().flatten() {
        let mut m: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        for cl in c["claims"].as_array().into_iter().flatten() {
            let a = cl["article"].as_str().unwrap_or("").to_string();
            m.entry(a).or_default().extend(ids(&cl["sentences"]));
        }
        out.push(m);
    }
    out
}

fn samples_of(dir: &Path, ev: &Value) -> Vec<Sample> {
    let id = ev["id"].as_str().unwrap_or("");
    let file = dir.join(format!("{id}.jsonl"));
    let bytes = std::fs::read(&file).unwrap_or_else(|e| {
        eprintln!("{}: {e}", file.display());
        std::process::exit(2);
    });
    let input = storyline_ingest::Input { name: file.display().to_string(), bytes };
    let mut articles: Vec<(Article, Grouping)> = Vec::new();
    for rec in storyline_ingest::parse(&input).records.into_iter().flatten() {
        let mut a = rec;
        a.analysis = storyline_analyze::analyze(&a.text, a.published);
        articles.push((a, Grouping::default()));
    }
    // Gold sentences per gold article, and which of our articles is which.
    let mut gold: BTreeMap<String, Vec<BTreeMap<String, usize>>> = BTreeMap::new();
    for a in ev["articles"].as_array().into_iter().flatten() {
        let bags = a["sentences"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| {
                let mut bag: BTreeMap<String, usize> = BTreeMap::new();
                for w in words(s.as_str().unwrap_or("")) {
                    *bag.entry(w).or_default() += 1;
                }
                bag
            })
            .collect();
        gold.insert(a["id"].as_str().unwrap_or("").to_string(), bags);
    }
    let gold_of: BTreeMap<&str, &str> = articles
        .iter()
        .filter_map(|(a, _)| Some((a.id.as_str(), a.input_id.as_deref()?)))
        .map(|(id, input)| (id, input.rsplit('/').next().unwrap_or(input)))
        .collect();
    let texts: BTreeMap<&str, &str> =
        articles.iter().map(|(a, _)| (a.id.as_str(), a.text.as_str())).collect();
    let groups = claim_groups(ev);
    let hits = |e: &storyline_model::Evidence| -> Option<(String, BTreeSet<usize>)> {
        let g = *gold_of.get(e.article.as_str())?;
        let text = texts.get(e.article.as_str())?;
        let s = slice(text, e.start, e.end);
        Some((g.to_string(), gold_hits(s, gold.get(g)?)))
    };
    alignment_pairs(&articles)
        .into_iter()
        .filter_map(|AlignmentPair { a, b, features, probability }| {
            let (ga, ha) = hits(&a)?;
            let (gb, hb) = hits(&b)?;
            let same = groups.iter().any(|g| {
                g.get(&ga).is_some_and(|s| !s.is_disjoint(&ha))
                    && g.get(&gb).is_some_and(|s| !s.is_disjoint(&hb))
            });
            Some((features, same, probability))
        })
        .collect()
}

fn predict(w: &[f64; N_FEATURES], x: &[f64; N_FEATURES]) -> f64 {
    let z: f64 = w.iter().zip(x).map(|(a, b)| a * b).sum();
    1.0 / (1.0 + (-z).exp())
}

/// L2-regularised logistic regression by Newton's method ([`fit_logistic`]). Feature 0 is the
/// constant bias column: its weight is the fit's (unpenalised) bias.
fn fit(data: &[&Sample]) -> [f64; N_FEATURES] {
    const RIDGE: f64 = 1.0;
    let examples: Vec<Example<N_FEATURES>> =
        data.iter().map(|s| Example { x: s.0, same: s.1, weight: 1.0 }).collect();
    let (bias, mut w) = fit_logistic(&examples, &[(0, 0.0)], RIDGE, 30);
    w[0] = bias;
    w
}

/// ROC-AUC and pair precision / recall / F1 at a few thresholds.
fn report(title: &str, scores: &[(f64, bool)]) {
    let mut s: Vec<(f64, bool)> = scores.to_vec();
    s.sort_by(|a, b| b.0.total_cmp(&a.0));
    let pos = s.iter().filter(|x| x.1).count() as f64;
    let neg = s.len() as f64 - pos;
    let (mut tp, mut auc) = (0.0, 0.0);
    for &(_, y) in &s {
        if y {
            tp += 1.0;
        } else {
            auc += tp;
        }
    }
    let auc = if pos > 0.0 && neg > 0.0 { auc / (pos * neg) } else { 0.0 };
    println!("{title}: {} pairs, {} positive, ROC-AUC {auc:.3}", s.len(), pos);
    for t in [0.25, 0.35, 0.5, 0.65] {
        let tp = s.iter().filter(|x| x.0 >= t && x.1).count() as f64;
        let pred = s.iter().filter(|x| x.0 >= t).count() as f64;
        let p = if pred > 0.0 { tp / pred } else { 0.0 };
        let r = if pos > 0.0 { tp / pos } else { 0.0 };
        let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
        println!("  at {t:.2}: P {p:.3} R {r:.3} F1 {f:.3} ({pred} predicted)");
    }
}
