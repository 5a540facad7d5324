//! Stop lists, each named by what it is for (lower-case words; the lists are `words/stop_*.txt`).

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::word_list;

static CONTENT: LazyLock<HashSet<&str>> =
    LazyLock::new(|| word_list::set(include_str!("../words/stop_content.txt")));
static ROUGE: LazyLock<HashSet<&str>> =
    LazyLock::new(|| word_list::set(include_str!("../words/stop_rouge.txt")));

/// Whether a lower-case word carries no content of a claim: a function word, a reporting verb
/// ("said", "told") or a title ("mr"). The report compares sentences without them.
pub fn is_not_content(lower: &str) -> bool {
    CONTENT.contains(lower)
}

/// Whether a lower-case word is on ROUGE-1.5.5's stop list (its `-s` option).
pub fn is_rouge_stop(lower: &str) -> bool {
    ROUGE.contains(lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_by_purpose() {
        assert!(is_not_content("said") && is_not_content("the") && !is_not_content("ceasefire"));
        assert!(is_rouge_stop("yourselves") && !is_rouge_stop("said"));
    }
}
