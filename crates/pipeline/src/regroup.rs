//! `regroup`: recomputes the stories of stored articles in date order, whatever order they were
//! ingested in, keeping story ids where membership does not change.

use std::collections::{BTreeMap, BTreeSet};

use storyline_group::stories::{STORYLINE_DAYS, WINDOW_DAYS};
use storyline_group::text::{date_of_day, day_number};
use storyline_group::{Features, Grouper};
use storyline_model::{Article, ArticleId, Date, Grouping, StoryId, StorySummary, StorylineId};
use storyline_store::{Batch, Cursor, GroupingRecord, Store, StoreError};

use crate::ingestor::{
    record_features, regroups, restore_record, IngestReport, BATCH, REGROUPS_CURSOR,
};
use crate::reports::summarise;

/// What one `regroup` run did.
#[derive(Debug, Default, serde::Serialize)]
pub struct RegroupReport {
    /// Stored articles.
    pub articles: usize,
    /// Articles grouped again (published in the days asked, and undated ones when no `until`).
    pub regrouped: usize,
    /// Of those, how many changed story, storyline or copy link.
    pub changed: usize,
    /// Stories after the run.
    pub stories: usize,
}

impl RegroupReport {
    /// Adds the next chunk's run (of several that regroup consecutive days): counts of articles
    /// regrouped and changed add up; the store's articles and stories are as after the last.
    fn then(&mut self, next: RegroupReport) {
        self.articles = next.articles;
        self.regrouped += next.regrouped;
        self.changed += next.changed;
        self.stories = next.stories;
    }
}

/// The publication days a [`regroup`] recomputes (both ends included; `None`: unbounded). With
/// no `until`, undated articles are recomputed too.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Days {
    pub since: Option<Date>,
    pub until: Option<Date>,
}

/// Recomputes the stories of the stored articles published in `days` as one batch — by
/// publication day, then id ([`Grouper::add_batch`]), so the result does not depend on the order
/// the articles were ingested in — after restoring, as they are, the articles of the
/// [`STORYLINE_DAYS`] before `days.since` (every story those articles could join or continue).
/// A recomputed story with exactly the members of a stored story keeps that story's id (and
/// storylines follow), so ids stay stable where membership does not change.
///
/// With no `until` the days are taken [`REGROUP_DAYS`] at a time in date order, from `since` (or
/// the first stored day) to the last stored day — the last chunk open-ended when there are
/// undated articles, so they are recomputed with it — each chunk after restoring the [`STORYLINE_DAYS`] before it (the
/// previous chunk's stories included), as [`settle`] does. Memory holds the articles of those
/// days, not the store.
pub fn regroup(store: &dyn Store, days: Days) -> Result<RegroupReport, StoreError> {
    // One writer at a time: an ingest must not commit between the read and the rewrite.
    let _lock = store.lock_writer()?;
    if days.until.is_some() {
        return regroup_days(store, days);
    }
    let (stored, undated) = published_days(store, days.since.map(day_number))?;
    let mut total = RegroupReport::default();
    let mut since = stored.first().copied();
    loop {
        let start = since;
        let end = start.map(|s| s + REGROUP_DAYS - 1);
        // The next stored day after this chunk, if any: the chunk ends at `end`; otherwise it is
        // the last, open-ended when there are undated articles (read by a pass over the store;
        // the other chunks are read by date).
        since = end.and_then(|e| stored.range(e + 1..).next().copied());
        let until = if since.is_some() || !undated { end } else { None };
        let chunk =
            Days { since: start.map(date_of_day).or(days.since), until: until.map(date_of_day) };
        total.then(regroup_days(store, chunk)?);
        if since.is_none() {
            return Ok(total);
        }
    }
}

/// How many days [`regroup`] without `until` recomputes at a time.
pub const REGROUP_DAYS: i32 = SETTLE_DAYS;

/// The publication days (day numbers, `since` or later) of the stored articles, and whether any
/// is undated, read from their grouping features (only the date is parsed).
fn published_days(
    store: &dyn Store,
    since: Option<i32>,
) -> Result<(BTreeSet<i32>, bool), StoreError> {
    #[derive(serde::Deserialize)]
    struct Published {
        #[serde(default)]
        published: Option<i32>,
    }
    let (mut days, mut undated) = (BTreeSet::new(), false);
    store.for_each_grouping_record(&mut |record| {
        let p: Published = serde_json::from_str(&record.features)
            .map_err(|e| StoreError::corrupt(&record.id, format!("grouping features: {e}")))?;
        undated |= p.published.is_none();
        days.extend(p.published.filter(|&d| since.is_none_or(|s| d >= s)));
        Ok(())
    })?;
    Ok((days, undated))
}

/// [`regroup`] of one chunk of days (all of them from `since` on when there is no `until`); the
/// caller holds the writer lock.
fn regroup_days(store: &dyn Store, days: Days) -> Result<RegroupReport, StoreError> {
    let since = days.since.map(day_number);
    let until = days.until.map(day_number);
    let mut grouper = Grouper::new();
    let mut redo: Vec<(ArticleId, Features)> = Vec::new();
    let mut old: BTreeMap<ArticleId, Grouping> = BTreeMap::new();
    let mut report = RegroupReport { articles: store.count()?, ..RegroupReport::default() };
    if let Some(since) = since {
        let (from, to) = (date_of_day(since - STORYLINE_DAYS), date_of_day(since - 1));
        store.for_each_grouping_record_published(from, to, &mut |record| {
            restore_record(&mut grouper, &record)?;
            old.insert(record.id, record.grouping);
            Ok(())
        })?;
    }
    let mut keep = |record: GroupingRecord| -> Result<(), StoreError> {
        let features = record_features(&record)?;
        let inside = match features.published {
            Some(day) => since.is_none_or(|s| day >= s) && until.is_none_or(|u| day <= u),
            None => until.is_none(),
        };
        if inside {
            redo.push((record.id.clone(), features));
            old.insert(record.id, record.grouping);
        }
        Ok(())
    };
    match until {
        // Only the dated articles of the days: read them by date.
        Some(until) => store.for_each_grouping_record_published(
            date_of_day(since.unwrap_or(i32::MIN)),
            date_of_day(until),
            &mut keep,
        )?,
        None => store.for_each_grouping_record(&mut keep)?,
    }
    // A copy whose original is not among the articles read (published long before) keeps its
    // grouping as it is: the copy archive that found it is not restored here, and copies are
    // never dropped.
    redo.retain(|(id, _)| {
        old[id].duplicate_of.as_ref().is_none_or(|original| old.contains_key(original))
    });
    report.regrouped = redo.len();
    let mut new_groupings: BTreeMap<ArticleId, Grouping> = old.clone();
    for ((id, _), g) in redo.iter().zip(grouper.add_batch(&redo)) {
        new_groupings.insert(id.clone(), g);
    }
    drop(redo);
    let rename = stable_ids(&old, &new_groupings);
    let renamed = |s: &StoryId| rename.get(s).cloned().unwrap_or_else(|| s.clone());
    let mut changed: Vec<(ArticleId, Grouping)> = Vec::new();
    for (id, g) in new_groupings.iter_mut() {
        g.story = g.story.as_ref().map(renamed);
        // A storyline is named by the story that began it, so it is renamed with that story.
        g.storyline = g.storyline.as_ref().map(|line| match rename.get(line.as_str()) {
            Some(story) => StorylineId::started_by(story),
            None => line.clone(),
        });
        if old.get(id) != Some(g) {
            changed.push((id.clone(), g.clone()));
        }
    }
    report.changed = changed.len();
    let summaries = touched_summaries(store, &changed, &old, &new_groupings)?;
    store.save_groupings(&changed, &summaries)?;
    if !changed.is_empty() {
        // Writers holding grouping state (the server's) restore it when they next lock.
        let position = regroups(store)? + 1;
        let cursor = Some(Cursor { name: REGROUPS_CURSOR.into(), position });
        store.save_batch(&Batch { cursor, ..Batch::default() })?;
    }
    report.stories =
        store.stories(&storyline_store::StoryQuery { limit: 0, ..Default::default() })?.total;
    Ok(report)
}

/// Summaries of the stories whose membership changed (a story an article left or joined), from
/// their stored members under the new groupings; the other stories' stored summaries stand.
fn touched_summaries(
    store: &dyn Store,
    changed: &[(ArticleId, Grouping)],
    old: &BTreeMap<ArticleId, Grouping>,
    new: &BTreeMap<ArticleId, Grouping>,
) -> Result<Vec<StorySummary>, StoreError> {
    let touched: BTreeSet<StoryId> =
        changed.iter().flat_map(|(id, g)| [story_of(g, id), story_of(&old[id], id)]).collect();
    // Every article of a touched story under the new groupings was stored in a touched story
    // (the story it left, or the one it stays in).
    let mut by_story: BTreeMap<StoryId, Vec<(Article, Grouping)>> = BTreeMap::new();
    for story in &touched {
        for stored in store.story_articles(story)? {
            let id = stored.article.id.clone();
            let g = new.get(&id).cloned().unwrap_or(stored.grouping);
            by_story.entry(story_of(&g, &id)).or_default().push((stored.article, g));
        }
    }
    Ok(by_story.iter().map(|(id, members)| summarise(id, members)).collect())
}

fn story_of(g: &Grouping, id: &ArticleId) -> StoryId {
    g.story.clone().unwrap_or_else(|| StoryId::started_by(id))
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

/// Regroups the days an ingest run touched — its articles' publication days, widened by
/// [`WINDOW_DAYS`] either side (every story they could join) — so the stories do not depend on
/// how the run's articles were cut into batches or runs, nor on the order they came in. The days
/// are regrouped [`SETTLE_DAYS`] at a time in date order (each chunk after restoring the 42 days
/// before it, the previous chunk's new stories included), so memory holds those days, not the
/// run. Nothing to do when the run stored nothing, or when it went into an empty store in one
/// batch (it was grouped whole already); returns what the regroups did otherwise, summed.
pub fn settle(store: &dyn Store, run: &IngestReport) -> Result<Option<RegroupReport>, StoreError> {
    let Some((first, last)) = run.published else { return Ok(None) };
    if run.ingested <= BATCH && store.count()? <= run.ingested {
        return Ok(None);
    }
    let (first, last) = (day_number(first) - WINDOW_DAYS, day_number(last) + WINDOW_DAYS);
    let mut total = RegroupReport::default();
    for start in (first..=last).step_by(SETTLE_DAYS as usize) {
        let end = (start + SETTLE_DAYS - 1).min(last);
        let days = Days { since: Some(date_of_day(start)), until: Some(date_of_day(end)) };
        total.then(regroup(store, days)?);
    }
    Ok(Some(total))
}

/// How many days [`settle`] regroups at a time.
pub const SETTLE_DAYS: i32 = 28;
