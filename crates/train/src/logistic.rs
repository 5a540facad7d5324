//! Weighted ridge logistic regression by Newton–Raphson over fixed-size feature vectors: how the
//! grouping join rule (`storyline_group::model`, by `fit_grouping`) and the claim-alignment
//! weights (`storyline_compare`, by `fit_compare`) are fitted. Deterministic: the same examples
//! give the same weights.

use storyline_group::model::sigmoid;

/// One training example: features, whether it is a positive (grouping: the story is the article's
/// gold story), and its weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Example<const N: usize> {
    pub x: [f64; N],
    pub same: bool,
    pub weight: f64,
}

/// Weighted L2-regularised logistic regression by Newton–Raphson. Features listed in `fixed`
/// keep the given weights (their term is an offset); the others and the bias are fitted.
/// Returns `(bias, weights)`.
pub fn fit_logistic<const N: usize>(
    examples: &[Example<N>],
    fixed: &[(usize, f64)],
    ridge: f64,
    iterations: usize,
) -> (f64, [f64; N]) {
    let free: Vec<usize> = (0..N).filter(|i| !fixed.iter().any(|(j, _)| j == i)).collect();
    let dim = free.len() + 1;
    let mut beta = vec![0.0; dim]; // [bias, free weights…]
    let offset = |x: &[f64; N]| fixed.iter().map(|&(j, w)| w * x[j]).sum::<f64>();
    let row = |x: &[f64; N]| {
        let mut r = Vec::with_capacity(dim);
        r.push(1.0);
        r.extend(free.iter().map(|&i| x[i]));
        r
    };
    for _ in 0..iterations {
        let mut grad = vec![0.0; dim];
        let mut hess = vec![vec![0.0; dim]; dim];
        for e in examples {
            let r = row(&e.x);
            let z: f64 = offset(&e.x) + r.iter().zip(&beta).map(|(a, b)| a * b).sum::<f64>();
            let p = sigmoid(z);
            let y = if e.same { 1.0 } else { 0.0 };
            for a in 0..dim {
                grad[a] += e.weight * (p - y) * r[a];
                for b in 0..dim {
                    hess[a][b] += e.weight * p * (1.0 - p) * r[a] * r[b];
                }
            }
        }
        for a in 1..dim {
            grad[a] += ridge * beta[a];
            hess[a][a] += ridge;
        }
        let Some(step) = solve(hess, grad) else { break };
        let mut size = 0.0;
        for a in 0..dim {
            beta[a] -= step[a];
            size += step[a].abs();
        }
        if size < 1e-9 {
            break;
        }
    }
    let mut weights = [0.0; N];
    for &(j, w) in fixed {
        weights[j] = w;
    }
    for (k, &i) in free.iter().enumerate() {
        weights[i] = beta[k + 1];
    }
    (beta[0], weights)
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for c in 0..n {
        let p = (c..n).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))?;
        if a[p][c].abs() < 1e-12 {
            return None;
        }
        a.swap(c, p);
        b.swap(c, p);
        let pivot = a[c].clone();
        for r in c + 1..n {
            let f = a[r][c] / pivot[c];
            for (x, p) in a[r][c..].iter_mut().zip(&pivot[c..]) {
                *x -= f * p;
            }
            b[r] -= f * b[c];
        }
    }
    let mut x = vec![0.0; n];
    for r in (0..n).rev() {
        let s: f64 = (r + 1..n).map(|k| a[r][k] * x[k]).sum();
        x[r] = (b[r] - s) / a[r][r];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use storyline_group::model::{Model, FITTED, NF};

    use super::*;

    #[test]
    fn logistic_fit_separates_by_the_informative_feature() {
        let mut examples = Vec::new();
        for i in 0..200 {
            let v = i as f64 / 200.0;
            let mut x = [0.0; NF];
            x[0] = v;
            x[1] = (i % 7) as f64 / 7.0; // noise
            x[8] = 1.0;
            examples.push(Example { x, same: v > 0.5 + 0.1 * ((i % 3) as f64 - 1.0), weight: 1.0 });
        }
        let (bias, w) = fit_logistic(&examples, &[(8, 0.25)], 1e-3, 30);
        assert!(w[0] > 5.0, "{w:?}");
        assert!(w[1].abs() < w[0] / 4.0, "{w:?}");
        assert_eq!(w[8], 0.25);
        assert!(bias < -2.0, "{bias}");
        let m = Model { bias, weights: w, join: 0.5, storyline: 0.2, ..FITTED };
        let mut hi = [0.0; NF];
        hi[0] = 0.9;
        assert!(m.prob(&hi) > 0.8);
    }
}
