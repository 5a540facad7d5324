//! The ordered committer: groups analysed articles in batches and commits each batch, with the
//! summaries of the stories it touched, in one store transaction. A crash mid-ingest leaves every
//! earlier batch stored and nothing half-written.

use std::collections::{BTreeMap, HashSet};

use storyline_group::{Features, Grouper};
use storyline_ingest::{IngestError, Input};
use storyline_model::{Article, ArticleId, Grouping, StoryId};
use storyline_store::{Batch, NewArticle, Store, StoreError};

use crate::prepare::{analyse, analysis_failed};
use crate::reports::summarise;

/// Articles grouped and committed together (the evaluation of grouping uses the same batches).
pub const BATCH: usize = 256;

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

/// An input or record that could not be ingested, and why.
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

/// No progress reporting.
impl Progress for () {}

/// The one ordered writer of a store: new articles go in with [`Ingestor::add`], are grouped and
/// committed in batches, and [`Ingestor::finish`] commits the rest and returns the report.
pub struct Ingestor<'s> {
    store: &'s dyn Store,
    grouper: Grouper,
    pending: Vec<(NewArticle, Features)>,
    /// Ids added in this run (not yet necessarily committed).
    seen: HashSet<ArticleId>,
    next_seq: u64,
    report: IngestReport,
}

impl<'s> Ingestor<'s> {
    /// Restores the grouping state from what `store` holds, so new articles extend its stories.
    pub fn open(store: &'s dyn Store) -> Result<Self, StoreError> {
        let mut grouper = Grouper::new();
        for record in store.grouping_records()? {
            let features: Features = serde_json::from_str(&record.features)
                .map_err(|e| StoreError::corrupt(&record.id, format!("grouping features: {e}")))?;
            grouper.restore(&record.id, features, &record.grouping);
        }
        Ok(Ingestor {
            store,
            grouper,
            pending: Vec::new(),
            seen: HashSet::new(),
            next_seq: store.last_seq()? + 1,
            report: IngestReport::default(),
        })
    }

    /// Whether an article with this id is neither stored nor added in this run.
    pub fn is_new(&self, id: &str) -> Result<bool, StoreError> {
        Ok(!self.seen.contains(id) && !self.store.contains(id)?)
    }

    /// Adds one analysed article; returns whether it was new (an article stored already, or
    /// added before in this run, is counted and skipped). Commits when a batch is full.
    pub fn add(&mut self, article: Article) -> Result<bool, StoreError> {
        if !self.is_new(&article.id)? {
            self.report.already_stored += 1;
            return Ok(false);
        }
        self.seen.insert(article.id.clone());
        let features = storyline_group::features(&article);
        let json = serde_json::to_string(&features).expect("features always serialise");
        self.report.ingested += 1;
        self.report.articles.push(article.id.clone());
        let new = NewArticle { seq: 0, article, features: json, grouping: Grouping::default() };
        self.pending.push((new, features));
        if self.pending.len() >= BATCH {
            self.commit()?;
        }
        Ok(true)
    }

    /// Counts a record whose content is already stored (checked by the caller before analysis).
    pub fn skip_stored(&mut self) {
        self.report.already_stored += 1;
    }

    /// Records an input or record that failed.
    pub fn fail(&mut self, failure: Failure) {
        self.report.failed.push(failure);
    }

    /// Records a non-fatal note.
    pub fn warn(&mut self, warning: String) {
        self.report.warnings.push(warning);
    }

    /// Groups the pending articles — by publication day, then id ([`Grouper::add_batch`]), so the
    /// stories of a batch do not depend on the order its articles arrived in — gives them their
    /// sequence numbers and commits them with the refreshed summaries of the stories they touch.
    pub fn commit(&mut self) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let batch: Vec<(ArticleId, Features)> = self
            .pending
            .iter_mut()
            .map(|(n, f)| (n.article.id.clone(), std::mem::take(f)))
            .collect();
        let groupings = self.grouper.add_batch(&batch);
        let mut articles: Vec<NewArticle> = Vec::with_capacity(self.pending.len());
        for ((mut new, _), grouping) in self.pending.drain(..).zip(groupings) {
            if grouping.duplicate_of.is_some() {
                self.report.duplicates += 1;
            }
            new.grouping = grouping;
            new.seq = self.next_seq;
            self.next_seq += 1;
            articles.push(new);
        }
        let stories = self.touched_summaries(&articles)?;
        self.report.stories.extend(stories.iter().map(|s| s.id.clone()));
        self.store.save_batch(&Batch { articles, stories })
    }

    /// The summaries of the stories `articles` join, with their stored members.
    fn touched_summaries(
        &self,
        articles: &[NewArticle],
    ) -> Result<Vec<storyline_model::StorySummary>, StoreError> {
        let story_of = |n: &NewArticle| n.grouping.story.clone().unwrap_or(n.article.id.clone());
        let mut by_story: BTreeMap<StoryId, Vec<(Article, Grouping)>> = BTreeMap::new();
        for new in articles {
            by_story.entry(story_of(new)).or_default();
        }
        for (story, members) in by_story.iter_mut() {
            let stored = self.store.story_articles(story)?;
            members.extend(stored.into_iter().map(|s| (s.article, s.grouping)));
        }
        for new in articles {
            let members = by_story.get_mut(&story_of(new)).expect("an entry per story");
            members.push((new.article.clone(), new.grouping.clone()));
        }
        Ok(by_story.iter().map(|(id, members)| summarise(id, members)).collect())
    }

    /// Commits what is pending and returns what the run did.
    pub fn finish(mut self) -> Result<IngestReport, StoreError> {
        self.commit()?;
        let mut report = self.report;
        report.stories.sort();
        report.stories.dedup();
        Ok(report)
    }
}

/// Runs the whole pipeline over `inputs` (parse, analyse, group, commit), storing every new
/// article. Records already stored are recognised by their content id before they are analysed.
pub fn ingest(
    store: &dyn Store,
    inputs: impl IntoIterator<Item = Result<Input, IngestError>>,
    progress: &dyn Progress,
) -> Result<IngestReport, StoreError> {
    let mut ingestor = Ingestor::open(store)?;
    let fail = |ingestor: &mut Ingestor, e: IngestError| {
        let failure = Failure::from(e);
        progress.failed(&failure);
        ingestor.fail(failure);
    };
    for input in inputs {
        let input = match input {
            Ok(input) => input,
            Err(e) => {
                fail(&mut ingestor, e);
                continue;
            }
        };
        let parsed = storyline_ingest::parse(&input);
        for w in parsed.warnings {
            progress.warning(&w);
            ingestor.warn(w);
        }
        for record in parsed.records {
            let article = match record {
                Ok(article) => article,
                Err(e) => {
                    fail(&mut ingestor, e);
                    continue;
                }
            };
            if !ingestor.is_new(&article.id)? {
                ingestor.skip_stored();
                continue;
            }
            match analyse(article) {
                Some(article) => {
                    ingestor.add(article)?;
                }
                None => fail(&mut ingestor, analysis_failed(&input.name)),
            }
        }
        progress.input_done(&input.name);
    }
    ingestor.finish()
}
