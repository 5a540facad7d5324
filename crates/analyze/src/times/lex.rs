//! Words of time expressions: month and weekday names, numbers written in digits or words
//! ("twenty-four", "a", "several"), ordinals ("third", "3rd") and the regex fragments for them.

use jiff::civil::Weekday;
use storyline_text::calendar;
use storyline_text::numbers::{self, cardinal_word};

/// Month names and their abbreviations (capitalised, as in running text).
pub const MONTH: &str = r"(January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\.|Sept)";
/// Weekday names.
pub const WEEKDAY: &str = r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
/// A cardinal in digits or words, including compounds ("twenty-four", "twenty four") and vague
/// quantities ("a", "several", "few", "a few", "a couple of").
pub const NUM: &str = r"(\d{1,3}(?:,\d{3})*|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|hundred|a\s+few|a\s+couple\s+of|a|an|several|few|some|many)";
/// A year said in words, as broadcast transcripts write it: "nineteen ninety-six", "nineteen
/// hundred", "eighteen ninety-eight" (a bare "two thousand" is too often a count; it is read as a
/// year only after "the year").
pub const SPOKEN_YEAR: &str = r"((?:eighteen|nineteen)[\s-]+(?:hundred|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen))";
/// "two thousand [and] [one…nineteen]" after "the year".
pub const SPOKEN_2000S: &str = r"(two\s+thousand(?:\s+(?:and\s+)?(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen))?)";
/// Ordinals first to tenth, in words or digits.
pub const ORD: &str = r"(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|1st|2nd|3rd|4th|5th|6th|7th|8th|9th|10th)";

/// Month number 1–12 of a month name or abbreviation, 0 if none.
pub fn month_num(m: &str) -> u32 {
    calendar::month_number(m).map_or(0, u32::from)
}

/// The weekday of a (capitalised) weekday name.
pub fn weekday_of(w: &str) -> Weekday {
    match w.get(..3).unwrap_or("Sun") {
        "Mon" => Weekday::Monday,
        "Tue" => Weekday::Tuesday,
        "Wed" => Weekday::Wednesday,
        "Thu" => Weekday::Thursday,
        "Fri" => Weekday::Friday,
        "Sat" => Weekday::Saturday,
        _ => Weekday::Sunday,
    }
}

/// The value of a cardinal matched by [`NUM`]; `None` for vague quantities ("several", "a few").
pub fn num_word(w: &str) -> Option<i64> {
    let l: String = w.to_ascii_lowercase().split_whitespace().collect::<Vec<_>>().join(" ");
    if let Ok(n) = l.replace(',', "").parse() {
        return Some(n);
    }
    if matches!(l.as_str(), "a couple of" | "couple of") {
        return Some(2);
    }
    if let Some(n) = cardinal_word(&l) {
        return Some(n);
    }
    if let Some((t, u)) = l.split_once(['-', ' ']) {
        return numbers::tens_and_unit(t, u);
    }
    match l.as_str() {
        "a" | "an" => Some(1),
        "hundred" => Some(100),
        _ => None,
    }
}

/// The year of a year said in words ([`SPOKEN_YEAR`] or [`SPOKEN_2000S`]).
pub fn spoken_year(w: &str) -> Option<i64> {
    let l = w.to_ascii_lowercase().replace('-', " ");
    let words: Vec<&str> = l.split_whitespace().filter(|w| *w != "and").collect();
    match words.as_slice() {
        ["two", "thousand"] => Some(2000),
        ["two", "thousand", rest @ ..] => Some(2000 + num_word(&rest.join(" "))?),
        [century, "hundred"] => Some(num_word(century)? * 100),
        [century, rest @ ..] => Some(num_word(century)? * 100 + num_word(&rest.join(" "))?),
        [] => None,
    }
}

/// The value of an ordinal matched by [`ORD`].
pub fn ordinal(w: &str) -> Option<i64> {
    let l = w.to_ascii_lowercase();
    if let Some(d) = l.strip_suffix(|_: char| true).and_then(|x| x.strip_suffix(|_: char| true)) {
        if let Ok(n) = d.parse() {
            return Some(n);
        }
    }
    ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]
        .iter()
        .position(|x| *x == l)
        .map(|i| i as i64 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_words() {
        assert_eq!(num_word("twenty-four"), Some(24));
        assert_eq!(num_word("Thirty five"), Some(35));
        assert_eq!(num_word("1,000"), Some(1000));
        assert_eq!(num_word("an"), Some(1));
        assert_eq!(num_word("several"), None);
        assert_eq!(ordinal("3rd"), Some(3));
        assert_eq!(ordinal("fourth"), Some(4));
        assert_eq!(month_num("Sept."), 9);
        assert_eq!(num_word("a couple of"), Some(2));
    }

    #[test]
    fn years_in_words() {
        assert_eq!(spoken_year("nineteen ninety-six"), Some(1996));
        assert_eq!(spoken_year("Nineteen seventy nine"), Some(1979));
        assert_eq!(spoken_year("nineteen hundred"), Some(1900));
        assert_eq!(spoken_year("eighteen twelve"), Some(1812));
        assert_eq!(spoken_year("two thousand"), Some(2000));
        assert_eq!(spoken_year("two thousand and four"), Some(2004));
    }
}
