//! Time expressions (TimeML TIMEX3 types and values), normalised against the publication date.
//!
//! Regex families, compiled once (ASCII word boundaries, so the DFA engines stay usable on any
//! text): ISO dates; "[Weekday,] Month D[th][, YYYY]" (with "midnight/noon [on]" prefix → TIME
//! `…T24:00`, and "May 12 to 13" ranges → two expressions); "D Month [YYYY]"; "Month YYYY";
//! months after "in/since/early…"; years ("1998", "fiscal 1989"), decades ("the 1990s" → `199`),
//! quarters and halves ("the third quarter", "third-quarter", "the 1988 second quarter" →
//! `1988-Q2`), the document's quarter ("the quarter", "the latest period", "the year-earlier
//! quarter", "a year ago" in a sentence about a quarter); seasons; weekdays (past week by default,
//! next occurrence when a future cue precedes); clock times, alone or with their weekday ("10
//! p.m. Wednesday"); today/tonight/tomorrow/yesterday [morning…]; this/next/last
//! week|month|year|weekend; "the future"; "in the coming days" (FUTURE_REF); now/currently
//! (PRESENT_REF); "N days ago"; durations ("30-day" → `P30D`, "the past two months" → `P2M`, "the
//! next few days" → `PXD`, "two decades" → `P20Y`); sets ("every week" → `P1W`). Overlaps:
//! earliest, then longest wins. Without a publication date, values that need one are `None`
//! (month-day without a year → `XXXX-MM-DD`).

mod calendar;
mod lex;

use std::sync::LazyLock;

use jiff::civil::Date;
use jiff::ToSpan;
use regex::Regex;
use storyline_model::offsets::CharIndex;
use storyline_model::{Span, TimeExpr, TimeType};

use crate::text::{lower, range_of, spans_to_bytes};
use calendar::*;
use lex::*;

/// Compiles a pattern with ASCII word boundaries: a Unicode `\b` makes the regex engine fall back
/// to its slow engines on non-ASCII text (20× slower on a real collection).
fn re(p: &str) -> Regex {
    Regex::new(&p.replace(r"\b", r"(?-u:\b)")).expect("valid time regex")
}

static RE_ISO: LazyLock<Regex> = LazyLock::new(|| re(r"\b(\d{4})-(\d{2})-(\d{2})\b"));
static RE_MDY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(?:(?i:(midnight|noon))\s+(?:on\s+)?)?(?:{WEEKDAY},?\s+)?{MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}})\b)?(?:(\s*(?:-|–|to|through|until)\s*)(\d{{1,2}})(?:st|nd|rd|th)?\b)?"
    ))
});
static RE_DMY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(?:{WEEKDAY},?\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}(?:,?\s+(\d{{4}}))?\b"
    ))
});
static RE_MY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(r"\b{MONTH},?\s+(?:(\d{{4}})|(?:of\s+)?((?i:this|last|next))\s+year)\b"))
});
static RE_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(?:((?i:in|since|of|early|late|mid|until|by|from|during|last|next|this|before|after))[\s-]+)?{MONTH}\b"
    ))
});
static RE_WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(?:((?i:last|next|this|on|every|each))\s+)?{WEEKDAY}(s?)\b(?:\s+(morning|afternoon|evening|night))?"
    ))
});
static RE_REL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(today|tonight|tomorrow|yesterday|now|currently|recently|nowadays|(?:earlier|later)\s+this\s+(?:week|month|year)|(?:this|next|last|past|coming)\s+(?:week|month|year|weekend)|the\s+(?:weekend|future)|(?:in\s+)?the\s+coming\s+(?:days|weeks|months|years)|in\s+recent\s+years|recent\s+years)\b",
    )
});
static RE_DAYPART: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(this|yesterday|tomorrow|today|last|early\s+today|late\s+yesterday)\s+(morning|afternoon|evening|night)\b",
    )
});
static RE_YEAR: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:((?i:fiscal|calendar))[\s-]+(?:year\s+)?)?((?:19|20)\d{2})\b"));
static RE_DECADE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b(?:((?i:the))\s+)?(?:(?i:early|mid|late)[\s-]+)?(?:((?:19|20)\d)0|'(\d)0)'?s\b")
});
static RE_QUARTER: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?:the\s+|(this|last|next)\s+year'?s\s+)?((?:year-ago|year-earlier|comparable|same|latest|fiscal)\s+)*(?:((?:19|20)\d{{2}})\s+)?(?:fiscal[\s-]+)?{ORD}[\s-]+(?:fiscal\s+)?(quarter|half)(?:\s+of\s+(?:fiscal\s+)?((?:19|20)\d{{2}})|\s+(?:of\s+)?(this|last|next)\s+year)?\b"
    ))
});
static RE_QREF: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:the|this|that|its|(last)\s+year'?s)\s+((?:(?:latest|current|most\s+recent|recent|same|comparable|year-earlier|year-ago|previous|prior|fiscal)\s+)*)(?:((?:19|20)\d{2})\s+)?(quarter|period)\b(?:\s+(a\s+year\s+(?:ago|earlier)))?",
    )
});
static RE_ENDED: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"^,?\s+(?:ended|ending|that\s+ended|which\s+ended)\s+{MONTH}\s+(\d{{1,2}})\b(?:,?\s+((?:19|20)\d{{2}}))?"
    ))
});
static RE_YEAR_AGO: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:a\s+year\s+(?:ago|earlier|before)|year-earlier|year-ago)\b"));
static RE_SEASON: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:(this|last|next|the|early|late|in|during)\s+)(spring|summer|fall|autumn|winter)(?:\s+(?:of\s+)?((?:19|20)\d{2}))?\b",
    )
});
static RE_END: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:(?:the\s+)?end\s+of\s+(?:the|this)\s+(year|month)|year-end)\b"));
static RE_AGO: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"(?i)\b{NUM}\s+(day|week|month|year)s?\s+ago\b")));
static RE_DUR: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?:(?:the\s+)?(past|last|next|previous|first|final)\s+)?(?:(couple\s+of)|{NUM})[\s-]+(?:more\s+|additional\s+|full\s+|straight\s+|consecutive\s+)?(day|week|month|year|hour|minute|decade|quarter|centur(?:y|ie))s?(?:-long)?\b"
    ))
});
static RE_ORDYEAR: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:its|their|his|her|the|a)\s+((second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\s+(day|week|month|year))\b",
    )
});
static RE_SET: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:(?:every|each)\s+(day|week|month|year|morning|night)|(weekly|monthly|annually|yearly))\b",
    )
});
static RE_CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)(?:\b(\d{{1,2}})(?::(\d{{2}}))?\s*(a\.m\.?|p\.m\.?|am\b|pm\b)|\b([01]?\d|2[0-3]):([0-5]\d)\b|\b(midnight|noon)\b)(?:\s+(?:(?-i:[A-Z]{{3}})\s+)?(?-i:{WEEKDAY}))?"
    ))
});

/// A value, or one that depends on the document's quarter (resolved after all matches).
#[derive(Debug, Clone)]
enum Val {
    Known(Option<String>),
    /// The quarter under discussion, shifted by this many quarters.
    RefQuarter(i64),
    /// The quarter under discussion, in this year ("the 1988 period").
    RefQuarterOfYear(i64),
    /// "a year ago": the quarter a year before the one under discussion when the document talks
    /// about quarters, else last year.
    YearAgo,
}

/// A candidate match: overall byte span plus the expressions it yields.
struct Cand {
    s: usize,
    e: usize,
    exprs: Vec<(usize, usize, TimeType, Val)>,
}

fn month_value(month: u32, tense: Option<bool>, pub_date: Option<Date>) -> Option<String> {
    let p = pub_date?;
    Some(format!("{:04}-{month:02}", year_for(month, 1, tense, p)))
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
        || after.starts_with(".0")
        || after.starts_with(['-', '–']) && after.chars().nth(1).is_some_and(|c| c.is_ascii_digit())
        || starts_with_word(after, "percent")
}

/// Whether `s`, after leading spaces, starts with `word` (ASCII case-insensitive).
fn starts_with_word(s: &str, word: &str) -> bool {
    let s = s.trim_start().as_bytes();
    s.len() >= word.len() && s[..word.len()].eq_ignore_ascii_case(word.as_bytes())
}

/// The (at most) `n` bytes before `pos`, widened to a char boundary: a bounded window, so that
/// looking back stays linear on long texts.
fn window_before(text: &str, pos: usize, n: usize) -> &str {
    let mut s = pos.saturating_sub(n);
    while !text.is_char_boundary(s) {
        s -= 1;
    }
    &text[s..pos]
}

/// Extracts time expressions (character offsets, in text order).
pub fn extract(text: &str, sentences: &[Span], published: Option<Date>) -> Vec<TimeExpr> {
    let idx = CharIndex::new(text);
    let sents = spans_to_bytes(&idx, sentences);
    let sentence_of = |pos: usize| -> (usize, usize) {
        range_of(&sents, pos).map_or((0, text.len()), |i| sents[i])
    };
    // Whether the sentence around a mention points forward (else back).
    let tense_at = |s: usize, e: usize| -> Option<bool> {
        let (sb, se) = sentence_of(s);
        // The sentence before the mention, at most ~160 bytes of it (linear on long sentences).
        let mut from = sb.min(s).max(s.saturating_sub(160));
        while !text.is_char_boundary(from) {
            from -= 1;
        }
        tense_cue(&text[from..s], &text[e..se.max(e)])
    };
    let mut cands: Vec<Cand> = Vec::new();
    let one = |s: usize, e: usize, k: TimeType, v: Option<String>| Cand {
        s,
        e,
        exprs: vec![(s, e, k, Val::Known(v))],
    };
    let year_of = |offset: i64| published.map(|p| format!("{:04}", p.year() as i64 + offset));

    for c in RE_ISO.captures_iter(text) {
        let m = c.get(0).unwrap();
        let (y, mo, d): (i16, i8, i8) =
            (c[1].parse().unwrap_or(0), c[2].parse().unwrap_or(0), c[3].parse().unwrap_or(0));
        if let Ok(date) = Date::new(y, mo, d) {
            cands.push(one(m.start(), m.end(), TimeType::Date, Some(fmt_date(date))));
        }
    }
    for c in RE_MDY.captures_iter(text) {
        let m = c.get(0).unwrap();
        let month = month_num(&c[3]);
        let day: u32 = c[4].parse().unwrap_or(0);
        let year: Option<i16> = c.get(5).and_then(|y| y.as_str().parse().ok());
        let tense = if year.is_none() { tense_at(m.start(), m.end()) } else { None };
        let Some(v) = date_value(month, day, year, tense, published) else { continue };
        let clock =
            c.get(1)
                .map(|x| if x.as_str().eq_ignore_ascii_case("noon") { "T12:00" } else { "T24:00" });
        let (kind, val) = match clock {
            Some(t) => (TimeType::Time, format!("{v}{t}")),
            None => (TimeType::Date, v.clone()),
        };
        match (c.get(6), c.get(7)) {
            (Some(sep), Some(d2)) => {
                let day2: u32 = d2.as_str().parse().unwrap_or(0);
                let v2 = date_value(month, day2, year, tense, published).map(|x| match clock {
                    Some(t) => format!("{x}{t}"),
                    None => x,
                });
                cands.push(Cand {
                    s: m.start(),
                    e: m.end(),
                    exprs: vec![
                        (m.start(), sep.start(), kind, Val::Known(Some(val))),
                        (d2.start(), m.end(), kind, Val::Known(v2)),
                    ],
                });
            }
            _ => cands.push(one(m.start(), m.end(), kind, Some(val))),
        }
    }
    for c in RE_DMY.captures_iter(text) {
        let m = c.get(0).unwrap();
        let day: u32 = c[2].parse().unwrap_or(0);
        let month = month_num(&c[3]);
        let year: Option<i16> = c.get(4).and_then(|y| y.as_str().parse().ok());
        let tense = if year.is_none() { tense_at(m.start(), m.end()) } else { None };
        if let Some(v) = date_value(month, day, year, tense, published) {
            cands.push(one(m.start(), m.end(), TimeType::Date, Some(v)));
        }
    }
    for c in RE_MY.captures_iter(text) {
        let m = c.get(0).unwrap();
        let month = month_num(&c[1]);
        let year = match (c.get(2), c.get(3).map(|r| r.as_str().to_ascii_lowercase())) {
            (Some(y), _) => Some(y.as_str().to_string()),
            (None, Some(r)) => year_of(match r.as_str() {
                "last" => -1,
                "next" => 1,
                _ => 0,
            }),
            _ => None,
        };
        cands.push(one(
            m.start(),
            m.end(),
            TimeType::Date,
            year.map(|y| format!("{y}-{month:02}")),
        ));
    }
    for c in RE_MONTH.captures_iter(text) {
        let mm = c.get(2).unwrap();
        let prep = c.get(1).map(|p| p.as_str().to_ascii_lowercase());
        if mm.as_str() == "May" && prep.is_none() {
            continue; // the modal verb
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
            _ => month_value(month, tense_at(mm.start(), mm.end()), published),
        };
        let s = if matches!(prep.as_deref(), Some("last" | "next" | "this")) {
            c.get(0).unwrap().start()
        } else {
            mm.start()
        };
        cands.push(one(s, mm.end(), TimeType::Date, v));
    }
    for c in RE_WEEKDAY.captures_iter(text) {
        let m = c.get(0).unwrap();
        let wd_m = c.get(2).unwrap();
        let modifier = c.get(1).map(|x| x.as_str().to_ascii_lowercase());
        let plural = !c[3].is_empty();
        let start =
            if matches!(modifier.as_deref(), Some("on")) { wd_m.start() } else { m.start() };
        let wd = weekday_of(wd_m.as_str());
        if plural || matches!(modifier.as_deref(), Some("every" | "each")) {
            let v = format!("XXXX-WXX-{}", wd.to_monday_one_offset());
            cands.push(one(start, m.end(), TimeType::Set, Some(v)));
            continue;
        }
        let v = published.map(|p| {
            let future = tense_at(m.start(), m.end()).unwrap_or(false);
            fmt_date(weekday_date(p, wd, future, modifier.as_deref()))
        });
        cands.push(one(start, m.end(), TimeType::Date, v));
    }
    for c in RE_REL.captures_iter(text) {
        let m = c.get(0).unwrap();
        let phrase = lower(m.as_str());
        let words: Vec<&str> = phrase.split_whitespace().collect();
        let (kind, v) = rel_value(&words, published);
        let s = if words[0] == "in" { m.start() + 3 } else { m.start() };
        cands.push(one(s, m.end(), kind, v));
    }
    for c in RE_DAYPART.captures_iter(text) {
        let m = c.get(0).unwrap();
        let day = lower(&c[1]);
        let offset = match day.rsplit(' ').next() {
            Some("yesterday" | "last") => -1,
            Some("tomorrow") => 1,
            _ => 0,
        };
        let part = match &lower(&c[2])[..] {
            "morning" => "TMO",
            "afternoon" => "TAF",
            "evening" => "TEV",
            _ => "TNI",
        };
        let v = published.map(|p| format!("{}{part}", fmt_date(add_days(p, offset))));
        cands.push(one(m.start(), m.end(), TimeType::Time, v));
    }
    for c in RE_YEAR.captures_iter(text) {
        let y = c.get(2).unwrap();
        if not_a_year(text, y.start(), y.end()) {
            continue;
        }
        let m = c.get(0).unwrap();
        cands.push(one(m.start(), m.end(), TimeType::Date, Some(y.as_str().to_string())));
    }
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
        cands.push(one(m.start(), m.end(), TimeType::Date, Some(v)));
    }
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
                && tense_at(m.start(), m.end()) == Some(false);
            year_of(match rel.as_deref() {
                Some("last") => -1,
                Some("next") => 1,
                _ if year_ago || ahead_in_past => -1,
                _ => 0,
            })
        });
        let year = year.unwrap_or_else(|| "XXXX".into());
        let v = format!("{year}-{}{n}", if half { 'H' } else { 'Q' });
        cands.push(one(m.start(), m.end(), TimeType::Date, Some(v)));
    }
    for c in RE_QREF.captures_iter(text) {
        let m = c.get(0).unwrap();
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
        let ended = RE_ENDED.captures(&text[m.end()..]).and_then(|e| {
            let month = month_num(&e[1]);
            let day = e[2].parse().ok()?;
            let year = e.get(3).and_then(|y| y.as_str().parse().ok());
            let v = date_value(month, day, year, Some(false), published)?;
            let d: Date = v.parse().ok()?;
            Some(format!("{:04}-Q{}", d.year(), quarter_of(d)))
        });
        let v = if let Some(q) = ended {
            Val::Known(Some(q))
        } else if let Some(y) = year {
            Val::RefQuarterOfYear(y)
        } else if mods.contains("current") {
            Val::Known(published.map(|p| format!("{:04}-Q{}", p.year(), quarter_of(p))))
        } else {
            Val::RefQuarter(shift)
        };
        cands.push(Cand {
            s: m.start(),
            e: m.end(),
            exprs: vec![(m.start(), m.end(), TimeType::Date, v)],
        });
    }
    for m in RE_YEAR_AGO.find_iter(text) {
        let (sb, se) = sentence_of(m.start());
        let v = if lower(&text[sb..se]).contains("quarter") {
            Val::RefQuarter(-4)
        } else {
            Val::YearAgo
        };
        cands.push(Cand {
            s: m.start(),
            e: m.end(),
            exprs: vec![(m.start(), m.end(), TimeType::Date, v)],
        });
    }
    for c in RE_SEASON.captures_iter(text) {
        let m = c.get(0).unwrap();
        let rel = lower(&c[1]);
        let season = match &lower(&c[2])[..] {
            "spring" => ("SP", 3),
            "summer" => ("SU", 6),
            "winter" => ("WI", 12),
            _ => ("FA", 9),
        };
        let year = match (c.get(3), published) {
            (Some(y), _) => Some(y.as_str().to_string()),
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
        let s = if matches!(rel.as_str(), "this" | "last" | "next" | "early" | "late") {
            m.start()
        } else {
            c.get(2).unwrap().start()
        };
        cands.push(one(s, m.end(), TimeType::Date, year.map(|y| format!("{y}-{}", season.0))));
    }
    for c in RE_END.captures_iter(text) {
        let m = c.get(0).unwrap();
        let v = match c.get(1).map(|u| lower(u.as_str())) {
            Some(u) if u == "month" => published.map(fmt_month),
            _ => year_of(0),
        };
        cands.push(one(m.start(), m.end(), TimeType::Date, v));
    }
    for c in RE_AGO.captures_iter(text) {
        let m = c.get(0).unwrap();
        let (Some(n), Some(p)) = (num_word(&c[1]), published) else {
            cands.push(one(m.start(), m.end(), TimeType::Date, None));
            continue;
        };
        let v = match &c[2].to_ascii_lowercase()[..] {
            "day" => p.checked_sub(n.days()).ok().map(fmt_date),
            "week" => p.checked_sub((7 * n).days()).ok().map(fmt_week),
            "month" => p.checked_sub(n.months()).ok().map(fmt_month),
            _ => Some(format!("{:04}", p.year() as i64 - n)),
        };
        cands.push(one(m.start(), m.end(), TimeType::Date, v));
    }
    for c in RE_DUR.captures_iter(text) {
        let m = c.get(0).unwrap();
        let after = &text[m.end()..];
        if after.starts_with("-old") || starts_with_word(after, "old") {
            continue; // an age
        }
        let num = c.get(3).map_or("2", |x| x.as_str());
        let unit = c[4].to_ascii_lowercase();
        // "a day" / "an hour" alone are too often not durations ("twice a day"): only after a
        // cue ("for a week", "in about a month", "the past year").
        if matches!(num.to_ascii_lowercase().as_str(), "a" | "an") && c.get(1).is_none() {
            let before = lower(window_before(text, m.start(), 16).trim_end());
            let cue = [
                "for", "about", "nearly", "over", "than", "within", "almost", "least", "another",
                "barely", "only", "just", "some", "around", "roughly",
            ];
            let before = format!(" {before}");
            if !cue.iter().any(|w| before.ends_with(&format!(" {w}"))) {
                continue;
            }
        }
        let n = num_word(num);
        let n_s = |k: i64| n.map_or("X".to_string(), |n| (n * k).to_string());
        let v = match unit.as_str() {
            "day" => format!("P{}D", n_s(1)),
            "week" => format!("P{}W", n_s(1)),
            "month" => format!("P{}M", n_s(1)),
            "year" => format!("P{}Y", n_s(1)),
            "hour" => format!("PT{}H", n_s(1)),
            "minute" => format!("PT{}M", n_s(1)),
            "quarter" => format!("P{}Q", n_s(1)),
            "decade" => format!("P{}Y", n_s(10)),
            _ => format!("P{}Y", n_s(100)),
        };
        cands.push(one(m.start(), m.end(), TimeType::Duration, Some(v)));
    }
    for c in RE_ORDYEAR.captures_iter(text) {
        let g = c.get(1).unwrap();
        let n = ordinal(&c[2]).unwrap_or(1);
        let u = match &c[3].to_ascii_lowercase()[..] {
            "day" => "D",
            "week" => "W",
            "month" => "M",
            _ => "Y",
        };
        cands.push(one(g.start(), g.end(), TimeType::Duration, Some(format!("P{n}{u}"))));
    }
    for c in RE_SET.captures_iter(text) {
        let m = c.get(0).unwrap();
        let unit = c.get(1).or(c.get(2)).unwrap().as_str().to_ascii_lowercase();
        let v = match unit.as_str() {
            "day" => "P1D",
            "week" | "weekly" => "P1W",
            "month" | "monthly" => "P1M",
            "morning" => "TMO",
            "night" => "TNI",
            _ => "P1Y",
        };
        cands.push(one(m.start(), m.end(), TimeType::Set, Some(v.to_string())));
    }
    for c in RE_CLOCK.captures_iter(text) {
        let m = c.get(0).unwrap();
        let (h, mi): (u32, u32) = if let Some(w) = c.get(6) {
            if w.as_str().eq_ignore_ascii_case("noon") {
                (12, 0)
            } else {
                (24, 0)
            }
        } else if let Some(h24) = c.get(4) {
            (h24.as_str().parse().unwrap_or(0), c[5].parse().unwrap_or(0))
        } else {
            let h: u32 = c[1].parse().unwrap_or(0);
            let mi: u32 = c.get(2).map_or(0, |x| x.as_str().parse().unwrap_or(0));
            let pm = c[3].to_ascii_lowercase().starts_with('p');
            if h == 0 || h > 12 {
                continue;
            }
            (
                if pm && h != 12 {
                    h + 12
                } else if !pm && h == 12 {
                    0
                } else {
                    h
                },
                mi,
            )
        };
        let day = match (c.get(7), published) {
            (Some(wd), Some(p)) => {
                let future = tense_at(m.start(), m.end()).unwrap_or(false);
                fmt_date(weekday_date(p, weekday_of(wd.as_str()), future, None))
            }
            (None, Some(p)) => fmt_date(p),
            _ => "XXXX-XX-XX".to_string(),
        };
        cands.push(one(m.start(), m.end(), TimeType::Time, Some(format!("{day}T{h:02}:{mi:02}"))));
    }

    // Earliest first, then longest; keep non-overlapping.
    cands.sort_by_key(|c| (c.s, std::cmp::Reverse(c.e)));
    let mut kept: Vec<(usize, usize, TimeType, Val)> = Vec::new();
    let mut last_end = 0;
    for c in cands {
        if c.s < last_end {
            continue;
        }
        last_end = c.e;
        kept.extend(c.exprs);
    }

    // The quarter under discussion: the last explicit quarter before, else the last complete
    // quarter before publication.
    let default_quarter = published.map(|p| shift_quarter(p.year() as i64, quarter_of(p), -1));
    let mut current_quarter = default_quarter;
    let mut quarters_discussed = false;
    let mut out = Vec::with_capacity(kept.len());
    for (s, e, kind, val) in kept {
        let value = match val {
            Val::Known(v) => {
                if let Some(q) = v.as_deref().and_then(parse_quarter) {
                    current_quarter = Some(q);
                    quarters_discussed = true;
                }
                v
            }
            Val::YearAgo if quarters_discussed => {
                current_quarter.map(|(y, q)| format!("{:04}-Q{q}", y - 1))
            }
            Val::YearAgo => published.map(|p| format!("{:04}", p.year() - 1)),
            Val::RefQuarterOfYear(y) => current_quarter.map(|(_, q)| format!("{y:04}-Q{q}")),
            Val::RefQuarter(shift) => current_quarter.map(|(y, q)| {
                quarters_discussed = true;
                let (y, q) = shift_quarter(y, q, shift);
                format!("{y:04}-Q{q}")
            }),
        };
        out.push(TimeExpr {
            start: idx.char_of(s),
            end: idx.char_of(e),
            text: text[s..e].to_string(),
            kind,
            value,
        });
    }
    out
}

/// `(year, quarter)` of a value like `1998-Q3`.
fn parse_quarter(v: &str) -> Option<(i64, i64)> {
    let (y, q) = v.split_once("-Q")?;
    Some((y.parse().ok()?, q.parse().ok()?))
}

fn rel_value(words: &[&str], published: Option<Date>) -> (TimeType, Option<String>) {
    use TimeType::*;
    let w0 = words[0];
    let last = *words.last().unwrap();
    match w0 {
        "now" | "currently" | "nowadays" => return (Date, Some("PRESENT_REF".into())),
        "recently" => return (Date, Some("PAST_REF".into())),
        _ => {}
    }
    if last == "future" {
        return (Date, Some("FUTURE_REF".into()));
    }
    if words.contains(&"coming") && words.len() > 2 {
        return (Date, Some("FUTURE_REF".into()));
    }
    if words.contains(&"recent") {
        return (Date, Some("PAST_REF".into()));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sentences;

    fn times(t: &str, p: Option<&str>) -> Vec<(String, TimeType, Option<String>)> {
        let p = p.map(|d| d.parse().unwrap());
        extract(t, &sentences::split(t), p).into_iter().map(|x| (x.text, x.kind, x.value)).collect()
    }
    fn val(v: &[(String, TimeType, Option<String>)], text: &str) -> Option<String> {
        v.iter().find(|x| x.0 == text).unwrap_or_else(|| panic!("{text} not in {v:?}")).2.clone()
    }
    const SUN: Option<&str> = Some("2025-06-15"); // a Sunday

    #[test]
    fn explicit_dates() {
        let v = times("Talks open June 19, ran until 20 June and 2025-06-02; also on June 10th and on 3 July 2024.", SUN);
        assert_eq!(val(&v, "June 19"), Some("2025-06-19".into()));
        assert_eq!(val(&v, "20 June"), Some("2025-06-20".into()));
        assert_eq!(val(&v, "2025-06-02"), Some("2025-06-02".into()));
        assert_eq!(val(&v, "June 10th"), Some("2025-06-10".into()));
        assert_eq!(val(&v, "3 July 2024"), Some("2024-07-03".into()));
        let v = times("The vote was held on March 3, 2021, and again in October 2022.", SUN);
        assert_eq!(val(&v, "March 3, 2021"), Some("2021-03-03".into()));
        assert_eq!(val(&v, "October 2022"), Some("2022-10".into()));
    }

    #[test]
    fn no_publication_date() {
        let v = times("Delegates meet June 19 and on Friday, as they did in June 2023.", None);
        assert_eq!(val(&v, "June 19"), Some("XXXX-06-19".into()));
        assert_eq!(val(&v, "Friday"), None);
        assert_eq!(val(&v, "June 2023"), Some("2023-06".into()));
    }

    #[test]
    fn may_the_modal_is_not_a_month() {
        let v = times("The envoy may visit, and officials agreed in May.", SUN);
        assert_eq!(v.len(), 1);
        assert_eq!(val(&v, "May"), Some("2025-05".into()));
    }

    #[test]
    fn weekdays_past_and_future() {
        let v = times(
            "Ministers met on Saturday in Lisbon. Talks could begin as early as Thursday.",
            SUN,
        );
        assert_eq!(val(&v, "Saturday"), Some("2025-06-14".into()));
        assert_eq!(val(&v, "Thursday"), Some("2025-06-19".into()));
        let v = times(
            "The council will vote on Tuesday. It approved the plan on Sunday, June 15.",
            SUN,
        );
        assert_eq!(val(&v, "Tuesday"), Some("2025-06-17".into()));
        assert_eq!(val(&v, "Sunday, June 15"), Some("2025-06-15".into()));
        let v = times("They offered to resume talks already on Wednesday.", SUN);
        assert_eq!(val(&v, "Wednesday"), Some("2025-06-18".into()));
        // A passive after a modal points forward; after "was" it points back.
        let v = times("Funerals will be held on Friday. A vigil was held on Thursday.", SUN);
        assert_eq!(val(&v, "Friday"), Some("2025-06-20".into()));
        assert_eq!(val(&v, "Thursday"), Some("2025-06-12".into()));
    }

    #[test]
    fn relative_expressions() {
        let v = times(
            "The truce starts tomorrow, June 16th. Today rebels fled; yesterday they fought. \
             Talks resume next week after last month and earlier this month; a deal is due next month. \
             Strikes may follow in the coming days, and prices are now high.",
            SUN,
        );
        assert_eq!(val(&v, "tomorrow"), Some("2025-06-16".into()));
        assert_eq!(val(&v, "June 16th"), Some("2025-06-16".into()));
        assert_eq!(val(&v, "Today"), Some("2025-06-15".into()));
        assert_eq!(val(&v, "yesterday"), Some("2025-06-14".into()));
        assert_eq!(val(&v, "next week"), Some("2025-W25".into()));
        assert_eq!(val(&v, "last month"), Some("2025-05".into()));
        assert_eq!(val(&v, "earlier this month"), Some("2025-06".into()));
        assert_eq!(val(&v, "next month"), Some("2025-07".into()));
        assert_eq!(val(&v, "the coming days"), Some("FUTURE_REF".into()));
        assert_eq!(val(&v, "now"), Some("PRESENT_REF".into()));
    }

    #[test]
    fn years_ranges_and_times() {
        let v = times(
            "Since 2019 the border was shut from midnight June 8 until midnight on June 11. \
             Flights halt June 12 to 13 and resume at 10 a.m. or 14:30.",
            SUN,
        );
        assert_eq!(val(&v, "2019"), Some("2019".into()));
        assert_eq!(val(&v, "midnight June 8"), Some("2025-06-08T24:00".into()));
        assert_eq!(val(&v, "midnight on June 11"), Some("2025-06-11T24:00".into()));
        assert_eq!(val(&v, "June 12"), Some("2025-06-12".into()));
        assert_eq!(val(&v, "13"), Some("2025-06-13".into()));
        assert_eq!(val(&v, "10 a.m."), Some("2025-06-15T10:00".into()));
        assert_eq!(val(&v, "14:30"), Some("2025-06-15T14:30".into()));
        assert!(v.iter().any(|x| x.0 == "midnight June 8" && x.1 == TimeType::Time));
    }

    #[test]
    fn durations_and_sets() {
        let v = times(
            "A 30-day pause and a three-day truce lasted two weeks as the war entered its third year. \
             Inspectors come every week.",
            SUN,
        );
        assert_eq!(val(&v, "30-day"), Some("P30D".into()));
        assert_eq!(val(&v, "three-day"), Some("P3D".into()));
        assert_eq!(val(&v, "two weeks"), Some("P2W".into()));
        assert_eq!(val(&v, "third year"), Some("P3Y".into()));
        assert_eq!(val(&v, "every week"), Some("P1W".into()));
        assert!(v.iter().any(|x| x.0 == "every week" && x.1 == TimeType::Set));
        assert!(v.iter().any(|x| x.0 == "30-day" && x.1 == TimeType::Duration));
        let v = times("It happened two weeks ago.", SUN);
        assert_eq!(val(&v, "two weeks ago"), Some("2025-W22".into()));
    }

    #[test]
    fn quarters_and_the_quarter_under_discussion() {
        let p = Some("2025-10-24"); // a Friday in the fourth quarter
        let v = times(
            "Northwind said third-quarter profit rose. In the third quarter, sales grew 4% from a \
             year earlier. The latest quarter was weak, and the year-ago quarter was strong. \
             In the 2024 period it lost money; the fourth quarter of 2023 was flat.",
            p,
        );
        assert_eq!(val(&v, "third-quarter"), Some("2025-Q3".into()));
        assert_eq!(val(&v, "the third quarter"), Some("2025-Q3".into()));
        assert_eq!(val(&v, "a year earlier"), Some("2024-Q3".into()));
        assert_eq!(val(&v, "The latest quarter"), Some("2025-Q3".into()));
        assert_eq!(val(&v, "the year-ago quarter"), Some("2024-Q3".into()));
        assert_eq!(val(&v, "the 2024 period"), Some("2024-Q3".into()));
        assert_eq!(val(&v, "the fourth quarter of 2023"), Some("2023-Q4".into()));
        let v = times("Sales for the quarter ended June 30 rose; a year ago they fell.", p);
        assert_eq!(val(&v, "the quarter"), Some("2025-Q2".into()));
        assert_eq!(val(&v, "a year ago"), Some("2024-Q2".into()));
        // Without talk of quarters, "a year ago" is last year.
        let v = times("The mayor took office a year ago.", p);
        assert_eq!(val(&v, "a year ago"), Some("2024".into()));
    }

    #[test]
    fn years_decades_seasons_and_fiscal_years() {
        let v = times(
            "After its 2019 merger the firm grew through the 1990s and early 2000s; in fiscal 2024 \
             it earned $2019 million, up 2021%. Last fall it hired; this summer it sells.",
            SUN,
        );
        assert_eq!(val(&v, "2019"), Some("2019".into()));
        assert_eq!(val(&v, "the 1990s"), Some("199".into()));
        assert_eq!(val(&v, "early 2000s"), Some("200X".into()));
        assert_eq!(val(&v, "fiscal 2024"), Some("2024".into()));
        assert!(v.iter().all(|x| x.0 != "2021"), "a percentage is not a year: {v:?}");
        assert_eq!(val(&v, "Last fall"), Some("2024-FA".into()));
        assert_eq!(val(&v, "this summer"), Some("2025-SU".into()));
    }

    #[test]
    fn durations_with_modifiers_and_ages() {
        let v = times(
            "Over the past two months, and for the next few days, the 9-year-old girl waited; \
             the dispute lasted two decades and could run for a week or twenty-four hours.",
            SUN,
        );
        assert_eq!(val(&v, "the past two months"), Some("P2M".into()));
        assert_eq!(val(&v, "the next few days"), Some("PXD".into()));
        assert_eq!(val(&v, "two decades"), Some("P20Y".into()));
        assert_eq!(val(&v, "a week"), Some("P1W".into()));
        assert_eq!(val(&v, "twenty-four hours"), Some("PT24H".into()));
        assert!(v.iter().all(|x| !x.0.contains("9-year")), "an age is not a duration: {v:?}");
    }

    #[test]
    fn parts_of_days_weekends_and_clock_times_with_weekdays() {
        let v = times(
            "Police arrived this morning after shots last night. The rally was held over the \
             weekend, and the polls close at 10 p.m. Tuesday. Results came Friday night. The \
             future is unclear.",
            SUN,
        );
        assert_eq!(val(&v, "this morning"), Some("2025-06-15TMO".into()));
        assert_eq!(val(&v, "last night"), Some("2025-06-14TNI".into()));
        assert_eq!(val(&v, "the weekend"), Some("2025-W24-WE".into()));
        assert_eq!(val(&v, "10 p.m. Tuesday"), Some("2025-06-10T22:00".into()));
        assert_eq!(val(&v, "Friday night"), Some("2025-06-13".into()));
        assert_eq!(val(&v, "The future"), Some("FUTURE_REF".into()));
    }

    #[test]
    fn year_of_a_date_without_one_follows_tense() {
        let p = Some("2025-02-10");
        let v = times("The ship sank in November. Talks resume in March. It ends Feb. 20.", p);
        assert_eq!(val(&v, "November"), Some("2024-11".into()));
        assert_eq!(val(&v, "March"), Some("2025-03".into()));
        assert_eq!(val(&v, "Feb. 20"), Some("2025-02-20".into()));
        let v = times(
            "The treaty was signed in October this year and takes effect January next year.",
            p,
        );
        assert_eq!(val(&v, "October this year"), Some("2025-10".into()));
        assert_eq!(val(&v, "January next year"), Some("2026-01".into()));
    }

    #[test]
    fn undated_article_keeps_text_fixed_values() {
        let v = times("The 1998 third quarter and fiscal 2003 ended; March 4, 2001 too.", None);
        assert_eq!(val(&v, "The 1998 third quarter"), Some("1998-Q3".into()));
        assert_eq!(val(&v, "fiscal 2003"), Some("2003".into()));
        assert_eq!(val(&v, "March 4, 2001"), Some("2001-03-04".into()));
    }
}
