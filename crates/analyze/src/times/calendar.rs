//! Calendar arithmetic for TIMEX3 values: formatting (`2025-05-15`, `2025-W20`, `2025-05`,
//! `2025-Q2`), the year of a date written without one (by tense, and forward after "payable",
//! "effective", "extended to"), the day a bare weekday names (past week by default, forward
//! after a future cue), and the days of public holidays.

use std::sync::LazyLock;
use storyline_text::word_list::{self, WordSet};

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

/// How far ahead of publication a date told in the past tense may lie and still be this year's.
const PAST_TENSE_AHEAD_DAYS: i64 = 45;

/// The year of a month (and day) written without one: with a past cue the last occurrence up to
/// the publication date (unless it lies at most `PAST_TENSE_AHEAD_DAYS` ahead), with a future
/// cue the next one from it, else the nearest.
pub fn year_for(month: u32, day: u32, tense: Option<bool>, pub_date: Date) -> i16 {
    let here = (pub_date.month() as u32, pub_date.day() as u32);
    let y = pub_date.year();
    match tense {
        Some(true) if (month, day) < here && month < here.0 => y + 1,
        // A past-tense sentence about a date a few weeks ahead is usually reporting an
        // announcement ("gave no reason for the Jan. 14 deadline"); further ahead, last year's.
        Some(false) if (month, day) > here => {
            let ahead = Date::new(y, month as i8, day.min(28) as i8)
                .map_or(i64::MAX, |d| (d - pub_date).get_days() as i64);
            y - i16::from(ahead > PAST_TENSE_AHEAD_DAYS)
        }
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

/// A month-day without a year that a period "ended" on: the last one on or before publication.
pub fn ended_date_value(month: u32, day: u32, published: Option<Date>) -> Option<String> {
    let p = published?;
    let mut y = p.year();
    if (month, day) > (p.month() as u32, p.day() as u32) {
        y -= 1;
    }
    date_value(month, day, Some(y), None, published)
}

/// Words right before a date without a year that make it a coming date whatever the tense of the
/// sentence: dividends "payable Dec. 15" to holders "of record Nov. 16", a pact "effective June
/// 1", an offer "extended to Nov. 20" or "set to expire Nov. 6".
pub fn forward_anchor(before: &str) -> bool {
    let words = crate::text::last_words(before, 2);
    let (last, prev) = (words.first().map(String::as_str), words.get(1).map(String::as_str));
    matches!(
        last,
        Some("payable" | "record" | "effective" | "expire" | "expires" | "expiring" | "deadline")
    ) || matches!(
        (prev, last),
        (Some("extended" | "postponed" | "delayed" | "moved"), Some("to" | "until"))
    ) || matches!(
        (prev, last),
        (Some("expire" | "expires" | "expiring" | "payable" | "effective"), Some("on"))
    )
}

/// Whether a word looks like a past tense or participle ("announced", "killed"), not one of the
/// common words that merely end in "-ed" ("succeed", "need", "hundred").
fn looks_past_tense(w: &str) -> bool {
    const NOT_PAST: &[&str] = &[
        "need", "indeed", "speed", "breed", "bleed", "greed", "hundred", "sacred", "naked",
        "wicked", "kindred", "rugged", "ragged", "beloved", "embed",
    ];
    w.len() > 4 && w.ends_with("ed") && !w.ends_with("ceed") && !NOT_PAST.contains(&w)
}

/// Whether a word after "to" reads as the bare verb of an infinitive ("hold", "meet", "sign")
/// rather than a noun phrase ("the", "Kyiv", "death", "power").
fn looks_like_bare_verb(w: &str) -> bool {
    const NOT_VERBS: &[&str] = &[
        "the", "a", "an", "his", "her", "its", "their", "our", "my", "your", "this", "that",
        "these", "those", "some", "all", "be", "death", "power", "office", "court", "prison",
        "jail", "hospital", "work", "school", "church", "bed", "trial", "date", "him", "them",
        "us", "me", "it", "what", "which", "who", "about", "around", "over", "under", "nearly",
        "more", "less", "between", "from", "one", "two", "three", "four", "five", "six",
    ];
    let l = lower(w);
    w.starts_with(|c: char| c.is_ascii_lowercase())
        && !w.starts_with(|c: char| c.is_ascii_digit())
        && !NOT_VERBS.contains(&l.as_str())
        && !l.ends_with("ed")
        && !l.ends_with("ing")
        && !l.ends_with("ly")
}

/// Words that point forward.
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
    "slated",
    "supposed",
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
/// Words that point back.
const PAST: &[&str] = &[
    "said", "says", "was", "were", "had", "did", "told", "met", "took", "went", "made", "came",
    "gave", "held", "saw", "ago", "last", "since", "earlier", "brought", "bought", "sold", "began",
    "led", "fell", "rose", "won", "lost", "left", "paid", "sought", "fought", "became", "ran",
    "found", "kept", "spent", "sent", "built", "heard", "knew", "wrote", "spoke", "struck",
    "stood", "chose", "grew", "drew", "threw", "flew", "fled", "shot",
];

/// Verbs after which "could" is a past ability ("could be heard", "could see"); see the file.
static PAST_ABILITY_VERBS: &str = include_str!("../../words/past_ability_verbs.txt");
static PAST_ABILITY: LazyLock<WordSet> = LazyLock::new(|| word_list::set(PAST_ABILITY_VERBS));

/// Whether a word (lower case) is an adverb that can stand between a modal and its verb ("could
/// still be heard", "could also see").
fn is_modal_adverb(w: &str) -> bool {
    matches!(
        w,
        "still"
            | "clearly"
            | "already"
            | "only"
            | "barely"
            | "easily"
            | "also"
            | "even"
            | "just"
            | "often"
            | "sometimes"
            | "faintly"
            | "distinctly"
            | "plainly"
            | "hardly"
            | "scarcely"
    )
}

/// Whether `recent[i]` (the words before a mention, nearest first) is a "could" that tells what
/// was possible at the time rather than what may happen: negated ("could not be reached", "couldn't
/// say": news reports a future inability with "will not be able to") or followed by a verb of
/// perception or of being reached ([`PAST_ABILITY_VERBS`]: "could be heard on Friday", "could see
/// the smoke"). Any other "could" ("could begin on Thursday") points forward.
fn could_of_past_ability(recent: &[&str], i: usize) -> bool {
    let w = lower(recent[i]);
    if w == "couldn't" || w == "couldn’t" {
        return true;
    }
    if w != "could" {
        return false;
    }
    // The words after "could", in text order.
    let mut next = recent[..i].iter().rev().map(|w| lower(w));
    let mut v = next.next();
    if matches!(v.as_deref(), Some("not" | "never" | "n't")) {
        return true;
    }
    while v.as_deref().is_some_and(is_modal_adverb) {
        v = next.next();
    }
    if v.as_deref() == Some("be") {
        v = next.next();
    }
    v.is_some_and(|v| PAST_ABILITY.contains(v.as_str()))
}

/// Present-simple verbs of a scheduled change ("the levy rises on October 1"); see the file.
static FUTURATE_VERBS: &str = include_str!("../../words/futurate_verbs.txt");
static FUTURATE: LazyLock<WordSet> = LazyLock::new(|| word_list::set(FUTURATE_VERBS));

/// Whether `w` (lower case), between `prev` and `next`, is a present simple telling a scheduled
/// change: "rises", "fares rise", "reopens", "takes effect", "go into effect", "comes into
/// force", "goes up", "the leaders meet"; a plural form not after a determiner, a possessive, a
/// past auxiliary or a negation ("the rise", "Osk's vote", "were open", "did not close").
fn futurate_present(w: &str, prev: Option<&str>, next: Option<&str>) -> bool {
    let plural = !w.ends_with('s');
    let blocked = prev.is_some_and(|p| {
        matches!(
            p,
            "the"
                | "a"
                | "an"
                | "its"
                | "his"
                | "her"
                | "their"
                | "our"
                | "this"
                | "that"
                | "was"
                | "were"
                | "had"
                | "did"
                | "didn't"
                | "not"
                | "never"
                | "n't"
                | "to"
                | "s"
        ) || p.ends_with("'s")
    });
    if plural && blocked {
        return false;
    }
    FUTURATE.contains(w)
        || matches!(w, "takes" | "goes" | "comes" | "take" | "go" | "come")
            && next.is_some_and(|n| matches!(n, "effect" | "into" | "force"))
        || matches!(w, "goes" | "go") && next.is_some_and(|n| matches!(n, "up" | "down"))
        || matches!(w, "kicks" | "kick") && next == Some("in")
}

/// A word's direction, given the words before and after it in the text: `Some(true)` forward,
/// `Some(false)` back.
fn word_direction(w: &str, prev: Option<&str>, next: Option<&str>) -> Option<bool> {
    // "United", "Red Cross": a capitalised word ending in "-ed" is a name, not a verb.
    let capitalised = w.starts_with(|c: char| c.is_uppercase());
    let w = lower(w);
    let prev = prev.map(lower);
    let next = next.map(lower);
    // "the offer", "its plans": nouns, not intentions.
    let determiner = prev.as_deref().is_some_and(|p| {
        matches!(p, "the" | "a" | "an" | "its" | "his" | "her" | "their" | "our" | "this" | "that")
    });
    if determiner && matches!(w.as_str(), "offer" | "offers" | "plan" | "plans" | "set") {
        return None;
    }
    // "set to expire", "set for Friday" point forward; "a record set on Aug. 6" is a past
    // participle ("is set on" is rare and left undecided).
    if w == "set" {
        return match next.as_deref() {
            Some("to" | "for") => Some(true),
            Some("on" | "in") if !matches!(prev.as_deref(), Some("is" | "are")) => Some(false),
            _ => None,
        };
    }
    if FUTURE.contains(&w.as_str())
        || !capitalised && futurate_present(&w, prev.as_deref(), next.as_deref())
    {
        return Some(true);
    }
    if PAST.contains(&w.as_str()) || !capitalised && looks_past_tense(&w) {
        return Some(false);
    }
    None
}

/// How many words before a mention may give it its tense.
const CUE_WORDS: usize = 8;
/// How many words before a mention are read: a few more than [`CUE_WORDS`], so that the cue
/// of the farthest ones can be read in its own context ("could be heard … on Friday").
const CONTEXT_WORDS: usize = 12;

/// Whether `recent[i]` (the words before a mention, nearest first) is a plan after a past "was"
/// or "were" ("was due to", "were scheduled for", "was supposed to") with no verb of saying
/// before it in the words read, or after "had been" ("had been scheduled to expire").
fn plan_told_in_the_past(recent: &[&str], i: usize) -> bool {
    let is = |j: usize, words: &[&str]| {
        recent.get(j).is_some_and(|w| words.contains(&lower(w).as_str()))
    };
    const PLANS: &[&str] = &["due", "scheduled", "supposed", "set", "planned", "slated"];
    // The plan itself, or the verb of its infinitive ("was due to start on Friday").
    let plan = if is(i, PLANS) {
        i
    } else if is(i + 1, &["to"]) && is(i + 2, PLANS) {
        i + 2
    } else {
        return false;
    };
    let reported = recent[plan + 1..].iter().any(|w| crate::lexicon::is_speech_verb(&lower(w)));
    let perfect = is(plan + 1, &["been"]) && is(plan + 2, &["had"]);
    perfect || is(plan + 1, &["was", "were"]) && !reported
}

/// Tense of the words around a mention: `Some(true)` forward, `Some(false)` back, `None` when
/// nothing nearby says.
pub fn tense_cue(sentence_before: &str, sentence_after: &str) -> Option<bool> {
    // "as early as Thursday", "as soon as Tuesday": the earliest day something can happen.
    let tail = lower(sentence_before.trim_end());
    if tail.ends_with("as early as") || tail.ends_with("as soon as") {
        return Some(true);
    }
    let words_before: Vec<&str> = sentence_before
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .collect();
    let recent: Vec<&str> = words_before.iter().rev().take(CONTEXT_WORDS).copied().collect();
    let words_after: Vec<&str> = sentence_after
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .take(6)
        .collect();
    // "Until Thursday, the police had not named him": up to a day now past.
    let until = recent.first().is_some_and(|w| matches!(lower(w).as_str(), "until" | "till"));
    if until && words_after.iter().any(|w| lower(w) == "had") {
        return Some(false);
    }
    for (i, w) in recent.iter().enumerate().take(CUE_WORDS) {
        let prev = recent.get(i + 1).copied();
        let next = i.checked_sub(1).map(|j| recent[j]);
        // "the truce, which was due to start on Friday": a plan told in the past is over,
        // unless a verb of saying put it in the past ("officials said talks were due to begin").
        if plan_told_in_the_past(&recent, i) {
            return Some(false);
        }
        // "could be heard on Friday", "could not be reached Friday": what was possible then.
        if could_of_past_ability(&recent, i) {
            return Some(false);
        }
        let cue = word_direction(w, prev, next);
        // "will be held on Thursday", "to be signed on Friday": a participle after a bare "be"
        // belongs to a modal or "to" construction, which points forward — unless the modal is a
        // "could" of past ability ("could be heard"), which the next word decides.
        let modal = (i + 2..recent.len().min(i + 5)).find(|&j| {
            let w = lower(recent[j]);
            !matches!(w.as_str(), "not" | "never" | "n't") && !is_modal_adverb(&w)
        });
        let past_could = modal.is_some_and(|j| could_of_past_ability(&recent, j));
        if prev.is_some_and(|b| lower(b) == "be") && cue == Some(false) && !past_could {
            return Some(true);
        }
        if past_could && prev.is_some_and(|b| lower(b) == "be") {
            return Some(false);
        }
        // "it had been due to expire Friday": a plan told in the past perfect is over.
        let perfect = prev.is_some_and(|b| lower(b) == "been")
            && recent.get(i + 2).is_some_and(|h| lower(h) == "had");
        if cue == Some(true) && perfect {
            return Some(false);
        }
        if cue.is_some() {
            return cue;
        }
        if i <= 6 && infinitive_after_past_verb(&recent, i) {
            return Some(true);
        }
    }
    for (j, w) in words_after.iter().take(4).enumerate() {
        let prev = j.checked_sub(1).map(|k| words_after[k]);
        if let Some(f) = word_direction(w, prev, words_after.get(j + 1).copied()) {
            return Some(f);
        }
    }
    None
}

/// The words of a stretch of text (letters, digits and apostrophes).
fn words_of(s: &str) -> impl DoubleEndedIterator<Item = &str> {
    s.split(|c: char| !c.is_alphanumeric() && c != '\'').filter(|w| !w.is_empty())
}

/// The tense of a date inside a clause reported after "that" ("the ministry announced that from
/// October 1, fares would rise"): the clause's own, read after the date, rather than the verb
/// of saying's. `None` when the date is not in such a clause or the clause says nothing.
pub fn reported_clause_tense(sentence_before: &str, sentence_after: &str) -> Option<bool> {
    let recent: Vec<&str> = words_of(sentence_before).rev().take(CUE_WORDS).collect();
    let k = recent.iter().position(|w| lower(w) == "that")?;
    let speech =
        |j: usize| recent.get(j).is_some_and(|w| crate::lexicon::is_speech_verb(&lower(w)));
    if !(speech(k + 1) || speech(k + 2)) {
        return None;
    }
    let direction = |ws: &[&str], j: usize| {
        word_direction(ws[j], j.checked_sub(1).map(|i| ws[i]), ws.get(j + 1).copied())
    };
    // A cue between "that" and the date is the clause's own and decides as usual.
    let between: Vec<&str> = recent[..k].iter().rev().copied().collect();
    if (0..between.len()).any(|j| direction(&between, j).is_some()) {
        return None;
    }
    let after: Vec<&str> = words_of(sentence_after).take(6).collect();
    (0..after.len()).find_map(|j| direction(&after, j))
}

/// Whether `recent[i]` (the words before a mention, nearest first) is the "to" of an
/// infinitive after a past verb that carries the day forward: "agreed to hold talks on
/// Thursday" ("returned to the capital", "sentenced to death" do not). The verb may stand
/// before a day of its own: "agreed on Saturday to hold talks".
fn infinitive_after_past_verb(recent: &[&str], i: usize) -> bool {
    let w = recent[i];
    let prev = recent.get(i + 1).copied();
    let next = i.checked_sub(1).map(|j| recent[j]);
    let verb = match prev {
        Some(d) if is_day_word(d) => {
            let j = i + 2 + usize::from(recent.get(i + 2).is_some_and(|o| lower(o) == "on"));
            recent.get(j).copied()
        }
        _ => prev,
    };
    let intends = verb.is_some_and(|p| {
        let p = lower(p);
        looks_past_tense(&p) || matches!(p.as_str(), "agree" | "agrees" | "vow" | "vows")
    });
    let day_attached = i <= 2
        || recent.first().is_some_and(|r| matches!(lower(r).as_str(), "on" | "by" | "until"));
    lower(w) == "to" && intends && day_attached && next.is_some_and(looks_like_bare_verb)
}

/// Whether a word names a day by itself: a weekday, "yesterday", "today".
fn is_day_word(w: &str) -> bool {
    matches!(
        lower(w).as_str(),
        "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "yesterday"
            | "today"
    )
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

/// The `n`th `wd` of a month (`n` = -1: the last one).
fn nth_weekday(year: i16, month: i8, wd: Weekday, n: i8) -> Option<Date> {
    Date::new(year, month, 1).ok()?.nth_weekday_of_month(n, wd).ok()
}

/// Month and (approximate) day of a public holiday named in running text, for choosing its
/// year; `None` when the name is not one we know.
pub fn holiday_month_day(name: &str) -> Option<(u32, u32)> {
    let n = lower(name);
    let n = n.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(match n.as_str() {
        "thanksgiving" | "thanksgiving day" => (11, 25),
        "christmas" | "christmas day" => (12, 25),
        "christmas eve" => (12, 24),
        "new year's day" => (1, 1),
        "new year's eve" => (12, 31),
        "independence day" => (7, 4),
        "labor day" => (9, 4),
        "memorial day" => (5, 28),
        "election day" => (11, 5),
        "halloween" => (10, 31),
        "valentine's day" => (2, 14),
        "veterans day" => (11, 11),
        _ => return None,
    })
}

/// The day of a (US) public holiday in `year`: fixed dates, or the rule for the floating ones
/// (Thanksgiving the fourth Thursday of November, Election Day the Tuesday after the first
/// Monday of November, Labor Day the first Monday of September, Memorial Day the last Monday
/// of May).
pub fn holiday_date(name: &str, year: i16) -> Option<Date> {
    let n = lower(name);
    let n = n.split_whitespace().collect::<Vec<_>>().join(" ");
    match n.as_str() {
        "thanksgiving" | "thanksgiving day" => nth_weekday(year, 11, Weekday::Thursday, 4),
        "election day" => nth_weekday(year, 11, Weekday::Monday, 1).map(|d| add_days(d, 1)),
        "labor day" => nth_weekday(year, 9, Weekday::Monday, 1),
        "memorial day" => nth_weekday(year, 5, Weekday::Monday, -1),
        _ => {
            let (m, d) = holiday_month_day(&n)?;
            Date::new(year, m as i8, d as i8).ok()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floating_holidays() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        assert_eq!(holiday_date("Thanksgiving Day", 1999), Some(d("1999-11-25")));
        assert_eq!(holiday_date("Election Day", 1998), Some(d("1998-11-03")));
        assert_eq!(holiday_date("Election Day", 2025), Some(d("2025-11-04")));
        assert_eq!(holiday_date("Labor Day", 2025), Some(d("2025-09-01")));
        assert_eq!(holiday_date("Memorial Day", 2025), Some(d("2025-05-26")));
        assert_eq!(holiday_date("Christmas Eve", 2025), Some(d("2025-12-24")));
        assert_eq!(holiday_date("Groundhog Day", 2025), None);
    }
}
