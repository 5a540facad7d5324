//! Time expressions (TimeML TIMEX3 types and values), normalised against the publication date.
//!
//! Regex families, compiled once (ASCII word boundaries, so the DFA engines stay usable on any
//! text): ISO dates; "[Weekday,] Month D[th][, YYYY]" (with "midnight/noon [on]" prefix → TIME
//! `…T24:00`, and "May 12 to 13" ranges → two expressions); "D Month [YYYY]"; "Month YYYY";
//! months after "in/since/early…"; years ("1998", "fiscal 1989"), decades ("the 1990s" → `199`),
//! quarters and halves ("the third quarter", "third-quarter", "the 1988 second quarter" →
//! `1988-Q2`), the document's quarter ("the quarter", "the latest period", "the year-earlier
//! quarter", "a year ago" in a sentence about a quarter; not one named in passing, "after a weak
//! second quarter"); company fiscal calendars (a quarter "ended" on a date takes that date's
//! year; "its first quarter ended Sept. 30" or "the fiscal first quarter" followed by "the
//! quarter ended Sept. 30" gives the fiscal↔calendar shift, applied to the document's later
//! "quarter ended" mentions); seasons; weekdays (past week by default, next occurrence when a
//! future cue precedes; "Friday evening" → `…TEV`); clock times, alone or with their weekday or
//! date
//! ("10 p.m. Wednesday", "5 p.m. EST, Nov. 6"), "midday"; today/tonight/tomorrow/yesterday [morning…]; this/next/last
//! week|month|year|weekend; "the future"; "in the coming days" (FUTURE_REF); now/currently
//! (PRESENT_REF); "N days ago" ("several years ago", "in past years" → PAST_REF; "the past year"
//! → last year); durations ("30-day" → `P30D`, "the past two months" → `P2M`, "the
//! next few days" → `PXD`, "two decades" → `P20Y`, "2 1/2 years" → `P2Y6M`, "for years" →
//! `PXY`, "recent months" → `PXM`); sets ("every week" → `P1W`, "daily" → `P1D`, "each July" →
//! `XXXX-07`); years said in words ("nineteen ninety-six", "the year two thousand"); "the
//! [fiscal|full] year" (the publication's year, `P1Y` before "ended" or after "throughout");
//! "current"/"then current"/"the past"/"the near future" (PRESENT_REF, PAST_REF, FUTURE_REF);
//! public holidays ("Thanksgiving Day", "last Christmas"); centuries ("the 20th century" → `19`);
//! "later that year", "earlier that day" (the last year or day named before). Overlaps:
//! earliest, then longest wins. Without a publication date, values that need one are `None`
//! (month-day without a year → `XXXX-MM-DD`). A quarter still running at publication and not
//! told in the past tense is a forecast, not the quarter under discussion; "a year earlier" in a
//! sentence about nine months or the year is last year. Two decisions can be handed to learned
//! models (`learned`): a weekday's direction where no tense cue is near, and keeping a
//! "now"/"current" word; each ships only if it beats its rule under cross-validation.

mod calendar;
pub mod learned;
mod lex;

use std::sync::LazyLock;

use jiff::civil::Date;
use jiff::ToSpan;
use regex::Regex;
use storyline_model::offsets::CharIndex;
use storyline_model::{Span, TimeExpr, TimeType};

use crate::text::{lower, range_of, spans_to_bytes};
use calendar::*;
use learned::{context_features, Decision, DecisionKind, TimeModels};
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
    re(&format!(
        r"\b{MONTH},?\s+(?:(\d{{4}})|(?:of\s+)?((?i:this|last|next))\s+year|(?i:{SPOKEN_YEAR}))\b"
    ))
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
        r"(?i)\b(today|tonight|tomorrow|yesterday|now|currently|recently|nowadays|(?:earlier|later)\s+this\s+(?:week|month|year)|(?:this|next|last|past|coming)\s+(?:week|month|year|weekend)|the\s+(?:weekend|future)|these\s+days|coming\s+(?:days|weeks|months|years|quarters)|(?:in\s+)?the\s+coming\s+(?:days|weeks|months|years)|(?:in\s+)?recent\s+(?:years|months|weeks|days)|(?:in\s+)?past\s+years|the\s+past\s+year)\b",
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
static RE_SEASON: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?:(this|last|next|the|early|late|in|during)\s+)(spring|summer|fall|autumn|winter)(?:\s+(?:of\s+)?((?:19|20)\d{{2}}|{SPOKEN_YEAR}))?\b"
    ))
});
static RE_END: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:(?:the\s+)?end\s+of\s+(?:the|this)\s+(year|month)|year-end|(?:around\s+)?year\s+end|year['’]s\s+end)\b",
    )
});
static RE_AGO: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"(?i)\b{NUM}\s+(day|week|month|year)s?\s+ago\b")));
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
        r"(?i)\b(?:(?:every|each)\s+(day|week|month|year|morning|night)|(weekly|monthly|annually|yearly)|(?:every|each)\s+((?-i:{MONTH})))\b"
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
/// Adjectives and phrases that point at the present, past or future without a date: "current",
/// "then current", "daily" (a set), "the past", "the near future", "the short term".
static RE_REF_WORD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:(then\s+)?(current)|(daily)|the\s+(past)|the\s+(?:near|distant|immediate)\s+(future)|the\s+(?:near|short)\s+(term))\b",
    )
});
/// Public holidays: "Thanksgiving Day", "last Christmas", "Election Day".
static RE_HOLIDAY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:((?i:last|next|this))\s+)?(Thanksgiving(?:\s+Day)?|Christmas(?:\s+(?:Day|Eve))?|New\s+Year['’]s\s+(?:Day|Eve)|Independence\s+Day|Labor\s+Day|Memorial\s+Day|Election\s+Day|Halloween|Valentine['’]s\s+Day|Veterans\s+Day)\b",
    )
});
/// Vague plural durations after a preposition: "for years", "within weeks".
static RE_VAGUE_PLURAL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:for|within|in|over|after)\s+(years|months|weeks|days)\b"));
/// A year or day named by reference to the one just mentioned: "later that year", "the
/// following year", "earlier that day", "the previous day".
static RE_ANAPHOR: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:(?:later|earlier)\s+)?(that|the\s+following|the\s+previous|the\s+prior|that\s+same)\s+(year|day)\b",
    )
});
/// Centuries by number: "the 20th century" → `19`.
static RE_CENTURY: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)[\s-]+century\b"));
static RE_CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)(?:\b(\d{{1,2}})(?::(\d{{2}}))?\s*(a\.m\.?|p\.m\.?|am\b|pm\b)|\b([01]?\d|2[0-3]):([0-5]\d)\b|\b(midnight|noon|midday)\b)(?:,?\s+(?:(?-i:[A-Z]{{3}}),?\s+)?(?:(?-i:{WEEKDAY})|(?-i:{MONTH})\s+(\d{{1,2}})\b))?"
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
    /// A quarter named in passing ("after a weak second quarter"): dated, but not the quarter
    /// under discussion.
    PassingQuarter(Option<String>),
    /// A quarter numbered by the company's own calendar ("the fiscal first quarter", "its fourth
    /// quarter ended June 30"): `(year, number, calendar quarter of its end when told)`. One
    /// with its end gives the document's fiscal shift.
    FiscalQuarter(i64, i64, Option<i64>),
    /// "the quarter ended Sept. 30": `(year, calendar quarter)` of its end, numbered by the
    /// company's calendar once the document has shown it.
    EndedQuarter(i64, i64),
    /// The year of the last dated expression before, shifted ("later that year", "the
    /// following year").
    RefYear(i64),
    /// The day of the last dated expression before, shifted ("earlier that day", "the
    /// following day").
    RefDay(i64),
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

/// The first word of `s` (letters and digits), lower-cased.
fn next_word(s: &str) -> String {
    let s = s.trim_start();
    let end = s.find(|c: char| !c.is_alphanumeric()).unwrap_or(s.len());
    lower(&s[..end])
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

/// The last word of `s` (letters only), lower-cased.
fn next_word_back(s: &str) -> String {
    let s = s.trim_end();
    let start = s
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_alphabetic())
        .map_or(0, |(i, c)| i + c.len_utf8());
    lower(&s[start..])
}

/// A month-day without a year that a period "ended" on: the last one on or before publication.
fn ended_date_value(month: u32, day: u32, published: Option<Date>) -> Option<String> {
    let p = published?;
    let mut y = p.year();
    if (month, day) > (p.month() as u32, p.day() as u32) {
        y -= 1;
    }
    date_value(month, day, Some(y), None, published)
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

/// Extracts time expressions (character offsets, in text order), with the compiled-in models.
pub fn extract(text: &str, sentences: &[Span], published: Option<Date>) -> Vec<TimeExpr> {
    extract_with(text, sentences, published, TimeModels::embedded())
}

/// Extracts time expressions with the given models ([`TimeModels::rules`]: rules only).
pub fn extract_with(
    text: &str,
    sentences: &[Span],
    published: Option<Date>,
    models: &TimeModels,
) -> Vec<TimeExpr> {
    run(text, sentences, published, models).0
}

/// The learned decision points met while tagging (for training the models), whatever the models
/// decide.
pub fn decisions(text: &str, sentences: &[Span], published: Option<Date>) -> Vec<Decision> {
    run(text, sentences, published, &TimeModels::rules()).1
}

fn run(
    text: &str,
    sentences: &[Span],
    published: Option<Date>,
    models: &TimeModels,
) -> (Vec<TimeExpr>, Vec<Decision>) {
    let mut decided: Vec<Decision> = Vec::new();
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
    // The sentence around a mention: at most ~160 bytes before it and ~100 after it.
    let around = |s: usize, e: usize| -> (&str, &str) {
        let (sb, se) = sentence_of(s);
        let mut from = sb.min(s).max(s.saturating_sub(160));
        while !text.is_char_boundary(from) {
            from -= 1;
        }
        let mut to = se.max(e).min(e + 100);
        while !text.is_char_boundary(to) {
            to += 1;
        }
        (&text[from..s], &text[e..to])
    };
    // Whether a present/past reference word at `s..e` is kept (the learned decision, logged).
    let keep_reference = |s: usize, e: usize, value: &str, decided: &mut Vec<Decision>| {
        let (before, after) = around(s, e);
        let word = lower(&text[s..e]);
        let mut f = vec![format!("w={word}")];
        if text[s..e].starts_with(char::is_uppercase) {
            f.push("capitalised".into());
        }
        context_features(before, after, tense_cue(before, after), true, &mut f);
        let keep = models.reference.as_ref().is_none_or(|m| m.decide_over_rule(&f, true));
        decided.push(Decision {
            kind: DecisionKind::KeepReference,
            start: idx.char_of(s),
            end: idx.char_of(e),
            features: f,
            values: [None, Some(value.to_string())],
        });
        keep
    };
    // A date without a year: forward after "payable", "effective", "extended to"…, else by tense.
    let tense_of_date = |s: usize, e: usize| -> Option<bool> {
        if forward_anchor(window_before(text, s, 40)) {
            Some(true)
        } else {
            tense_at(s, e)
        }
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
        let tense = if year.is_none() { tense_of_date(m.start(), m.end()) } else { None };
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
        let tense = if year.is_none() { tense_of_date(m.start(), m.end()) } else { None };
        if let Some(v) = date_value(month, day, year, tense, published) {
            cands.push(one(m.start(), m.end(), TimeType::Date, Some(v)));
        }
    }
    for c in RE_MY.captures_iter(text) {
        let m = c.get(0).unwrap();
        let month = month_num(&c[1]);
        let spoken = c.get(4).and_then(|y| spoken_year(y.as_str()));
        let year = match (c.get(2), c.get(3).map(|r| r.as_str().to_ascii_lowercase())) {
            (Some(y), _) => Some(y.as_str().to_string()),
            (None, None) if spoken.is_some() => spoken.map(|y| format!("{y:04}")),
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
        // "Wednesday's ruling": a possessive weekday names something that already happened.
        let possessive = text[m.end()..].starts_with("'s") || text[m.end()..].starts_with("’s");
        let cue = if possessive { Some(false) } else { tense_at(wd_m.start(), m.end()) };
        let rule = cue.unwrap_or(false);
        // TimeBank mostly dates "Friday night" and "Friday morning" as the day itself, so those
        // parts of the day are not added to the value; "Friday evening" it always dates as the
        // evening (`…TEV`, a TIME).
        let Some(p) = published else {
            cands.push(one(start, m.end(), TimeType::Date, None));
            continue;
        };
        let value = |future: bool| fmt_date(weekday_date(p, wd, future, modifier.as_deref()));
        let future = if matches!(modifier.as_deref(), None | Some("on")) {
            let (before, after) = around(start, m.end());
            let mut f = Vec::new();
            context_features(before, after, cue, true, &mut f);
            let back_days =
                (p.weekday().to_monday_one_offset() - wd.to_monday_one_offset()).rem_euclid(7);
            f.push(format!("back_days={back_days}"));
            f.push(format!("mod={}", modifier.as_deref().unwrap_or("none")));
            if possessive {
                f.push("possessive".into());
            }
            if let Some(part) = c.get(4) {
                f.push(format!("daypart={}", lower(part.as_str())));
            }
            // A tense cue ("will vote", "said") decides; the model decides where none is near.
            let future = match (&models.weekday, cue) {
                (Some(m), None) => m.decide(&f),
                _ => rule,
            };
            decided.push(Decision {
                kind: DecisionKind::WeekdayDirection,
                start: idx.char_of(start),
                end: idx.char_of(m.end()),
                features: f,
                values: [Some(value(false)), Some(value(true))],
            });
            future
        } else {
            rule
        };
        let evening = c.get(4).is_some_and(|x| x.as_str().eq_ignore_ascii_case("evening"));
        if evening {
            cands.push(one(start, m.end(), TimeType::Time, Some(format!("{}TEV", value(future)))));
        } else {
            cands.push(one(start, m.end(), TimeType::Date, Some(value(future))));
        }
    }
    for c in RE_REL.captures_iter(text) {
        let m = c.get(0).unwrap();
        let phrase = lower(m.as_str());
        let words: Vec<&str> = phrase.split_whitespace().collect();
        // "This Week", "Next Year" with a capital unit are titles (of programmes, columns).
        let titled =
            m.as_str().rsplit(' ').next().is_some_and(|w| w.starts_with(char::is_uppercase));
        if titled && words.len() >= 2 {
            continue;
        }
        let (kind, v) = rel_value(&words, published);
        if words.len() == 1 && matches!(words[0], "now" | "currently" | "recently" | "nowadays") {
            let value = v.clone().unwrap_or_default();
            if !keep_reference(m.start(), m.end(), &value, &mut decided) {
                continue;
            }
        }
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
        cands.push(one(start, m.end(), TimeType::Date, Some(y.as_str().to_string())));
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
        let kind = if throughout(text, m.start()) { TimeType::Duration } else { TimeType::Date };
        cands.push(one(m.start(), m.end(), kind, Some(v)));
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
        // "its fourth quarter ended June 30": the year of its end, and the company's numbering.
        let ended = if half || c.get(3).or(c.get(6)).is_some() {
            None
        } else {
            RE_ENDED.captures(&text[m.end()..]).and_then(|e| {
                let year = e.get(3).and_then(|y| y.as_str().parse().ok());
                let day = e[2].parse().ok()?;
                let v = match year {
                    Some(y) => date_value(month_num(&e[1]), day, Some(y), None, published),
                    None => ended_date_value(month_num(&e[1]), day, published),
                }?;
                let d: Date = v.parse().ok()?;
                Some((d.year() as i64, quarter_of(d)))
            })
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
        cands.push(Cand {
            s: m.start(),
            e: m.end(),
            exprs: vec![(m.start(), m.end(), TimeType::Date, val)],
        });
    }
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
        let ended = RE_ENDED.captures(&text[m.end()..]).and_then(|e| {
            let month = month_num(&e[1]);
            let day = e[2].parse().ok()?;
            let v = match e.get(3).and_then(|y| y.as_str().parse().ok()) {
                Some(y) => date_value(month, day, Some(y), None, published),
                None => ended_date_value(month, day, published),
            }?;
            let d: Date = v.parse().ok()?;
            Some((d.year() as i64, quarter_of(d)))
        });
        let v = if let Some((y, q)) = ended {
            Val::EndedQuarter(y, q)
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
        let sentence = lower(&text[sb..se]);
        // "profit for the nine months rose from a year earlier": a comparison of longer periods
        // is with last year, not with a quarter.
        let longer_period = ["nine months", "six months", "first half", "the year", "annual"]
            .iter()
            .any(|p| sentence.contains(p));
        let v = if sentence.contains("quarter") {
            Val::RefQuarter(-4)
        } else if longer_period {
            Val::Known(year_of(-1))
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
            // "several years ago", "some years ago": a vague point in the past.
            let years = c[2].eq_ignore_ascii_case("year");
            let v = (years && num_word(&c[1]).is_none()).then(|| "PAST_REF".to_string());
            cands.push(one(m.start(), m.end(), TimeType::Date, v));
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
        // "2 1/2 years" → `P2Y6M`, "5 1/2 hours" → `PT5H30M`.
        let halved = match (half, n, unit.as_str()) {
            (true, Some(n), "year") => Some(format!("P{n}Y6M")),
            (true, Some(n), "day") => Some(format!("P{n}DT12H")),
            (true, Some(n), "hour") => Some(format!("PT{n}H30M")),
            (true, Some(n), "minute") => Some(format!("PT{n}M30S")),
            _ => None,
        };
        let v = match unit.as_str() {
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
        // "Today is the eighth day of the siege", "it's the second day of talks": the day of
        // publication, counted from a start.
        let before = lower(window_before(text, c.get(0).unwrap().start(), 8).trim_end());
        let copula = before.ends_with(" is") || before.ends_with("'s") || before.ends_with("’s");
        if u == "D" && copula {
            cands.push(one(g.start(), g.end(), TimeType::Date, published.map(fmt_date)));
            continue;
        }
        cands.push(one(g.start(), g.end(), TimeType::Duration, Some(format!("P{n}{u}"))));
    }
    for c in RE_SET.captures_iter(text) {
        let m = c.get(0).unwrap();
        if let Some(month) = c.get(3) {
            let v = format!("XXXX-{:02}", month_num(month.as_str()));
            cands.push(one(m.start(), m.end(), TimeType::Set, Some(v)));
            continue;
        }
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
            if !w.as_str().eq_ignore_ascii_case("midnight") {
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
        // "5 p.m. EST, Nov. 6": the clock time of a named day.
        let dated = c.get(8).and_then(|mo| {
            let day = c.get(9)?.as_str().parse().ok()?;
            date_value(
                month_num(mo.as_str()),
                day,
                None,
                tense_of_date(m.start(), m.end()),
                published,
            )
        });
        let day = match (c.get(7), published) {
            _ if dated.is_some() => dated.unwrap_or_default(),
            (Some(wd), Some(p)) => {
                let future = tense_at(m.start(), m.end()).unwrap_or(false);
                fmt_date(weekday_date(p, weekday_of(wd.as_str()), future, None))
            }
            (None, Some(p)) => fmt_date(p),
            _ => "XXXX-XX-XX".to_string(),
        };
        cands.push(one(m.start(), m.end(), TimeType::Time, Some(format!("{day}T{h:02}:{mi:02}"))));
    }

    for c in RE_SPOKEN_YEAR.captures_iter(text) {
        let m = c.get(0).unwrap();
        let words = c.get(1).or(c.get(2)).or(c.get(3)).unwrap();
        if let Some(y) = spoken_year(words.as_str()) {
            cands.push(one(m.start(), m.end(), TimeType::Date, Some(format!("{y:04}"))));
        }
    }
    for c in RE_DECADE_WORD.captures_iter(text) {
        let m = c.get(0).unwrap();
        let tens = [
            "twenties",
            "thirties",
            "forties",
            "fifties",
            "sixties",
            "seventies",
            "eighties",
            "nineties",
        ]
        .iter()
        .position(|d| c[1].eq_ignore_ascii_case(d))
        .map_or(0, |i| i + 2);
        cands.push(one(m.start(), m.end(), TimeType::Date, Some(format!("19{tens}"))));
    }
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
            cands.push(one(m.start(), m.end(), TimeType::Duration, Some("P1Y".into())));
        } else {
            cands.push(one(m.start(), m.end(), TimeType::Date, year_of(0)));
        }
    }
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
            if c.get(1).is_none() && !keep_reference(m.start(), m.end(), v, &mut decided) {
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
        cands.push(one(m.start(), m.end(), kind, Some(v.to_string())));
    }
    for c in RE_HOLIDAY.captures_iter(text) {
        let m = c.get(0).unwrap();
        let name = c[2].replace('’', "'");
        let Some((month, day)) = holiday_month_day(&name) else { continue };
        let v = published.and_then(|p| {
            let this = |y: i16| holiday_date(&name, y);
            let d = match c.get(1).map(|x| lower(x.as_str())).as_deref() {
                Some("last") => this(p.year()).filter(|d| *d < p).or_else(|| this(p.year() - 1)),
                Some("next") => this(p.year()).filter(|d| *d > p).or_else(|| this(p.year() + 1)),
                Some(_) => this(p.year()),
                None => this(year_for(month, day, tense_at(m.start(), m.end()), p)),
            };
            d.map(fmt_date)
        });
        cands.push(one(m.start(), m.end(), TimeType::Date, v));
    }
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
        cands.push(one(g.start(), g.end(), TimeType::Duration, Some(format!("PX{unit}"))));
    }
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
        let v = if c[2].eq_ignore_ascii_case("year") {
            Val::RefYear(shift)
        } else {
            Val::RefDay(shift)
        };
        cands.push(Cand {
            s: m.start(),
            e: m.end(),
            exprs: vec![(m.start(), m.end(), TimeType::Date, v)],
        });
    }
    for c in RE_CENTURY.captures_iter(text) {
        let m = c.get(0).unwrap();
        let Ok(n) = c[1].parse::<i64>() else { continue };
        if n >= 1 {
            cands.push(one(m.start(), m.end(), TimeType::Date, Some(format!("{:02}", n - 1))));
        }
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
    // The company's quarter numbers minus the calendar's, once the document shows it; and
    // whether the quarter under discussion was named by the company's calendar.
    let mut fiscal_shift: Option<i64> = None;
    let mut current_is_fiscal = false;
    // The last year and day named before the expression (for "that year", "that day").
    let mut last_year: Option<i64> = None;
    let mut last_day: Option<Date> = None;
    let mut out = Vec::with_capacity(kept.len());
    for (s, e, kind, val) in kept {
        // "that day" with no day named before it refers to nothing we can date.
        let anaphoric = matches!(val, Val::RefYear(_) | Val::RefDay(_));
        let value = match val {
            Val::Known(v) => {
                if let Some(q) = v.as_deref().and_then(parse_quarter) {
                    // A quarter not yet over at publication ("a fourth-quarter charge" in
                    // October) is a forecast, not the quarter being reported.
                    let (y, n) = shift_quarter(q.0, q.1, 1);
                    let over = published.is_none_or(|p| {
                        Date::new(y as i16, (3 * n - 2) as i8, 1).is_ok_and(|end| end <= p)
                    });
                    if over || tense_at(s, e) == Some(false) {
                        current_quarter = Some(q);
                        current_is_fiscal = false;
                    }
                    quarters_discussed = true;
                }
                if let Some(v) = v.as_deref() {
                    if let Some(y) = v.get(..4).and_then(|y| y.parse().ok()) {
                        last_year = Some(y);
                    }
                    if let Some(d) = v.get(..10).and_then(|d| d.parse().ok()) {
                        last_day = Some(d);
                    }
                }
                v
            }
            Val::RefYear(shift) => last_year.map(|y| format!("{:04}", y + shift)),
            Val::RefDay(shift) => last_day.map(|d| fmt_date(add_days(d, shift))),
            Val::YearAgo if quarters_discussed => {
                current_quarter.map(|(y, q)| format!("{:04}-Q{q}", y - 1))
            }
            Val::YearAgo => published.map(|p| format!("{:04}", p.year() - 1)),
            Val::PassingQuarter(v) => {
                quarters_discussed = true;
                v
            }
            Val::FiscalQuarter(y, n, calendar) => {
                if let Some(cal) = calendar {
                    fiscal_shift = Some(n - cal);
                }
                current_quarter = Some((y, n));
                current_is_fiscal = true;
                quarters_discussed = true;
                Some(format!("{y:04}-Q{n}"))
            }
            Val::EndedQuarter(y, cal) => {
                let shift = fiscal_shift.or_else(|| {
                    current_is_fiscal.then(|| current_quarter.map(|(_, n)| n - cal)).flatten()
                });
                let n = shift.map_or(cal, |k| (cal - 1 + k).rem_euclid(4) + 1);
                if let Some(k) = shift {
                    fiscal_shift = Some(k);
                }
                current_quarter = Some((y, n));
                quarters_discussed = true;
                Some(format!("{y:04}-Q{n}"))
            }
            Val::RefQuarterOfYear(y) => current_quarter.map(|(_, q)| format!("{y:04}-Q{q}")),
            Val::RefQuarter(shift) => current_quarter.map(|(y, q)| {
                quarters_discussed = true;
                let (y, q) = shift_quarter(y, q, shift);
                format!("{y:04}-Q{q}")
            }),
        };
        if anaphoric && value.is_none() {
            continue;
        }
        out.push(TimeExpr {
            start: idx.char_of(s),
            end: idx.char_of(e),
            text: text[s..e].to_string(),
            kind,
            value,
        });
    }
    (out, decided)
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

#[cfg(test)]
mod tests {
    use super::*;
    use storyline_text::sentences;

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
    fn forecast_quarters_and_longer_periods() {
        let p = Some("2025-10-24");
        // A quarter still running at publication is a forecast, not the quarter reported.
        let v = times(
            "Brightwell said the storm will cause a fourth-quarter charge. In the latest quarter, \
             profit fell from a year ago.",
            p,
        );
        assert_eq!(val(&v, "fourth-quarter"), Some("2025-Q4".into()));
        assert_eq!(val(&v, "the latest quarter"), Some("2025-Q3".into()));
        assert_eq!(val(&v, "a year ago"), Some("2024-Q3".into()));
        // Reported in the past tense, it is the quarter under discussion.
        let v = times("Orlen Foods reported fourth-quarter profit; a year earlier it lost.", p);
        assert_eq!(val(&v, "a year earlier"), Some("2024-Q4".into()));
        // Nine months compared with a year earlier: last year.
        let v = times(
            "Tessam's third-quarter sales rose. For the nine months, profit rose from a year \
             earlier.",
            p,
        );
        assert_eq!(val(&v, "a year earlier"), Some("2024".into()));
    }

    #[test]
    fn weekday_direction_decisions() {
        // A tense cue decides ("said Monday" → back).
        let v = times("The ministry said Monday that talks had stalled.", SUN);
        assert_eq!(val(&v, "Monday"), Some("2025-06-09".into()));
        let d = decisions("Until Thursday, they had not named a suspect.", &[], None);
        assert!(d.is_empty(), "no publication date, no direction to decide: {d:?}");
        let text = "Until Thursday, they had not named a suspect.";
        let d = decisions(text, &sentences::split(text), "2025-06-15".parse().ok());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].kind, DecisionKind::WeekdayDirection);
        assert_eq!(d[0].values[0].as_deref(), Some("2025-06-12"));
        assert_eq!(d[0].values[1].as_deref(), Some("2025-06-19"));
        assert!(d[0].features.iter().any(|f| f == "p1=until"));
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

    #[test]
    fn years_said_in_words() {
        let v = times(
            "Marta Vell recalled the flood of nineteen ninety-six, the storms of January nineteen \
             eighty-two and the winter of nineteen seventy-nine; a levy is promised by the year \
             two thousand and ten.",
            SUN,
        );
        assert_eq!(val(&v, "nineteen ninety-six"), Some("1996".into()));
        assert_eq!(val(&v, "January nineteen eighty-two"), Some("1982-01".into()));
        assert_eq!(val(&v, "the winter of nineteen seventy-nine"), Some("1979-WI".into()));
        assert_eq!(val(&v, "the year two thousand and ten"), Some("2010".into()));
        let v = times("The fund raised two thousand dollars.", SUN);
        assert!(v.is_empty(), "a count is not a year: {v:?}");
    }

    #[test]
    fn public_holidays() {
        let p = Some("2025-12-10");
        let v = times(
            "The ferry sank on Thanksgiving Day. Crews will rest at Christmas, and the mayor \
             of Dunmore faces voters on Election Day.",
            p,
        );
        assert_eq!(val(&v, "Thanksgiving Day"), Some("2025-11-27".into()));
        assert_eq!(val(&v, "Christmas"), Some("2025-12-25".into()));
        assert_eq!(val(&v, "Election Day"), Some("2025-11-04".into()));
        let v = times("Ona Brisk was rescued last Thanksgiving.", Some("2026-01-12"));
        assert_eq!(val(&v, "last Thanksgiving"), Some("2025-11-27".into()));
        assert!(times("Eastern Airlines flew on.", p).is_empty());
    }

    #[test]
    fn the_year_and_fiscal_years() {
        let p = Some("2025-10-24");
        let v = times(
            "Korvane earned $4 million for the year ended June 30. Sales for the full year \
             should rise, and margins will improve throughout the fiscal year.",
            p,
        );
        assert_eq!(val(&v, "the year"), Some("P1Y".into()));
        assert!(v.iter().any(|x| x.0 == "the year" && x.1 == TimeType::Duration));
        assert_eq!(val(&v, "the full year"), Some("2025".into()));
        assert_eq!(val(&v, "the fiscal year"), Some("P1Y".into()));
        let v = times("Profit fell from the year before and the year-earlier level.", p);
        assert!(v.iter().all(|x| x.0 != "the year"), "{v:?}");
    }

    #[test]
    fn present_past_and_future_references() {
        let v = times(
            "Under the current rules, set at the then current rate, rallies are held almost \
             daily. In the past, Tolvia traded in the near future's shadow; Kestrel Daily \
             reported the past two weeks.",
            SUN,
        );
        assert_eq!(val(&v, "current"), Some("PRESENT_REF".into()));
        assert_eq!(val(&v, "then current"), Some("PAST_REF".into()));
        assert_eq!(val(&v, "daily"), Some("P1D".into()));
        assert!(v.iter().any(|x| x.0 == "daily" && x.1 == TimeType::Set));
        assert!(v.iter().all(|x| x.0 != "Daily"), "a newspaper's name: {v:?}");
        assert_eq!(val(&v, "the past"), Some("PAST_REF".into()));
        assert_eq!(val(&v, "the near future"), Some("FUTURE_REF".into()));
        assert_eq!(val(&v, "the past two weeks"), Some("P2W".into()));
        let v = times("The current quarter is weak, prices are high these days.", SUN);
        assert!(v.iter().all(|x| x.0 != "current"), "{v:?}");
        assert_eq!(val(&v, "these days"), Some("PRESENT_REF".into()));
    }

    #[test]
    fn vague_spans() {
        let v = times(
            "The Halden mill stood idle for years; repairs come within weeks. In recent months \
             orders fell, and in recent years prices rose. Rates may fall in coming months. \
             It will not change for a couple of years; the crew worked 2 1/2 years and \
             5 1/2 hours a day.",
            SUN,
        );
        assert_eq!(val(&v, "years"), Some("PXY".into()));
        assert_eq!(val(&v, "weeks"), Some("PXW".into()));
        assert_eq!(val(&v, "recent months"), Some("PXM".into()));
        assert_eq!(val(&v, "recent years"), Some("PAST_REF".into()));
        assert_eq!(val(&v, "coming months"), Some("FUTURE_REF".into()));
        assert_eq!(val(&v, "a couple of years"), Some("P2Y".into()));
        assert_eq!(val(&v, "2 1/2 years"), Some("P2Y6M".into()));
        assert_eq!(val(&v, "5 1/2 hours"), Some("PT5H30M".into()));
        let v = times("Ferns grew for years-old trees; it ended years ago.", SUN);
        assert!(v.iter().all(|x| x.0 != "years"), "{v:?}");
    }

    #[test]
    fn weekday_cues() {
        let v = times(
            "Envoy Rusa Kell could arrive as early as Thursday. Lawyers sought to overturn \
             Wednesday's ruling. Mr. Pell will succeed Ms. Dray on Tuesday.",
            SUN,
        );
        assert_eq!(val(&v, "Thursday"), Some("2025-06-19".into()));
        assert_eq!(val(&v, "Wednesday"), Some("2025-06-11".into()));
        assert_eq!(val(&v, "Tuesday"), Some("2025-06-17".into()));
        // "the offer" and "a record set" are nouns and participles, not intentions.
        let v = times(
            "Brannock launched the offer on Friday. The index is near its record set on Monday.",
            SUN,
        );
        assert_eq!(val(&v, "Friday"), Some("2025-06-13".into()));
        assert_eq!(val(&v, "Monday"), Some("2025-06-09".into()));
        // An infinitive after a past verb carries the day forward; a destination does not.
        let v = times("Both sides agreed to hold talks on Thursday.", SUN);
        assert_eq!(val(&v, "Thursday"), Some("2025-06-19".into()));
        let v = times("Both sides agreed to hold direct talks in Karsk on Thursday.", SUN);
        assert_eq!(val(&v, "Thursday"), Some("2025-06-19".into()));
        let v = times("The envoy returned to Karsk on Thursday.", SUN);
        assert_eq!(val(&v, "Thursday"), Some("2025-06-12".into()));
        // "United" is a name, not a past tense.
        let v = times("Dr. Amal Reyes would be flying to the United States Thursday.", SUN);
        assert_eq!(val(&v, "Thursday"), Some("2025-06-19".into()));
    }

    #[test]
    fn references_to_a_year_or_day_just_named() {
        let v = times(
            "Teodor Lusk fled in June 2019 and returned later that year. On May 22, 2020, he \
             was promoted, and the following year he retired. Earlier that day he spoke.",
            SUN,
        );
        assert_eq!(val(&v, "later that year"), Some("2019".into()));
        assert_eq!(val(&v, "the following year"), Some("2021".into()));
        assert_eq!(val(&v, "Earlier that day"), Some("2020-05-22".into()));
        let v = times("Traders lost money that day.", SUN);
        assert!(v.is_empty(), "nothing to refer to: {v:?}");
    }

    #[test]
    fn non_ascii_text_around_new_rules() {
        let v = times(
            "Zoë’s café in Šibenik closed for years — «throughout the 1990s» — and reopened \
             on Valentine’s Day, mid-1996’s échéance aside.",
            SUN,
        );
        assert_eq!(val(&v, "years"), Some("PXY".into()));
        assert_eq!(val(&v, "Valentine’s Day"), Some("2025-02-14".into()));
        assert!(v.iter().any(|x| x.0 == "the 1990s" && x.1 == TimeType::Duration), "{v:?}");
        // Non-breaking spaces and dashes before a date, a quarter and a weekday evening.
        let v = times(
            "Ventas 9 —\u{a0}from Oct. 3 — after a weak\u{a0}second quarter; \
             ended\u{a0}Oct.\u{a0}31, «Friday\u{a0}evening» past\u{a0}years.",
            SUN,
        );
        assert!(!v.is_empty());
    }

    #[test]
    fn coming_dates_in_past_tense_sentences() {
        let p = Some("2025-10-24");
        let v = times(
            "Velmar declared a dividend payable Dec. 15 to holders of record Nov. 20. The pact \
             signed in spring takes effect with pay rises effective June 1. The bid was extended \
             to Nov. 30. The mayor gave no reason for the Nov. 12 deadline. Ledo said sales fell \
             in March.",
            p,
        );
        assert_eq!(val(&v, "Dec. 15"), Some("2025-12-15".into()));
        assert_eq!(val(&v, "Nov. 20"), Some("2025-11-20".into()));
        assert_eq!(val(&v, "June 1"), Some("2026-06-01".into()));
        assert_eq!(val(&v, "Nov. 30"), Some("2025-11-30".into()));
        assert_eq!(val(&v, "Nov. 12"), Some("2025-11-12".into()));
        assert_eq!(val(&v, "March"), Some("2025-03".into()));
        let v = times("The Orvik plant closed in August.", Some("2025-05-02"));
        assert_eq!(val(&v, "August"), Some("2024-08".into()));
    }

    #[test]
    fn clock_times_with_dates_and_midday() {
        let p = Some("2025-10-24");
        let v = times("The offer runs until 5 p.m. EST, Nov. 6, and the vote is at midday.", p);
        assert_eq!(val(&v, "5 p.m. EST, Nov. 6"), Some("2025-11-06T17:00".into()));
        assert_eq!(val(&v, "midday"), Some("2025-10-24T12:00".into()));
    }

    #[test]
    fn fractions_titles_and_odd_years() {
        let v = times(
            "Tavel imports about three-quarters of its grain and more than a quarter of its oil, \
             near its quarter-century low; the index closed at 2082.1. Rena Oss spoke on \
             \"This Week\" about the 20th century, the mid-1990s, mid-1996 and the nineties. \
             The deal should close by year end. Pilgrims come each July. Today is the eighth \
             day of the strike.",
            SUN,
        );
        assert!(v.iter().all(|x| !x.0.contains("quarter")), "fractions: {v:?}");
        assert!(v.iter().all(|x| x.0 != "2082"), "{v:?}");
        assert!(v.iter().all(|x| x.0 != "This Week"), "a programme: {v:?}");
        assert_eq!(val(&v, "the 20th century"), Some("19".into()));
        assert_eq!(val(&v, "mid-1996"), Some("1996".into()));
        assert_eq!(val(&v, "the nineties"), Some("199".into()));
        assert_eq!(val(&v, "year end"), Some("2025".into()));
        assert_eq!(val(&v, "each July"), Some("XXXX-07".into()));
        assert!(v.iter().any(|x| x.0 == "each July" && x.1 == TimeType::Set));
        assert_eq!(val(&v, "eighth day"), Some("2025-06-15".into()));
        let v = times("They met in his fifties.", SUN);
        assert!(v.is_empty(), "an age: {v:?}");
    }

    #[test]
    fn fiscal_quarters_follow_the_company_calendar() {
        // "the fiscal first quarter", then "the quarter ended Sept. 27": the company's first
        // quarter is the calendar's third, and later quarters are numbered the company's way.
        let p = Some("2025-10-23");
        let v = times(
            "Harlow Instruments said it earned $4 million in the fiscal first quarter. Sales \
             for the quarter ended Sept. 27 rose 8%. In the 2024 period it lost money. Orders \
             grew in the quarter, and the company expects a stronger second quarter.",
            p,
        );
        assert_eq!(val(&v, "the fiscal first quarter"), Some("2025-Q1".into()));
        assert_eq!(val(&v, "the quarter"), Some("2025-Q1".into()));
        assert_eq!(val(&v, "the 2024 period"), Some("2024-Q1".into()));
        // A quarter reported as ended takes the year of its end, a day told as past included.
        let v = times(
            "In the year-ago quarter, the second quarter ended Oct. 31, Pemberly had a loss. \
             Results for that quarter included a charge.",
            p,
        );
        assert_eq!(val(&v, "Oct. 31"), Some("2024-10-31".into()));
        assert_eq!(val(&v, "the second quarter"), Some("2024-Q2".into()));
        assert_eq!(val(&v, "that quarter"), Some("2024-Q2".into()));
        // Without any fiscal marker, "the quarter ended Sept. 30" is the calendar's third.
        let v = times("For the quarter ended Sept. 30, Dunmore earned $2 million.", p);
        assert_eq!(val(&v, "the quarter"), Some("2025-Q3".into()));
    }

    #[test]
    fn a_quarter_named_in_passing_is_not_the_one_reported() {
        let p = Some("2025-10-23");
        let v = times(
            "Corvane posted higher third-quarter profit. After a weak second quarter, sales \
             recovered. Costs in the year-earlier period were high, and in the 2025 period \
             taxes were lower than for the corresponding period last year.",
            p,
        );
        assert_eq!(val(&v, "second quarter"), Some("2025-Q2".into()));
        assert_eq!(val(&v, "the year-earlier period"), Some("2024-Q3".into()));
        assert_eq!(val(&v, "the 2025 period"), Some("2025-Q3".into()));
        assert_eq!(val(&v, "the corresponding period last year"), Some("2024-Q3".into()));
    }

    #[test]
    fn evenings_of_named_days_and_vague_past_years() {
        let v = times(
            "Marchers gathered Friday evening in Osk. The index rose over the past year. \
             Mills closed several years ago, and strikes were common in past years.",
            SUN,
        );
        assert_eq!(val(&v, "Friday evening"), Some("2025-06-13TEV".into()));
        assert!(v.iter().any(|x| x.0 == "Friday evening" && x.1 == TimeType::Time));
        assert_eq!(val(&v, "the past year"), Some("2024".into()));
        assert_eq!(val(&v, "several years ago"), Some("PAST_REF".into()));
        assert_eq!(val(&v, "past years"), Some("PAST_REF".into()));
    }

    #[test]
    fn days_in_a_past_perfect_clause_point_back() {
        let v = times("Until Thursday, the police had not named a suspect.", SUN);
        assert_eq!(val(&v, "Thursday"), Some("2025-06-12".into()));
        let v = times("The tender had been due to expire Thursday; it was extended.", SUN);
        assert_eq!(val(&v, "Thursday"), Some("2025-06-12".into()));
        let v = times("The offer is open until Thursday.", SUN);
        assert_eq!(val(&v, "Thursday"), Some("2025-06-19".into()));
    }

    #[test]
    fn announced_days_in_a_sunday_article_point_forward() {
        for sentence in [
            "Both sides agreed on Saturday to hold talks on Thursday.",
            "Envoys said on Saturday that talks will begin on Thursday in Osk.",
            "The two ministers are due to meet on Thursday.",
            "Talks are scheduled for Thursday, officials said.",
            "A truce agreed last week is set to take effect on Thursday.",
            "Negotiators, who arrived on Friday, are expected to sign the deal on Thursday.",
            "The vote, planned for Thursday, was confirmed on Saturday.",
        ] {
            let v = times(sentence, SUN);
            assert_eq!(val(&v, "Thursday"), Some("2025-06-19".into()), "{sentence}");
        }
    }
}
