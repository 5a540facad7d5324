//! Reading stories back: listing rows, the full report (computed once per change of the story,
//! then served from the store's cache) and lookups by id prefix.

use std::collections::{BTreeMap, BTreeSet};

use storyline_model::{Article, ArticleId, Grouping, StoryId, StoryReport, StorySummary};
use storyline_store::{Store, StoreError, StoredArticle};

/// Why a story or article could not be found.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    #[error("no {kind} with id {id:?}")]
    NotFound { kind: &'static str, id: String },
    #[error("{id:?} is the start of several {kind} ids; give more of it")]
    Ambiguous { kind: &'static str, id: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The listing row for a story.
pub fn summarise(id: &StoryId, members: &[(Article, Grouping)]) -> StorySummary {
    let (headline, date) = storyline_compare::headline(members);
    let mut sources = BTreeSet::new();
    for (a, _) in members {
        // An article without a known outlet counts as a source of its own.
        sources.insert(a.source.clone().unwrap_or_else(|| format!("#{}", a.id)));
    }
    StorySummary { id: id.clone(), headline, date, articles: members.len(), sources: sources.len() }
}

/// The report on one story: read from the store's cache when the story has not changed since it
/// was computed, otherwise computed from its articles and cached.
pub fn story_report(store: &dyn Store, id: &StoryId) -> Result<StoryReport, LookupError> {
    let cached = cached(store, id)?;
    match cached.report {
        Some(report) => Ok(report),
        None => compute(store, id, cached.revision, &members(store, id)?),
    }
}

/// The report on one story and the cleaned texts of its articles by id (what the report's
/// evidence spans point into), reading the articles once.
pub fn story_with_texts(
    store: &dyn Store,
    id: &StoryId,
) -> Result<(StoryReport, BTreeMap<ArticleId, String>), LookupError> {
    let cached = cached(store, id)?;
    let members = members(store, id)?;
    let report = match cached.report {
        Some(report) => report,
        None => compute(store, id, cached.revision, &members)?,
    };
    Ok((report, members.into_iter().map(|(a, _)| (a.id, a.text)).collect()))
}

fn not_found(id: &StoryId) -> LookupError {
    LookupError::NotFound { kind: "story", id: id.to_string() }
}

fn cached(store: &dyn Store, id: &StoryId) -> Result<storyline_store::CachedReport, LookupError> {
    store.cached_report(id)?.ok_or_else(|| not_found(id))
}

fn members(store: &dyn Store, id: &StoryId) -> Result<Vec<(Article, Grouping)>, StoreError> {
    Ok(store.story_articles(id)?.into_iter().map(|s| (s.article, s.grouping)).collect())
}

/// Computes the report from the story's members and caches it for `revision`.
fn compute(
    store: &dyn Store,
    id: &StoryId,
    revision: u64,
    members: &[(Article, Grouping)],
) -> Result<StoryReport, LookupError> {
    if members.is_empty() {
        return Err(not_found(id));
    }
    let report = storyline_compare::report(id, members);
    // A story that changed meanwhile keeps no cache; this reader still gets what it asked for.
    store.save_story_report(revision, &report)?;
    Ok(report)
}

/// Finds a story by id or unique id prefix.
pub fn find_story(store: &dyn Store, id: &str) -> Result<StorySummary, LookupError> {
    if let Some(s) = store.story(&StoryId::from(id))? {
        return Ok(s);
    }
    let id = unique(store.story_ids(id, 2)?, "story", id)?;
    store.story(&id)?.ok_or_else(|| LookupError::NotFound { kind: "story", id: id.to_string() })
}

/// Finds an article by id or unique id prefix.
pub fn find_article(store: &dyn Store, id: &str) -> Result<StoredArticle, LookupError> {
    if let Some(a) = store.article(id)? {
        return Ok(a);
    }
    let id = unique(store.article_ids(id, 2)?, "article", id)?;
    store.article(&id)?.ok_or_else(|| LookupError::NotFound { kind: "article", id: id.to_string() })
}

/// The one id of `matches` (at most two were asked for), or why there is not one.
fn unique<T>(matches: Vec<T>, kind: &'static str, id: &str) -> Result<T, LookupError> {
    match matches.len() {
        1 => Ok(matches.into_iter().next().expect("one match")),
        0 => Err(LookupError::NotFound { kind, id: id.to_string() }),
        _ => Err(LookupError::Ambiguous { kind, id: id.to_string() }),
    }
}
