//! The story's timeline: every time expression that fixes a calendar day, grouped by that day across
//! articles and sorted by date, each with the sentence that mentions it and evidence spans.
//!
//! A publication date that only appears as the dateline ("KYIV, May 11 —") is left out. A day
//! after the story's latest publication date (announced talks, a deadline) is marked `future`.

use std::collections::BTreeMap;

use storyline_model::{Date, Evidence, Span, TimeExpr, TimelineEntry};

use crate::Story;

struct Entry {
    text: String,
    articles: Vec<usize>,
    evidence: Vec<(usize, Span)>,
}

/// True when `t` is the article's own publication date written as its dateline: at the very start
/// of the first sentence, after nothing but capitalised place words and punctuation.
fn is_dateline(story: &Story, ai: usize, t: &TimeExpr, day: Date) -> bool {
    if story.arts[ai].published != Some(day) {
        return false;
    }
    let Some(first) = story.sentences[ai].first() else {
        return t.start < 60;
    };
    if t.start < first.start {
        return true; // before the first sentence: a header line
    }
    story.sentence_at(ai, t.start) == Some(0)
        && t.start - first.start < 60
        && !story.slice(ai, Span::new(first.start, t.start)).chars().any(char::is_lowercase)
}

pub(crate) fn timeline(story: &Story) -> Vec<TimelineEntry> {
    let mut days: BTreeMap<Date, Entry> = BTreeMap::new();
    for (ai, a) in story.arts.iter().enumerate() {
        for t in &a.analysis.times {
            let Some(day) = story.day_of(ai, t) else { continue };
            if is_dateline(story, ai, t, day) {
                continue;
            }
            let span =
                story.sentence_at(ai, t.start).map(|s| story.sentences[ai][s]).unwrap_or(t.span());
            let e = days.entry(day).or_insert_with(|| Entry {
                text: story.slice(ai, span).to_string(),
                articles: Vec::new(),
                evidence: Vec::new(),
            });
            if !e.articles.contains(&ai) {
                e.articles.push(ai);
            }
            if !e.evidence.contains(&(ai, span)) {
                e.evidence.push((ai, span));
            }
        }
    }
    let latest = story.arts.iter().filter_map(|a| a.published).max();
    days.into_iter()
        .map(|(day, e)| TimelineEntry {
            future: latest.is_some_and(|l| day > l),
            date: day,
            text: e.text,
            articles: e.articles.iter().map(|&a| story.id(a).clone()).collect(),
            evidence: e
                .evidence
                .iter()
                .map(|&(a, s)| Evidence {
                    article: story.id(a).clone(),
                    start: s.start,
                    end: s.end,
                })
                .collect(),
        })
        .collect()
}

/// How many dates and sentences a [`timeline_of`] should have, and the span it covers.
#[derive(Debug, Clone, Default)]
pub struct TimelineOptions {
    /// Number of dates to select.
    pub dates: usize,
    /// Sentences per date.
    pub sentences_per_date: usize,
    /// Only dates in `[start, end]` (inclusive) when given.
    pub start: Option<Date>,
    pub end: Option<Date>,
    /// Query words (lowercase): sentences containing one are preferred.
    pub keywords: Vec<String>,
}

/// One date of a [`timeline_of`]: its day and the sentences chosen for it.
#[derive(Debug, Clone, PartialEq)]
pub struct DatedSummary {
    pub date: Date,
    pub sentences: Vec<String>,
}

/// A timeline summary of a large dated collection (Timeline17-style): the days most referred to
/// across articles, each summarised by the sentences that talk about it.
///
/// Date selection: every day fixed by a time expression scores one point per article that refers
/// to it (a reference from another day's article counts double: it was remembered), and each day
/// scores a little for the articles published on it. Sentence selection for a day: the sentences
/// that name the day, and the lead sentences of the articles published on it when they name no
/// other day; scored by content-word similarity to all of that day's candidates (their centroid)
/// with a preference for query words, picked without repeating content.
pub fn timeline_of(
    articles: &[storyline_model::Article],
    opts: &TimelineOptions,
) -> Vec<DatedSummary> {
    use crate::text::content_words;
    use std::collections::{BTreeSet, HashMap};
    let in_range = |d: Date| opts.start.is_none_or(|s| d >= s) && opts.end.is_none_or(|e| d <= e);
    let mut score: BTreeMap<Date, f64> = BTreeMap::new();
    // Candidate sentences per day: (article, sentence text).
    let mut cands: BTreeMap<Date, Vec<(usize, String)>> = BTreeMap::new();
    for (ai, a) in articles.iter().enumerate() {
        let index = storyline_model::offsets::CharIndex::new(&a.text);
        let sentence_text = |s: Span| a.text[index.byte_of(s.start)..index.byte_of(s.end)].trim();
        let mut referred: BTreeMap<Date, BTreeSet<usize>> = BTreeMap::new();
        for t in &a.analysis.times {
            if t.kind != storyline_model::TimeType::Date {
                continue;
            }
            let Some(day) = t.day() else { continue };
            // Only values that name one day ("2009-05-04", not a month or a week).
            if !matches!(t.value, Some(storyline_model::Timex::Day(_))) || !in_range(day) {
                continue;
            }
            if let Some(si) = a.analysis.sentence_of(t.start) {
                referred.entry(day).or_default().insert(si);
            }
        }
        for (day, sents) in &referred {
            let weight = if Some(*day) == a.published { 1.0 } else { 2.0 };
            *score.entry(*day).or_default() += weight;
            for &si in sents {
                cands
                    .entry(*day)
                    .or_default()
                    .push((ai, sentence_text(a.analysis.sentences[si]).to_string()));
            }
        }
        if let Some(p) = a.published.filter(|&p| in_range(p)) {
            *score.entry(p).or_default() += 0.5;
            let dated: BTreeSet<usize> = referred.values().flatten().copied().collect();
            for (si, &s) in a.analysis.sentences.iter().enumerate().take(3) {
                if !dated.contains(&si) {
                    cands.entry(p).or_default().push((ai, sentence_text(s).to_string()));
                }
            }
        }
    }
    let mut days: Vec<(f64, Date)> = score.iter().map(|(d, s)| (*s, *d)).collect();
    days.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    days.truncate(opts.dates);
    let mut out: Vec<DatedSummary> = Vec::new();
    for &(_, day) in &days {
        let list = cands.get(&day).map(Vec::as_slice).unwrap_or_default();
        let words: Vec<BTreeSet<String>> = list.iter().map(|(_, s)| content_words(s)).collect();
        let mut centroid: HashMap<&str, f64> = HashMap::new();
        for w in words.iter().flatten() {
            *centroid.entry(w.as_str()).or_default() += 1.0;
        }
        let mut ranked: Vec<(f64, usize)> = (0..list.len())
            .filter(|&i| {
                let n = list[i].1.split_whitespace().count();
                (6..=60).contains(&n)
            })
            .map(|i| {
                let w = &words[i];
                let sim: f64 = w.iter().map(|x| centroid[x.as_str()]).sum::<f64>()
                    / (w.len().max(1) as f64).sqrt();
                let lower = list[i].1.to_lowercase();
                let query = opts.keywords.iter().any(|k| lower.contains(k.as_str()));
                (sim * if query { 1.5 } else { 1.0 }, i)
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut chosen: Vec<usize> = Vec::new();
        for &(_, i) in &ranked {
            if chosen.len() >= opts.sentences_per_date {
                break;
            }
            let dup = chosen.iter().any(|&j| {
                let inter = words[i].intersection(&words[j]).count();
                inter as f64 / words[i].len().min(words[j].len()).max(1) as f64 >= 0.5
            });
            if !dup {
                chosen.push(i);
            }
        }
        if !chosen.is_empty() {
            out.push(DatedSummary {
                date: day,
                sentences: chosen.iter().map(|&i| list[i].1.clone()).collect(),
            });
        }
    }
    out.sort_by_key(|d| d.date);
    out
}
