//! Stemmers: [`light`], a suffix stripper for matching claims ("talks"/"talk"); [`porter`],
//! Porter's (1980) algorithm as ROUGE uses it; and [`snowball`], Snowball English (Porter2, from
//! the `rust-stemmers` crate), the stem grouping's persisted terms are made of.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

/// The Snowball English (Porter2) stem of a lower-case word. Grouping's stored terms are these
/// stems, so the algorithm (and the `rust-stemmers` version) changes only with a regrouping.
///
/// Stems are remembered per thread (news repeats its words: a Reuters ingest stems each distinct
/// word about 30 times); the memory is emptied when it holds [`STEM_CACHE_WORDS`] words.
pub fn snowball(lower: &str) -> String {
    thread_local! {
        static STEMS: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
    }
    STEMS.with_borrow_mut(|stems| {
        if let Some(stem) = stems.get(lower) {
            return stem.clone();
        }
        let stem = snowball_uncached(lower);
        if stems.len() >= STEM_CACHE_WORDS {
            stems.clear();
        }
        stems.insert(lower.to_string(), stem.clone());
        stem
    })
}

/// How many stems [`snowball`] remembers per thread (a few MB at most).
pub const STEM_CACHE_WORDS: usize = 50_000;

fn snowball_uncached(lower: &str) -> String {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::English)).stem(lower).into_owned()
}

/// A light English stemmer: enough to match "talks"/"talk", "injured"/"injury" is not attempted.
pub fn light(word: &str) -> String {
    let w = word.trim_end_matches("'s").trim_end_matches("’s");
    let n = w.chars().count();
    let strip = |suffix: &str, min: usize| -> Option<String> {
        if n >= min && w.ends_with(suffix) {
            Some(w[..w.len() - suffix.len()].to_string())
        } else {
            None
        }
    };
    if let Some(s) = strip("ies", 5) {
        return s + "y";
    }
    for (suffix, min) in [("ing", 6), ("ed", 5), ("es", 5), ("ly", 5)] {
        if let Some(s) = strip(suffix, min) {
            return s;
        }
    }
    if n >= 4 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is")
    {
        return w[..w.len() - 1].to_string();
    }
    w.to_string()
}

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
    fn light_strips_plural_and_verb_endings() {
        assert_eq!(light("talks"), "talk");
        assert_eq!(light("injuries"), "injury");
        assert_eq!(light("Ukraine's"), "Ukraine");
        assert_eq!(light("crisis"), "crisis");
    }

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
    fn snowball_stems_as_grouping_stores_them() {
        for (w, s) in [
            ("earthquakes", "earthquak"),
            ("killing", "kill"),
            ("generously", "generous"),
            ("turkey", "turkey"),
        ] {
            assert_eq!(snowball(w), s, "{w}");
        }
    }
}
