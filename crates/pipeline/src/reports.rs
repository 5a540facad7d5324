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
    let not_found = || LookupError::NotFound { kind: "story", id: id.clone() };
    let cached = store.cached_report(id)?.ok_or_else(not_found)?;
    if let Some(report) = cached.report {
        return Ok(report);
    }
    let members: Vec<(Article, Grouping)> =
        store.story_articles(id)?.into_iter().map(|s| (s.article, s.grouping)).collect();
    if members.is_empty() {
        return Err(not_found());
    }
    let report = storyline_compare::report(id, &members);
    // A story that changed meanwhile keeps no cache; this reader still gets what it asked for.
    store.save_story_report(cached.revision, &report)?;
    Ok(report)
}

/// The cleaned texts of a story's articles by id (what its report's evidence spans point into).
pub fn story_texts(
    store: &dyn Store,
    id: &StoryId,
) -> Result<BTreeMap<ArticleId, String>, StoreError> {
    Ok(store.story_articles(id)?.into_iter().map(|s| (s.article.id, s.article.text)).collect())
}

/// Finds a story by id or unique id prefix.
pub fn find_story(store: &dyn Store, id: &str) -> Result<StorySummary, LookupError> {
    if let Some(s) = store.story(&id.to_string())? {
        return Ok(s);
    }
    let id = unique(store.story_ids(id, 2)?, "story", id)?;
    store.story(&id)?.ok_or(LookupError::NotFound { kind: "story", id })
}

/// Finds an article by id or unique id prefix.
pub fn find_article(store: &dyn Store, id: &str) -> Result<StoredArticle, LookupError> {
    if let Some(a) = store.article(id)? {
        return Ok(a);
    }
    let id = unique(store.article_ids(id, 2)?, "article", id)?;
    store.article(&id)?.ok_or(LookupError::NotFound { kind: "article", id })
}

/// The one id of `matches` (at most two were asked for), or why there is not one.
fn unique(matches: Vec<String>, kind: &'static str, id: &str) -> Result<String, LookupError> {
    match matches.len() {
        1 => Ok(matches.into_iter().next().expect("one match")),
        0 => Err(LookupError::NotFound { kind, id: id.to_string() }),
        _ => Err(LookupError::Ambiguous { kind, id: id.to_string() }),
    }
}
