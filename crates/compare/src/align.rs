//! Claim alignment: how likely two sentences of different outlets state the same claim.
//!
//! A logistic model over a few pair features — the sentences' meaning (the cosine of their
//! sentence-encoder vectors), their rare shared words (story-idf weighted cosine), and the typed
//! values they share: names, figures, days, quotations, events. Values that differ do not veto
//! an alignment: a fact stays agreed and its differing value becomes a conflict
//! (`crate::facts`).
//!
//! The weights are fitted on real multi-outlet news (the development gold of
//! `../shared/data/compare`) with leave-one-event-out cross-validation by
//! `cargo run --release -p storyline-eval --example fit_compare -- ../shared/data/compare`,
//! which prints the table below and its held-out figures.

use std::collections::{BTreeMap, BTreeSet};

use crate::facts::Claim;

/// Names of the pair features, in the order of [`Features`] (the fitting tool prints them).
pub const FEATURE_NAMES: [&str; N_FEATURES] = [
    "bias",
    "meaning",
    "rare_words",
    "jaccard",
    "names",
    "story_names",
    "figures",
    "same_day",
    "other_day",
    "other_place",
    "quotation",
    "event",
    "leads",
    "short",
    "figure_differs",
    "mutual_best",
    "margin",
];
/// Number of pair features.
pub const N_FEATURES: usize = 17;

/// The pair features of two claims.
pub type Features = [f64; N_FEATURES];

/// Fitted weights (see the module doc for the command).
const WEIGHTS: Features = [
    -5.605, 5.216, 6.555, 0.923, 0.229, 0.385, 1.836, 0.444, -0.586, 0.071, 0.013, 0.182, 1.520,
    -0.673, 0.649, 0.801, -2.092,
];

/// Probability above which two claims are one agreed fact. Agreed-fact F1 on the 11 development
/// events of `../shared/data/compare` (`score_compare.py`): 0.2 → 0.594 (P 0.63), 0.3 → 0.561
/// (P 0.66), 0.4 → 0.533 (P 0.70); 0.15 scored a little higher at P 0.62, taken a step up.
pub const SAME_CLAIM: f64 = 0.2;
/// Probability above which another outlet is taken to carry a claim in some words (so it is not
/// listed as one outlet's alone). Unique F1 on the development events (12 per article): 0.2 →
/// 0.664, 0.3 → 0.677, 0.4 → 0.669.
pub const COVERED: f64 = 0.3;

/// Pairs below this probability are not kept at all.
pub const KEPT: f64 = 0.02;

/// What the features need to know about the whole story.
pub(crate) struct Context {
    /// Story-level inverse document frequency of each content word (documents = claims).
    idf: BTreeMap<String, f64>,
    /// Anchors (story entity ids) named by most articles: they say little on their own.
    ubiquitous: BTreeSet<usize>,
}

impl Context {
    pub fn new(claims: &[Claim], ubiquitous: BTreeSet<usize>) -> Self {
        let mut df: BTreeMap<&str, usize> = BTreeMap::new();
        for c in claims {
            for w in &c.words {
                *df.entry(w.as_str()).or_default() += 1;
            }
        }
        let n = claims.len().max(1) as f64;
        let idf = df.into_iter().map(|(w, d)| (w.to_string(), (n / d as f64).ln() + 1.0)).collect();
        Context { idf, ubiquitous }
    }

    /// The raw similarity that ranks an article's sentences against another's: meaning and rare
    /// words together.
    pub fn similarity(&self, a: &Claim, b: &Claim) -> f64 {
        0.5 * meaning(a, b) + 0.5 * self.rare_words(a, b)
    }

    fn idf(&self, w: &str) -> f64 {
        self.idf.get(w).copied().unwrap_or(1.0)
    }

    /// Cosine of the claims' idf-weighted content-word sets.
    fn rare_words(&self, a: &Claim, b: &Claim) -> f64 {
        let norm = |c: &Claim| c.words.iter().map(|w| self.idf(w).powi(2)).sum::<f64>().sqrt();
        let (na, nb) = (norm(a), norm(b));
        if na == 0.0 || nb == 0.0 {
            return 0.0;
        }
        let dot: f64 = a.words.intersection(&b.words).map(|w| self.idf(w).powi(2)).sum();
        dot / (na * nb)
    }
}

/// Cosine of the claims' sentence vectors (0 when either has none).
fn meaning(a: &Claim, b: &Claim) -> f64 {
    if a.vector.is_empty() || b.vector.is_empty() {
        return 0.0;
    }
    a.vector.iter().zip(&b.vector).map(|(x, y)| f64::from(x * y)).sum()
}

/// How a pair ranks among the pairs of its two articles: whether each claim is the other's most
/// similar in the other article, and by how much the pair beats the runner-up of either claim.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Rank {
    pub mutual_best: bool,
    pub margin: f64,
}

/// The [`Rank`] of every scored pair.
pub(crate) struct Ranks(Vec<Rank>);

impl Ranks {
    /// `pairs[k]` has similarity `sims[k]`; `art` gives a claim's article.
    pub fn new(pairs: &[(usize, usize)], sims: &[f64], art: impl Fn(usize) -> usize) -> Self {
        // Best and second-best similarity of each claim against each other article.
        let mut top: BTreeMap<(usize, usize), (f64, f64, usize)> = BTreeMap::new();
        let mut see = |c: usize, other: usize, s: f64, k: usize| {
            let e = top.entry((c, art(other))).or_insert((f64::MIN, f64::MIN, usize::MAX));
            if s > e.0 {
                *e = (s, e.0, k);
            } else if s > e.1 {
                e.1 = s;
            }
        };
        for (k, (&(x, y), &s)) in pairs.iter().zip(sims).enumerate() {
            see(x, y, s, k);
            see(y, x, s, k);
        }
        let ranks = pairs
            .iter()
            .zip(sims)
            .enumerate()
            .map(|(k, (&(x, y), &s))| {
                let (tx, ty) = (top[&(x, art(y))], top[&(y, art(x))]);
                let runner_up = tx.1.max(ty.1).max(0.0);
                Rank { mutual_best: tx.2 == k && ty.2 == k, margin: (s - runner_up).max(0.0) }
            })
            .collect();
        Ranks(ranks)
    }

    pub fn of(&self, k: usize) -> Rank {
        self.0[k]
    }
}

/// The features of a pair of claims of different articles.
pub(crate) fn features(ctx: &Context, a: &Claim, b: &Claim, rank: Rank) -> Features {
    let shared_names: BTreeSet<usize> = a.anchors.intersection(&b.anchors).copied().collect();
    let specific = shared_names.iter().filter(|x| !ctx.ubiquitous.contains(x)).count();
    let story_wide = shared_names.len() - specific;
    let figures = a
        .quantities
        .iter()
        .filter(|qa| {
            b.quantities.iter().any(|qb| {
                qa.compatible_with(qb)
                    || (qa.value == qb.value && (qa.unit.is_empty() || qb.unit.is_empty()))
            })
        })
        .count()
        + a.years.intersection(&b.years).count();
    let figure_differs = a.quantities.iter().any(|qa| {
        b.quantities.iter().any(|qb| {
            !qa.unit.is_empty()
                && qa.unit == qb.unit
                && qa.value != qb.value
                && !qa.compatible_with(qb)
        })
    });
    let days_both = !a.days.is_empty() && !b.days.is_empty();
    let same_day = days_both && !a.days.is_disjoint(&b.days);
    let other_place = !(a.places.is_subset(&b.places) || b.places.is_subset(&a.places));
    let quotation = !a.quotes.is_disjoint(&b.quotes);
    let event = crate::facts::shared_events(a, b) > 0;
    let leads = a.position < 3 && b.position < 3;
    let short = a.n_words.min(b.n_words) < 8;
    let flag = |b: bool| if b { 1.0 } else { 0.0 };
    [
        1.0,
        meaning(a, b),
        ctx.rare_words(a, b),
        crate::text::jaccard(&a.words, &b.words),
        specific.min(2) as f64,
        story_wide.min(2) as f64,
        figures.min(2) as f64,
        flag(same_day),
        flag(days_both && !same_day),
        flag(other_place),
        flag(quotation),
        flag(event),
        flag(leads),
        flag(short),
        flag(figure_differs),
        flag(rank.mutual_best),
        rank.margin,
    ]
}

/// Two sentences about different incidents of one kind: each names a place the other lacks, and
/// their figures of one kind or their days differ ("5 killed in Kharkiv on Sunday" / "12 killed
/// in Odesa on Sunday"). Never the same claim, never a conflict.
pub(crate) fn distinct_incidents(a: &Claim, b: &Claim) -> bool {
    let other_place = !(a.places.is_subset(&b.places) || b.places.is_subset(&a.places));
    let other_days = !a.days.is_empty() && !b.days.is_empty() && a.days.is_disjoint(&b.days);
    let other_figure = a.quantities.iter().any(|qa| {
        b.quantities
            .iter()
            .any(|qb| qa.kind().is_some() && qa.kind() == qb.kind() && qa.value != qb.value)
    });
    other_place && (other_days || other_figure)
}

/// The probability that two claims state the same thing.
pub(crate) fn probability(f: &Features) -> f64 {
    let z: f64 = f.iter().zip(WEIGHTS.iter()).map(|(x, w)| x * w).sum();
    1.0 / (1.0 + (-z).exp())
}
