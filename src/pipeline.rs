//! The ingest pipeline: wires the stages together for a batch of inputs.
//!
//! ```text
//! Input --ingest::parse--> Article --analyze--> Article+Analysis --group--> Grouping --store
//! ```
//!
//! Each stage is a plain function from data to data; this module is the only place that knows
//! their order, and (with the store) the only place with side effects. Work is committed in
//! chunks, each one transaction, so a crash mid-ingest leaves every earlier chunk stored and
//! nothing half-written.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use storyline_group::{Features, Grouper};
use storyline_ingest::{IngestError, Input};
use storyline_model::{Article, ArticleId, Grouping, StoryId, StorySummary};
use storyline_store::{Batch, NewArticle, Store, StoreError};

/// Articles analysed and grouped before they are committed together.
const CHUNK: usize = 256;

/// What one ingest run did.
#[derive(Debug, Default, serde::Serialize)]
pub struct IngestReport {
    /// New articles stored (copies included).
    pub ingested: usize,
    /// Of the new articles, how many were linked as copies of another article.
    pub duplicates: usize,
    /// Inputs whose content was already stored (nothing written for them).
    pub already_stored: usize,
    /// Inputs or records that could not be ingested, with the reason.
    pub failed: Vec<Failure>,
    /// Non-fatal notes (e.g. an input decoded from a legacy encoding).
    pub warnings: Vec<String>,
    /// Ids of the newly stored articles, in input order.
    pub articles: Vec<ArticleId>,
    /// Stories created or extended by this run.
    pub stories: Vec<StoryId>,
}

#[derive(Debug, serde::Serialize)]
pub struct Failure {
    pub input: String,
    pub reason: String,
}

impl From<IngestError> for Failure {
    fn from(e: IngestError) -> Self {
        Failure { input: e.input, reason: e.reason }
    }
}

/// Hooks for reporting progress while a batch runs (the CLI draws a progress bar with them).
pub trait Progress {
    fn input_done(&self, _name: &str) {}
    fn failed(&self, _failure: &Failure) {}
    fn warning(&self, _message: &str) {}
}

/// Runs the whole pipeline over `inputs`, storing every new article.
pub fn ingest(
    store: &mut dyn Store,
    inputs: impl IntoIterator<Item = Result<Input, IngestError>>,
    progress: &dyn Progress,
) -> Result<IngestReport, StoreError> {
    let mut grouper = restore_grouper(store)?;
    let mut report = IngestReport::default();
    let mut pending: Vec<(NewArticle, Features)> = Vec::new();
    let mut seen: HashSet<ArticleId> = HashSet::new();

    for input in inputs {
        let input = match input {
            Ok(input) => input,
            Err(e) => {
                fail(&mut report, progress, e);
                continue;
            }
        };
        let parsed = storyline_ingest::parse(&input);
        for w in parsed.warnings {
            progress.warning(&w);
            report.warnings.push(w);
        }
        for record in parsed.records {
            let article = match record {
                Ok(a) => a,
                Err(e) => {
                    fail(&mut report, progress, e);
                    continue;
                }
            };
            if seen.contains(&article.id) || store.contains(&article.id)? {
                report.already_stored += 1;
                continue;
            }
            seen.insert(article.id.clone());
            let Some(new) = process(article) else {
                let e = IngestError {
                    input: input.name.clone(),
                    reason: "internal error while analysing this article (please report it)".into(),
                };
                fail(&mut report, progress, e);
                continue;
            };
            report.ingested += 1;
            report.articles.push(new.0.article.id.clone());
            pending.push(new);
        }
        progress.input_done(&input.name);
        if pending.len() >= CHUNK {
            group_and_commit(store, &mut grouper, &mut pending, &mut report)?;
        }
    }
    group_and_commit(store, &mut grouper, &mut pending, &mut report)?;
    report.stories.sort();
    report.stories.dedup();
    Ok(report)
}

fn fail(report: &mut IngestReport, progress: &dyn Progress, e: IngestError) {
    let failure = Failure::from(e);
    progress.failed(&failure);
    report.failed.push(failure);
}

/// Analyses one new article and computes its grouping features (grouped later, with its chunk).
/// A bug in analysis must cost one article, not the batch: a panic there is caught (analysis is
/// pure, so nothing is left half-changed) and `None` returned.
fn process(mut article: Article) -> Option<(NewArticle, Features)> {
    let (text, published) = (&article.text, article.published);
    let analysis = std::panic::catch_unwind(|| storyline_analyze::analyze(text, published)).ok()?;
    article.analysis = analysis;
    let features = storyline_group::features(&article);
    let json = serde_json::to_string(&features).expect("features always serialise");
    Some((NewArticle { article, features: json, grouping: Grouping::default() }, features))
}

/// Groups a chunk of analysed articles — by publication day, then id ([`Grouper::add_batch`]),
/// so the stories of a chunk do not depend on the order its articles arrived in — and commits it.
fn group_and_commit(
    store: &mut dyn Store,
    grouper: &mut Grouper,
    pending: &mut Vec<(NewArticle, Features)>,
    report: &mut IngestReport,
) -> Result<(), StoreError> {
    let batch: Vec<(ArticleId, Features)> =
        pending.iter_mut().map(|(n, f)| (n.article.id.clone(), std::mem::take(f))).collect();
    let groupings = grouper.add_batch(&batch);
    let mut chunk: Vec<NewArticle> = Vec::with_capacity(pending.len());
    for ((mut new, _), grouping) in pending.drain(..).zip(groupings) {
        if grouping.duplicate_of.is_some() {
            report.duplicates += 1;
        }
        new.grouping = grouping;
        chunk.push(new);
    }
    commit(store, &mut chunk, report)
}

/// Rebuilds the online grouping state from what is stored, so a new batch extends existing
/// stories instead of regrouping everything.
fn restore_grouper(store: &dyn Store) -> Result<Grouper, StoreError> {
    let mut grouper = Grouper::new();
    for record in store.grouping_records()? {
        let features: Features = serde_json::from_str(&record.features).map_err(|e| {
            StoreError::Corrupt { id: record.id.clone(), reason: format!("grouping features: {e}") }
        })?;
        grouper.restore(&record.id, features, &record.grouping);
    }
    Ok(grouper)
}

/// Writes the pending articles and the refreshed summaries of the stories they touch, atomically.
fn commit(
    store: &mut dyn Store,
    pending: &mut Vec<NewArticle>,
    report: &mut IngestReport,
) -> Result<(), StoreError> {
    if pending.is_empty() {
        return Ok(());
    }
    let mut by_story: BTreeMap<StoryId, Vec<(Article, Grouping)>> = BTreeMap::new();
    for new in pending.iter() {
        let story = new.grouping.story.clone().unwrap_or_else(|| new.article.id.clone());
        by_story.entry(story).or_default();
    }
    for (story, members) in by_story.iter_mut() {
        members.extend(store.story_articles(story)?.into_iter().map(|s| (s.article, s.grouping)));
    }
    for new in pending.iter() {
        let story = new.grouping.story.clone().unwrap_or_else(|| new.article.id.clone());
        by_story
            .get_mut(&story)
            .expect("every pending story has an entry")
            .push((new.article.clone(), new.grouping.clone()));
    }
    let stories = by_story.iter().map(|(id, members)| summarise(id, members)).collect();
    report.stories.extend(by_story.into_keys());
    store.save_batch(&Batch { articles: std::mem::take(pending), stories })
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
    store: &mut dyn Store,
    since: Option<storyline_model::Date>,
) -> Result<RegroupReport, StoreError> {
    let since = since.map(storyline_group::text::day_number);
    let mut grouper = Grouper::new();
    let mut redo: Vec<(ArticleId, Features)> = Vec::new();
    let mut old: BTreeMap<ArticleId, Grouping> = BTreeMap::new();
    let mut report = RegroupReport::default();
    for record in store.grouping_records()? {
        let features: Features = serde_json::from_str(&record.features).map_err(|e| {
            StoreError::Corrupt { id: record.id.clone(), reason: format!("grouping features: {e}") }
        })?;
        report.articles += 1;
        let before = since.is_some_and(|s| features.published.is_some_and(|p| p < s));
        if before {
            grouper.restore(&record.id, features, &record.grouping);
        } else {
            redo.push((record.id.clone(), features));
        }
        old.insert(record.id, record.grouping);
    }
    report.regrouped = redo.len();
    let fresh = grouper.add_batch(&redo);

    // Members of every story, before and after.
    let story_of = |g: &Grouping, id: &ArticleId| g.story.clone().unwrap_or_else(|| id.clone());
    let mut new_groupings: BTreeMap<ArticleId, Grouping> = old.clone();
    for ((id, _), g) in redo.iter().zip(fresh) {
        new_groupings.insert(id.clone(), g);
    }
    let members = |gs: &BTreeMap<ArticleId, Grouping>| {
        let mut by: BTreeMap<StoryId, BTreeSet<ArticleId>> = BTreeMap::new();
        for (id, g) in gs {
            by.entry(story_of(g, id)).or_default().insert(id.clone());
        }
        by
    };
    let before = members(&old);
    let after = members(&new_groupings);
    // A new story with exactly an old story's members takes the old id.
    let mut owner: BTreeMap<&BTreeSet<ArticleId>, &StoryId> = BTreeMap::new();
    for (id, m) in &before {
        owner.insert(m, id);
    }
    let rename: BTreeMap<StoryId, StoryId> = after
        .iter()
        .filter_map(|(id, m)| {
            owner.get(m).filter(|o| **o != id).map(|o| (id.clone(), (*o).clone()))
        })
        .collect();
    let renamed = |s: &Option<String>| {
        s.as_ref().map(|s| rename.get(s).cloned().unwrap_or_else(|| s.clone()))
    };
    let mut changed: Vec<(ArticleId, Grouping)> = Vec::new();
    for (id, _) in &redo {
        let g = new_groupings.get_mut(id).expect("regrouped article");
        g.story = renamed(&g.story);
        g.storyline = renamed(&g.storyline);
        if old.get(id) != Some(g) {
            changed.push((id.clone(), g.clone()));
        }
    }
    report.changed = changed.len();

    // Summaries of every story as it now stands.
    let mut by_story: BTreeMap<StoryId, Vec<(Article, Grouping)>> = BTreeMap::new();
    for stored in store.all_articles()? {
        let id = stored.article.id.clone();
        let g = new_groupings.get(&id).cloned().unwrap_or(stored.grouping);
        by_story.entry(story_of(&g, &id)).or_default().push((stored.article, g));
    }
    let summaries: Vec<StorySummary> =
        by_story.iter().map(|(id, members)| summarise(id, members)).collect();
    report.stories = summaries.len();
    store.save_groupings(&changed, &summaries)?;
    Ok(report)
}
