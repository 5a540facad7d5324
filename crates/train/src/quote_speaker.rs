//! Training of the quote speaker ranker (`storyline_analyze::quotes::speaker`): an averaged
//! perceptron over the candidates of each quotation against its "no speaker" option, run by
//! `crates/train/examples/train_quotes.rs`, which writes `crates/analyze/models/quote_speaker.tsv`
//! (the runtime crate only reads that file).

use std::collections::HashMap;

use storyline_analyze::quotes::speaker::{Choice, Model};

/// One training decision: a quote's choice and the indices of its correct candidates (empty:
/// "no speaker" is correct).
#[derive(Debug, Clone)]
pub struct Example {
    pub choice: Choice,
    pub gold: Vec<usize>,
}

/// Training options.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub epochs: usize,
    /// Features seen fewer times than this in the training decisions are ignored (against
    /// over-fitting).
    pub min_count: usize,
    /// The same for word features (`nw=`, `pw=`, `k_nw=`: the words at a mention; `qp_rel=`,
    /// `qn_rel=`, `none_qp=`, `none_qn=`: the words at the quotation marks).
    pub min_count_words: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { epochs: 10, min_count: 3, min_count_words: 3 }
    }
}

/// Averaged-perceptron training; the decisions are visited in a fixed pseudo-random order per
/// pass (deterministic). `report(epoch, errors, decisions)` is called after each pass.
pub fn train(
    examples: &[Example],
    opts: Options,
    mut report: impl FnMut(usize, usize, usize),
) -> Model {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for ex in examples {
        let all = ex.choice.candidates.iter().flat_map(|c| &c.features);
        for f in all.chain(&ex.choice.none_features) {
            *counts.entry(f.as_str()).or_insert(0) += 1;
        }
    }
    let kept = |f: &str| {
        let lexical = ["nw=", "pw=", "k_nw=", "qp_rel=", "qn_rel=", "none_qp=", "none_qn="]
            .iter()
            .any(|p| f.starts_with(p));
        let min = if lexical { opts.min_count_words } else { opts.min_count };
        counts.get(f).is_some_and(|&n| n >= min)
    };
    let mut w: HashMap<String, f32> = HashMap::new();
    let mut u: HashMap<String, f32> = HashMap::new();
    let mut step = 1.0f32;
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for epoch in 1..=opts.epochs {
        // Fisher–Yates with xorshift64.
        for i in (1..order.len()).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            order.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        let mut errors = 0;
        for &k in &order {
            let ex = &examples[k];
            let score = |f: &[String]| f.iter().filter_map(|x| w.get(x)).sum::<f32>();
            let mut predicted: Option<usize> = None;
            let mut best = score(&ex.choice.none_features);
            for (i, cand) in ex.choice.candidates.iter().enumerate() {
                let s = score(&cand.features);
                if s > best {
                    predicted = Some(i);
                    best = s;
                }
            }
            let correct = match predicted {
                Some(p) => ex.gold.contains(&p),
                None => ex.gold.is_empty(),
            };
            if !correct {
                errors += 1;
                let target = ex.gold.iter().copied().max_by(|&a, &b| {
                    score(&ex.choice.candidates[a].features)
                        .total_cmp(&score(&ex.choice.candidates[b].features))
                        .then(b.cmp(&a))
                });
                let feats = |i: Option<usize>| match i {
                    Some(i) => ex.choice.candidates[i].features.clone(),
                    None => ex.choice.none_features.clone(),
                };
                for (fs, d) in [(feats(target), 1.0f32), (feats(predicted), -1.0)] {
                    for x in fs.into_iter().filter(|x| kept(x)) {
                        *w.entry(x.clone()).or_insert(0.0) += d;
                        *u.entry(x).or_insert(0.0) += step * d;
                    }
                }
            }
            step += 1.0;
        }
        report(epoch, errors, examples.len());
    }
    let weights = w.into_iter().map(|(f, v)| {
        let avg = v - u.get(&f).copied().unwrap_or(0.0) / step;
        (f, avg)
    });
    Model::from_weights(weights.collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyline_analyze::quotes::speaker::{Candidate, Mention, Thresholds};

    fn cand(features: &[&str]) -> Candidate {
        Candidate {
            mention: Mention { s: 0, e: 1, kind: "per", canonical: None, antecedent: None },
            features: features.iter().map(|f| f.to_string()).collect(),
        }
    }

    fn example(good_at: Option<usize>, n: usize) -> Example {
        let candidates =
            (0..n)
                .map(|i| {
                    if Some(i) == good_at {
                        cand(&["k=per", "cue"])
                    } else {
                        cand(&["k=per", "far"])
                    }
                })
                .collect();
        let choice = Choice { candidates, none_features: vec!["none".into()] };
        Example { choice, gold: good_at.into_iter().collect() }
    }

    #[test]
    fn learns_to_pick_and_to_abstain_deterministically() {
        let exs: Vec<Example> =
            (0..40).map(|i| example((i % 4 != 0).then_some(i % 3), 3)).collect();
        let opts = Options { epochs: 5, min_count: 1, min_count_words: 1 };
        let model = train(&exs, opts, |_, _, _| {});
        assert_eq!(model.choose(&example(Some(2), 3).choice), Some(2));
        assert_eq!(model.choose(&example(None, 3).choice), None);
        let again = train(&exs, opts, |_, _, _| {});
        assert_eq!(model.to_tsv(), again.to_tsv());
        let reloaded = Model::from_tsv(&model.to_tsv());
        assert_eq!(reloaded.to_tsv(), model.to_tsv());
        // A large margin for "no speaker" silences every candidate, unless the rules chose one.
        let shy = Thresholds { none_margin: 1e6, fill_margin: 1e6, ..Thresholds::default() };
        assert_eq!(reloaded.decide(&example(Some(1), 3).choice, None, false, shy), None);
        let bare = Thresholds { bare_margin: 1e6, ..Thresholds::default() };
        assert_eq!(reloaded.decide(&example(Some(1), 3).choice, None, false, bare), Some(1));
        assert_eq!(reloaded.decide(&example(Some(1), 3).choice, None, true, bare), None);
        let trusting = Thresholds { rule_margin: 1e7, ..shy };
        assert_eq!(
            reloaded.decide(&example(Some(1), 3).choice, Some((0, 1)), false, trusting),
            Some(0)
        );
        // The thresholds travel with the weights.
        let mut tuned = reloaded.clone();
        tuned.thresholds =
            Thresholds { rule_margin: 1.5, none_margin: -0.5, fill_margin: 3.0, bare_margin: 2.0 };
        assert_eq!(Model::from_tsv(&tuned.to_tsv()).thresholds, tuned.thresholds);
    }
}
