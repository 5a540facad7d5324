//! Fits the grouping join rule (`storyline_group::model`) on gold clusterings and prints the
//! parameters to commit as `FITTED`, with the figures behind them.
//!
//! ```text
//! cargo run --release -p storyline-eval --example fit_grouping -- ECB_DIR MULTINEWS_JSONL
//! ```
//!
//! 1. Every data set is analysed once and fed in the evaluation's fixed order; each document's
//!    candidate stories are scored against the *gold* stories built so far (teacher forcing), and
//!    every (document, candidate) pair becomes an example labelled by whether the candidate is
//!    its gold story. Each data set weighs the same in total.
//! 2. A ridge logistic regression (Newton) fits the bias and the text/entity weights; the date
//!    weights stay at their priors (the data sets are undated).
//! 3. The join threshold is the one on a grid (σ(−7) … σ(2), step 0.5 in logit) that maximises the mean B-cubed F1 of the real
//!    online grouper over the data sets.

use std::path::Path;

use storyline_eval::clustering::{self, Doc};
use storyline_eval::metrics::bcubed;
use storyline_group::model::{
    fit_logistic, Example, Model, DATE_PRIORS, FEATURE_NAMES, FITTED, PRIOR_FEATURES,
};
use storyline_group::stories::Stories;
use storyline_group::Features;
use storyline_model::{ArticleId, Grouping};

struct Set {
    name: String,
    docs: Vec<Doc>,
    features: Vec<(ArticleId, Features)>,
    order: Vec<usize>,
}

fn load(path: &Path) -> Set {
    let docs = if path.is_dir() {
        clustering::read_ecb(path).expect("ECB+ layout")
    } else {
        clustering::read_multinews(path).expect("Multi-News layout")
    };
    eprintln!("{}: {} documents, analysing…", path.display(), docs.len());
    // Analysis is the slow part: cache the features (set STORYLINE_FIT_CACHE to a directory).
    let cache = std::env::var_os("STORYLINE_FIT_CACHE").map(|d| {
        let name: String = path
            .display()
            .to_string()
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '_' })
            .collect();
        Path::new(&d).join(format!("{name}.json"))
    });
    let cached: Option<Vec<(ArticleId, Features)>> = cache
        .as_ref()
        .and_then(|c| std::fs::read(c).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
        .filter(|v: &Vec<(ArticleId, Features)>| v.len() == docs.len());
    let features = match cached {
        Some(f) => f,
        None => {
            let f = clustering::features_of(&docs);
            if let Some(c) = &cache {
                let _ = std::fs::write(c, serde_json::to_vec(&f).expect("features serialise"));
            }
            f
        }
    };
    let order = clustering::feed_order(&docs);
    Set { name: path.display().to_string(), docs, features, order }
}

/// Teacher-forced (document, candidate story) examples.
fn examples(set: &Set) -> Vec<Example> {
    let mut stories = Stories::default();
    let mut out = Vec::new();
    for &i in &set.order {
        let (id, f) = &set.features[i];
        let gold = &set.docs[i].gold;
        stories.advance(f.published);
        for c in stories.candidates(f) {
            let same = stories.id(c.story) == gold;
            out.push(Example { x: c.x, same, weight: 1.0 });
        }
        let s = stories.get_or_create(gold, None);
        let grouping = Grouping { story: Some(gold.clone()), ..Default::default() };
        stories.join(s, id, f, grouping, false);
    }
    let w = 1.0 / out.len().max(1) as f64;
    for e in &mut out {
        e.weight = w;
    }
    out
}

fn with_join(mut m: Model, join: f64) -> Model {
    m.join = join;
    m
}

fn b3(set: &Set, model: Model) -> f64 {
    let (pred, _, _) = clustering::group_features(&set.features, &set.order, model);
    let gold: Vec<&str> = set.docs.iter().map(|d| d.gold.as_str()).collect();
    bcubed(&gold, &pred).f1
}

fn main() {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: fit_grouping ECB_DIR MULTINEWS_JSONL …");
        std::process::exit(2);
    }
    let sets: Vec<Set> = paths.iter().map(|p| load(Path::new(p))).collect();

    let mut all = Vec::new();
    for s in &sets {
        let ex = examples(s);
        let pos = ex.iter().filter(|e| e.same).count();
        eprintln!("{}: {} examples, {} positive", s.name, ex.len(), pos);
        all.extend(ex);
    }
    let fixed: Vec<(usize, f64)> =
        PRIOR_FEATURES.iter().copied().zip(DATE_PRIORS.iter().copied()).collect();
    let (bias, weights) = fit_logistic(&all, &fixed, 1e-4, 50);

    let mut base = FITTED;
    base.bias = bias;
    base.weights = weights;
    let mut best = (f64::MIN, 0.5);
    eprintln!("fitted bias {bias:.3}, weights {weights:.3?}");
    // Thresholds evenly spaced in logit: σ(−7), σ(−6.5), …, σ(2).
    for k in 0..=18 {
        let join = storyline_group::model::sigmoid(-7.0 + 0.5 * k as f64);
        let scores: Vec<f64> = sets.iter().map(|s| b3(s, with_join(base, join))).collect();
        let mean = scores.iter().sum::<f64>() / scores.len() as f64;
        eprintln!("join {join:.4}: {scores:.3?} mean {mean:.4}");
        if mean > best.0 {
            best = (mean, join);
        }
    }
    let model = with_join(base, best.1);
    for s in &sets {
        eprintln!(
            "{}: B-cubed F1 {:.4} (committed rule: {:.4})",
            s.name,
            b3(s, model),
            b3(s, FITTED)
        );
    }
    println!("pub const FITTED: Model = Model {{");
    println!("    bias: {:.4},", model.bias);
    println!("    weights: [");
    for (n, w) in FEATURE_NAMES.iter().zip(model.weights) {
        println!("        {w:.4}, // {n}");
    }
    println!("    ],");
    println!("    join: {:.4},", model.join);
    println!("    storyline: {:.3},", model.storyline);
    println!("}};");
}
