//! The story's timeline: every time expression that fixes a calendar day, grouped by that day across
//! articles and sorted by date, each with the sentence that mentions it and evidence spans.
//!
//! A publication date that only appears as the dateline ("KYIV, May 11 —") is left out.

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
    days.into_iter()
        .map(|(day, e)| TimelineEntry {
            date: day.to_string(),
            text: e.text,
            articles: e.articles.iter().map(|&a| story.id(a).to_string()).collect(),
            evidence: e
                .evidence
                .iter()
                .map(|&(a, s)| Evidence {
                    article: story.id(a).to_string(),
                    start: s.start,
                    end: s.end,
                })
                .collect(),
        })
        .collect()
}
