//! Rules for expressions dated relative to publication or to the text: today/tonight/tomorrow/
//! yesterday, this/next/last week|month|year|weekend, "the future", "in the coming days"
//! (FUTURE_REF), now/currently (PRESENT_REF, a learned decision), "in recent years" (PAST_REF),
//! "N days ago", "the end of the year", "current"/"then current"/"the past"/"the near future",
//! and "later that year", "the following day" (pending on the last year or day named before).

use std::sync::LazyLock;

use jiff::civil::Date;
use jiff::ToSpan;
use regex::Regex;
use storyline_model::TimeType;

use super::calendar::*;
use super::context::{next_word, Candidate, Context, Val};
use super::lex::*;
use super::re;
use crate::text::lower;

static RE_REL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(today|tonight|tomorrow|yesterday|now|currently|recently|nowadays|(?:earlier|later)\s+this\s+(?:week|month|year)|(?:this|next|last|past|coming)\s+(?:week|month|year|weekend)|(?:the\s+)?(?:past|last)\s+decade|the\s+(?:weekend|future)|these\s+days|coming\s+(?:days|weeks|months|years|quarters)|(?:in\s+)?the\s+coming\s+(?:days|weeks|months|years)|(?:in\s+)?recent\s+(?:years|months|weeks|days)|(?:in\s+)?past\s+years|the\s+past\s+year)\b",
    )
});
static RE_END: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:(?:the\s+)?end\s+of\s+(?:the|this)\s+(year|month)|year-end|(?:around\s+)?year\s+end|year['’]s\s+end)\b",
    )
});
static RE_AGO: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"(?i)\b{NUM}\s+(day|week|month|year)s?\s+ago\b")));
/// Adjectives and phrases that point at the present, past or future without a date: "current",
/// "then current", "daily" (a set), "the past", "the near future", "the short term".
static RE_REF_WORD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:(then\s+)?(current)|(daily)|the\s+(past)|the\s+(?:near|distant|immediate)\s+(future)|the\s+(?:near|short)\s+(term))\b",
    )
});
/// A year or day named by reference to the one just mentioned: "later that year", "the
/// following year", "earlier that day", "the previous day".
static RE_ANAPHOR: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:(?:later|earlier)\s+)?(that|the\s+following|the\s+previous|the\s+prior|that\s+same)\s+(year|month|day)\b",
    )
});

/// "today", "next week", "the coming days", "now" (kept or not by the learned decision).
pub(super) fn relative_to_publication(cx: &mut Context, out: &mut Vec<Candidate>) {
    for c in RE_REL.captures_iter(cx.text) {
        let m = c.get(0).unwrap();
        let phrase = lower(m.as_str());
        let words: Vec<&str> = phrase.split_whitespace().collect();
        // "This Week", "Next Year" with a capital unit are titles (of programmes, columns).
        let titled =
            m.as_str().rsplit(' ').next().is_some_and(|w| w.starts_with(char::is_uppercase));
        if titled && words.len() >= 2 {
            continue;
        }
        let (kind, v) = rel_value(&words, cx.published);
        if words.len() == 1 && matches!(words[0], "now" | "currently" | "recently" | "nowadays") {
            let value = v.clone().unwrap_or_default();
            if !cx.keep_reference(m.start(), m.end(), &value) {
                continue;
            }
        }
        let s = if words[0] == "in" { m.start() + 3 } else { m.start() };
        out.push(Candidate::known(s, m.end(), kind, v));
    }
}

/// "the end of the year" (this year), "the end of this month".
pub(super) fn period_ends(cx: &mut Context, out: &mut Vec<Candidate>) {
    for c in RE_END.captures_iter(cx.text) {
        let m = c.get(0).unwrap();
        let v = match c.get(1).map(|u| lower(u.as_str())) {
            Some(u) if u == "month" => cx.published.map(fmt_month),
            _ => cx.year_of(0),
        };
        out.push(Candidate::known(m.start(), m.end(), TimeType::Date, v));
    }
}

/// "three days ago", "two years ago"; "several years ago" → PAST_REF.
pub(super) fn ago(cx: &mut Context, out: &mut Vec<Candidate>) {
    for c in RE_AGO.captures_iter(cx.text) {
        let m = c.get(0).unwrap();
        let (Some(n), Some(p)) = (num_word(&c[1]), cx.published) else {
            // "several years ago", "some years ago": a vague point in the past.
            let years = c[2].eq_ignore_ascii_case("year");
            let v = (years && num_word(&c[1]).is_none()).then(|| "PAST_REF".to_string());
            out.push(Candidate::known(m.start(), m.end(), TimeType::Date, v));
            continue;
        };
        let v = match &c[2].to_ascii_lowercase()[..] {
            "day" => p.checked_sub(n.days()).ok().map(fmt_date),
            "week" => p.checked_sub((7 * n).days()).ok().map(fmt_week),
            "month" => p.checked_sub(n.months()).ok().map(fmt_month),
            _ => Some(format!("{:04}", p.year() as i64 - n)),
        };
        out.push(Candidate::known(m.start(), m.end(), TimeType::Date, v));
    }
}

/// "current" (PRESENT_REF, a learned decision), "then current"/"the past" (PAST_REF), "the
/// near future"/"the short term" (FUTURE_REF), "daily" (a set).
pub(super) fn reference_words(cx: &mut Context, out: &mut Vec<Candidate>) {
    let text = cx.text;
    for c in RE_REF_WORD.captures_iter(text) {
        let m = c.get(0).unwrap();
        let next = next_word(&text[m.end()..]);
        let (kind, v) = if c.get(2).is_some() {
            // "the current year/quarter" are dated by their own rules.
            if matches!(
                next.as_str(),
                "year"
                    | "quarter"
                    | "fiscal"
                    | "period"
                    | "month"
                    | "week"
                    | "account"
                    | "accounts"
            ) {
                continue;
            }
            let v = if c.get(1).is_some() { "PAST_REF" } else { "PRESENT_REF" };
            if c.get(1).is_none() && !cx.keep_reference(m.start(), m.end(), v) {
                continue;
            }
            (TimeType::Date, v)
        } else if c.get(3).is_some() {
            if m.as_str() != "daily" {
                continue; // "Daily" is usually a newspaper's name
            }
            (TimeType::Set, "P1D")
        } else if c.get(4).is_some() {
            // "the past two months", "the past week" are durations with their own rule.
            let unit = matches!(
                next.trim_end_matches('s'),
                "day"
                    | "week"
                    | "month"
                    | "year"
                    | "decade"
                    | "hour"
                    | "quarter"
                    | "centurie"
                    | "century"
                    | "weekend"
                    | "few"
                    | "several"
                    | "many"
                    | "couple"
                    | "some"
            );
            if unit || num_word(&next).is_some() {
                continue;
            }
            (TimeType::Date, "PAST_REF")
        } else {
            (TimeType::Date, "FUTURE_REF")
        };
        out.push(Candidate::known(m.start(), m.end(), kind, Some(v.to_string())));
    }
}

/// "later that year", "the following month", "the following day": pending on the last year,
/// month or day named before.
pub(super) fn anaphors(cx: &mut Context, out: &mut Vec<Candidate>) {
    let text = cx.text;
    for c in RE_ANAPHOR.captures_iter(text) {
        let m = c.get(0).unwrap();
        if text[m.end()..].starts_with('-') {
            continue;
        }
        let shift = match lower(&c[1]).split_whitespace().last() {
            Some("following") => 1,
            Some("previous" | "prior") => -1,
            _ => 0,
        };
        let v = match lower(&c[2]).as_str() {
            "year" => Val::RefYear(shift),
            "month" => Val::RefMonth(shift),
            _ => Val::RefDay(shift),
        };
        out.push(Candidate::pending(m.start(), m.end(), TimeType::Date, v));
    }
}

/// The type and value of a relative phrase, as lower-cased words.
fn rel_value(words: &[&str], published: Option<Date>) -> (TimeType, Option<String>) {
    use TimeType::*;
    let w0 = words[0];
    let last = *words.last().unwrap();
    match w0 {
        "now" | "currently" | "nowadays" => return (Date, Some("PRESENT_REF".into())),
        "recently" => return (Date, Some("PAST_REF".into())),
        _ => {}
    }
    // "the past decade", "over the last decade": a span of ten years up to now.
    if last == "decade" {
        return (Duration, Some("P10Y".into()));
    }
    if last == "future" {
        return (Date, Some("FUTURE_REF".into()));
    }
    if w0 == "these" {
        return (Date, Some("PRESENT_REF".into()));
    }
    if words.contains(&"coming") && last.ends_with('s') {
        return (Date, Some("FUTURE_REF".into()));
    }
    if words.contains(&"recent") {
        // "in recent years" is a past reference; recent months, weeks and days a vague span.
        let unit = match last {
            "months" => "M",
            "weeks" => "W",
            "days" => "D",
            _ => return (Date, Some("PAST_REF".into())),
        };
        return (Duration, Some(format!("PX{unit}")));
    }
    // "in past years" is the past; "over the past year" is dated as last year.
    if words.contains(&"past") && last == "years" {
        return (Date, Some("PAST_REF".into()));
    }
    if words.contains(&"past") && last == "year" {
        return (Date, published.map(|p| format!("{:04}", p.year() - 1)));
    }
    if w0 == "past" {
        let unit = match last {
            "week" => "P1W",
            "month" => "P1M",
            "year" => "P1Y",
            _ => "P1WE",
        };
        return (Duration, Some(unit.into()));
    }
    let Some(p) = published else { return (if w0 == "tonight" { Time } else { Date }, None) };
    let shift = |days: i64| add_days(p, days);
    match w0 {
        "today" => return (Date, Some(fmt_date(p))),
        "tonight" => return (Time, Some(format!("{}TNI", fmt_date(p)))),
        "tomorrow" => return (Date, Some(fmt_date(shift(1)))),
        "yesterday" => return (Date, Some(fmt_date(shift(-1)))),
        _ => {}
    }
    let offset: i64 = match w0 {
        "next" | "coming" => 1,
        "last" => -1,
        _ => 0, // this, earlier this, later this
    };
    let v = match last {
        "week" => fmt_week(shift(7 * offset)),
        "weekend" if w0 == "the" => {
            // The weekend just past early in the week, else the one of this week.
            let dow = p.weekday().to_monday_one_offset() as i64;
            format!("{}-WE", fmt_week(shift(if dow <= 2 { -7 } else { 0 })))
        }
        "weekend" => format!("{}-WE", fmt_week(shift(7 * offset))),
        "month" => fmt_month(p.checked_add(offset.months()).unwrap_or(p)),
        _ => format!("{:04}", p.year() as i64 + offset),
    };
    (Date, Some(v))
}
