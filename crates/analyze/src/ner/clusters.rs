//! Word clusters: each frequent word of unlabelled news mapped to a cluster id at three
//! granularities (64, 256 and 1,024 clusters of word2vec vectors, cut by k-means). Words of one
//! cluster occur in like contexts, so a name the training data never showed still shares its
//! cluster features with names it did show (Ratinov & Roth 2009 used Brown clusters the same
//! way). Case-sensitive: "Apple" and "apple" are two words.
//!
//! The table (`crates/analyze/models/word_clusters.tsv`, `word<TAB>c64<TAB>c256<TAB>c1024`) is
//! built by `crates/train/clusters/clusters.py` (its doc gives the commands) from Reuters-21578,
//! Multi-News and Timeline17 text — never the CoNLL files — and embedded. The tagger model is
//! trained with it: rebuild `models/ner.bin` after changing the table.

use std::sync::LazyLock;

use super::features::{hash_str, IdMap};

/// Number of granularities per word.
pub const LEVELS: usize = 3;

static TABLE_TEXT: &str = include_str!("../../models/word_clusters.tsv");

static TABLE: LazyLock<IdMap<[u16; LEVELS]>> = LazyLock::new(|| parse(TABLE_TEXT));

/// The cluster ids of the embedded table for a word given by its [`hash_str`] hash.
pub fn of_hash(word: u64) -> Option<[u16; LEVELS]> {
    TABLE.get(&word).copied()
}

/// The cluster ids of `word` (its [`hash_str`] hash given): of the word itself, else, for a
/// word in capitals ("DURAN" in a heading), of its title-case form ("Duran").
pub fn of_word(word: &str, hash: u64) -> Option<[u16; LEVELS]> {
    of_hash(hash).or_else(|| {
        let mut letters = word.chars().filter(|c| c.is_alphabetic());
        let all_caps = letters.clone().count() >= 2 && letters.all(char::is_uppercase);
        all_caps.then(|| title_case(word)).and_then(|t| of_hash(hash_str(&t)))
    })
}

fn title_case(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut first = true;
    for c in word.chars() {
        if first {
            out.push(c);
        } else {
            out.extend(c.to_lowercase());
        }
        first = !c.is_alphabetic();
    }
    out
}

/// Number of words in the embedded table.
pub fn len() -> usize {
    TABLE.len()
}

fn parse(text: &str) -> IdMap<[u16; LEVELS]> {
    let mut map = IdMap::default();
    map.reserve(text.len() / 16);
    for line in text.lines() {
        let mut fields = line.split('\t');
        let Some(word) = fields.next() else { continue };
        let mut ids = [0u16; LEVELS];
        let mut ok = true;
        for id in &mut ids {
            match fields.next().and_then(|f| f.parse().ok()) {
                Some(v) => *id = v,
                None => ok = false,
            }
        }
        if ok {
            map.insert(hash_str(word), ids);
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_table_loads_and_groups_like_words() {
        assert!(len() > 20_000, "the embedded word clusters hold {} words", len());
        let c = |w: &str| of_hash(hash_str(w)).unwrap_or_else(|| panic!("{w} has a cluster"));
        // Weekdays occur in like contexts.
        assert_eq!(c("Monday")[2], c("Tuesday")[2]);
        assert_ne!(c("Monday")[2], c("said")[2]);
        assert!(of_hash(hash_str("Qzxwvblorf")).is_none());
    }

    #[test]
    fn words_in_capitals_take_their_title_case_cluster() {
        let title = of_hash(hash_str("Monday"));
        assert!(title.is_some());
        assert_eq!(of_word("MONDAY", hash_str("MONDAY")), title);
        assert_eq!(title_case("O'NEILL-SMITH"), "O'Neill-Smith");
    }

    #[test]
    fn malformed_lines_are_skipped() {
        let m = parse("good\t1\t2\t3\nbad\t1\nalso bad\tx\t2\t3\n");
        assert_eq!(m.len(), 1);
        assert_eq!(m.get(&hash_str("good")), Some(&[1, 2, 3]));
    }
}
