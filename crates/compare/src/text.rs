//! Text helpers shared by the report's parts, over the lexical layer (`storyline_text`):
//! content-word sets, quoted segments, fallback sentences, and numbers together with what they count
//! ("12 people were injured" → 12 · injured, "30-day ceasefire" → 30 · day ceasefire).

use std::collections::BTreeSet;

use storyline_model::offsets::CharIndex;
use storyline_model::Span;
use storyline_text::calendar::is_month;
use storyline_text::numbers::{cardinal_word, scale_word};
use storyline_text::{normalise, sentences, stem, stop, tokens};

/// The stemmed content words of a text (no stop words, no one- or two-letter words).
pub(crate) fn content_words(text: &str) -> BTreeSet<String> {
    tokens::words(text, 0)
        .into_iter()
        .filter(|t| t.lower.chars().count() >= 3 && !stop::is_not_content(&t.lower))
        .map(|t| stem::light(&t.lower))
        .collect()
}

/// Jaccard similarity of two sets (0 when both are empty).
pub(crate) fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let inter = a.intersection(b).count();
    let union = a.len() + b.len() - inter;
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

/// The normalised texts between quotation marks in `text` ("…" or “…”), three words or more.
/// A fallback for quotations the analysis did not mark.
pub(crate) fn quoted_segments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (b, c) in text.char_indices() {
        match (c, open) {
            ('“', _) => open = Some(b + c.len_utf8()),
            ('"', None) => open = Some(b + 1),
            ('"' | '”', Some(o)) => {
                let n = normalise::words(&text[o..b]);
                if n.split(' ').count() >= 3 {
                    out.push(n);
                }
                open = None;
            }
            _ => {}
        }
    }
    out
}

/// Sentence spans for a text without analysis: the [plain splitter](sentences::plain_bounds), with
/// blank lines as breaks, in character offsets. A fallback only; the analyze stage's sentences are
/// preferred.
pub(crate) fn split_sentences(text: &str) -> Vec<Span> {
    let idx = CharIndex::new(text);
    let char_span = |(s, e)| Span::new(idx.char_of(s), idx.char_of(e));
    sentences::plain_bounds(text, true).into_iter().map(char_span).collect()
}

/// `span` without leading and trailing whitespace (`chars` is the whole text).
pub(crate) fn trim_span(chars: &[char], span: Span) -> Span {
    let end = span.end.min(chars.len());
    let mut s = span.start.min(end);
    let mut e = end;
    while s < e && chars[s].is_whitespace() {
        s += 1;
    }
    while e > s && chars[e - 1].is_whitespace() {
        e -= 1;
    }
    Span::new(s, e)
}

/// A number in a text together with the words saying what it counts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Quantity {
    /// Normalised value ("12", "1500000", "2.5").
    pub value: String,
    /// Stemmed unit words ("injur", "day ceasefire"); empty when nothing follows the number.
    pub unit: String,
    /// The unit words as written, lowercased ("injured", "day ceasefire").
    pub unit_text: String,
    /// From the number to the end of its unit words, character offsets into the article.
    pub span: Span,
    /// How exact the figure is ("at least 12", "about 600", "up to 40").
    pub bound: Bound,
    /// For a figure without a unit, the stemmed noun it measures, written before it ("a magnitude
    /// of 5.9", "the population at 120,000"); empty otherwise.
    pub measure: String,
    /// Whether the figure is written with decimals ("6.1"): stated precisely, not rounded.
    pub decimals: bool,
}

/// What a figure is of: the unit after it ("12 fishermen") or the noun it measures ("a magnitude
/// of 5.9"). Figures of one kind can contradict each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum FigureKind<'a> {
    Unit(&'a str),
    Measure(&'a str),
}

/// How a figure is qualified by the words before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bound {
    Exact,
    /// "at least", "more than", "over": the true figure may be higher.
    AtLeast,
    /// "up to", "at most", "fewer than": the true figure may be lower.
    AtMost,
    /// "about", "around", "roughly", "nearly": close to the figure.
    About,
}

/// The qualifier in the (lowercased) words just before a number.
fn bound_before(before: &[&str]) -> Bound {
    let last = |n: usize| before[before.len().saturating_sub(n)..].join(" ");
    const AT_LEAST: &[&str] = &["at least", "more than", "over", "upwards of", "in excess of"];
    const AT_MOST: &[&str] = &["up to", "at most", "fewer than", "less than", "under"];
    const ABOUT: &[&str] = &[
        "about",
        "around",
        "roughly",
        "nearly",
        "almost",
        "approximately",
        "some",
        "an estimated",
        "close to",
    ];
    let ends = |list: &[&str]| list.iter().any(|p| last(p.split(' ').count()) == *p);
    if ends(AT_LEAST) {
        Bound::AtLeast
    } else if ends(AT_MOST) {
        Bound::AtMost
    } else if ends(ABOUT) {
        Bound::About
    } else {
        Bound::Exact
    }
}

impl Quantity {
    fn number(&self) -> Option<f64> {
        self.value.parse().ok()
    }

    /// What the figure counts or measures: its unit, else the noun written before it; `None` for
    /// a bare figure, which nothing can be said about.
    pub(crate) fn kind(&self) -> Option<FigureKind<'_>> {
        match (self.unit.as_str(), self.measure.as_str()) {
            // Whose age it is the sentence rarely settles.
            ("", "") | ("age", _) => None,
            ("", m) => Some(FigureKind::Measure(m)),
            (u, _) => Some(FigureKind::Unit(u)),
        }
    }

    /// Whether two figures of one kind cannot both be true: neither bound holds the other, no
    /// rounding makes one the other, they are not a whole's complementary parts, and whole
    /// figures differ by more than 5 % (figures with decimals are stated precisely).
    pub(crate) fn contradicts(&self, other: &Quantity) -> bool {
        let (Some(a), Some(b)) = (self.number(), other.number()) else {
            return false;
        };
        if self.kind().is_none() || self.kind() != other.kind() || a == b {
            return false;
        }
        let same_unit = Quantity { unit: other.unit.clone(), ..self.clone() };
        if same_unit.compatible_with(other) {
            return false;
        }
        let one_sided = |q: &Quantity, x: f64, y: f64| match q.bound {
            Bound::AtLeast => y >= x,
            Bound::AtMost => y <= x,
            _ => false,
        };
        if one_sided(self, a, b)
            || one_sided(other, b, a)
            || self.bound == other.bound && self.bound != Bound::Exact
        {
            return false;
        }
        if self.unit == "percent" && (a + b - 100.0).abs() < 1e-9 {
            return false;
        }
        if rounds_to(a, b) || rounds_to(b, a) {
            return false;
        }
        let precise = self.decimals && other.decimals;
        precise || (a - b).abs() > 0.05 * a.abs().max(b.abs())
    }

    /// Whether two figures of the same unit can both be true: equal, or one bounded by the other
    /// ("at least 12" and "15"; "about 14,000" and "at least 12,000"), within half the lower figure.
    pub(crate) fn compatible_with(&self, other: &Quantity) -> bool {
        if self.unit != other.unit {
            return false;
        }
        if self.value == other.value {
            return true;
        }
        let (Some(a), Some(b)) = (self.number(), other.number()) else {
            return false;
        };
        let near = |x: f64, y: f64| (x - y).abs() <= 0.5 * x.min(y).abs();
        let close = |x: f64, y: f64| (x - y).abs() <= 0.1 * x.max(y).abs();
        let fits = |q: &Quantity, x: f64, y: f64| match q.bound {
            Bound::AtLeast => y >= x && near(x, y),
            Bound::AtMost => y <= x && near(x, y),
            Bound::About => close(x, y),
            Bound::Exact => false,
        };
        fits(self, a, b)
            || fits(other, b, a)
            || (self.bound == Bound::About && other.bound == Bound::About && near(a, b))
    }
}

/// Whether `exact` rounded to the precision of `round` (its last non-zero digit) is `round`,
/// and within a tenth of it: 9.9 billion and 10 billion, 1,480 and 1,500 (not 120 and 100).
fn rounds_to(exact: f64, round: f64) -> bool {
    if (exact - round).abs() > 0.1 * round.abs() {
        return false;
    }
    if round == 0.0 || round.fract() != 0.0 {
        return false;
    }
    let mut step = 1.0;
    while (round / (step * 10.0)).fract() == 0.0 && step < 1e15 {
        step *= 10.0;
    }
    step > 1.0 && (exact / step).round() * step == round
}

/// Words skipped between a number and what it counts ("12 people were injured").
const FILLER: &[&str] = &[
    "people",
    "persons",
    "more",
    "than",
    "were",
    "was",
    "have",
    "has",
    "had",
    "been",
    "other",
    "about",
    "around",
    "at",
    "least",
    "nearly",
    "almost",
    "some",
    "of",
    "the",
    "who",
    "are",
    "is",
    "and",
    "over",
    "up",
    "to",
    "reportedly",
    "being",
    "additional",
    "further",
    "others",
];

fn number_word(w: &str) -> Option<f64> {
    // "one" and "zero" are idioms far more often than counts ("one of", "no one").
    if matches!(w, "zero" | "one") {
        return None;
    }
    cardinal_word(w).map(|n| n as f64)
}

fn parse_number(w: &str) -> Option<(f64, bool)> {
    if w.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        let digits: String = w.chars().filter(|c| *c != ',').collect();
        return digits.parse::<f64>().ok().map(|v| (v, true));
    }
    number_word(w).map(|v| (v, false))
}

fn render(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// The numbers in `sentence` (which starts at character `base` of the article) with their units.
/// Numbers inside `skip` spans (dates, clock times), years and days of a month are left out.
pub(crate) fn quantities(sentence: &str, base: usize, skip: &[Span]) -> Vec<Quantity> {
    let w = Words { chars: sentence.chars().collect(), toks: tokens::words(sentence, 0) };
    let mut out = Vec::new();
    let mut i = 0;
    while i < w.toks.len() {
        let Some((value, digits)) = parse_number(&w.toks[i].lower) else {
            i += 1;
            continue;
        };
        let f = read_figure(&w, i, value, digits);
        let abs = Span::new(base + f.start, base + f.end);
        if !left_out(&w, &f, &abs, skip) {
            out.push(if is_age(&w, &f) { age(f.value, abs) } else { counted(&w, &f, base) });
        }
        i = f.next;
    }
    out
}

/// A sentence's characters and words, as [`quantities`] reads them.
struct Words {
    chars: Vec<char>,
    toks: Vec<tokens::Token>,
}

impl Words {
    /// The text from character `a` to character `b`.
    fn gap(&self, a: usize, b: usize) -> String {
        self.chars[a..b].iter().collect()
    }

    /// Whether character `k` is `c`.
    fn char_is(&self, k: usize, c: char) -> bool {
        self.chars.get(k) == Some(&c)
    }

    /// Word `k`, lowercased, if there is one.
    fn lower(&self, k: usize) -> Option<&str> {
        self.toks.get(k).map(|t| t.lower.as_str())
    }
}

/// A number in a sentence: word `first`, then its scale words ("2.5 million") up to word `next`.
struct Figure {
    first: usize,
    next: usize,
    /// Character offsets in the sentence, from the number to the end of its scale words.
    start: usize,
    end: usize,
    /// The value, scale words applied.
    value: f64,
    /// Whether the number is written in digits (not in words).
    digits: bool,
}

/// The number at word `i` (`value`, written in `digits` or not) with the scale words after it.
fn read_figure(w: &Words, i: usize, mut value: f64, digits: bool) -> Figure {
    let toks = &w.toks;
    let start = toks[i].start;
    let mut end = toks[i].end;
    let mut j = i + 1;
    while j < toks.len() && w.gap(end, toks[j].start).trim().is_empty() {
        match scale_word(&toks[j].lower) {
            Some(m) => {
                value *= m;
                end = toks[j].end;
                j += 1;
            }
            None => break,
        }
    }
    Figure { first: i, next: j, start, end, value, digits }
}

/// Whether a figure (at `abs` in the article) is left out: inside a `skip` span, part of a clock
/// time ("2:17:40") or of a word ("F-16"), next to a month (a day of it), or a year.
fn left_out(w: &Words, f: &Figure, abs: &Span, skip: &[Span]) -> bool {
    let (start, end) = (f.start, f.end);
    let word = w.toks[f.first].lower.as_str();
    let prev = f.first.checked_sub(1).and_then(|k| w.lower(k));
    let next = w.lower(f.next);
    let clock = |k: usize| w.char_is(k, ':');
    skip.iter().any(|s| s.overlaps(abs))
        || clock(end)
        || (start > 0 && clock(start - 1))
        || (start > 0 && (w.chars[start - 1] == '-' || w.chars[start - 1].is_alphabetic()))
        || prev.is_some_and(is_month)
        || next.is_some_and(is_month)
        || (f.digits
            && word.len() == 4
            && (1900.0..=2100.0).contains(&f.value)
            && !word.contains(['.', ',']))
}

/// Whether a figure is an age ("Buckley, 36, died"; "a 63-year-old woman"), which counts nothing.
fn is_age(w: &Words, f: &Figure) -> bool {
    let (i, j) = (f.first, f.next);
    let comma = |k: usize| w.char_is(k, ',');
    let apposition = i > 0
        && w.chars[w.toks[i - 1].start].is_uppercase()
        && comma(w.toks[i - 1].end)
        && comma(f.end);
    let aged = w.lower(j).is_some_and(|t| t == "year" || t == "years")
        && w.lower(j + 1).is_some_and(|t| t == "old");
    apposition || aged
}

/// An age, as a quantity of unit "age" spanning the figure (`span`, in the article).
fn age(value: f64, span: Span) -> Quantity {
    Quantity {
        measure: String::new(),
        decimals: false,
        bound: Bound::Exact,
        value: render(value),
        unit: "age".into(),
        unit_text: "age".into(),
        span,
    }
}

/// A figure with what it counts (a casualty word near a count of people counts for it), its bound
/// and, without a unit, the noun it measures.
fn counted(w: &Words, f: &Figure, base: usize) -> Quantity {
    let (i, j) = (f.first, f.next);
    let mut unit = unit_of(w, f);
    let counts_people = w.lower(j).is_some_and(|t| t == "people" || t == "persons");
    let plain = unit.words.is_empty() || unit.words == ["people"] || counts_people;
    if plain {
        if let Some(c) = casualty_near(&w.toks, i, j) {
            unit.words = vec![c.to_string()];
            unit.text = vec![c.to_string()];
        }
    }
    let unit_words: Vec<String> =
        unit.words.iter().map(|u| casualty(u).map_or_else(|| u.clone(), str::to_string)).collect();
    let before: Vec<&str> = w.toks[..i].iter().map(|t| t.lower.as_str()).collect();
    let measure = if unit_words.is_empty() { measure_before(&before) } else { String::new() };
    Quantity {
        measure,
        decimals: f.digits && w.toks[i].lower.contains('.'),
        bound: bound_before(&before),
        value: render(f.value),
        unit: unit_words.join(" "),
        unit_text: unit.text.join(" "),
        span: Span::new(base + f.start, base + unit.end),
    }
}

/// What happened to the people a figure (word `i`, its scale words up to word `j`) counts: a
/// casualty word in the ten words after it ("Fifteen people, including four officers, were
/// injured") or the three before it ("killed three people").
fn casualty_near(toks: &[tokens::Token], i: usize, j: usize) -> Option<&'static str> {
    let after = toks[j..].iter().take(10).map(|t| t.lower.as_str());
    let before = toks[..i].iter().rev().take(3).map(|t| t.lower.as_str());
    after.chain(before).find_map(casualty)
}

/// What a figure counts: the stemmed unit words, the words as written (lowercased), and the
/// character offset in the sentence where they end (the figure's end when there are none).
struct Unit {
    words: Vec<String>,
    text: Vec<String>,
    end: usize,
}

/// The unit of a figure: "%" after it, a currency sign before it, the word it is hyphenated to
/// ("30-day ceasefire"), else the words it counts.
fn unit_of(w: &Words, f: &Figure) -> Unit {
    let (start, end, j) = (f.start, f.end, f.next);
    if w.char_is(end, '%') {
        let percent = || vec!["percent".to_string()];
        Unit { words: percent(), text: percent(), end: end + 1 }
    } else if start > 0 && matches!(w.chars[start - 1], '$' | '€' | '£') {
        let sign = || vec![w.chars[start - 1].to_string()];
        Unit { words: sign(), text: sign(), end }
    } else if j < w.toks.len() && w.gap(end, w.toks[j].start) == "-" {
        hyphenated_unit(w, j)
    } else {
        counted_words(w, f)
    }
}

/// "30-day ceasefire": the hyphenated word `j`, then the noun it qualifies.
fn hyphenated_unit(w: &Words, j: usize) -> Unit {
    let toks = &w.toks;
    let mut unit = Unit {
        words: vec![stem::light(&toks[j].lower)],
        text: vec![toks[j].lower.clone()],
        end: toks[j].end,
    };
    if let Some(n) = toks.get(j + 1) {
        if w.gap(toks[j].end, n.start).trim().is_empty()
            && !stop::is_not_content(&n.lower)
            && n.lower.chars().all(char::is_alphabetic)
        {
            unit.words.push(stem::light(&n.lower));
            unit.text.push(n.lower.clone());
            unit.end = n.end;
        }
    }
    unit
}

/// The words a figure counts: the first content word within five words after it, past
/// [`FILLER`] ("12 people were injured"), or the head of its noun compound; else "people" when
/// that stood among the filler. The search ends at "of" and at a clause boundary.
fn counted_words(w: &Words, f: &Figure) -> Unit {
    let toks = &w.toks;
    let j = f.next;
    let mut unit = Unit { words: Vec::new(), text: Vec::new(), end: f.end };
    let mut saw_people = None;
    for k in j..toks.len().min(j + 5) {
        let word = toks[k].lower.as_str();
        if word == "of" {
            break; // "two of the injured": a part, not a count of its own
        }
        // a clause boundary ends the search: "12, officials said"
        if !w.gap(if k == j { f.end } else { toks[k - 1].end }, toks[k].start).trim().is_empty() {
            break;
        }
        if FILLER.contains(&word) {
            if word == "people" || word == "persons" {
                saw_people = Some(k);
            }
            continue;
        }
        if word.chars().all(char::is_alphabetic) && !stop::is_not_content(word) {
            unit.words.push(stem::light(word));
            unit.text.push(word.to_string());
            unit.end = toks[k].end;
            // A noun compound counts its head: "85 container ships", "600 office jobs"
            // (a plural already is the head: "12,000 runners took part").
            if let Some(n) = toks.get(k + 1).filter(|_| !word.ends_with('s')) {
                let head = n.lower.as_str();
                if w.gap(toks[k].end, n.start) == " " && is_compound_head(head) {
                    unit.words = vec![stem::light(head)];
                    unit.text.push(head.to_string());
                    unit.end = n.end;
                }
            }
        }
        break;
    }
    if unit.words.is_empty() {
        if let Some(k) = saw_people {
            unit.words.push("people".into());
            unit.text.push("people".into());
            unit.end = toks[k].end;
        }
    }
    unit
}

/// Whether `head` (lowercased), written right after a counted word, can be the head noun of its
/// compound: a content word of three letters or more, not filler, no "-ing", "-ed" or "-ly"
/// form, casualty word, number, scale word or month.
fn is_compound_head(head: &str) -> bool {
    head.len() > 2
        && head.chars().all(char::is_alphabetic)
        && !stop::is_not_content(head)
        && !FILLER.contains(&head)
        && !head.ends_with("ing")
        && !head.ends_with("ed")
        && !head.ends_with("ly")
        && casualty(head).is_none()
        && number_value(head).is_none()
        && scale_word(head).is_none()
        && !is_month(head)
}

/// Words that may stand between a measured noun and its figure ("the magnitude was put at 6.1").
const MEASURE_LINK: &[&str] = &[
    "of",
    "at",
    "to",
    "is",
    "was",
    "as",
    "put",
    "puts",
    "measured",
    "stood",
    "reached",
    "about",
    "around",
    "nearly",
    "almost",
    "least",
    "more",
    "than",
    "over",
    "up",
    "some",
    "an",
    "estimated",
];

/// The stemmed noun a unit-less figure measures: the first content word within four words before
/// it, over linking words only ("a magnitude of 5.9" → `magnitude`).
fn measure_before(before: &[&str]) -> String {
    for w in before.iter().rev().take(4) {
        if MEASURE_LINK.contains(w) {
            continue;
        }
        if w.chars().all(char::is_alphabetic) && w.chars().count() >= 4 && !stop::is_not_content(w)
        {
            return stem::light(w);
        }
        break;
    }
    String::new()
}

/// The canonical casualty a word names ("hurt", "wounded", "injured" → `injured`; "dead",
/// "died", "killed" → `killed`), or `None`.
pub(crate) fn casualty(word: &str) -> Option<&'static str> {
    match word {
        "injur" | "injured" | "injuries" | "injury" | "hurt" | "wound" | "wounded" => {
            Some("injured")
        }
        "kill" | "killed" | "dead" | "died" | "die" | "death" | "deaths" | "lives" | "live" => {
            Some("killed")
        }
        "missing" => Some("missing"),
        _ => None,
    }
}

/// A number word or numeral's value ("Twelve" → 12).
pub(crate) fn number_value(word: &str) -> Option<f64> {
    parse_number(&word.to_lowercase()).map(|(v, _)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Vec<(String, String)> {
        quantities(s, 0, &[]).into_iter().map(|q| (q.value, q.unit)).collect()
    }

    #[test]
    fn numbers_with_what_they_count() {
        assert_eq!(q("12 people were injured in the fire"), vec![("12".into(), "injured".into())]);
        assert_eq!(q("The blaze left 15 injured."), vec![("15".into(), "injured".into())]);
        assert_eq!(q("Twelve people were hurt"), vec![("12".into(), "injured".into())]);
        assert_eq!(
            q("Fifteen people, including four officers, were injured"),
            vec![("15".into(), "injured".into()), ("4".into(), "officer".into())]
        );
        assert_eq!(
            q("A strike killed three people overnight"),
            vec![("3".into(), "killed".into())]
        );
        assert_eq!(q("a 30-day ceasefire"), vec![("30".into(), "day ceasefire".into())]);
        assert_eq!(q("after five incursions"), vec![("5".into(), "incursion".into())]);
        assert_eq!(q("$2.5 million in aid"), vec![("2500000".into(), "$".into())]);
        assert_eq!(q("on May 15, 2025, in Istanbul"), vec![]);
        assert_eq!(q("one of the F-16 jets"), vec![]);
    }

    #[test]
    fn compounds_count_their_head_and_race_times_are_not_counts() {
        assert_eq!(q("It will operate 85 container ships."), vec![("85".into(), "ship".into())]);
        assert_eq!(
            q("At least 12,000 runners took part."),
            vec![("12000".into(), "runner".into())]
        );
        assert_eq!(q("She won in 2:17:40 on Sunday."), vec![]);
    }

    #[test]
    fn bounded_figures_are_compatible_not_conflicting() {
        let one = |s: &str| quantities(s, 0, &[]).remove(0);
        let at_least = one("at least 12 firefighters were treated");
        assert_eq!(at_least.bound, Bound::AtLeast);
        assert!(at_least.compatible_with(&one("15 firefighters were treated")));
        assert!(!at_least.compatible_with(&one("10 firefighters were treated")));
        assert!(!at_least.compatible_with(&one("40 firefighters were treated")));
        let about = one("about 14,000 runners");
        assert!(about.compatible_with(&one("at least 12,000 runners")));
        assert!(!one("12 firefighters").compatible_with(&one("15 firefighters")));
    }

    #[test]
    fn quoted_segments_are_normalised() {
        let s = "“We are ready to meet,” he said; \"Yes.\" \"No deal without a truce\"";
        assert_eq!(quoted_segments(s), vec!["we are ready to meet", "no deal without a truce"]);
    }

    #[test]
    fn sentences_split_after_closing_quotes() {
        let text = "\"We will rebuild.\" He left. Done";
        let s = split_sentences(text);
        assert_eq!(s.len(), 3);
        assert_eq!(&text[s[0].start..s[0].end], "\"We will rebuild.\"");
    }
}
