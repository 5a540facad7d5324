//! Rules for years and longer periods: years ("1998", "fiscal 1989", "mid-1996", "in 1898"; not
//! amounts or percentages), decades ("the 1990s" → `199`, "the nineties"), seasons, years said in words
//! ("nineteen ninety-six", "the year two thousand"), "the [fiscal|full] year" (the
//! publication's year, `P1Y` before "ended" or after "throughout"), and centuries ("the 20th
//! century" → `19`).

use std::sync::LazyLock;

use regex::Regex;
use storyline_model::TimeType;

use super::context::{next_word, starts_with_word, window_before, Candidate, Context, Val};
use super::lex::*;
use super::re;
use crate::text::lower;

/// A year, with "fiscal"/"calendar [year]" before it.
pub(super) static RE_YEAR: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:((?i:fiscal|calendar))[\s-]+(?:year\s+)?)?((?:19|20)\d{2})\b"));
static RE_DECADE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b(?:((?i:the))\s+)?(?:(?i:early|mid|late)[\s-]+)?(?:((?:19|20)\d)0|'(\d)0)'?s\b")
});
static RE_SEASON: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?:(this|last|next|the|early|late|in|during)\s+)(spring|summer|fall|autumn|winter)(?:\s+(?:of\s+)?((?:19|20)\d{{2}}|{SPOKEN_YEAR}))?\b"
    ))
});
/// Decades in words after "the": "the nineties" → `199` ("in his fifties" is an age).
static RE_DECADE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\bthe\s+(?:(?:early|mid|late)[\s-]+)?(twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b",
    )
});
/// Years said in words: "nineteen ninety-six", "the year two thousand".
static RE_SPOKEN_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(r"(?i)\b(?:the\s+year\s+(?:{SPOKEN_2000S}|{SPOKEN_YEAR})|{SPOKEN_YEAR})\b"))
});
/// "the year", "the fiscal year", "the full year" (the publication's year, or a one-year period
/// before "ended"/"ending").
static RE_THE_YEAR: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\bthe\s+(?:(?:fiscal|full|current|entire|whole)\s+)*year\b"));
/// Centuries by number: "the 20th century" → `19`.
static RE_CENTURY: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)[\s-]+century\b"));

/// A year before 1900 after a preposition ("in 1898", "since 1815"); alone, or before a noun
/// ("in 1500 homes"), such a number is more often a count.
static RE_OLD_YEAR: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?i:in|since|until|before|after)\s+(1[5-8]\d{2})\b"));

/// "1998", "fiscal 1989", "mid-1996", "post-1959"; "in 1898".
pub(super) fn years(cx: &mut Context, out: &mut Vec<Candidate>) {
    let text = cx.text;
    for c in RE_OLD_YEAR.captures_iter(text) {
        let y = c.get(1).unwrap();
        let noun_after = text[y.end()..].strip_prefix(' ').is_some_and(|r| {
            r.starts_with(|ch: char| ch.is_ascii_lowercase())
                && !matches!(
                    next_word(r).as_str(),
                    "and" | "when" | "as" | "to" | "in" | "at" | "on" | "after" | "by"
                )
        });
        if !not_a_year(text, y.start(), y.end()) && !noun_after {
            let v = Some(y.as_str().to_string());
            out.push(Candidate::known(y.start(), y.end(), TimeType::Date, v));
        }
    }
    for c in RE_YEAR.captures_iter(text) {
        let y = c.get(2).unwrap();
        let m = c.get(0).unwrap();
        // "mid-1996", "post-1959": the prefix belongs to the expression.
        let prefix = ["mid-", "pre-", "post-"].into_iter().find(|p| {
            let w = window_before(text, y.start(), p.len());
            w.eq_ignore_ascii_case(p)
                && !window_before(text, y.start() - p.len(), 1)
                    .starts_with(|c: char| c.is_alphanumeric())
        });
        let start = match prefix {
            Some(p) if m.start() == y.start() => y.start() - p.len(),
            _ if not_a_year(text, y.start(), y.end()) => continue,
            _ => m.start(),
        };
        out.push(Candidate::known(start, m.end(), TimeType::Date, Some(y.as_str().to_string())));
    }
}

/// A span of years: "1957-58", "the 2009–10 season", "1939-1945", "1998/99" (not an ISO date
/// "2009-10-01", nor "2012-08" whose second part does not come after the first).
static RE_YEAR_RANGE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b((?:19|20)\d{2})(\s?[-–/]\s?)((?:19|20)\d{2}|\d{2})\b"));

/// "1957-58" → two dates, 1957 and 1958 (as "May 12 to 13" gives two days); the second year
/// must follow the first within twenty years.
pub(super) fn year_ranges(cx: &mut Context, out: &mut Vec<Candidate>) {
    let text = cx.text;
    for c in RE_YEAR_RANGE.captures_iter(text) {
        let m = c.get(0).unwrap();
        let (y1, y2) = (c.get(1).unwrap(), c.get(3).unwrap());
        let first: i64 = y1.as_str().parse().unwrap_or(0);
        let second: i64 = match y2.as_str().parse::<i64>() {
            Ok(n) if y2.as_str().len() == 2 => {
                let n = first / 100 * 100 + n;
                if n <= first {
                    n + 100
                } else {
                    n
                }
            }
            Ok(n) => n,
            Err(_) => continue,
        };
        let after = &text[m.end()..];
        let iso_date =
            after.starts_with(['-', '/']) && after[1..].starts_with(|ch: char| ch.is_ascii_digit());
        let before = text[..m.start()].chars().next_back();
        let in_number = before
            .is_some_and(|ch| ch.is_ascii_digit() || matches!(ch, '$' | '.' | '-' | '/'))
            || after.starts_with('%')
            || starts_with_word(after, "percent");
        if iso_date || in_number || second <= first || second - first > 20 {
            continue;
        }
        let sep = c.get(2).unwrap();
        out.push(Candidate {
            start: m.start(),
            end: m.end(),
            exprs: vec![
                (y1.start(), y1.end(), TimeType::Date, Val::Known(Some(format!("{first:04}")))),
                (sep.end(), m.end(), TimeType::Date, Val::Known(Some(format!("{second:04}")))),
            ],
        });
    }
}

/// "the 1990s" → `199`, a bare "1990s" → `199X`, "the '80s"; a duration after "throughout".
pub(super) fn decades(cx: &mut Context, out: &mut Vec<Candidate>) {
    let text = cx.text;
    for c in RE_DECADE.captures_iter(text) {
        let m = c.get(0).unwrap();
        let with_article = c.get(1).is_some();
        let v = match (c.get(2), c.get(3)) {
            (Some(d), _) => d.as_str().to_string(),
            (None, Some(d)) => format!("19{}", d.as_str()),
            _ => continue,
        };
        // TimeBank writes "the 1990s" as `199` and a bare "1990s" as `199X`.
        let v = if with_article { v } else { format!("{v}X") };
        let kind = if throughout(text, m.start()) { TimeType::Duration } else { TimeType::Date };
        out.push(Candidate::known(m.start(), m.end(), kind, Some(v)));
    }
}

/// "last summer" → `2024-SU`, "the spring of 1998".
pub(super) fn seasons(cx: &mut Context, out: &mut Vec<Candidate>) {
    for c in RE_SEASON.captures_iter(cx.text) {
        let m = c.get(0).unwrap();
        let rel = lower(&c[1]);
        let season = match &lower(&c[2])[..] {
            "spring" => ("SP", 3),
            "summer" => ("SU", 6),
            "winter" => ("WI", 12),
            _ => ("FA", 9),
        };
        let year = match (c.get(3), cx.published) {
            (Some(y), _) => Some(
                y.as_str()
                    .parse()
                    .ok()
                    .or_else(|| spoken_year(y.as_str()))
                    .map_or_else(|| y.as_str().to_string(), |y: i64| format!("{y:04}")),
            ),
            (None, Some(p)) => {
                let started = p.month() as i64 >= season.1;
                let y = p.year() as i64;
                let y = match rel.as_str() {
                    "last" => y - i64::from(!started),
                    "next" => y + i64::from(started),
                    _ => y,
                };
                Some(format!("{y:04}"))
            }
            (None, None) => None,
        };
        let with_year = c.get(3).is_some() && rel == "the";
        let s = if with_year || matches!(rel.as_str(), "this" | "last" | "next" | "early" | "late")
        {
            m.start()
        } else {
            c.get(2).unwrap().start()
        };
        let v = year.map(|y| format!("{y}-{}", season.0));
        out.push(Candidate::known(s, m.end(), TimeType::Date, v));
    }
}

/// "nineteen ninety-six" → `1996`, "the year two thousand" → `2000`.
pub(super) fn spoken_years(cx: &mut Context, out: &mut Vec<Candidate>) {
    for c in RE_SPOKEN_YEAR.captures_iter(cx.text) {
        let m = c.get(0).unwrap();
        let words = c.get(1).or(c.get(2)).or(c.get(3)).unwrap();
        if let Some(y) = spoken_year(words.as_str()) {
            out.push(Candidate::known(m.start(), m.end(), TimeType::Date, Some(format!("{y:04}"))));
        }
    }
}

/// The decades in words, from the twenties on.
pub(super) const DECADE_WORDS: [&str; 8] =
    ["twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties"];

/// "the nineties" → `199`.
pub(super) fn decades_in_words(cx: &mut Context, out: &mut Vec<Candidate>) {
    for c in RE_DECADE_WORD.captures_iter(cx.text) {
        let m = c.get(0).unwrap();
        let tens =
            DECADE_WORDS.iter().position(|d| c[1].eq_ignore_ascii_case(d)).map_or(0, |i| i + 2);
        out.push(Candidate::known(m.start(), m.end(), TimeType::Date, Some(format!("19{tens}"))));
    }
}

/// "the year", "the fiscal year": the publication's year, or `P1Y` before "ended" or after
/// "throughout"; not "the year ago", "the year-earlier".
pub(super) fn the_year(cx: &mut Context, out: &mut Vec<Candidate>) {
    let text = cx.text;
    for m in RE_THE_YEAR.find_iter(text) {
        let after = &text[m.end()..];
        let next = next_word(after);
        if after.starts_with(['-', '\'', '’'])
            || matches!(
                next.as_str(),
                "ago" | "earlier" | "before" | "after" | "later" | "two" | "of" | "when" | "in"
            )
        {
            continue;
        }
        let ended = match next.as_str() {
            "ended" | "ending" => true,
            "that" | "which" => {
                let rest = after.trim_start().trim_start_matches(|c: char| c.is_alphabetic());
                next_word(rest) == "ended"
            }
            _ => false,
        };
        if ended || throughout(text, m.start()) {
            out.push(Candidate::known(m.start(), m.end(), TimeType::Duration, Some("P1Y".into())));
        } else {
            out.push(Candidate::known(m.start(), m.end(), TimeType::Date, cx.year_of(0)));
        }
    }
}

/// "the 20th century" → `19`.
pub(super) fn centuries(cx: &mut Context, out: &mut Vec<Candidate>) {
    for c in RE_CENTURY.captures_iter(cx.text) {
        let m = c.get(0).unwrap();
        let Ok(n) = c[1].parse::<i64>() else { continue };
        if n >= 1 {
            let v = format!("{:02}", n - 1);
            out.push(Candidate::known(m.start(), m.end(), TimeType::Date, Some(v)));
        }
    }
}

/// Whether the byte range is preceded or followed by something that makes a four-digit number
/// not a year (an amount, a percentage, an age, a part of a bigger number).
fn not_a_year(text: &str, s: usize, e: usize) -> bool {
    let before = text[..s].chars().next_back();
    let after = &text[e..];
    matches!(before, Some('$' | '#' | '.' | ',' | '-' | '/' | '£' | '€'))
        || before.is_some_and(|c| c.is_ascii_digit())
        || after.starts_with(|c: char| c == '%' || c == '/' || c.is_ascii_digit())
        || after.starts_with(",0")
        || after.starts_with('.') && after[1..].starts_with(|c: char| c.is_ascii_digit())
        || after.starts_with(['-', '–']) && after.chars().nth(1).is_some_and(|c| c.is_ascii_digit())
        || starts_with_word(after, "percent")
}

/// Whether the expression starting at `s` follows "throughout": the whole span of a period
/// ("throughout the fiscal year", "throughout the 1990s").
fn throughout(text: &str, s: usize) -> bool {
    let before = window_before(text, s, 12).trim_end();
    before.len().checked_sub(10).is_some_and(|i| {
        before.is_char_boundary(i) && before[i..].eq_ignore_ascii_case("throughout")
    })
}
