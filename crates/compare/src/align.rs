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
//! `cargo run --release -p storyline-train --example fit_compare -- ../shared/data/compare`,
//! which prints the table below and its held-out figures.

use std::collections::{BTreeSet, HashMap};

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

/// Fitted weights: the output of the module doc's command at commit e79aab4 (where it reproduces
/// them). At later commits the fit sees slightly different claims (date lines are now page
/// furniture) and gives other weights, which score lower on the end task at the committed
/// thresholds (all 14 events: agreed F1 0.564 → 0.533, conflicts P 1.00 → 0.75), so these stay
/// until the thresholds are refitted together with them.
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

/// Raw similarity ([`Context::similarity`]) below which a pair is not scored at all, unless the
/// two sentences share a figure, a year or a day: such pairs stay below [`KEPT`] in practice.
pub const SIMILAR: f64 = 0.2;

/// Whether two claims share a figure, a year or a day (cheap; decides which pairs get scored).
pub(crate) fn shares_a_value(a: &Claim, b: &Claim) -> bool {
    a.quantities.iter().any(|qa| b.quantities.iter().any(|qb| qa.value == qb.value))
        || !a.years.is_disjoint(&b.years)
        || !a.days.is_disjoint(&b.days)
}

/// Pairs below this probability are not kept at all.
pub const KEPT: f64 = 0.02;

/// What the features need to know about the whole story.
pub(crate) struct Context {
    /// Anchors (story entity ids) named by most articles: they say little on their own.
    ubiquitous: BTreeSet<usize>,
}

impl Context {
    /// Also gives every claim its idf-weighted terms ([`Claim::terms`]): story-level inverse
    /// document frequency of each content word, documents being the claims.
    pub fn new(claims: &mut [Claim], ubiquitous: BTreeSet<usize>) -> Self {
        let mut ids: HashMap<&str, u32> = HashMap::new();
        let mut df: Vec<u32> = Vec::new();
        for c in claims.iter() {
            for w in &c.words {
                let next = ids.len() as u32;
                let id = *ids.entry(w.as_str()).or_insert(next);
                if id as usize == df.len() {
                    df.push(0);
                }
                df[id as usize] += 1;
            }
        }
        let n = claims.len().max(1) as f32;
        let idf: Vec<f32> = df.iter().map(|&d| (n / d as f32).ln() + 1.0).collect();
        let terms: Vec<Vec<(u32, f32)>> = claims
            .iter()
            .map(|c| {
                let mut t: Vec<(u32, f32)> =
                    c.words.iter().map(|w| ids[w.as_str()]).map(|i| (i, idf[i as usize])).collect();
                t.sort_unstable_by_key(|x| x.0);
                t
            })
            .collect();
        for (c, t) in claims.iter_mut().zip(terms) {
            c.term_norm = t.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
            c.terms = t;
        }
        Context { ubiquitous }
    }

    /// The raw similarity that ranks an article's sentences against another's: meaning and rare
    /// words together.
    pub fn similarity(&self, a: &Claim, b: &Claim) -> f64 {
        0.5 * meaning(a, b) + 0.5 * rare_words(a, b).0
    }
}

/// Cosine of the claims' idf-weighted content-word sets, and their Jaccard overlap.
fn rare_words(a: &Claim, b: &Claim) -> (f64, f64) {
    let (mut i, mut j, mut dot, mut shared) = (0, 0, 0.0f32, 0usize);
    while i < a.terms.len() && j < b.terms.len() {
        match a.terms[i].0.cmp(&b.terms[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += a.terms[i].1 * a.terms[i].1;
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let cosine = if a.term_norm == 0.0 || b.term_norm == 0.0 {
        0.0
    } else {
        f64::from(dot / (a.term_norm * b.term_norm))
    };
    let union = a.terms.len() + b.terms.len() - shared;
    let jaccard = if union == 0 { 0.0 } else { shared as f64 / union as f64 };
    (cosine, jaccard)
}

/// Cosine of the claims' sentence vectors (0 when either has none).
fn meaning(a: &Claim, b: &Claim) -> f64 {
    if a.vector.len() != b.vector.len() {
        return 0.0;
    }
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the CPU has just been found to support AVX.
        return unsafe { dot_avx(&a.vector, &b.vector) };
    }
    dot(&a.vector, &b.vector)
}

/// [`dot`] compiled for AVX: the same eight running sums in one register instead of two, so the
/// same result bit for bit (no fused multiply-add), in about half the instructions. Every pair
/// of a story's sentences is compared, so this is the report's innermost loop.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
unsafe fn dot_avx(a: &[f32], b: &[f32]) -> f64 {
    dot(a, b)
}

/// Dot product of two vectors of one length, in eight running sums so the compiler can use
/// vector instructions.
#[inline(always)]
fn dot(a: &[f32], b: &[f32]) -> f64 {
    let mut acc = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca.remainder().iter().zip(cb.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    f64::from(acc.iter().sum::<f32>() + tail)
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
    /// `pairs[k]` has similarity `sims[k]`; `art` gives a claim's article (below `articles`).
    pub fn new(
        pairs: &[(usize, usize)],
        sims: &[f64],
        art: impl Fn(usize) -> usize,
        articles: usize,
    ) -> Self {
        // Best and second-best similarity of each claim against each other article, indexed by
        // claim × article.
        let claims = pairs.iter().map(|&(x, y)| x.max(y) + 1).max().unwrap_or(0);
        let mut top = vec![(f64::MIN, f64::MIN, usize::MAX); claims * articles];
        let mut see = |c: usize, other: usize, s: f64, k: usize| {
            let e = &mut top[c * articles + art(other)];
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
                let (tx, ty) = (top[x * articles + art(y)], top[y * articles + art(x)]);
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
    let other_place = other_place(a, b);
    let quotation = !a.quotes.is_disjoint(&b.quotes);
    let event = crate::facts::shared_events(a, b) > 0;
    let leads = a.position < 3 && b.position < 3;
    let short = a.n_words.min(b.n_words) < 8;
    let flag = |b: bool| if b { 1.0 } else { 0.0 };
    let (rare, jaccard) = rare_words(a, b);
    [
        1.0,
        meaning(a, b),
        rare,
        jaccard,
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
    let other_days = !a.days.is_empty() && !b.days.is_empty() && a.days.is_disjoint(&b.days);
    let other_figure = a.quantities.iter().any(|qa| {
        b.quantities
            .iter()
            .any(|qb| qa.kind().is_some() && qa.kind() == qb.kind() && qa.value != qb.value)
    });
    other_place(a, b) && (other_days || other_figure)
}

/// Each claim names a place the other lacks ("in Kharkiv, Ukraine" / "in Odesa, Ukraine").
fn other_place(a: &Claim, b: &Claim) -> bool {
    !(a.places.is_subset(&b.places) || b.places.is_subset(&a.places))
}

/// The probability that two claims state the same thing.
pub(crate) fn probability(f: &Features) -> f64 {
    let z: f64 = f.iter().zip(WEIGHTS.iter()).map(|(x, w)| x * w).sum();
    1.0 / (1.0 + (-z).exp())
}
