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

mod align;
mod conflicts;
mod entities;
mod facts;
mod furniture;
pub mod html;
mod quotes;
mod summary;
mod text;
mod timeline;

use std::collections::{BTreeMap, BTreeSet};

use storyline_model::offsets::CharIndex;
use storyline_model::{
    Article, ArticleId, ArticleRef, Date, Evidence, Grouping, InferredDate, OutletCoverage, Span,
    StoryId, StoryReport, Timex, TitleOrigin, UNATTRIBUTED,
};

pub use align::{FEATURE_NAMES, N_FEATURES};
pub use summary::summary_of;
pub use timeline::{
    candidate_days, timeline_of, timeline_with, CandidateDay, DateRanker, DatedSummary,
    TimelineOptions, DATE_FEATURE_NAMES, DATE_RANKER, N_DATE_FEATURES,
};

/// How much of a report a reader is shown at once, in the terminal and on the web page: a
/// 50-article story agrees on hundreds of facts, and the page must stay something a person reads.
/// The JSON report keeps everything; the views say how much more there is.
pub mod shown {
    /// Conflicts, the surest first (the report's order).
    pub const CONFLICTS: usize = 12;
    /// Agreed facts, those most outlets carry first (the report's order).
    pub const AGREED: usize = 20;
    /// Outlets' own sentences under one agreed fact.
    pub const EVIDENCE: usize = 4;
    /// Facts one outlet alone carries, per article (terminal) or per outlet (web page).
    pub const UNIQUE: usize = 5;
}

/// The story's headline and date (for listings): the title of its most representative original
/// article, and the earliest publication date among its articles.
pub fn headline(articles: &[(Article, Grouping)]) -> (String, Option<Date>) {
    let story = Story::new(articles);
    (story.headline_text(), story.date())
}

/// Builds the full report for story `id` from its (already analysed) articles.
pub fn report(id: &StoryId, articles: &[(Article, Grouping)]) -> StoryReport {
    let mut story = Story::new(articles);
    let index = entities::EntityIndex::build(&story);
    let mut comparison = facts::compare(&story, &index);
    // Date the undated from what they share, then compare again with their weekdays resolved.
    let inferred: Vec<Option<InferredDate>> =
        (0..story.len()).map(|i| infer_published(&story, &comparison, i)).collect();
    if inferred.iter().any(Option::is_some) {
        story.inferred = inferred.iter().map(|d| d.as_ref().map(|d| d.date)).collect();
        comparison = facts::compare(&story, &index);
    }
    let summary = summary::summary(&story, &comparison);
    let mut articles = story.article_refs();
    for (r, d) in articles.iter_mut().zip(inferred) {
        r.inferred_published = d;
    }
    let outlets = outlets(&story, &comparison);
    StoryReport {
        id: id.clone(),
        headline: story.headline_text(),
        date: story.date(),
        summary,
        articles,
        entities: index.story_entities(&story),
        quotes: quotes::quotes(&story, &index),
        timeline: timeline::timeline(&story),
        comparison: comparison.comparison,
        outlets,
    }
}

/// One pair of sentences of two outlets with its alignment features (for the fitting tool).
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct AlignmentPair {
    pub a: Evidence,
    pub b: Evidence,
    pub features: [f64; N_FEATURES],
    pub probability: f64,
}

/// Every pair of sentences of different outlets in the story with its alignment features, as the
/// report computes them (`crates/train/examples/fit_compare.rs` fits the weights on them).
#[doc(hidden)]
pub fn alignment_pairs(articles: &[(Article, Grouping)]) -> Vec<AlignmentPair> {
    let story = Story::new(articles);
    let index = entities::EntityIndex::build(&story);
    facts::pair_features(&story, &index)
        .into_iter()
        .map(|(x, y, features)| AlignmentPair {
            a: Evidence { article: story.id(x.0).clone(), start: x.1.start, end: x.1.end },
            b: Evidence { article: story.id(y.0).clone(), start: y.1.start, end: y.1.end },
            probability: align::probability(&features),
            features,
        })
        .collect()
}

/// For an undated article: the publication date of the dated article it shares most facts with
/// (the latest on a tie — an article cannot report what had not happened), with the shared
/// sentence as evidence. A year-less date the article names itself (`XXXX-MM-DD`, resolved with
/// the story's year) that lies later wins: an article is published no earlier than the days it
/// reports as past.
fn infer_published(story: &Story, compared: &facts::Compared, i: usize) -> Option<InferredDate> {
    if story.arts[i].published.is_some() {
        return None;
    }
    let mut shared: BTreeMap<usize, (usize, Vec<usize>)> = BTreeMap::new();
    for members in &compared.agreed_members {
        let mine: Vec<usize> =
            members.iter().copied().filter(|&c| compared.claims[c].art == i).collect();
        if mine.is_empty() {
            continue;
        }
        for &c in members {
            let other = compared.claims[c].art;
            if other != i && story.arts[other].published.is_some() {
                let e = shared.entry(other).or_default();
                e.0 += 1;
                e.1.extend(&mine);
            }
        }
    }
    let (&partner, (n, mine)) =
        shared.iter().max_by_key(|(&a, (n, _))| (*n, story.arts[a].published))?;
    let mut date = story.arts[partner].published?;
    let mut reason = format!(
        "shares {n} fact(s) with {} (published {date})",
        story.arts[partner].source.as_deref().unwrap_or("another article")
    );
    let mut evidence: Vec<Evidence> = mine
        .iter()
        .take(2)
        .map(|&c| Evidence {
            article: story.id(i).clone(),
            start: compared.claims[c].span.start,
            end: compared.claims[c].span.end,
        })
        .collect();
    let latest_own = story.arts[i]
        .analysis
        .times
        .iter()
        .filter(|t| t.value.as_ref().is_some_and(Timex::year_unknown))
        .filter_map(|t| story.day_of(i, t).map(|d| (d, t)))
        .filter(|(d, _)| *d > date && d.since(date).is_ok_and(|s| s.get_days() <= 7))
        .max_by_key(|(d, _)| *d);
    if let Some((d, t)) = latest_own {
        // Only a day the article reports as past moves the date: a future one is an announcement.
        let sentence = story.sentence_at(i, t.start).map(|s| story.slice(i, story.sentences[i][s]));
        const FUTURE: &[&str] = &[
            " will ",
            " due ",
            " expected ",
            "beginning",
            " begin",
            "starting",
            " next ",
            " plan",
            "scheduled",
            " set to",
            " to hold",
            " to meet",
            " from ",
            " until ",
        ];
        let past = sentence.is_some_and(|s| {
            let s = s.to_lowercase();
            !FUTURE.iter().any(|f| s.contains(f))
        });
        if past {
            date = d;
            reason = format!("{reason}; it reports {} ({d}) as past", t.text);
            evidence.push(Evidence { article: story.id(i).clone(), start: t.start, end: t.end });
        }
    }
    Some(InferredDate { date, reason, evidence })
}

/// Per outlet: the agreed facts it carries and those it leaves out, its unique facts, and the
/// conflicts it takes part in.
fn outlets(story: &Story, compared: &facts::Compared) -> Vec<OutletCoverage> {
    let comparison = &compared.comparison;
    let mut by_outlet: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for i in 0..story.len() {
        by_outlet.entry(story.outlet[i].as_str()).or_default().push(i);
    }
    let mut out: Vec<OutletCoverage> = by_outlet
        .values()
        .map(|arts| {
            let ids: BTreeSet<&ArticleId> = arts.iter().map(|&i| story.id(i)).collect();
            let name = arts
                .iter()
                .find_map(|&i| story.arts[story.original_of[i].unwrap_or(i)].source.clone())
                .unwrap_or_else(|| UNATTRIBUTED.to_string());
            let agreed: Vec<usize> = (0..comparison.agreed.len())
                .filter(|&f| comparison.agreed[f].articles.iter().any(|a| ids.contains(a)))
                .collect();
            // Left out only when no article of the outlet carries the fact in any words.
            let missing: Vec<usize> = (0..comparison.agreed.len())
                .filter(|&f| arts.iter().all(|i| !compared.carried_by[f].contains(i)))
                .collect();
            OutletCoverage {
                outlet: name,
                articles: ids.iter().map(|&id| id.clone()).collect(),
                agreed,
                missing,
                unique: comparison.unique.iter().filter(|u| ids.contains(&u.article)).count(),
                conflicts: (0..comparison.conflicts.len())
                    .filter(|&c| {
                        comparison.conflicts[c].claims.iter().any(|cl| ids.contains(&cl.article))
                    })
                    .collect(),
            }
        })
        .collect();
    out.sort_by(|a, b| a.outlet.cmp(&b.outlet));
    out
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
    /// Inferred publication dates of undated articles (empty until inferred).
    pub inferred: Vec<Option<Date>>,
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
        let mut story = Story {
            arts,
            groupings,
            original_of,
            outlet,
            sentences,
            chars,
            headline: None,
            inferred: Vec::new(),
        };
        story.headline = story.pick_headline();
        story
    }

    pub fn len(&self) -> usize {
        self.arts.len()
    }

    pub fn id(&self, i: usize) -> &'a ArticleId {
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
        if self.arts[ai].published.is_some() {
            return None;
        }
        let inferred = self.inferred.get(ai).copied().flatten();
        if let Some(anchor) = inferred {
            // A weekday of an undated article, once its date is inferred: the last such day on or
            // before it (news reports the past; announced days carry their own cues and values).
            let lower = t.text.to_lowercase();
            if let Some(w) =
                storyline_text::calendar::WEEKDAYS.iter().position(|w| lower.contains(w))
            {
                let back =
                    (anchor.weekday().to_monday_zero_offset() as i64 - w as i64).rem_euclid(7);
                return anchor.checked_sub(jiff::Span::new().days(back)).ok();
            }
        }
        let anchor = inferred.or_else(|| self.date())?;
        let Some(Timex::UnanchoredDay { month, day, .. }) = t.value else { return None };
        (anchor.year() - 1..=anchor.year() + 1)
            .filter_map(|y| Date::new(y, month as i8, day as i8).ok())
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
                inferred_published: None,
            })
            .collect()
    }

    /// The original whose title shares most content words with the other originals' titles;
    /// given or detected titles win over synthesised ones, then the earlier article.
    fn pick_headline(&self) -> Option<usize> {
        // Page furniture ("LIVE UPDATES", a question to the reader) or a one-word label is no
        // headline.
        let headline_like =
            |t: &str| t.split_whitespace().count() >= 2 && !crate::furniture::is_furniture(t);
        let titled: Vec<usize> = (0..self.len())
            .filter(|&i| self.arts[i].title.as_deref().is_some_and(headline_like))
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
