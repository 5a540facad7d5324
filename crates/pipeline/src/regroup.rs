//! `regroup`: recomputes the stories of stored articles in date order, whatever order they were
//! ingested in, keeping story ids where membership does not change.

use std::collections::{BTreeMap, BTreeSet};

use storyline_group::{Features, Grouper};
use storyline_model::{Article, ArticleId, Grouping, StoryId, StorySummary};
use storyline_store::{Store, StoreError};

use crate::reports::summarise;

/// What one `regroup` run did.
#[derive(Debug, Default, serde::Serialize)]
pub struct RegroupReport {
    /// Stored articles.
    pub articles: usize,
    /// Articles grouped again (published on or after `since`, or undated; all without `since`).
    pub regrouped: usize,
    /// Of those, how many changed story, storyline or copy link.
    pub changed: usize,
    /// Stories after the run.
    pub stories: usize,
}

/// Recomputes the stories of the stored articles published on or after `since` (all of them when
/// `None`) as one batch — by publication day, then id ([`Grouper::add_batch`]), so the result does
/// not depend on the order the articles were ingested in — after restoring the earlier ones as
/// they are. A recomputed story with exactly the members of a stored story keeps that story's id
/// (and storylines follow), so ids stay stable where membership does not change.
pub fn regroup(
    store: &dyn Store,
    since: Option<storyline_model::Date>,
) -> Result<RegroupReport, StoreError> {
    // One writer at a time: an ingest must not commit between the read and the rewrite.
    let _lock = store.lock_writer()?;
    let since = since.map(storyline_group::text::day_number);
    let mut grouper = Grouper::new();
    let mut redo: Vec<(ArticleId, Features)> = Vec::new();
    let mut old: BTreeMap<ArticleId, Grouping> = BTreeMap::new();
    let mut report = RegroupReport::default();
    store.for_each_grouping_record(&mut |record| {
        let features = crate::ingestor::record_features(&record)?;
        report.articles += 1;
        let before = since.is_some_and(|s| features.published.is_some_and(|p| p < s));
        if before {
            grouper.restore(&record.id, features, &record.grouping);
        } else {
            redo.push((record.id.clone(), features));
        }
        old.insert(record.id, record.grouping);
        Ok(())
    })?;
    report.regrouped = redo.len();
    let mut new_groupings: BTreeMap<ArticleId, Grouping> = old.clone();
    for ((id, _), g) in redo.iter().zip(grouper.add_batch(&redo)) {
        new_groupings.insert(id.clone(), g);
    }
    drop(redo);
    let rename = stable_ids(&old, &new_groupings);
    let renamed = |s: &Option<String>| {
        s.as_ref().map(|s| rename.get(s).cloned().unwrap_or_else(|| s.clone()))
    };
    let mut changed: Vec<(ArticleId, Grouping)> = Vec::new();
    for (id, g) in new_groupings.iter_mut() {
        g.story = renamed(&g.story);
        g.storyline = renamed(&g.storyline);
        if old.get(id) != Some(g) {
            changed.push((id.clone(), g.clone()));
        }
    }
    report.changed = changed.len();

    // Summaries of the stories whose membership changed (a story an article left or joined);
    // the others' stored summaries stand. Only those stories' articles are read into memory.
    let touched: BTreeSet<StoryId> =
        changed.iter().flat_map(|(id, g)| [story_of(g, id), story_of(&old[id], id)]).collect();
    let mut by_story: BTreeMap<StoryId, Vec<(Article, Grouping)>> = BTreeMap::new();
    store.for_each_article(&mut |stored| {
        let id = stored.article.id.clone();
        let g = new_groupings.get(&id).cloned().unwrap_or(stored.grouping);
        let story = story_of(&g, &id);
        if touched.contains(&story) {
            by_story.entry(story).or_default().push((stored.article, g));
        }
        Ok(())
    })?;
    let summaries: Vec<StorySummary> =
        by_story.iter().map(|(id, members)| summarise(id, members)).collect();
    store.save_groupings(&changed, &summaries)?;
    report.stories =
        store.stories(&storyline_store::StoryQuery { limit: 0, ..Default::default() })?.total;
    Ok(report)
}

fn story_of(g: &Grouping, id: &ArticleId) -> StoryId {
    g.story.clone().unwrap_or_else(|| id.clone())
}

/// Story ids to rename so that a recomputed story with exactly a stored story's members keeps
/// the stored id.
fn stable_ids(
    old: &BTreeMap<ArticleId, Grouping>,
    new: &BTreeMap<ArticleId, Grouping>,
) -> BTreeMap<StoryId, StoryId> {
    let members = |gs: &BTreeMap<ArticleId, Grouping>| {
        let mut by: BTreeMap<StoryId, BTreeSet<ArticleId>> = BTreeMap::new();
        for (id, g) in gs {
            by.entry(story_of(g, id)).or_default().insert(id.clone());
        }
        by
    };
    let before = members(old);
    let owner: BTreeMap<&BTreeSet<ArticleId>, &StoryId> =
        before.iter().map(|(id, m)| (m, id)).collect();
    members(new)
        .iter()
        .filter_map(|(id, m)| {
            owner.get(m).filter(|o| **o != id).map(|o| (id.clone(), (*o).clone()))
        })
        .collect()
}
