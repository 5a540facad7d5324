//! Time expressions (TimeML TIMEX3 types and values), normalised against the publication date.
//!
//! Regex families, compiled once: ISO dates; "[Weekday,] Month D[th][, YYYY]" (with "midnight/noon
//! [on]" prefix → TIME `…T24:00`, and "May 12 to 13" ranges → two expressions); "D Month [YYYY]";
//! "Month YYYY"; months after "in/since/early…"; weekdays (past week by default, next occurrence
//! when a future cue precedes: will, could, next, to resume, proposed, starting, offer, plan…);
//! today/tonight/tomorrow/yesterday; this/next/last week|month|year (ISO week `2025-W20`, `2025-06`);
//! "earlier this month"; "in the coming days" (FUTURE_REF); now/currently (PRESENT_REF); years after
//! a preposition; "N days ago"; clock times; durations ("30-day" → `P30D`, "two weeks" → `P2W`,
//! "its third year" → `P3Y`); sets ("every week" → `P1W`). Overlaps: earliest, then longest wins.
//! Without a publication date, values that need one are `None` (month-day without a year →
//! `XXXX-MM-DD`).

use std::sync::LazyLock;

use jiff::civil::{Date, Weekday};
use jiff::ToSpan;
use regex::Regex;
use storyline_model::offsets::CharIndex;
use storyline_model::{Span, TimeExpr, TimeType};

use crate::text::{lower, range_of, spans_to_bytes};

const MONTH: &str = r"(January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\.|Sept)";
const WEEKDAY: &str = r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
const NUM: &str = r"(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|ninety|hundred|a|an|several|few)";

fn re(p: &str) -> Regex {
    Regex::new(p).expect("valid time regex")
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
static RE_MY: LazyLock<Regex> = LazyLock::new(|| re(&format!(r"\b{MONTH},?\s+(\d{{4}})\b")));
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
        r"(?i)\b(today|tonight|tomorrow|yesterday|now|currently|recently|nowadays|(?:earlier|later)\s+this\s+(?:week|month|year)|(?:this|next|last|past|coming)\s+(?:week|month|year|weekend)|(?:in\s+)?the\s+(?:coming|next\s+few|past\s+few|last\s+few)\s+(?:days|weeks|months|years)|in\s+recent\s+(?:days|weeks|months|years))\b",
    )
});
static RE_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?i:in|since|by|from|until|till|during|before|after|through|early|late|mid|of|year)[\s-]+((?:19|20)\d{2})\b",
    )
});
static RE_AGO: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"(?i)\b{NUM}\s+(day|week|month|year)s?\s+ago\b")));
static RE_DUR: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(r"(?i)\b{NUM}[\s-](day|week|month|year|hour|minute|decade)s?(?:-long)?\b"))
});
static RE_ORDYEAR: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:its|their|his|her|the|a)\s+((second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\s+(day|week|month|year))\b",
    )
});
static RE_SET: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:(?:every|each)\s+(day|week|month|year|morning|night)|(daily|weekly|monthly|annually|yearly))\b",
    )
});
static RE_CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(\d{1,2})(?::(\d{2}))?\s*(a\.m\.|p\.m\.|am\b|pm\b)|\b([01]?\d|2[0-3]):([0-5]\d)\b|\b(midnight|noon)\b",
    )
});

/// A candidate match: overall byte span plus the expressions it yields.
struct Cand {
    s: usize,
    e: usize,
    exprs: Vec<(usize, usize, TimeType, Option<String>)>,
}

fn month_num(m: &str) -> u32 {
    let m = m.trim_end_matches('.');
    let l = m.to_ascii_lowercase();
    let p = &l[..3.min(l.len())];
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        .iter()
        .position(|x| *x == p)
        .map_or(0, |i| i as u32 + 1)
}

fn weekday_of(w: &str) -> Weekday {
    match &w[..3] {
        "Mon" => Weekday::Monday,
        "Tue" => Weekday::Tuesday,
        "Wed" => Weekday::Wednesday,
        "Thu" => Weekday::Thursday,
        "Fri" => Weekday::Friday,
        "Sat" => Weekday::Saturday,
        _ => Weekday::Sunday,
    }
}

fn num_word(w: &str) -> Option<i64> {
    let l = w.to_ascii_lowercase();
    if let Ok(n) = l.parse() {
        return Some(n);
    }
    let words = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
    ];
    if let Some(i) = words.iter().position(|x| *x == l) {
        return Some(i as i64);
    }
    match l.as_str() {
        "a" | "an" => Some(1),
        "thirty" => Some(30),
        "forty" => Some(40),
        "fifty" => Some(50),
        "sixty" => Some(60),
        "ninety" => Some(90),
        "hundred" => Some(100),
        _ => None,
    }
}

fn ordinal(w: &str) -> Option<i64> {
    let l = w.to_ascii_lowercase();
    ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]
        .iter()
        .position(|x| *x == l)
        .map(|i| i as i64 + 1)
}

fn fmt_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

fn fmt_week(d: Date) -> String {
    let w = d.iso_week_date();
    format!("{:04}-W{:02}", w.year(), w.week())
}

fn fmt_month(d: Date) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

/// The year for month/day given without one: the one that puts the date closest to `pub_date`.
fn infer_year(month: u32, day: u32, pub_date: Date) -> Option<Date> {
    let mut best: Option<(i64, Date)> = None;
    for y in [pub_date.year() - 1, pub_date.year(), pub_date.year() + 1] {
        if let Ok(d) = Date::new(y, month as i8, day as i8) {
            let dist = (d.since(pub_date).ok()?.get_days() as i64).abs();
            if best.is_none_or(|b| dist < b.0) {
                best = Some((dist, d));
            }
        }
    }
    best.map(|b| b.1)
}

fn date_value(month: u32, day: u32, year: Option<i16>, pub_date: Option<Date>) -> Option<String> {
    if month == 0 || day == 0 || day > 31 {
        return None;
    }
    match (year, pub_date) {
        (Some(y), _) => Date::new(y, month as i8, day as i8).ok().map(fmt_date),
        (None, Some(p)) => infer_year(month, day, p).map(fmt_date),
        (None, None) => Some(format!("XXXX-{month:02}-{day:02}")),
    }
}

fn month_value(month: u32, pub_date: Option<Date>) -> Option<String> {
    let p = pub_date?;
    infer_year(month, 1, p).map(fmt_month)
}

/// Future/past cue before (then after) a weekday mention, within its sentence.
fn future_cue(sentence_before: &str, sentence_after: &str) -> bool {
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
            return true;
        }
        if let Some(f) = classify(w) {
            return f;
        }
    }
    for w in sentence_after
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .take(4)
    {
        if let Some(f) = classify(w) {
            return f;
        }
    }
    false
}

fn weekday_date(pub_date: Date, wd: Weekday, future: bool, modifier: Option<&str>) -> Date {
    let p = pub_date.weekday().to_monday_one_offset() as i64;
    let w = wd.to_monday_one_offset() as i64;
    let delta = match modifier {
        Some("next") => {
            (w - p).rem_euclid(7).max(1) + if (w - p).rem_euclid(7) == 0 { 6 } else { 0 }
        }
        Some("last") => {
            -((p - w).rem_euclid(7).max(1) + if (p - w).rem_euclid(7) == 0 { 6 } else { 0 })
        }
        Some("this") if future => (w - p).rem_euclid(7),
        _ if future => (w - p).rem_euclid(7),
        _ => -(p - w).rem_euclid(7),
    };
    pub_date.checked_add(delta.days()).unwrap_or(pub_date)
}

/// Extracts time expressions (character offsets, in text order).
pub fn extract(text: &str, sentences: &[Span], published: Option<Date>) -> Vec<TimeExpr> {
    let idx = CharIndex::new(text);
    let sents = spans_to_bytes(&idx, sentences);
    let mut cands: Vec<Cand> = Vec::new();
    let one = |s: usize, e: usize, k: TimeType, v: Option<String>| Cand {
        s,
        e,
        exprs: vec![(s, e, k, v)],
    };

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
        let Some(v) = date_value(month, day, year, published) else { continue };
        let clock =
            c.get(1)
                .map(|x| if x.as_str().eq_ignore_ascii_case("noon") { "T12:00" } else { "T24:00" });
        let (kind, val) = match clock {
            Some(t) => (TimeType::Time, format!("{v}{t}")),
            None => (TimeType::Date, v.clone()),
        };
        match (c.get(6), c.get(7)) {
            (Some(sep), Some(d2)) => {
                let first_end = sep.start();
                let day2: u32 = d2.as_str().parse().unwrap_or(0);
                let v2 = date_value(month, day2, year, published).map(|x| match clock {
                    Some(t) => format!("{x}{t}"),
                    None => x,
                });
                let d2_end = m.end();
                cands.push(Cand {
                    s: m.start(),
                    e: m.end(),
                    exprs: vec![
                        (m.start(), first_end, kind, Some(val)),
                        (d2.start(), d2_end, kind, v2),
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
        if let Some(v) = date_value(month, day, year, published) {
            cands.push(one(m.start(), m.end(), TimeType::Date, Some(v)));
        }
    }
    for c in RE_MY.captures_iter(text) {
        let m = c.get(0).unwrap();
        let month = month_num(&c[1]);
        cands.push(one(
            m.start(),
            m.end(),
            TimeType::Date,
            Some(format!("{}-{:02}", &c[2], month)),
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
            (Some("this"), Some(p)) => Some(format!("{:04}-{month:02}", p.year())),
            _ => month_value(month, published),
        };
        cands.push(one(mm.start(), mm.end(), TimeType::Date, v));
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
            let (sb, se) = range_of(&sents, m.start()).map_or((0, text.len()), |i| sents[i]);
            let future = future_cue(&text[sb..m.start()], &text[m.end()..se.max(m.end())]);
            let d = weekday_date(p, wd, future, modifier.as_deref());
            let part = c.get(4).map(|x| match x.as_str() {
                "morning" => "TMO",
                "afternoon" => "TAF",
                "evening" => "TEV",
                _ => "TNI",
            });
            format!("{}{}", fmt_date(d), part.unwrap_or(""))
        });
        let kind = if c.get(4).is_some() { TimeType::Time } else { TimeType::Date };
        cands.push(one(start, m.end(), kind, v));
    }
    for c in RE_REL.captures_iter(text) {
        let m = c.get(0).unwrap();
        let phrase = lower(m.as_str());
        let words: Vec<&str> = phrase.split_whitespace().collect();
        let (kind, v) = rel_value(&words, published);
        let s = if words[0] == "in" { m.start() + 3 } else { m.start() };
        cands.push(one(s, m.end(), kind, v));
    }
    for c in RE_YEAR.captures_iter(text) {
        let y = c.get(1).unwrap();
        cands.push(one(y.start(), y.end(), TimeType::Date, Some(y.as_str().to_string())));
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
        let n = num_word(&c[1]);
        let unit = c[2].to_ascii_lowercase();
        // "a day" / "an hour" alone are too often not durations ("twice a day"); keep digits & words.
        if matches!(c[1].to_ascii_lowercase().as_str(), "a" | "an") {
            continue;
        }
        let n_s = n.map_or("X".to_string(), |n| n.to_string());
        let v = match unit.as_str() {
            "day" => format!("P{n_s}D"),
            "week" => format!("P{n_s}W"),
            "month" => format!("P{n_s}M"),
            "year" => format!("P{n_s}Y"),
            "hour" => format!("PT{n_s}H"),
            "minute" => format!("PT{n_s}M"),
            _ => format!("P{n_s}DE"),
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
            "day" | "daily" => "P1D",
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
        let day = published.map_or("XXXX-XX-XX".to_string(), fmt_date);
        cands.push(one(m.start(), m.end(), TimeType::Time, Some(format!("{day}T{h:02}:{mi:02}"))));
    }

    // Earliest first, then longest; keep non-overlapping.
    cands.sort_by_key(|c| (c.s, std::cmp::Reverse(c.e)));
    let mut out: Vec<TimeExpr> = Vec::new();
    let mut last_end = 0;
    for c in cands {
        if c.s < last_end {
            continue;
        }
        last_end = c.e;
        for (s, e, kind, value) in c.exprs {
            out.push(TimeExpr {
                start: idx.char_of(s),
                end: idx.char_of(e),
                text: text[s..e].to_string(),
                kind,
                value,
            });
        }
    }
    out
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
    if words.contains(&"coming") && words.len() > 2
        || words.contains(&"next") && words.contains(&"few")
    {
        return (Date, Some("FUTURE_REF".into()));
    }
    if words.contains(&"recent")
        || words.contains(&"past") && words.contains(&"few")
        || words.contains(&"last") && words.contains(&"few")
    {
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
    let shift = |days: i64| p.checked_add(days.days()).unwrap_or(p);
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
        let v = times("The envoy may visit, and officials may agree in May.", SUN);
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
}
