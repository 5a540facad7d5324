//! Comparison: the report on one story — sources, headline, entities with aliases, quotes by
//! speaker, a timeline of normalised dates, and the facts outlets agree on vs carry alone, each
//! with its evidence span. Pure: articles in, report out.
//!
//! The parts live in their own modules: `entities` merges entities across articles (and gives
//! every mention a story-wide entity id that the other parts match on), `quotes` groups quotations
//! by speaker, `timeline` collects dated sentences, `facts` builds per-sentence claims and compares
//! them across outlets, and `summary` picks sentences from the agreed facts and the lead.
//!
//! Invariants: every fact, quote and timeline entry keeps its evidence as a character span of an
//! article's cleaned text; output order is deterministic (sorted, never hash order); a copy
//! (`Grouping::duplicate_of`) counts as the outlet of its original and never makes a fact "agreed".

mod entities;
mod facts;
mod quotes;
mod summary;
mod text;
mod timeline;

use std::collections::{BTreeMap, BTreeSet};

use storyline_model::offsets::CharIndex;
use storyline_model::{
    Article, ArticleRef, Date, Grouping, Span, StoryId, StoryReport, TitleOrigin,
};

/// The story's headline and date (for listings): the title of its most representative original
/// article, and the earliest publication date among its articles.
pub fn headline(articles: &[(Article, Grouping)]) -> (String, Option<Date>) {
    let story = Story::new(articles);
    (story.headline_text(), story.date())
}

/// Builds the full report for story `id` from its (already analysed) articles.
pub fn report(id: &StoryId, articles: &[(Article, Grouping)]) -> StoryReport {
    let story = Story::new(articles);
    let index = entities::EntityIndex::build(&story);
    let comparison = facts::compare(&story, &index);
    let summary = summary::summary(&story, &comparison);
    StoryReport {
        id: id.clone(),
        headline: story.headline_text(),
        date: story.date(),
        summary,
        articles: story.article_refs(),
        entities: index.story_entities(&story),
        quotes: quotes::quotes(&story, &index),
        timeline: timeline::timeline(&story),
        comparison: comparison.comparison,
    }
}

/// The story's articles in report order (originals first, by date), with what every part needs.
pub(crate) struct Story<'a> {
    pub arts: Vec<&'a Article>,
    pub groupings: Vec<&'a Grouping>,
    /// For a copy: the story index of the original it (transitively) copies.
    pub original_of: Vec<Option<usize>>,
    /// Outlet key: the lowercased source, else the article id; a copy takes its original's.
    pub outlet: Vec<String>,
    /// Sentence spans, trimmed of whitespace (same indices as `analysis.sentences`).
    pub sentences: Vec<Vec<Span>>,
    chars: Vec<CharIndex>,
    /// Index of the article whose title is the headline.
    pub headline: Option<usize>,
}

impl<'a> Story<'a> {
    pub fn new(input: &'a [(Article, Grouping)]) -> Self {
        let by_id: BTreeMap<&str, usize> =
            input.iter().enumerate().map(|(i, (a, _))| (a.id.as_str(), i)).collect();
        // The root each input article copies (following chains, guarding against cycles).
        let root = |i: usize| -> Option<usize> {
            let mut cur = i;
            for _ in 0..=input.len() {
                match input[cur].1.duplicate_of.as_deref().and_then(|d| by_id.get(d)) {
                    Some(&next) if next != cur => cur = next,
                    _ => return (cur != i).then_some(cur),
                }
            }
            None
        };
        let roots: Vec<Option<usize>> = (0..input.len()).map(root).collect();
        let mut order: Vec<usize> = (0..input.len()).collect();
        order.sort_by(|&x, &y| {
            let key = |i: usize| {
                let a = &input[i].0;
                (roots[i].is_some(), a.published.is_none(), a.published, a.id.clone(), i)
            };
            key(x).cmp(&key(y))
        });
        let pos: BTreeMap<usize, usize> = order.iter().enumerate().map(|(p, &i)| (i, p)).collect();
        let arts: Vec<&Article> = order.iter().map(|&i| &input[i].0).collect();
        let groupings = order.iter().map(|&i| &input[i].1).collect();
        let original_of: Vec<Option<usize>> =
            order.iter().map(|&i| roots[i].map(|r| pos[&r])).collect();
        let outlet_of = |a: &Article| match a.source.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => format!("source:{}", s.to_lowercase()),
            _ => format!("id:{}", a.id),
        };
        let outlet =
            (0..arts.len()).map(|p| outlet_of(arts[original_of[p].unwrap_or(p)])).collect();
        let chars: Vec<CharIndex> = arts.iter().map(|a| CharIndex::new(&a.text)).collect();
        let sentences = arts
            .iter()
            .map(|a| {
                let cs: Vec<char> = a.text.chars().collect();
                let raw = if a.analysis.sentences.is_empty() {
                    text::split_sentences(&a.text)
                } else {
                    a.analysis.sentences.clone()
                };
                raw.into_iter().map(|s| text::trim_span(&cs, s)).collect()
            })
            .collect();
        let mut story =
            Story { arts, groupings, original_of, outlet, sentences, chars, headline: None };
        story.headline = story.pick_headline();
        story
    }

    pub fn len(&self) -> usize {
        self.arts.len()
    }

    pub fn id(&self, i: usize) -> &'a str {
        &self.arts[i].id
    }

    pub fn is_original(&self, i: usize) -> bool {
        self.original_of[i].is_none()
    }

    /// The text between two character offsets of article `i` (clamped to the text).
    pub fn slice(&self, i: usize, span: Span) -> &'a str {
        let idx = &self.chars[i];
        let (s, e) = (span.start.min(idx.len()), span.end.min(idx.len()));
        &self.arts[i].text[idx.byte_of(s)..idx.byte_of(e.max(s))]
    }

    /// Index of the sentence of article `i` that contains character `pos`.
    pub fn sentence_at(&self, i: usize, pos: usize) -> Option<usize> {
        self.sentences[i].iter().position(|s| s.start <= pos && pos < s.end)
    }

    pub fn date(&self) -> Option<Date> {
        self.arts.iter().filter_map(|a| a.published).min()
    }

    /// The calendar day a time expression of article `ai` names. An undated article's year-less
    /// dates (`XXXX-05-15`) take the year that puts them nearest the story's date: the story is
    /// the only clock such an article has.
    pub fn day_of(&self, ai: usize, t: &storyline_model::TimeExpr) -> Option<Date> {
        if let Some(day) = t.day() {
            return Some(day);
        }
        let anchor = self.arts[ai].published.is_none().then(|| self.date()).flatten()?;
        let rest = t.value.as_deref()?.strip_prefix("XXXX-")?;
        let (month, day) = rest.get(..5)?.split_once('-')?;
        let (month, day): (i8, i8) = (month.parse().ok()?, day.parse().ok()?);
        (anchor.year() - 1..=anchor.year() + 1)
            .filter_map(|y| Date::new(y, month, day).ok())
            .min_by_key(|d| d.since(anchor).map_or(i32::MAX, |s| s.get_days().abs()))
    }

    pub fn article_refs(&self) -> Vec<ArticleRef> {
        self.arts
            .iter()
            .zip(&self.groupings)
            .map(|(a, g)| ArticleRef {
                id: a.id.clone(),
                source: a.source.clone(),
                title: a.title.clone(),
                published: a.published,
                duplicate_of: g.duplicate_of.clone(),
            })
            .collect()
    }

    /// The original whose title shares most content words with the other originals' titles;
    /// given or detected titles win over synthesised ones, then the earlier article.
    fn pick_headline(&self) -> Option<usize> {
        let titled: Vec<usize> = (0..self.len())
            .filter(|&i| self.arts[i].title.as_deref().is_some_and(|t| !t.trim().is_empty()))
            .collect();
        let pool: Vec<usize> =
            match titled.iter().copied().filter(|&i| self.is_original(i)).collect::<Vec<_>>() {
                v if v.is_empty() => titled,
                v => v,
            };
        let words: BTreeMap<usize, BTreeSet<String>> = pool
            .iter()
            .map(|&i| (i, text::content_words(self.arts[i].title.as_deref().unwrap_or(""))))
            .collect();
        pool.iter().copied().max_by_key(|&i| {
            let origin =
                matches!(self.arts[i].title_origin, TitleOrigin::Given | TitleOrigin::Detected);
            let shared: usize = pool
                .iter()
                .filter(|&&j| j != i)
                .map(|j| words[&i].intersection(&words[j]).count())
                .sum();
            (origin, shared, std::cmp::Reverse(i))
        })
    }

    /// The headline: the chosen title, else the lead sentence of the first article.
    pub fn headline_text(&self) -> String {
        if let Some(t) = self.headline.and_then(|i| self.arts[i].title.as_deref()) {
            return t.trim().to_string();
        }
        let Some(first) = self.sentences.first().and_then(|s| s.first()) else {
            return String::new();
        };
        let lead = self.slice(0, *first);
        match lead.char_indices().nth(120) {
            Some((b, _)) => format!("{}…", lead[..b].trim_end()),
            None => lead.to_string(),
        }
    }
}
