//! Metric arithmetic shared by the tasks: precision/recall/F1 from counts, one-to-one span
//! matching, and the clustering scores (B-cubed, pairwise, adjusted Rand index).
//!
//! Conventions: a ratio with a zero denominator is 0 (precision with no predictions, recall with
//! no gold), except that F1 of P = R = 0 is 0.

use std::collections::HashMap;
use std::hash::Hash;

/// `num / den`, 0 when `den` is 0.
pub fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

/// Harmonic mean of precision and recall (0 when both are 0).
pub fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// True positives against the number of predictions and of gold items.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: usize,
    pub predicted: usize,
    pub gold: usize,
}

impl Counts {
    pub fn new(tp: usize, predicted: usize, gold: usize) -> Self {
        Counts { tp, predicted, gold }
    }
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.predicted)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.gold)
    }
    pub fn f1(&self) -> f64 {
        f1(self.precision(), self.recall())
    }
    pub fn add(&mut self, other: Counts) {
        self.tp += other.tp;
        self.predicted += other.predicted;
        self.gold += other.gold;
    }
}

/// One-to-one matching of predictions to gold items. `weight(p, g)` is `Some(w)` when the pair
/// may match (`w` = how well, e.g. overlap length). Pairs are taken greedily by weight (highest
/// first; ties by prediction then gold index, so the result is deterministic), each item used at
/// most once. Returns `(pred, gold)` pairs sorted by prediction index.
pub fn match_one_to_one(
    n_pred: usize,
    n_gold: usize,
    mut weight: impl FnMut(usize, usize) -> Option<usize>,
) -> Vec<(usize, usize)> {
    let mut cands = Vec::new();
    for p in 0..n_pred {
        for g in 0..n_gold {
            if let Some(w) = weight(p, g) {
                cands.push((w, p, g));
            }
        }
    }
    cands.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut used_p = vec![false; n_pred];
    let mut used_g = vec![false; n_gold];
    let mut out = Vec::new();
    for (_, p, g) in cands {
        if !used_p[p] && !used_g[g] {
            used_p[p] = true;
            used_g[g] = true;
            out.push((p, g));
        }
    }
    out.sort_unstable();
    out
}

/// Number of characters two end-exclusive ranges share.
pub fn overlap(a: (usize, usize), b: (usize, usize)) -> usize {
    a.1.min(b.1).saturating_sub(a.0.max(b.0))
}

/// Precision, recall and F1 of one clustering metric.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    fn new(precision: f64, recall: f64) -> Self {
        Prf { precision, recall, f1: f1(precision, recall) }
    }
}

/// Dense cluster ids (0..k) in order of first appearance.
fn dense<L: Eq + Hash>(labels: &[L]) -> (Vec<usize>, usize) {
    let mut ids: HashMap<&L, usize> = HashMap::new();
    let v = labels
        .iter()
        .map(|l| {
            let n = ids.len();
            *ids.entry(l).or_insert(n)
        })
        .collect();
    (v, ids.len())
}

/// The contingency table of two labelings: counts of (gold, pred) cells and the cluster sizes.
struct Contingency {
    cells: HashMap<(usize, usize), usize>,
    gold_sizes: Vec<usize>,
    pred_sizes: Vec<usize>,
    gold: Vec<usize>,
    pred: Vec<usize>,
}

fn contingency<G: Eq + Hash, P: Eq + Hash>(gold: &[G], pred: &[P]) -> Contingency {
    assert_eq!(gold.len(), pred.len(), "gold and predicted labelings differ in length");
    let (g, kg) = dense(gold);
    let (p, kp) = dense(pred);
    let mut cells = HashMap::new();
    let mut gold_sizes = vec![0; kg];
    let mut pred_sizes = vec![0; kp];
    for (&a, &b) in g.iter().zip(&p) {
        *cells.entry((a, b)).or_insert(0) += 1;
        gold_sizes[a] += 1;
        pred_sizes[b] += 1;
    }
    Contingency { cells, gold_sizes, pred_sizes, gold: g, pred: p }
}

/// B-cubed precision, recall and F1 (Bagga & Baldwin 1998): per item, the share of its predicted
/// cluster that is in its gold cluster (precision) and the share of its gold cluster that is in
/// its predicted cluster (recall), averaged over items.
pub fn bcubed<G: Eq + Hash, P: Eq + Hash>(gold: &[G], pred: &[P]) -> Prf {
    if gold.is_empty() {
        return Prf::default();
    }
    let c = contingency(gold, pred);
    let (mut p, mut r) = (0.0, 0.0);
    for (&g, &q) in c.gold.iter().zip(&c.pred) {
        let both = c.cells[&(g, q)] as f64;
        p += both / c.pred_sizes[q] as f64;
        r += both / c.gold_sizes[g] as f64;
    }
    let n = gold.len() as f64;
    Prf::new(p / n, r / n)
}

fn pairs(n: usize) -> f64 {
    (n * n.saturating_sub(1) / 2) as f64
}

/// Pairwise precision, recall and F1: over all pairs of items, "same predicted cluster" scored
/// against "same gold cluster".
pub fn pairwise<G: Eq + Hash, P: Eq + Hash>(gold: &[G], pred: &[P]) -> Prf {
    let c = contingency(gold, pred);
    let both: f64 = c.cells.values().map(|&n| pairs(n)).sum();
    let gold_pairs: f64 = c.gold_sizes.iter().map(|&n| pairs(n)).sum();
    let pred_pairs: f64 = c.pred_sizes.iter().map(|&n| pairs(n)).sum();
    let p = if pred_pairs == 0.0 { 0.0 } else { both / pred_pairs };
    let r = if gold_pairs == 0.0 { 0.0 } else { both / gold_pairs };
    Prf::new(p, r)
}

/// Adjusted Rand index (Hubert & Arabie 1985). 1 for identical partitions, about 0 for chance;
/// when the partitions leave no room for chance (e.g. both all singletons) it is 1 if they are
/// identical, else 0.
pub fn adjusted_rand<G: Eq + Hash, P: Eq + Hash>(gold: &[G], pred: &[P]) -> f64 {
    let c = contingency(gold, pred);
    let index: f64 = c.cells.values().map(|&n| pairs(n)).sum();
    let a: f64 = c.gold_sizes.iter().map(|&n| pairs(n)).sum();
    let b: f64 = c.pred_sizes.iter().map(|&n| pairs(n)).sum();
    let total = pairs(gold.len());
    if total == 0.0 {
        return 1.0;
    }
    let expected = a * b / total;
    let max = (a + b) / 2.0;
    if (max - expected).abs() < 1e-12 {
        return if (index - expected).abs() < 1e-12 { 1.0 } else { 0.0 };
    }
    (index - expected) / (max - expected)
}

/// Number of distinct labels.
pub fn n_clusters<L: Eq + Hash>(labels: &[L]) -> usize {
    dense(labels).1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    #[test]
    fn prf_from_counts() {
        let c = Counts::new(3, 4, 6);
        close(c.precision(), 0.75);
        close(c.recall(), 0.5);
        close(c.f1(), 0.6);
        close(Counts::new(0, 0, 0).f1(), 0.0);
    }

    /// gold {1,2,3}{4,5}; predicted {1,2}{3,4,5}.
    #[test]
    fn clustering_scores_on_five_items() {
        let gold = ["a", "a", "a", "b", "b"];
        let pred = [7, 7, 9, 9, 9];
        let b3 = bcubed(&gold, &pred);
        // P = (1 + 1 + 1/3 + 2/3 + 2/3) / 5, R = (2/3 + 2/3 + 1/3 + 1 + 1) / 5.
        close(b3.precision, 11.0 / 15.0);
        close(b3.recall, 11.0 / 15.0);
        close(b3.f1, 11.0 / 15.0);
        // Pairs: gold 3+1, predicted 1+3, shared {1,2} and {4,5}.
        let pw = pairwise(&gold, &pred);
        close(pw.precision, 0.5);
        close(pw.recall, 0.5);
        // ARI: index 2, expected 4*4/10 = 1.6, max 4 -> 0.4 / 2.4.
        close(adjusted_rand(&gold, &pred), 1.0 / 6.0);
        close(adjusted_rand(&gold, &["x", "x", "x", "y", "y"]), 1.0);
        assert_eq!(n_clusters(&pred), 2);
    }

    #[test]
    fn singletons_score_full_precision() {
        let gold = [1, 1, 2];
        let pred = [1, 2, 3];
        let b3 = bcubed(&gold, &pred);
        close(b3.precision, 1.0);
        close(b3.recall, (0.5 + 0.5 + 1.0) / 3.0);
        close(pairwise(&gold, &pred).precision, 0.0);
    }

    #[test]
    fn greedy_matching_is_one_to_one() {
        let pred = [(0, 10), (5, 8)];
        let gold = [(4, 9)];
        let m = match_one_to_one(2, 1, |p, g| {
            let o = overlap(pred[p], gold[g]);
            (o > 0).then_some(o)
        });
        assert_eq!(m, vec![(0, 0)]);
    }
}
