//! Word lists kept as data files: one entry a line, blank lines and `#` comments skipped.

use std::collections::HashSet;

/// A word list as a set. Hashed with foldhash's fixed state: the lists are looked up for every
/// token of every article, where std's SipHash showed at about 1.5 % of an ingest.
pub type WordSet = HashSet<&'static str, foldhash::fast::FixedState>;

/// The entries of a word-list file's contents.
pub fn entries(data: &'static str) -> impl Iterator<Item = &'static str> {
    data.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// The entries of a word-list file as a set.
pub fn set(data: &'static str) -> WordSet {
    entries(data).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn comments_and_blank_lines_are_skipped() {
        let v: Vec<_> = super::entries("# a list\n\nMr\n  Dr \n").collect();
        assert_eq!(v, ["Mr", "Dr"]);
    }
}
