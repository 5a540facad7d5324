//! Training of the time tagger's small binary classifiers (`storyline_analyze::times::learned`):
//! an averaged perceptron over string features, run by `crates/train/examples/train_times.rs`,
//! which writes `crates/analyze/models/times_*.tsv` (the runtime crate only reads them).

use std::collections::HashMap;

use storyline_analyze::times::learned::{Linear, BIAS};

/// An averaged perceptron over `examples` (features, label), `epochs` passes in the given
/// order (deterministic), weights scaled to the mean absolute update of one.
pub fn train(examples: &[(Vec<String>, bool)], epochs: usize) -> Linear {
    let mut w: HashMap<String, f64> = HashMap::new();
    let mut total: HashMap<String, f64> = HashMap::new();
    let mut stamp: HashMap<String, usize> = HashMap::new();
    let mut t = 0usize;
    let with_bias = |f: &[String]| {
        let mut v: Vec<String> = f.to_vec();
        v.push(BIAS.to_string());
        v
    };
    for _ in 0..epochs {
        for (features, label) in examples {
            t += 1;
            let feats = with_bias(features);
            let score: f64 = feats.iter().filter_map(|f| w.get(f)).sum();
            if (score > 0.0) != *label {
                let y = if *label { 1.0 } else { -1.0 };
                for f in &feats {
                    let cur = w.get(f).copied().unwrap_or(0.0);
                    let last = stamp.get(f).copied().unwrap_or(0);
                    *total.entry(f.clone()).or_insert(0.0) += cur * (t - last) as f64;
                    stamp.insert(f.clone(), t);
                    w.insert(f.clone(), cur + y);
                }
            }
        }
    }
    let t = t.max(1);
    let weights = w
        .iter()
        .map(|(f, cur)| {
            let last = stamp.get(f).copied().unwrap_or(0);
            let sum = total.get(f).copied().unwrap_or(0.0) + cur * (t - last) as f64;
            (f.clone(), sum / t as f64)
        })
        .collect();
    Linear { weights }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perceptron_learns_a_separable_rule_and_round_trips() {
        let ex = |f: &[&str], y| (f.iter().map(|s| s.to_string()).collect::<Vec<_>>(), y);
        let data = vec![
            ex(&["a", "x"], true),
            ex(&["b", "x"], false),
            ex(&["a"], true),
            ex(&["b"], false),
        ];
        let m = train(&data, 5);
        assert!(m.decide(&["a".to_string()]));
        assert!(!m.decide(&["b".to_string()]));
        let back = Linear::parse(&m.to_tsv("test model")).unwrap();
        assert!(back.decide(&["a".to_string()]) && !back.decide(&["b".to_string()]));
        assert_eq!(Linear::parse("# only a comment\n"), None);
    }
}
