//! ROUGE as the summarisation field computes it: the Porter stemmer, `rouge-score`'s tokenizer
//! (lowercase, non-alphanumerics to spaces, Porter-stem tokens longer than three characters) and
//! ROUGE-N / ROUGE-L precision, recall and F1; plus ROUGE-1.5.5's stop-word-free variant used by the
//! timeline metrics (tilse).

use std::collections::HashMap;

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

/// Common English function words, dropped by the timeline metric (ROUGE-1.5.5 `-s`).
const STOP: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "became",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "either",
    "else",
    "ever",
    "every",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "let",
    "like",
    "may",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "myself",
    "neither",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "others",
    "otherwise",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "per",
    "perhaps",
    "rather",
    "same",
    "several",
    "shall",
    "she",
    "should",
    "since",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "therefore",
    "these",
    "they",
    "this",
    "those",
    "though",
    "through",
    "thus",
    "to",
    "too",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "via",
    "was",
    "we",
    "well",
    "were",
    "what",
    "whatever",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whoever",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yet",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "s",
    "t",
];

/// ROUGE-1.5.5 tokens with stop words removed and Porter stemming (the `-s -m` options).
pub fn content_tokens(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
        .filter(|w| !w.is_empty() && !STOP.contains(w))
        .map(porter)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The Porter stemmer (Porter 1980), on lowercase ASCII words.

fn is_consonant(w: &[u8], i: usize) -> bool {
    match w[i] {
        b'a' | b'e' | b'i' | b'o' | b'u' => false,
        b'y' => i == 0 || !is_consonant(w, i - 1),
        _ => true,
    }
}

/// The measure m of `w[..len]`: the number of vowel-consonant sequences.
fn measure(w: &[u8], len: usize) -> usize {
    let mut m = 0;
    let mut i = 0;
    while i < len && is_consonant(w, i) {
        i += 1;
    }
    loop {
        while i < len && !is_consonant(w, i) {
            i += 1;
        }
        if i >= len {
            return m;
        }
        while i < len && is_consonant(w, i) {
            i += 1;
        }
        m += 1;
        if i >= len {
            return m;
        }
    }
}

fn has_vowel(w: &[u8], len: usize) -> bool {
    (0..len).any(|i| !is_consonant(w, i))
}

fn double_consonant(w: &[u8], len: usize) -> bool {
    len >= 2 && w[len - 1] == w[len - 2] && is_consonant(w, len - 1)
}

/// consonant-vowel-consonant ending, the last not w, x or y.
fn cvc(w: &[u8], len: usize) -> bool {
    len >= 3
        && is_consonant(w, len - 3)
        && !is_consonant(w, len - 2)
        && is_consonant(w, len - 1)
        && !matches!(w[len - 1], b'w' | b'x' | b'y')
}

fn ends(w: &[u8], suffix: &str) -> bool {
    w.ends_with(suffix.as_bytes())
}

/// Replaces `suffix` by `repl` when the stem before it has measure > `min_m`.
fn replace_if(w: &mut Vec<u8>, suffix: &str, repl: &str, min_m: usize) -> bool {
    if !ends(w, suffix) {
        return false;
    }
    let stem = w.len() - suffix.len();
    if measure(w, stem) > min_m {
        w.truncate(stem);
        w.extend_from_slice(repl.as_bytes());
    }
    true
}

/// The Porter stem of a lowercase word (non-ASCII words are returned unchanged).
pub fn porter(word: &str) -> String {
    if word.len() <= 2 || !word.is_ascii() {
        return word.to_string();
    }
    let mut w: Vec<u8> = word.as_bytes().to_vec();
    // Step 1a
    if ends(&w, "sses") || ends(&w, "ies") {
        w.truncate(w.len() - 2);
    } else if !ends(&w, "ss") && ends(&w, "s") {
        w.pop();
    }
    // Step 1b
    let mut extra = false;
    if ends(&w, "eed") {
        if measure(&w, w.len() - 3) > 0 {
            w.pop();
        }
    } else if ends(&w, "ed") && has_vowel(&w, w.len() - 2) {
        w.truncate(w.len() - 2);
        extra = true;
    } else if ends(&w, "ing") && has_vowel(&w, w.len() - 3) {
        w.truncate(w.len() - 3);
        extra = true;
    }
    if extra {
        if ends(&w, "at") || ends(&w, "bl") || ends(&w, "iz") {
            w.push(b'e');
        } else if double_consonant(&w, w.len()) && !matches!(w[w.len() - 1], b'l' | b's' | b'z') {
            w.pop();
        } else if measure(&w, w.len()) == 1 && cvc(&w, w.len()) {
            w.push(b'e');
        }
    }
    // Step 1c
    if ends(&w, "y") && has_vowel(&w, w.len() - 1) {
        let n = w.len();
        w[n - 1] = b'i';
    }
    // Step 2
    const STEP2: &[(&str, &str)] = &[
        ("ational", "ate"),
        ("tional", "tion"),
        ("enci", "ence"),
        ("anci", "ance"),
        ("izer", "ize"),
        ("bli", "ble"),
        ("alli", "al"),
        ("entli", "ent"),
        ("eli", "e"),
        ("ousli", "ous"),
        ("ization", "ize"),
        ("ation", "ate"),
        ("ator", "ate"),
        ("alism", "al"),
        ("iveness", "ive"),
        ("fulness", "ful"),
        ("ousness", "ous"),
        ("aliti", "al"),
        ("iviti", "ive"),
        ("biliti", "ble"),
        ("logi", "log"),
    ];
    for (s, r) in STEP2 {
        if replace_if(&mut w, s, r, 0) {
            break;
        }
    }
    // Step 3
    const STEP3: &[(&str, &str)] = &[
        ("icate", "ic"),
        ("ative", ""),
        ("alize", "al"),
        ("iciti", "ic"),
        ("ical", "ic"),
        ("ful", ""),
        ("ness", ""),
    ];
    for (s, r) in STEP3 {
        if replace_if(&mut w, s, r, 0) {
            break;
        }
    }
    // Step 4
    const STEP4: &[&str] = &[
        "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion",
        "ou", "ism", "ate", "iti", "ous", "ive", "ize",
    ];
    for s in STEP4 {
        if ends(&w, s) {
            let stem = w.len() - s.len();
            let ok =
                if *s == "ion" { stem > 0 && matches!(w[stem - 1], b's' | b't') } else { true };
            if ok && measure(&w, stem) > 1 {
                w.truncate(stem);
            }
            break;
        }
    }
    // Step 5a
    if ends(&w, "e") {
        let stem = w.len() - 1;
        let m = measure(&w, stem);
        if m > 1 || (m == 1 && !cvc(&w, stem)) {
            w.truncate(stem);
        }
    }
    // Step 5b
    if measure(&w, w.len()) > 1 && double_consonant(&w, w.len()) && ends(&w, "l") {
        w.pop();
    }
    String::from_utf8(w).unwrap_or_else(|_| word.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn porter_matches_the_reference_examples() {
        for (w, s) in [
            ("caresses", "caress"),
            ("ponies", "poni"),
            ("cats", "cat"),
            ("agreed", "agre"),
            ("plastered", "plaster"),
            ("motoring", "motor"),
            ("hopping", "hop"),
            ("filing", "file"),
            ("happy", "happi"),
            ("relational", "relat"),
            ("conditional", "condit"),
            ("generalization", "gener"),
            ("electrical", "electr"),
            ("adjustment", "adjust"),
            ("controlling", "control"),
            ("injured", "injur"),
            ("running", "run"),
        ] {
            assert_eq!(porter(w), s, "{w}");
        }
    }

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
