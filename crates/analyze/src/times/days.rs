//! Rules for days and times of day: weekdays (past week by default, the next occurrence after a
//! future cue or by the learned model where no cue is near; "Friday evening" → `…TEV`; "every
//! Monday" → a set; none inside a name: "the Sunday Clarion", "the Good Friday accord", the
//! named days and titles of `words/weekday_names.txt`), parts of named days ("yesterday morning" → `…TMO`), and clock times alone
//! or with their weekday or date ("10 p.m. Wednesday", "5 p.m. EST, Nov. 6", "midday").

use std::sync::LazyLock;

use jiff::civil::{Date, Weekday};
use regex::Regex;
use storyline_model::TimeType;

use super::calendar::*;
use super::context::{
    capitalised_possessive_before, ends_weekday_name, name_continues_after, name_word_before,
    word_right_before_is, Candidate, Context,
};
use super::learned::{context_features, DecisionKind};
use super::lex::*;
use super::re;
use crate::text::lower;

static RE_WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(?:((?i:last|next|this|on|every|each))\s+)?{WEEKDAY}(s?)\b(?:\s+(morning|afternoon|evening|night))?"
    ))
});
static RE_DAYPART: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(this|yesterday|tomorrow|today|last|early\s+today|late\s+yesterday)\s+(morning|afternoon|evening|night)\b",
    )
});
static RE_CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)(?:\b(\d{{1,2}})(?::(\d{{2}}))?\s*(a\.m\.?|p\.m\.?|am\b|pm\b)|\b([01]?\d|2[0-3]):([0-5]\d)\b|\b(midnight|noon|midday)\b)(?:,?\s+(?:(?-i:[A-Z]{{3}}),?\s+)?(?:(?-i:{WEEKDAY})|(?-i:{MONTH})\s+(\d{{1,2}})\b))?"
    ))
});

/// "on Saturday", "last Tuesday", "Friday evening", "every Monday", "Mondays".
pub(super) fn weekdays(cx: &mut Context, out: &mut Vec<Candidate>) {
    let text = cx.text;
    for c in RE_WEEKDAY.captures_iter(text) {
        let m = c.get(0).unwrap();
        let wd_m = c.get(2).unwrap();
        let modifier = c.get(1).map(|x| x.as_str().to_ascii_lowercase());
        let plural = !c[3].is_empty();
        let start =
            if matches!(modifier.as_deref(), Some("on")) { wd_m.start() } else { m.start() };
        // "the Sunday Clarion", "The Friday Review": a weekday opening a name after "the"; "the
        // Good Friday Accord": a weekday inside a run of capitalised words; "Super Tuesday",
        // "the Mail on Sunday": a listed name.
        let named = modifier.is_none()
            && name_continues_after(text, wd_m.end())
            && (word_right_before_is(text, wd_m.start(), "the")
                || capitalised_possessive_before(text, wd_m.start())
                || name_word_before(text, wd_m.start()));
        if named || ends_weekday_name(text, wd_m.start(), wd_m.end()) {
            continue;
        }
        let wd = weekday_of(wd_m.as_str());
        if plural || matches!(modifier.as_deref(), Some("every" | "each")) {
            let v = format!("XXXX-WXX-{}", wd.to_monday_one_offset());
            out.push(Candidate::known(start, m.end(), TimeType::Set, Some(v)));
            continue;
        }
        // "Wednesday's ruling": a possessive weekday names something that already happened.
        let possessive = text[m.end()..].starts_with("'s") || text[m.end()..].starts_with("’s");
        let cue = if possessive { Some(false) } else { cx.tense_at(wd_m.start(), m.end()) };
        // TimeBank mostly dates "Friday night" and "Friday morning" as the day itself, so those
        // parts of the day are not added to the value; "Friday evening" it always dates as the
        // evening (`…TEV`, a TIME).
        let Some(p) = cx.published else {
            out.push(Candidate::known(start, m.end(), TimeType::Date, None));
            continue;
        };
        let value = |future: bool| fmt_date(weekday_date(p, wd, future, modifier.as_deref()));
        let future = if matches!(modifier.as_deref(), None | Some("on")) {
            let bare = BareWeekday {
                weekday: wd,
                modifier: modifier.as_deref(),
                possessive,
                daypart: c.get(4).map(|x| x.as_str()),
            };
            let f = bare.features(cx, (start, m.end()), cue, p);
            // A tense cue ("will vote", "said") decides; the model decides where none is near.
            let future = match (&cx.models.weekday, cue) {
                (Some(m), None) => m.decide(&f),
                _ => cue.unwrap_or(false),
            };
            let values = [Some(value(false)), Some(value(true))];
            cx.log_decision(DecisionKind::WeekdayDirection, (start, m.end()), f, values);
            future
        } else {
            cue.unwrap_or(false)
        };
        let evening = c.get(4).is_some_and(|x| x.as_str().eq_ignore_ascii_case("evening"));
        if evening {
            let v = format!("{}TEV", value(future));
            out.push(Candidate::known(start, m.end(), TimeType::Time, Some(v)));
        } else {
            out.push(Candidate::known(start, m.end(), TimeType::Date, Some(value(future))));
        }
    }
}

/// A weekday without "last/next/this" ("on Friday", "Friday"), whose direction is decided.
struct BareWeekday<'a> {
    weekday: Weekday,
    modifier: Option<&'a str>,
    possessive: bool,
    daypart: Option<&'a str>,
}

impl BareWeekday<'_> {
    /// The features of the direction decision for the mention at `s..e`.
    fn features(
        &self,
        cx: &Context,
        (s, e): (usize, usize),
        cue: Option<bool>,
        published: Date,
    ) -> Vec<String> {
        let (before, after) = cx.around(s, e);
        let mut f = Vec::new();
        context_features(before, after, cue, true, &mut f);
        let back_days = (published.weekday().to_monday_one_offset()
            - self.weekday.to_monday_one_offset())
        .rem_euclid(7);
        f.push(format!("back_days={back_days}"));
        f.push(format!("mod={}", self.modifier.unwrap_or("none")));
        if self.possessive {
            f.push("possessive".into());
        }
        if let Some(part) = self.daypart {
            f.push(format!("daypart={}", lower(part)));
        }
        f
    }
}

/// "yesterday morning", "this evening", "late yesterday night".
pub(super) fn parts_of_days(cx: &mut Context, out: &mut Vec<Candidate>) {
    for c in RE_DAYPART.captures_iter(cx.text) {
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
        let v = cx.published.map(|p| format!("{}{part}", fmt_date(add_days(p, offset))));
        out.push(Candidate::known(m.start(), m.end(), TimeType::Time, v));
    }
}

/// "10 a.m.", "14:30", "noon", "10 p.m. Wednesday", "5 p.m. EST, Nov. 6".
pub(super) fn clock_times(cx: &mut Context, out: &mut Vec<Candidate>) {
    let published = cx.published;
    for c in RE_CLOCK.captures_iter(cx.text) {
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
                cx.tense_of_date(m.start(), m.end()),
                published,
            )
        });
        let day = match (c.get(7), published) {
            _ if dated.is_some() => dated.unwrap_or_default(),
            (Some(wd), Some(p)) => {
                let future = cx.tense_at(m.start(), m.end()).unwrap_or(false);
                fmt_date(weekday_date(p, weekday_of(wd.as_str()), future, None))
            }
            (None, Some(p)) => fmt_date(p),
            _ => "XXXX-XX-XX".to_string(),
        };
        let v = format!("{day}T{h:02}:{mi:02}");
        out.push(Candidate::known(m.start(), m.end(), TimeType::Time, Some(v)));
    }
}
