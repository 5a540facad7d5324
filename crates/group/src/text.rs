//! Grouping's terms and hashes: content terms (built from `storyline_text`'s copy normaliser,
//! event stop list and Snowball stemmer), the background document frequencies they are weighed
//! by, and the stable hashes and day numbers that [`Features`](crate::Features) persist.
//!
//! Everything here is deterministic across processes and Rust versions (hand-rolled FNV-1a and
//! splitmix64, never `std`'s randomly seeded hashers), because its output is stored.

use std::sync::OnceLock;

use storyline_text::normalise::{copy_words, for_copies};
use storyline_text::{stem, stop};

/// Content terms of a text: [normalised](for_copies) words without numbers, one-letter words or
/// [words that name no event](stop::is_not_event_term), [Snowball-stemmed](stem::snowball).
pub fn terms(text: &str) -> Vec<String> {
    let norm = for_copies(text);
    copy_words(&norm)
        .filter(|w| {
            w.chars().count() > 1
                && !w.chars().all(|c| c.is_ascii_digit())
                && !stop::is_not_event_term(w)
        })
        .map(stem::snowball)
        .collect()
}

/// Background document frequencies of content terms ([`terms`]) in a general news corpus
/// (Reuters-21578, 21,578 wire stories; terms in at least 3 of them), written by `cargo run
/// --release -p storyline-train --example fit_grouping -- background
/// ../shared/data/bench/reuters21578 crates/group/models/background_df.tsv`. They give the online
/// TF-IDF a sensible idf from the first article on, before the stream has taught it which words
/// are common.
const BACKGROUND_DF: &str = include_str!("../models/background_df.tsv");

/// The background corpus: its number of documents and each term's document frequency.
pub fn background() -> &'static (u32, std::collections::HashMap<&'static str, u32>) {
    static TABLE: OnceLock<(u32, std::collections::HashMap<&'static str, u32>)> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut docs = 0;
        let mut df = std::collections::HashMap::new();
        for line in BACKGROUND_DF.lines() {
            let Some((term, n)) = line.split_once('\t') else { continue };
            let n: u32 = n.trim().parse().unwrap_or(0);
            if term == "docs" {
                docs = n;
            } else {
                df.insert(term, n);
            }
        }
        (docs, df)
    })
}

/// A term's idf in the background corpus alone, `ln((D + 1) / (df + 1)) + 1`: how much a word
/// says about a report before the stream has taught anything (an unknown word weighs most).
pub fn background_idf(term: &str) -> f32 {
    let (docs, df) = background();
    let df = df.get(term).copied().unwrap_or(0) as f32;
    ((*docs as f32 + 1.0) / (df + 1.0)).ln() + 1.0
}

/// 64-bit FNV-1a.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// splitmix64 finaliser: a strong, stable 64-bit mixer.
pub fn mix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Days since 1970-01-01 (proleptic Gregorian).
pub fn day_number(date: jiff::civil::Date) -> i32 {
    let (y, m, d) = (date.year() as i64, date.month() as i64, date.day() as i64);
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468) as i32
}

/// The date of a [`day_number`], clamped to the dates `jiff` represents.
pub fn date_of_day(day: i32) -> jiff::civil::Date {
    let epoch = jiff::civil::date(1970, 1, 1);
    jiff::Span::new()
        .try_days(day as i64)
        .and_then(|span| epoch.checked_add(span))
        .unwrap_or(if day < 0 { jiff::civil::Date::MIN } else { jiff::civil::Date::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_terms() {
        assert_eq!(
            terms("The earthquakes struck Turkey on Monday, killing 40."),
            ["earthquak", "struck", "turkey", "kill"]
        );
    }

    #[test]
    fn background_frequencies_load() {
        let (docs, df) = background();
        assert!(*docs > 10_000, "{docs}");
        let common = df.get("market").copied().unwrap_or(0);
        let rare = df.get("earthquak").copied().unwrap_or(0);
        assert!(common > 10 * rare.max(1), "{common} {rare}");
    }

    #[test]
    fn day_numbers() {
        assert_eq!(day_number(jiff::civil::date(1970, 1, 1)), 0);
        assert_eq!(day_number(jiff::civil::date(2000, 3, 1)), 11_017);
        let a = day_number(jiff::civil::date(2024, 2, 28));
        assert_eq!(day_number(jiff::civil::date(2024, 3, 1)) - a, 2);
        for date in [jiff::civil::date(1970, 1, 1), jiff::civil::date(2009, 4, 28)] {
            assert_eq!(date_of_day(day_number(date)), date, "the inverse of day_number");
        }
        assert_eq!(date_of_day(i32::MAX), jiff::civil::Date::MAX);
    }
}
