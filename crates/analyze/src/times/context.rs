//! What every rule sees and yields: the [`Context`] of one text (its sentences, publication
//! date, learned models, and the log of learned decisions), helpers for looking at the words
//! around a match, and the [`Candidate`]s the rules propose with their pending values ([`Val`]).

use std::sync::LazyLock;

use jiff::civil::Date;
use storyline_model::offsets::CharIndex;
use storyline_model::{Span, TimeType};

use super::calendar::{forward_anchor, reported_clause_tense, tense_cue};
use super::learned::{context_features, Decision, DecisionKind, TimeModels};
use crate::lexicon;
use crate::text::{lower, range_of, spans_to_bytes};

/// How far back (bytes) the sentence before a mention is read for tense cues.
const LOOK_BEHIND: usize = 160;
/// How far ahead (bytes) the sentence after a mention is read for the learned features.
const LOOK_AHEAD: usize = 100;

/// One text being tagged: shared by every rule, in rule order.
pub(super) struct Context<'a> {
    pub text: &'a str,
    pub published: Option<Date>,
    pub models: &'a TimeModels,
    pub idx: CharIndex,
    /// Sentence byte ranges, in order.
    sentences: Vec<(usize, usize)>,
    /// The learned decision points met so far (whatever the models decide).
    pub decisions: Vec<Decision>,
}

impl<'a> Context<'a> {
    pub fn new(
        text: &'a str,
        sentences: &[Span],
        published: Option<Date>,
        models: &'a TimeModels,
    ) -> Self {
        let idx = CharIndex::new(text);
        let sentences = spans_to_bytes(&idx, sentences);
        Context { text, published, models, idx, sentences, decisions: Vec::new() }
    }

    /// The byte range of the sentence holding `pos` (the whole text when none does).
    pub fn sentence_of(&self, pos: usize) -> (usize, usize) {
        range_of(&self.sentences, pos).map_or((0, self.text.len()), |i| self.sentences[i])
    }

    /// Where the look back from a mention at `s` starts: the sentence start, at most
    /// [`LOOK_BEHIND`] bytes before (linear on long sentences).
    fn look_behind_start(&self, s: usize) -> usize {
        let (sb, _) = self.sentence_of(s);
        let mut from = sb.min(s).max(s.saturating_sub(LOOK_BEHIND));
        while !self.text.is_char_boundary(from) {
            from -= 1;
        }
        from
    }

    /// Whether the sentence around a mention at `s..e` points forward (else back).
    pub fn tense_at(&self, s: usize, e: usize) -> Option<bool> {
        let (_, se) = self.sentence_of(s);
        let from = self.look_behind_start(s);
        tense_cue(&self.text[from..s], &self.text[e..se.max(e)])
    }

    /// The sentence around a mention: at most [`LOOK_BEHIND`] bytes before it and
    /// [`LOOK_AHEAD`] after it.
    pub fn around(&self, s: usize, e: usize) -> (&'a str, &'a str) {
        let text = self.text;
        let (_, se) = self.sentence_of(s);
        let from = self.look_behind_start(s);
        let mut to = se.max(e).min(e + LOOK_AHEAD);
        while !text.is_char_boundary(to) {
            to += 1;
        }
        (&text[from..s], &text[e..to])
    }

    /// The tense of a date without a year: forward after "payable", "effective", "extended
    /// to"…; in a clause reported after "that", the clause's own; else by the sentence's tense.
    pub fn tense_of_date(&self, s: usize, e: usize) -> Option<bool> {
        if forward_anchor(window_before(self.text, s, 40)) {
            return Some(true);
        }
        let (_, se) = self.sentence_of(s);
        let from = self.look_behind_start(s);
        reported_clause_tense(&self.text[from..s], &self.text[e..se.max(e)])
            .or_else(|| self.tense_at(s, e))
    }

    /// The publication's year shifted by `offset`, as a value.
    pub fn year_of(&self, offset: i64) -> Option<String> {
        self.published.map(|p| format!("{:04}", p.year() as i64 + offset))
    }

    /// Logs a learned decision point at the byte range `s..e`.
    pub fn log_decision(
        &mut self,
        kind: DecisionKind,
        (s, e): (usize, usize),
        features: Vec<String>,
        values: [Option<String>; 2],
    ) {
        let (start, end) = (self.idx.char_of(s), self.idx.char_of(e));
        self.decisions.push(Decision { kind, start, end, features, values });
    }

    /// Whether a present/past reference word at `s..e` ("now", "current") is kept: the learned
    /// decision, logged with `value`.
    pub fn keep_reference(&mut self, s: usize, e: usize, value: &str) -> bool {
        let (before, after) = self.around(s, e);
        let word = lower(&self.text[s..e]);
        let mut f = vec![format!("w={word}")];
        if self.text[s..e].starts_with(char::is_uppercase) {
            f.push("capitalised".into());
        }
        context_features(before, after, tense_cue(before, after), true, &mut f);
        let keep = self.models.reference.as_ref().is_none_or(|m| m.decide_over_rule(&f, true));
        self.log_decision(DecisionKind::KeepReference, (s, e), f, [None, Some(value.to_string())]);
        keep
    }
}

/// A value, or one that depends on the document's quarter (resolved after all matches).
#[derive(Debug, Clone)]
pub(super) enum Val {
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
    /// The month of the last dated expression before, shifted ("the following month", "later
    /// that month").
    RefMonth(i64),
}

/// One expression a candidate yields: byte range, type and pending value.
pub(super) type Expr = (usize, usize, TimeType, Val);

/// A candidate match: overall byte span plus the expressions it yields (two for a range such
/// as "May 12 to 13").
pub(super) struct Candidate {
    pub start: usize,
    pub end: usize,
    pub exprs: Vec<Expr>,
}

impl Candidate {
    /// One expression over the whole match, its value pending.
    pub fn pending(start: usize, end: usize, kind: TimeType, val: Val) -> Self {
        Candidate { start, end, exprs: vec![(start, end, kind, val)] }
    }

    /// One expression over the whole match, its value known.
    pub fn known(start: usize, end: usize, kind: TimeType, value: Option<String>) -> Self {
        Self::pending(start, end, kind, Val::Known(value))
    }
}

/// The first word of `s` (letters and digits), lower-cased.
pub(super) fn next_word(s: &str) -> String {
    let s = s.trim_start();
    let end = s.find(|c: char| !c.is_alphanumeric()).unwrap_or(s.len());
    lower(&s[..end])
}

/// Whether `s`, after leading spaces, starts with `word` (ASCII case-insensitive).
pub(super) fn starts_with_word(s: &str, word: &str) -> bool {
    let s = s.trim_start().as_bytes();
    s.len() >= word.len() && s[..word.len()].eq_ignore_ascii_case(word.as_bytes())
}

/// The (at most) `n` bytes before `pos`, widened to a char boundary: a bounded window, so that
/// looking back stays linear on long texts.
pub(super) fn window_before(text: &str, pos: usize, n: usize) -> &str {
    let mut s = pos.saturating_sub(n);
    while !text.is_char_boundary(s) {
        s -= 1;
    }
    &text[s..pos]
}

/// The last word of `s` (letters only), lower-cased.
pub(super) fn next_word_back(s: &str) -> String {
    let s = s.trim_end();
    let start = s
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_alphabetic())
        .map_or(0, |(i, c)| i + c.len_utf8());
    lower(&s[start..])
}

/// The word right after byte `e` when one space separates it (same line, no punctuation between).
fn word_right_after(text: &str, e: usize) -> Option<&str> {
    let r = text[e..].strip_prefix(' ')?;
    let end = r.find(|c: char| !c.is_alphanumeric()).unwrap_or(r.len());
    Some(&r[..end]).filter(|w| !w.is_empty())
}

/// Whether the word right after byte `e` carries on a proper name: a capitalised word one space
/// away that is not a function word, a month or a weekday, nor an acronym such as a time zone
/// ("the Sunday Clarion", "April Kessler", "March Madness"; not "Friday EST", "May The").
pub(super) fn name_continues_after(text: &str, e: usize) -> bool {
    word_right_after(text, e).is_some_and(|w| {
        let mut cs = w.chars();
        cs.next().is_some_and(char::is_uppercase)
            && cs.clone().next().is_some()
            && cs.any(char::is_lowercase)
            && w.chars().all(char::is_alphabetic)
            && !lexicon::is_stop_cap(w)
    })
}

/// Whether the word right before byte `s` (one space away) is `word`, ignoring case.
pub(super) fn word_right_before_is(text: &str, s: usize, word: &str) -> bool {
    let head = window_before(text, s, word.len() + 2);
    head.strip_suffix(' ').is_some_and(|h| {
        h.len() >= word.len()
            && h.is_char_boundary(h.len() - word.len())
            && h[h.len() - word.len()..].eq_ignore_ascii_case(word)
            && !h[..h.len() - word.len()].ends_with(|c: char| c.is_alphanumeric())
    })
}

/// Whether the word right before byte `s` is a capitalised possessive that names what follows
/// ("Women's March", "the People’s Friday Rally"): the month or weekday is part of a name.
pub(super) fn capitalised_possessive_before(text: &str, s: usize) -> bool {
    let head = window_before(text, s, 40);
    let Some(h) = head.strip_suffix(' ') else { return false };
    let Some(h) =
        h.strip_suffix("'s").or_else(|| h.strip_suffix("’s")).or_else(|| h.strip_suffix("s'"))
    else {
        return false;
    };
    let start = h
        .rfind(|c: char| !c.is_alphabetic())
        .map_or(0, |i| i + h[i..].chars().next().map_or(1, char::len_utf8));
    h[start..].starts_with(char::is_uppercase)
}

/// Names ending in a weekday word that date nothing ("Good Friday", "Super Tuesday", "the Mail
/// on Sunday"); see the file.
static WEEKDAY_NAMES: &str = include_str!("../../words/weekday_names.txt");
static WEEKDAY_NAME_LIST: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    WEEKDAY_NAMES.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
});

/// Whether the weekday word at `s..e` ends one of the listed names, capitals and all.
pub(super) fn ends_weekday_name(text: &str, s: usize, e: usize) -> bool {
    let word = &text[s..e];
    WEEKDAY_NAME_LIST.iter().any(|name| {
        let Some(head) = name.strip_suffix(word) else { return false };
        let before = window_before(text, s, head.len() + 1);
        before.ends_with(head)
            && (before.len() == head.len()
                || !before[..before.len() - head.len()].ends_with(char::is_alphanumeric))
    })
}

/// Whether the word right before byte `s` (one space away) is a capitalised word that can be
/// part of a name: not a function word, month or weekday, and not opening its sentence ("the
/// Good Friday Agreement"; not "On Friday Kessler", not "Talks. Friday Kessler").
pub(super) fn name_word_before(text: &str, s: usize) -> bool {
    let head = window_before(text, s, 40);
    let Some(h) = head.strip_suffix(' ') else { return false };
    let Some((i, c)) = h.char_indices().rev().find(|(_, c)| !c.is_alphabetic()) else {
        return false; // the text's first word, or a word longer than the window
    };
    let (w, rest) = (&h[i + c.len_utf8()..], h[..i + c.len_utf8()].trim_end());
    let opens_sentence =
        rest.is_empty() || rest.ends_with(['.', '!', '?', '"', '“', '\'', '‘', '(', ':', ';']);
    w.chars().count() > 1
        && w.starts_with(char::is_uppercase)
        && w.chars().any(char::is_lowercase)
        && !lexicon::is_stop_cap(w)
        && !opens_sentence
}
