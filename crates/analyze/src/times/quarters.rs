//! Rules for quarters and halves of a year: named ones ("the third quarter", "third-quarter",
//! "the 1988 second quarter" → `1988-Q2`), references to the document's quarter ("the
//! quarter", "the latest period", "the year-earlier quarter"), "a year ago", and company fiscal
//! calendars (a quarter "ended" on a date takes that date's year and gives the fiscal shift).
//! Most values stay pending ([`Val`]) until [`super::resolve`] knows the quarter under
//! discussion.

use std::sync::LazyLock;

use jiff::civil::Date;
use regex::Regex;
use storyline_model::TimeType;

use super::calendar::*;
use super::context::{next_word, window_before, Candidate, Context, Val};
use super::lex::*;
use super::re;
use crate::text::lower;

static RE_QUARTER: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?:the\s+|(this|last|next)\s+year'?s\s+)?((?:year-ago|year-earlier|comparable|same|latest|fiscal)\s+)*(?:((?:19|20)\d{{2}})\s+)?(?:fiscal[\s-]+)?{ORD}[\s-]+(?:fiscal\s+)?(quarter|half)(?:\s+of\s+(?:fiscal\s+)?((?:19|20)\d{{2}})|\s+(?:of\s+)?(this|last|next)\s+year)?\b"
    ))
});
static RE_QREF: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:the|this|that|its|(last)\s+year'?s)\s+((?:(?:latest|current|most\s+recent|recent|same|comparable|corresponding|year-earlier|year-ago|previous|prior|fiscal)\s+)*)(?:((?:19|20)\d{2})\s+)?(quarter|period)\b(?:\s+(a\s+year\s+(?:ago|earlier)|last\s+year))?",
    )
});
static RE_ENDED: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"^,?\s+(?:ended|ending|that\s+ended|which\s+ended)\s+{MONTH}\s+(\d{{1,2}})\b(?:,?\s+((?:19|20)\d{{2}}))?"
    ))
});
static RE_YEAR_AGO: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:a\s+year\s+(?:ago|earlier|before)|year-earlier|year-ago)\b"));

/// "the third quarter", "last year's first half", "the fiscal first quarter", "its fourth
/// quarter ended June 30".
pub(super) fn named_quarters(cx: &mut Context, out: &mut Vec<Candidate>) {
    let (text, published) = (cx.text, cx.published);
    for c in RE_QUARTER.captures_iter(text) {
        let m = c.get(0).unwrap();
        let Some(n) = ordinal(&c[4]) else { continue };
        let half = c[5].eq_ignore_ascii_case("half");
        let year_ago = c.get(2).is_some_and(|x| x.as_str().to_ascii_lowercase().contains("year-"));
        if n < 1 || n > if half { 2 } else { 4 } {
            continue;
        }
        let rel = c.get(1).or(c.get(7)).map(|x| x.as_str().to_ascii_lowercase());
        let year = c.get(3).or(c.get(6)).map(|y| y.as_str().to_string()).or_else(|| {
            let q_start = if half { 6 * n - 5 } else { 3 * n - 2 };
            // A quarter still ahead of publication, told in the past tense, is last year's.
            let ahead_in_past = published.is_some_and(|p| q_start > p.month() as i64)
                && cx.tense_at(m.start(), m.end()) == Some(false);
            cx.year_of(match rel.as_deref() {
                Some("last") => -1,
                Some("next") => 1,
                _ if year_ago || ahead_in_past => -1,
                _ => 0,
            })
        });
        // "its fourth quarter ended June 30": the year of its end, and the company's numbering.
        let ended = if half || c.get(3).or(c.get(6)).is_some() {
            None
        } else {
            quarter_ended_after(&text[m.end()..], published)
        };
        let fiscal = m.as_str().to_ascii_lowercase().contains("fiscal");
        let year = year.unwrap_or_else(|| "XXXX".into());
        let v = format!("{year}-{}{n}", if half { 'H' } else { 'Q' });
        let val = match (ended, year.parse::<i64>()) {
            (Some((y, cal)), _) => Val::FiscalQuarter(y, n, Some(cal)),
            (None, Ok(y)) if fiscal && !half => Val::FiscalQuarter(y, n, None),
            _ if !half && in_passing(text, m.start(), m.end()) => Val::PassingQuarter(Some(v)),
            _ => Val::Known(Some(v)),
        };
        out.push(Candidate::pending(m.start(), m.end(), TimeType::Date, val));
    }
}

/// "the quarter", "the latest period", "the year-earlier quarter", "the 1988 period", "the
/// quarter ended Sept. 30": the quarter under discussion, shifted.
pub(super) fn quarter_references(cx: &mut Context, out: &mut Vec<Candidate>) {
    let (text, published) = (cx.text, cx.published);
    for c in RE_QREF.captures_iter(text) {
        let m = c.get(0).unwrap();
        if text[m.end()..].starts_with('-') {
            continue; // "the quarter-to-quarter comparison", "its quarter-century low"
        }
        let mods = lower(&c[2]);
        let period = c[4].eq_ignore_ascii_case("period");
        let year = c.get(3).and_then(|y| y.as_str().parse::<i64>().ok());
        if period && mods.trim().is_empty() && year.is_none() {
            continue; // "the period" alone is rarely a date
        }
        let shift = if mods.contains("year-") || c.get(5).is_some() || c.get(1).is_some() {
            -4
        } else if mods.contains("previous") || mods.contains("prior") {
            -1
        } else {
            0
        };
        let v = if let Some((y, q)) = quarter_ended_after(&text[m.end()..], published) {
            Val::EndedQuarter(y, q)
        } else if let Some(y) = year {
            Val::RefQuarterOfYear(y)
        } else if mods.contains("current") {
            Val::Known(published.map(|p| format!("{:04}-Q{}", p.year(), quarter_of(p))))
        } else {
            Val::RefQuarter(shift)
        };
        out.push(Candidate::pending(m.start(), m.end(), TimeType::Date, v));
    }
}

/// "a year ago", "year-earlier": the quarter a year back in a sentence about a quarter, last
/// year in one about nine months or the year, else decided by the document.
pub(super) fn year_ago(cx: &mut Context, out: &mut Vec<Candidate>) {
    let text = cx.text;
    for m in RE_YEAR_AGO.find_iter(text) {
        let (sb, se) = cx.sentence_of(m.start());
        let sentence = lower(&text[sb..se]);
        // "profit for the nine months rose from a year earlier": a comparison of longer periods
        // is with last year, not with a quarter.
        let longer_period = ["nine months", "six months", "first half", "the year", "annual"]
            .iter()
            .any(|p| sentence.contains(p));
        let v = if sentence.contains("quarter") {
            Val::RefQuarter(-4)
        } else if longer_period {
            Val::Known(cx.year_of(-1))
        } else {
            Val::YearAgo
        };
        out.push(Candidate::pending(m.start(), m.end(), TimeType::Date, v));
    }
}

/// The `(year, calendar quarter)` of the end told right after a quarter: "…, ended Sept. 30".
fn quarter_ended_after(after: &str, published: Option<Date>) -> Option<(i64, i64)> {
    let e = RE_ENDED.captures(after)?;
    let month = month_num(&e[1]);
    let day = e[2].parse().ok()?;
    let v = match e.get(3).and_then(|y| y.as_str().parse().ok()) {
        Some(y) => date_value(month, day, Some(y), None, published),
        None => ended_date_value(month, day, published),
    }?;
    let d: Date = v.parse().ok()?;
    Some((d.year() as i64, quarter_of(d)))
}

/// Whether a quarter ("second quarter" at `s..e`) is named in passing: after "a"/"an" and at
/// most one word ("after a flat second quarter"), and not as the modifier of a result ("a
/// third quarter loss").
fn in_passing(text: &str, s: usize, e: usize) -> bool {
    static RE_INDEFINITE: LazyLock<Regex> =
        LazyLock::new(|| re(r"(?i)(?:^|\s)an?\s+(?:[a-z]+\s+)?$"));
    let result = matches!(
        next_word(&text[e..]).as_str(),
        "loss"
            | "losses"
            | "profit"
            | "profits"
            | "net"
            | "earnings"
            | "results"
            | "sales"
            | "revenue"
            | "revenues"
            | "income"
            | "charge"
            | "dividend"
    );
    !text[e..].starts_with('-') && !result && RE_INDEFINITE.is_match(window_before(text, s, 24))
}
