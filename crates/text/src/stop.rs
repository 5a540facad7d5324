//! Stop lists, each named by what it is for (lower-case words; the lists are `words/stop_*.txt`).

use std::sync::LazyLock;

use crate::word_list::{self, WordSet};

static CONTENT: LazyLock<WordSet> =
    LazyLock::new(|| word_list::set(include_str!("../words/stop_content.txt")));
static ROUGE: LazyLock<WordSet> =
    LazyLock::new(|| word_list::set(include_str!("../words/stop_rouge.txt")));
static EVENT: LazyLock<WordSet> =
    LazyLock::new(|| word_list::set(include_str!("../words/stop_event.txt")));

/// Whether a lower-case word carries no content of a claim: a function word, a reporting verb
/// ("said", "told") or a title ("mr"). The report compares sentences without them.
pub fn is_not_content(lower: &str) -> bool {
    CONTENT.contains(lower)
}

/// Whether a lower-case word is on ROUGE-1.5.5's stop list (its `-s` option).
pub fn is_rouge_stop(lower: &str) -> bool {
    ROUGE.contains(lower)
}

/// Whether a lower-case word says nothing about which event a report tells of: a function word, or
/// a word every news report uses (reporting verbs, weekdays, months, "year"). Grouping drops these
/// from the terms it compares articles by; its features are persisted, so the list is data that
/// changes only deliberately.
pub fn is_not_event_term(lower: &str) -> bool {
    EVENT.contains(lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_by_purpose() {
        assert!(is_not_content("said") && is_not_content("the") && !is_not_content("ceasefire"));
        assert!(is_rouge_stop("yourselves") && !is_rouge_stop("said"));
        assert!(is_not_event_term("monday") && is_not_event_term("said"));
        assert!(!is_not_event_term("earthquake") && !is_not_event_term("mr"));
    }

    #[test]
    fn the_event_list_is_sorted_and_whole() {
        // Kept sorted so a diff of the list reads as a diff; 200 words since grouping's features
        // were first persisted.
        let words: Vec<_> = word_list::entries(include_str!("../words/stop_event.txt")).collect();
        assert!(words.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(words.len(), 200);
    }
}
