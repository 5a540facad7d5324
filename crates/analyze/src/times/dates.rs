//! Rules for calendar dates: ISO dates, "[Weekday,] Month D[th][, YYYY]" (with a "midnight/noon
//! [on]" prefix → a TIME, and "May 12 to 13" → two expressions), "D Month [YYYY]", "Month
//! YYYY", months after "in/since/early…", and public holidays ("Thanksgiving Day", "last
//! Christmas"). A date without a year takes one from the publication date and the tense.

use std::sync::LazyLock;

use jiff::civil::Date;
use regex::Regex;
use storyline_model::TimeType;

use super::calendar::*;
use super::context::{
    capitalised_possessive_before, name_continues_after, next_word, next_word_back, window_before,
    Candidate, Context, Val,
};
use super::lex::*;
use super::re;
use crate::text::lower;

static RE_ISO: LazyLock<Regex> = LazyLock::new(|| re(r"\b(\d{4})-(\d{2})-(\d{2})\b"));
static RE_MDY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(?:(?i:(midnight|noon))\s+(?:on\s+)?)?(?:{WEEKDAY},?\s+)?{MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}})\b)?(?:(\s*(?:-|–|to|through|until|and)\s*)(\d{{1,2}})(?:st|nd|rd|th)?\b)?"
    ))
});
static RE_DMY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(?:{WEEKDAY},?\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}(?:,?\s+(\d{{4}}))?\b"
    ))
});
static RE_MY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b{MONTH},?\s+(?:(\d{{4}})|(?:of\s+)?((?i:this|last|next))\s+year|(?i:{SPOKEN_YEAR}))\b"
    ))
});
static RE_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(?:((?i:in|since|of|early|late|mid|until|by|from|during|last|next|this|before|after))[\s-]+)?{MONTH}\b"
    ))
});
/// Public holidays: "Thanksgiving Day", "last Christmas", "Election Day".
static RE_HOLIDAY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:((?i:last|next|this))\s+)?(Thanksgiving(?:\s+Day)?|Christmas(?:\s+(?:Day|Eve))?|New\s+Year['’]s\s+(?:Day|Eve)|Independence\s+Day|Labor\s+Day|Memorial\s+Day|Election\s+Day|Halloween|Valentine['’]s\s+Day|Veterans\s+Day)\b",
    )
});

/// "2025-06-02".
pub(super) fn iso_dates(cx: &mut Context, out: &mut Vec<Candidate>) {
    for c in RE_ISO.captures_iter(cx.text) {
        let m = c.get(0).unwrap();
        let (y, mo, d): (i16, i8, i8) =
            (c[1].parse().unwrap_or(0), c[2].parse().unwrap_or(0), c[3].parse().unwrap_or(0));
        if let Ok(date) = Date::new(y, mo, d) {
            out.push(Candidate::known(m.start(), m.end(), TimeType::Date, Some(fmt_date(date))));
        }
    }
}

/// "[Friday,] June 19[, 2025]", "midnight on June 11" (a TIME), "June 12 to 13" (two dates).
pub(super) fn month_day_year(cx: &mut Context, out: &mut Vec<Candidate>) {
    let (text, published) = (cx.text, cx.published);
    for c in RE_MDY.captures_iter(text) {
        let m = c.get(0).unwrap();
        let month = month_num(&c[3]);
        let day: u32 = c[4].parse().unwrap_or(0);
        let year: Option<i16> = c.get(5).and_then(|y| y.as_str().parse().ok());
        let tense = if year.is_none() { cx.tense_of_date(m.start(), m.end()) } else { None };
        // "the quarter ended Oct. 31": a period told as over ended on or before publication.
        let ended = year.is_none() && next_word_back(window_before(text, m.start(), 12)) == "ended";
        let v = if ended { ended_date_value(month, day, published) } else { None };
        let Some(v) = v.or_else(|| date_value(month, day, year, tense, published)) else {
            continue;
        };
        let clock =
            c.get(1)
                .map(|x| if x.as_str().eq_ignore_ascii_case("noon") { "T12:00" } else { "T24:00" });
        let (kind, val) = match clock {
            Some(t) => (TimeType::Time, format!("{v}{t}")),
            None => (TimeType::Date, v.clone()),
        };
        // "April 24 and 25" is two days; "May 3 and 40 others" is not.
        let second_day = c.get(7).filter(|d2| {
            let and = c.get(6).is_some_and(|s| s.as_str().trim() == "and");
            !and || second_day_of_a_pair(text, day, d2.as_str(), d2.end())
        });
        match (c.get(6), second_day) {
            (Some(sep), Some(d2)) => {
                let day2: u32 = d2.as_str().parse().unwrap_or(0);
                let v2 = date_value(month, day2, year, tense, published).map(|x| match clock {
                    Some(t) => format!("{x}{t}"),
                    None => x,
                });
                out.push(Candidate {
                    start: m.start(),
                    end: m.end(),
                    exprs: vec![
                        (m.start(), sep.start(), kind, Val::Known(Some(val))),
                        (d2.start(), m.end(), kind, Val::Known(v2)),
                    ],
                });
            }
            (Some(sep), None) => {
                out.push(Candidate::known(m.start(), sep.start(), kind, Some(val)));
            }
            _ => out.push(Candidate::known(m.start(), m.end(), kind, Some(val))),
        }
    }
}

/// Whether `d2`, ending at byte `e` after "Month D and", is a second day of the month: a later
/// day followed by punctuation or a function word, not by a word that makes it a count ("April
/// 24 and 25 in Osk", not "April 24 and 25 people").
fn second_day_of_a_pair(text: &str, day: u32, d2: &str, e: usize) -> bool {
    const THEN: &[&str] = &["", "in", "at", "on", "and", "when", "as", "with", "for", "to"];
    let later = d2.parse::<u32>().is_ok_and(|d| d > day && d <= 31);
    let next = text[e..].strip_prefix(' ').map(next_word);
    later && next.is_none_or(|w| THEN.contains(&w.as_str()))
}

/// "20 June", "3 July 2024", "the 4th of July".
pub(super) fn day_month_year(cx: &mut Context, out: &mut Vec<Candidate>) {
    for c in RE_DMY.captures_iter(cx.text) {
        let m = c.get(0).unwrap();
        let day: u32 = c[2].parse().unwrap_or(0);
        let month = month_num(&c[3]);
        let year: Option<i16> = c.get(4).and_then(|y| y.as_str().parse().ok());
        let tense = if year.is_none() { cx.tense_of_date(m.start(), m.end()) } else { None };
        if let Some(v) = date_value(month, day, year, tense, cx.published) {
            out.push(Candidate::known(m.start(), m.end(), TimeType::Date, Some(v)));
        }
    }
}

/// "October 2022", "March of last year", "May nineteen ninety-six".
pub(super) fn month_year(cx: &mut Context, out: &mut Vec<Candidate>) {
    for c in RE_MY.captures_iter(cx.text) {
        let m = c.get(0).unwrap();
        let month = month_num(&c[1]);
        let spoken = c.get(4).and_then(|y| spoken_year(y.as_str()));
        let year = match (c.get(2), c.get(3).map(|r| r.as_str().to_ascii_lowercase())) {
            (Some(y), _) => Some(y.as_str().to_string()),
            (None, None) if spoken.is_some() => spoken.map(|y| format!("{y:04}")),
            (None, Some(r)) => cx.year_of(match r.as_str() {
                "last" => -1,
                "next" => 1,
                _ => 0,
            }),
            _ => None,
        };
        let v = year.map(|y| format!("{y}-{month:02}"));
        out.push(Candidate::known(m.start(), m.end(), TimeType::Date, v));
    }
}

/// A month alone ("in May", "last March"): not "May" the modal verb.
pub(super) fn months(cx: &mut Context, out: &mut Vec<Candidate>) {
    let published = cx.published;
    for c in RE_MONTH.captures_iter(cx.text) {
        let mm = c.get(2).unwrap();
        let prep = c.get(1).map(|p| p.as_str().to_ascii_lowercase());
        if mm.as_str() == "May" && prep.is_none() {
            continue; // the modal verb
        }
        if prep.is_none() && month_names_something(cx.text, mm.start(), mm.end()) {
            continue;
        }
        let month = month_num(mm.as_str());
        let v = match (prep.as_deref(), published) {
            (Some("last"), Some(p)) => {
                Date::new(p.year() - i16::from(month >= p.month() as u32), month as i8, 1)
                    .ok()
                    .map(fmt_month)
            }
            (Some("next"), Some(p)) => {
                Date::new(p.year() + i16::from(month <= p.month() as u32), month as i8, 1)
                    .ok()
                    .map(fmt_month)
            }
            _ => month_value(month, cx.tense_of_date(mm.start(), mm.end()), published),
        };
        let s = if matches!(prep.as_deref(), Some("last" | "next" | "this")) {
            c.get(0).unwrap().start()
        } else {
            mm.start()
        };
        out.push(Candidate::known(s, mm.end(), TimeType::Date, v));
    }
}

/// Whether a month word alone at `s..e` (no day, year or preposition) is part of a name rather
/// than a date: a first name or a title going on with a capitalised word ("April Kessler said",
/// "March Madness"), a capitalised possessive before it ("Women's March"), or a march named by
/// what it is for or against ("the March for Dignity", "the March of the Mothers", "the March on
/// Velmar").
fn month_names_something(text: &str, s: usize, e: usize) -> bool {
    if name_continues_after(text, e) || capitalised_possessive_before(text, s) {
        return true;
    }
    let rest = &text[e..];
    let Some(r) = rest.strip_prefix(' ') else { return false };
    let prep_end = r.find(|c: char| !c.is_alphabetic()).unwrap_or(r.len());
    if !matches!(&r[..prep_end], "for" | "of" | "on" | "against" | "through") {
        return false;
    }
    let r = r[prep_end..].trim_start();
    let r = r.strip_prefix("the ").unwrap_or(r);
    let w_end = r.find(|c: char| !c.is_alphabetic()).unwrap_or(r.len());
    let w = &r[..w_end];
    w.chars().count() > 1
        && w.starts_with(char::is_uppercase)
        && w.chars().any(char::is_lowercase)
        && !storyline_text::calendar::is_capitalised_month_or_weekday(w)
}

/// Public holidays, dated in the year the modifier or the tense points at.
pub(super) fn holidays(cx: &mut Context, out: &mut Vec<Candidate>) {
    for c in RE_HOLIDAY.captures_iter(cx.text) {
        let m = c.get(0).unwrap();
        let name = c[2].replace('’', "'");
        let Some((month, day)) = holiday_month_day(&name) else { continue };
        let v = cx.published.and_then(|p| {
            let this = |y: i16| holiday_date(&name, y);
            let d = match c.get(1).map(|x| lower(x.as_str())).as_deref() {
                Some("last") => this(p.year()).filter(|d| *d < p).or_else(|| this(p.year() - 1)),
                Some("next") => this(p.year()).filter(|d| *d > p).or_else(|| this(p.year() + 1)),
                Some(_) => this(p.year()),
                None => this(year_for(month, day, cx.tense_at(m.start(), m.end()), p)),
            };
            d.map(fmt_date)
        });
        out.push(Candidate::known(m.start(), m.end(), TimeType::Date, v));
    }
}

/// A month without a day, in the year the tense points at.
fn month_value(month: u32, tense: Option<bool>, pub_date: Option<Date>) -> Option<String> {
    let p = pub_date?;
    Some(format!("{:04}-{month:02}", year_for(month, 1, tense, p)))
}
