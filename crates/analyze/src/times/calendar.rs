//! Calendar arithmetic for TIMEX3 values: formatting (`2025-05-15`, `2025-W20`, `2025-05`,
//! `2025-Q2`), the year of a date written without one, and the day a bare weekday names (past
//! week by default, forward after a future cue).

use jiff::civil::{Date, Weekday};
use jiff::ToSpan;

use crate::text::lower;

pub fn fmt_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

pub fn fmt_week(d: Date) -> String {
    let w = d.iso_week_date();
    format!("{:04}-W{:02}", w.year(), w.week())
}

pub fn fmt_month(d: Date) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

/// Quarter 1–4 of a date.
pub fn quarter_of(d: Date) -> i64 {
    (d.month() as i64 - 1) / 3 + 1
}

/// `(year, quarter)` shifted by `n` quarters.
pub fn shift_quarter(y: i64, q: i64, n: i64) -> (i64, i64) {
    let i = y * 4 + (q - 1) + n;
    (i.div_euclid(4), i.rem_euclid(4) + 1)
}

/// `days` days after `d` (before when negative); `d` itself on overflow.
pub fn add_days(d: Date, days: i64) -> Date {
    d.checked_add(days.days()).unwrap_or(d)
}

/// The year of a month (and day) written without one: with a past cue the last occurrence up to
/// the publication date, with a future cue the next one from it, else the nearest.
pub fn year_for(month: u32, day: u32, tense: Option<bool>, pub_date: Date) -> i16 {
    let here = (pub_date.month() as u32, pub_date.day() as u32);
    let y = pub_date.year();
    match tense {
        Some(true) if (month, day) < here && month < here.0 => y + 1,
        Some(false) if (month, day) > here && month > here.0 => y - 1,
        Some(false) if (month, day) > here => y - i16::from(day > here.1 + 7),
        Some(_) => y,
        None => {
            let d = |y: i16| {
                let m = (y as i64) * 12 + month as i64;
                let h = (pub_date.year() as i64) * 12 + here.0 as i64;
                (m - h).abs()
            };
            [y - 1, y, y + 1].into_iter().min_by_key(|&c| (d(c), (c - y).abs())).unwrap_or(y)
        }
    }
}

/// A month/day with an optional year (`XXXX-MM-DD` when neither it nor the publication date
/// gives one).
pub fn date_value(
    month: u32,
    day: u32,
    year: Option<i16>,
    tense: Option<bool>,
    pub_date: Option<Date>,
) -> Option<String> {
    if month == 0 || day == 0 || day > 31 {
        return None;
    }
    let year = year.or_else(|| pub_date.map(|p| year_for(month, day, tense, p)));
    match year {
        Some(y) => Date::new(y, month as i8, day as i8).ok().map(fmt_date),
        None => Some(format!("XXXX-{month:02}-{day:02}")),
    }
}

/// Tense of the words around a mention: `Some(true)` forward, `Some(false)` back, `None` when
/// nothing nearby says.
pub fn tense_cue(sentence_before: &str, sentence_after: &str) -> Option<bool> {
    const FUTURE: &[&str] = &[
        "will",
        "would",
        "could",
        "can",
        "may",
        "might",
        "shall",
        "should",
        "'ll",
        "next",
        "upcoming",
        "resume",
        "resumes",
        "begin",
        "begins",
        "start",
        "starting",
        "starts",
        "offer",
        "offers",
        "offered",
        "propose",
        "proposes",
        "proposed",
        "proposing",
        "plan",
        "plans",
        "planned",
        "planning",
        "scheduled",
        "expected",
        "expects",
        "expect",
        "due",
        "until",
        "set",
        "going",
        "intends",
        "aims",
        "hopes",
        "ahead",
        "coming",
        "later",
        "soon",
        "deadline",
    ];
    const PAST: &[&str] = &[
        "said", "says", "was", "were", "had", "did", "told", "met", "took", "went", "made", "came",
        "gave", "held", "saw", "ago", "last", "since", "earlier",
    ];
    let classify = |w: &str| -> Option<bool> {
        let w = lower(w);
        if FUTURE.contains(&w.as_str()) {
            return Some(true);
        }
        if PAST.contains(&w.as_str()) || (w.len() > 4 && w.ends_with("ed")) {
            return Some(false);
        }
        None
    };
    let words_before: Vec<&str> = sentence_before
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .collect();
    let recent: Vec<&str> = words_before.iter().rev().take(8).copied().collect();
    for (i, w) in recent.iter().enumerate() {
        // "will be held on Thursday", "to be signed on Friday": a participle after a bare "be"
        // belongs to a modal or "to" construction, which points forward.
        if recent.get(i + 1).is_some_and(|b| lower(b) == "be") && classify(w) == Some(false) {
            return Some(true);
        }
        if let Some(f) = classify(w) {
            return Some(f);
        }
    }
    for w in sentence_after
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .take(4)
    {
        if let Some(f) = classify(w) {
            return Some(f);
        }
    }
    None
}

/// The day a weekday names, seen from `pub_date`: the publication day or one of the six before
/// it, or with a future cue the publication day or one of the six after; "next"/"last" skip
/// the publication day itself.
pub fn weekday_date(pub_date: Date, wd: Weekday, future: bool, modifier: Option<&str>) -> Date {
    let p = pub_date.weekday().to_monday_one_offset() as i64;
    let w = wd.to_monday_one_offset() as i64;
    let delta = match modifier {
        Some("next") => {
            (w - p).rem_euclid(7).max(1) + if (w - p).rem_euclid(7) == 0 { 6 } else { 0 }
        }
        Some("last") => {
            -((p - w).rem_euclid(7).max(1) + if (p - w).rem_euclid(7) == 0 { 6 } else { 0 })
        }
        _ if future => (w - p).rem_euclid(7),
        _ => -(p - w).rem_euclid(7),
    };
    add_days(pub_date, delta)
}
