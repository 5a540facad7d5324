//! A cheap first pass over the text: which rule families can match at all. Every match of a
//! rule's regex holds one of a few words (a month name, "quarter", "ago"…); one Aho-Corasick pass
//! finds which of those words the text holds, and a rule none of whose words occurs is skipped —
//! the same output, without running its capture regex over the text (most rules, on most
//! articles).
//!
//! The words are a necessary condition only: a word found may stand in another word ("dividend",
//! "known"), and then the rule's regex runs as before. Case-insensitive regexes fold two
//! non-ASCII letters onto ASCII ones (K KELVIN SIGN onto k, ſ LONG S onto s), which an ASCII
//! case-insensitive search cannot see: a text holding either (or a dotless ı, whose upper case
//! is I) runs every rule.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// One bit per rule family.
pub(super) const MONTH: u32 = 1 << 0;
pub(super) const WEEKDAY: u32 = 1 << 1;
pub(super) const HOLIDAY: u32 = 1 << 2;
pub(super) const RELATIVE: u32 = 1 << 3;
pub(super) const DAYPART: u32 = 1 << 4;
pub(super) const QUARTER: u32 = 1 << 5;
pub(super) const QUARTER_REF: u32 = 1 << 6;
pub(super) const YEAR: u32 = 1 << 7;
pub(super) const SEASON: u32 = 1 << 8;
pub(super) const PERIOD_END: u32 = 1 << 9;
pub(super) const AGO: u32 = 1 << 10;
pub(super) const DURATION: u32 = 1 << 11;
pub(super) const ORDINAL_PERIOD: u32 = 1 << 12;
pub(super) const SET: u32 = 1 << 13;
pub(super) const SPOKEN_YEAR: u32 = 1 << 14;
pub(super) const DECADE_WORD: u32 = 1 << 15;
pub(super) const REFERENCE: u32 = 1 << 16;
pub(super) const VAGUE_PLURAL: u32 = 1 << 17;
pub(super) const ANAPHOR: u32 = 1 << 18;
pub(super) const CENTURY: u32 = 1 << 19;
pub(super) const DECADE: u32 = 1 << 20;
pub(super) const CLOCK: u32 = 1 << 21;
/// Every family: what a text holding K or ſ gets.
pub(super) const ALL: u32 = (1 << 22) - 1;

/// How a found word counts.
#[derive(Clone, Copy, PartialEq)]
enum Case {
    /// In any ASCII case (the family's regex is case-insensitive there).
    Any,
    /// Exactly as written (the regex is case-sensitive there: "May", not "may").
    Exact,
    /// In any case, after a digit and optional spaces ("10 a.m.", "10:30").
    AfterDigit,
}

/// The families and the words every match of theirs holds (see each rule's regex).
const FAMILIES: &[(u32, Case, &[&str])] = &[
    (
        MONTH,
        Case::Exact,
        &["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    ),
    (
        WEEKDAY,
        Case::Exact,
        &["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    ),
    (
        HOLIDAY,
        Case::Exact,
        &[
            "Thanksgiving",
            "Christmas",
            "New",
            "Independence",
            "Labor",
            "Memorial",
            "Election",
            "Halloween",
            "Valentine",
            "Veterans",
        ],
    ),
    (
        RELATIVE,
        Case::Any,
        &[
            "day", "tonight", "tomorrow", "now", "current", "recent", "week", "month", "year",
            "decade", "future", "coming",
        ],
    ),
    (DAYPART, Case::Any, &["morning", "afternoon", "evening", "night"]),
    (QUARTER, Case::Any, &["quarter", "half"]),
    (QUARTER_REF, Case::Any, &["quarter", "period"]),
    (YEAR, Case::Any, &["year"]),
    (SEASON, Case::Any, &["spring", "summer", "fall", "autumn", "winter"]),
    (PERIOD_END, Case::Any, &["year", "month"]),
    (AGO, Case::Any, &["ago"]),
    (
        DURATION,
        Case::Any,
        &["day", "week", "month", "year", "hour", "minute", "decade", "quarter", "centur"],
    ),
    (
        ORDINAL_PERIOD,
        Case::Any,
        &["second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"],
    ),
    (SET, Case::Any, &["every", "each", "hourly", "weekly", "monthly", "annually", "yearly"]),
    (SPOKEN_YEAR, Case::Any, &["eighteen", "nineteen", "thousand"]),
    (DECADE_WORD, Case::Any, &super::years::DECADE_WORDS),
    (REFERENCE, Case::Any, &["current", "daily", "past", "future", "term"]),
    (VAGUE_PLURAL, Case::Any, &["years", "months", "weeks", "days"]),
    (ANAPHOR, Case::Any, &["year", "month", "day"]),
    (CENTURY, Case::Any, &["century"]),
    (DECADE, Case::Exact, &["0s", "0's"]),
    (CLOCK, Case::AfterDigit, &["am", "pm", "a.m", "p.m", ":"]),
    (CLOCK, Case::Any, &["midnight", "noon", "midday"]),
];

/// The searcher and, per pattern, the word, how it counts and the families it lets run.
struct Anchors {
    searcher: AhoCorasick,
    patterns: Vec<(&'static str, Case, u32)>,
}

static ANCHORS: LazyLock<Anchors> = LazyLock::new(|| {
    let mut patterns: Vec<(&'static str, Case, u32)> = Vec::new();
    for &(bit, case, words) in FAMILIES {
        for &w in words {
            match patterns.iter_mut().find(|p| p.0.eq_ignore_ascii_case(w)) {
                Some(p) => {
                    assert!(p.0 == w && p.1 == case, "one way to count {w}");
                    p.2 |= bit;
                }
                None => patterns.push((w, case, bit)),
            }
        }
    }
    let searcher = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(patterns.iter().map(|p| p.0))
        .expect("valid anchor words");
    Anchors { searcher, patterns }
});

/// The families that can match somewhere in `text` (a bit set of the constants above).
pub(super) fn families(text: &str) -> u32 {
    // ı (dotless i) upper-cases to I though case folding leaves it apart; counted too, to be safe.
    if !text.is_ascii() && text.contains(['\u{212A}', '\u{17F}', '\u{131}']) {
        return ALL;
    }
    let anchors = &*ANCHORS;
    let mut found = 0;
    for m in anchors.searcher.find_overlapping_iter(text) {
        let (word, case, bits) = anchors.patterns[m.pattern().as_usize()];
        if found & bits == bits {
            continue;
        }
        let counts = match case {
            Case::Any => true,
            Case::Exact => &text[m.range()] == word,
            Case::AfterDigit => {
                text[..m.start()].trim_end().chars().next_back().is_some_and(char::is_numeric)
            }
        };
        if counts {
            found |= bits;
            if found == ALL {
                break;
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_found_let_their_families_run() {
        let f = families("The company said on Monday its fourth-quarter profit rose.");
        assert_eq!(
            f & (WEEKDAY | QUARTER | QUARTER_REF | DURATION),
            WEEKDAY | QUARTER | QUARTER_REF | DURATION
        );
        assert_eq!(f & (MONTH | AGO | CLOCK | SEASON), 0);
        // "may" the modal is no month; "dividend" holds no anchor of a period end.
        let f = families("Shares may rise, and the dividend was paid at 10 a.m.");
        assert_eq!(f & (MONTH | PERIOD_END), 0);
        assert_eq!(f & CLOCK, CLOCK);
        assert_eq!(families("It costs 1 am. Ok") & CLOCK, CLOCK);
        assert_eq!(families("I am here") & CLOCK, 0);
        // A Kelvin sign folds onto k under a case-insensitive regex ("wee\u{212A}").
        assert_eq!(families("two wee\u{212A}s"), ALL);
        assert_eq!(families("\u{17F}even days"), ALL);
        assert_eq!(families("d\u{131}d"), ALL);
    }

    /// Each rule's words are a necessary condition: on texts built to match each rule, the
    /// anchors let it run (the output of the whole tagger is checked by the other tests).
    #[test]
    fn every_rule_runs_where_it_matches() {
        let text = "On Friday, June 19, 2025 at 10:30 p.m. EST, the 20th century, two thousand, \
                    the nineties, the 1990s, every week, the past, for years, later that year";
        assert_eq!(
            families(text) & (MONTH | WEEKDAY | CLOCK | CENTURY | DECADE),
            MONTH | WEEKDAY | CLOCK | CENTURY | DECADE
        );
    }
}
