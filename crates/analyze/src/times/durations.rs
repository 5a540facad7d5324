//! Rules for durations and sets: "30-day" → `P30D`, "the past two months" → `P2M`, "the next
//! few days" → `PXD`, "two decades" → `P20Y`, "2 1/2 years" → `P2Y6M`, "its third year" →
//! `P3Y`, "for years" → `PXY`; "every week" → `P1W`, "monthly" → `P1M`, "each July" →
//! `XXXX-07`. Not ages ("30-year-old") nor fractions ("three-quarters of its food").

use std::sync::LazyLock;

use regex::Regex;
use storyline_model::TimeType;

use super::calendar::*;
use super::context::{next_word, starts_with_word, window_before, Candidate, Context};
use super::lex::*;
use super::re;
use super::years::RE_YEAR;
use crate::text::lower;

static RE_DUR: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?:(?:the\s+)?(past|last|next|previous|first|final)\s+)?(?:(couple\s+of)|{NUM}(\s+1/2|½)?)[\s-]+(?:more\s+|additional\s+|full\s+|straight\s+|consecutive\s+)?(day|week|month|year|hour|minute|decade|quarter|centur(?:y|ie))s?(?:-long)?\b"
    ))
});
static RE_ORDYEAR: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:its|their|his|her|the|a)\s+((second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\s+(day|week|month|year))\b",
    )
});
static RE_SET: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?:(?:every|each)\s+(day|week|month|year|morning|night)|(hourly|weekly|monthly|annually|yearly)|(?:every|each)\s+((?-i:{MONTH})))\b"
    ))
});
/// Vague plural durations after a preposition: "for years", "within weeks".
static RE_VAGUE_PLURAL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:for|within|in|over|after)\s+(years|months|weeks|days)\b"));

/// Words before "a day", "an hour" that make them durations ("for a week", "about a month", "as
/// long as a month").
const SINGLE_UNIT_CUES: [&str; 16] = [
    "for", "about", "nearly", "over", "than", "within", "almost", "least", "another", "barely",
    "only", "just", "some", "around", "roughly", "as",
];

/// "30-day", "two weeks", "the past two months", "2 1/2 years", "a couple of days".
pub(super) fn counted_durations(cx: &mut Context, out: &mut Vec<Candidate>) {
    let text = cx.text;
    for c in RE_DUR.captures_iter(text) {
        let m = c.get(0).unwrap();
        let after = &text[m.end()..];
        if after.starts_with("-old") || starts_with_word(after, "old") {
            continue; // an age
        }
        let num = c.get(3).map_or("2", |x| x.as_str());
        let half = c.get(4).is_some();
        let unit = c[5].to_ascii_lowercase();
        // "three-quarters of its food", "a quarter-century": fractions, not periods.
        let of_what = after.trim_start().strip_prefix("of ").map(next_word);
        let of_a_year = of_what.as_deref().is_some_and(|w| {
            matches!(w, "fiscal" | "this" | "last" | "next") || RE_YEAR.is_match(w)
        });
        if unit == "quarter" && (after.starts_with('-') || of_what.is_some() && !of_a_year) {
            continue;
        }
        // "a day" / "an hour" alone are too often not durations ("twice a day"): only after a
        // cue ("for a week", "in about a month", "the past year").
        if matches!(num.to_ascii_lowercase().as_str(), "a" | "an") && c.get(1).is_none() {
            let before = lower(window_before(text, m.start(), 16).trim_end());
            let before = format!(" {before}");
            if !SINGLE_UNIT_CUES.iter().any(|w| before.ends_with(&format!(" {w}"))) {
                continue;
            }
        }
        // "it will one day be": some day to come, not a day's length.
        let modal = matches!(
            lower(window_before(text, m.start(), 8).trim_end()).rsplit(' ').next(),
            Some("will" | "would" | "could" | "might" | "may" | "can" | "should" | "shall")
        );
        if modal && num.eq_ignore_ascii_case("one") && unit == "day" && c.get(1).is_none() {
            let v = Some("FUTURE_REF".to_string());
            out.push(Candidate::known(m.start(), m.end(), TimeType::Date, v));
            continue;
        }
        let v = duration_value(num_word(num), half, &unit);
        out.push(Candidate::known(m.start(), m.end(), TimeType::Duration, Some(v)));
    }
}

/// The value of `n` (unknown: `X`) units, plus a half when `half`.
fn duration_value(n: Option<i64>, half: bool, unit: &str) -> String {
    let n_s = |k: i64| n.map_or("X".to_string(), |n| (n * k).to_string());
    // "2 1/2 years" → `P2Y6M`, "5 1/2 hours" → `PT5H30M`.
    let halved = match (half, n, unit) {
        (true, Some(n), "year") => Some(format!("P{n}Y6M")),
        (true, Some(n), "day") => Some(format!("P{n}DT12H")),
        (true, Some(n), "hour") => Some(format!("PT{n}H30M")),
        (true, Some(n), "minute") => Some(format!("PT{n}M30S")),
        _ => None,
    };
    match unit {
        _ if halved.is_some() => halved.unwrap_or_default(),
        "day" => format!("P{}D", n_s(1)),
        "week" => format!("P{}W", n_s(1)),
        "month" => format!("P{}M", n_s(1)),
        "year" => format!("P{}Y", n_s(1)),
        "hour" => format!("PT{}H", n_s(1)),
        "minute" => format!("PT{}M", n_s(1)),
        "quarter" => format!("P{}Q", n_s(1)),
        "decade" => format!("P{}Y", n_s(10)),
        _ => format!("P{}Y", n_s(100)),
    }
}

/// "its third year" → `P3Y`; "today is the eighth day" → the publication day.
pub(super) fn ordinal_periods(cx: &mut Context, out: &mut Vec<Candidate>) {
    let text = cx.text;
    for c in RE_ORDYEAR.captures_iter(text) {
        let g = c.get(1).unwrap();
        let n = ordinal(&c[2]).unwrap_or(1);
        let u = match &c[3].to_ascii_lowercase()[..] {
            "day" => "D",
            "week" => "W",
            "month" => "M",
            _ => "Y",
        };
        // "Today is the eighth day of the siege", "it's the second day of talks": the day of
        // publication, counted from a start.
        let before = lower(window_before(text, c.get(0).unwrap().start(), 8).trim_end());
        let copula = before.ends_with(" is") || before.ends_with("'s") || before.ends_with("’s");
        if u == "D" && copula {
            let today = cx.published.map(fmt_date);
            out.push(Candidate::known(g.start(), g.end(), TimeType::Date, today));
            continue;
        }
        let v = format!("P{n}{u}");
        out.push(Candidate::known(g.start(), g.end(), TimeType::Duration, Some(v)));
    }
}

/// "every week" → `P1W`, "monthly" → `P1M`, "hourly" → `PT1H`, "each morning" → `TMO`, "each July" → `XXXX-07`.
pub(super) fn sets(cx: &mut Context, out: &mut Vec<Candidate>) {
    for c in RE_SET.captures_iter(cx.text) {
        let m = c.get(0).unwrap();
        if let Some(month) = c.get(3) {
            let v = format!("XXXX-{:02}", month_num(month.as_str()));
            out.push(Candidate::known(m.start(), m.end(), TimeType::Set, Some(v)));
            continue;
        }
        let unit = c.get(1).or(c.get(2)).unwrap().as_str().to_ascii_lowercase();
        let v = match unit.as_str() {
            "day" => "P1D",
            "week" | "weekly" => "P1W",
            "month" | "monthly" => "P1M",
            "hourly" => "PT1H",
            "morning" => "TMO",
            "night" => "TNI",
            _ => "P1Y",
        };
        out.push(Candidate::known(m.start(), m.end(), TimeType::Set, Some(v.to_string())));
    }
}

/// "for years" → `PXY`, "within weeks" → `PXW`; not "for years ago", "in years-long".
pub(super) fn vague_plurals(cx: &mut Context, out: &mut Vec<Candidate>) {
    let text = cx.text;
    for c in RE_VAGUE_PLURAL.captures_iter(text) {
        let g = c.get(1).unwrap();
        let next = next_word(&text[g.end()..]);
        if matches!(next.as_str(), "ago" | "later" | "earlier" | "before" | "after" | "old")
            || text[g.end()..].starts_with('-')
        {
            continue;
        }
        let unit = match &lower(g.as_str())[..] {
            "years" => "Y",
            "months" => "M",
            "weeks" => "W",
            _ => "D",
        };
        let v = format!("PX{unit}");
        out.push(Candidate::known(g.start(), g.end(), TimeType::Duration, Some(v)));
    }
}
