//! ROUGE as the summarisation field computes it: `rouge-score`'s tokenizer
//! (lowercase, non-alphanumerics to spaces, Porter-stem tokens longer than three characters) and
//! ROUGE-N / ROUGE-L precision, recall and F1; plus ROUGE-1.5.5's stop-word-free variant used by the
//! timeline metrics (tilse). The Porter stemmer and the stop list are `storyline_text`'s.

use std::collections::HashMap;

use storyline_text::stem::porter;
use storyline_text::stop;

/// Precision, recall and F1 of one comparison.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    pub fn new(hits: f64, predicted: f64, gold: f64) -> Self {
        let precision = if predicted > 0.0 { hits / predicted } else { 0.0 };
        let recall = if gold > 0.0 { hits / gold } else { 0.0 };
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Prf { precision, recall, f1 }
    }
}

/// `rouge-score`'s tokens: lowercase alphanumeric runs, stemmed when longer than three characters.
pub fn tokens(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
        .filter(|w| !w.is_empty())
        .map(|w| if w.len() > 3 { porter(w) } else { w.to_string() })
        .collect()
}

/// The first `n` whitespace-separated words of `text`.
pub fn truncate_words(text: &str, n: usize) -> String {
    text.split_whitespace().take(n).collect::<Vec<_>>().join(" ")
}

fn ngrams(toks: &[String], n: usize) -> HashMap<&[String], usize> {
    let mut m = HashMap::new();
    if toks.len() >= n {
        for w in toks.windows(n) {
            *m.entry(w).or_insert(0) += 1;
        }
    }
    m
}

/// Clipped n-gram overlap: (hits, predicted n-grams, gold n-grams).
pub fn ngram_counts(pred: &[String], gold: &[String], n: usize) -> (usize, usize, usize) {
    let (p, g) = (ngrams(pred, n), ngrams(gold, n));
    let hits = p.iter().map(|(k, c)| (*c).min(g.get(k).copied().unwrap_or(0))).sum();
    (hits, pred.len().saturating_sub(n - 1), gold.len().saturating_sub(n - 1))
}

/// ROUGE-N of token sequences.
pub fn rouge_n(pred: &[String], gold: &[String], n: usize) -> Prf {
    let (h, p, g) = ngram_counts(pred, gold, n);
    Prf::new(h as f64, p as f64, g as f64)
}

/// ROUGE-L (longest common subsequence over the whole text, as `rouge-score`'s `rougeL`).
pub fn rouge_l(pred: &[String], gold: &[String]) -> Prf {
    if pred.is_empty() || gold.is_empty() {
        return Prf::default();
    }
    let mut prev = vec![0usize; gold.len() + 1];
    let mut cur = vec![0usize; gold.len() + 1];
    for p in pred {
        for (j, g) in gold.iter().enumerate() {
            cur[j + 1] = if p == g { prev[j] + 1 } else { cur[j].max(prev[j + 1]) };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let lcs = prev[gold.len()] as f64;
    Prf::new(lcs, pred.len() as f64, gold.len() as f64)
}

/// ROUGE-1.5.5 tokens with stop words removed and Porter stemming (the `-s -m` options).
pub fn content_tokens(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
        .filter(|w| !w.is_empty() && !stop::is_rouge_stop(w))
        .map(porter)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rouge_scores_overlap() {
        let p = tokens("The cats sat on the mat.");
        let g = tokens("A cat sat on a mat");
        let r1 = rouge_n(&p, &g, 1);
        assert!((r1.precision - 4.0 / 6.0).abs() < 1e-9, "{r1:?}");
        assert!((r1.recall - 4.0 / 6.0).abs() < 1e-9);
        let rl = rouge_l(&p, &g);
        assert!((rl.f1 - 4.0 / 6.0).abs() < 1e-9);
        assert_eq!(rouge_n(&p, &g, 2).precision, 2.0 / 5.0);
    }
}
