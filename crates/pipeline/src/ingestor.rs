//! The ordered committer: groups analysed articles in batches and commits each batch, with the
//! summaries of the stories it touched, in one store transaction. A crash mid-ingest leaves every
//! earlier batch stored and nothing half-written.
//!
//! It is the store's one writer: it holds the store's writer lock ([`Store::lock_writer`]) from
//! reading the grouping state to committing, so two ingests into one store wait for each other
//! and store what running them one after the other would. A long-lived ingestor (the server's)
//! [`Ingestor::unlock`]s between requests and takes the lock again on the next article, restoring
//! its grouping state first when another writer committed in between.

use std::collections::{BTreeMap, HashSet};

use storyline_group::{Features, Grouper};
use storyline_ingest::{IngestError, Input};
use storyline_model::{Article, ArticleId, Date, Grouping, StoryId};
use storyline_store::{Batch, Cursor, GroupingRecord, NewArticle, Store, StoreError, WriterLock};

use crate::late::{self, LateGrouper};
use crate::prepare::{prepare_article, record_name, PreparedArticle};
use crate::reports::summarise;

/// Articles grouped and committed together (the evaluation of grouping uses the same batches).
pub const BATCH: usize = 256;

/// What one ingest run did (`storyline ingest --json`, `POST /api/v1/articles`).
#[derive(Debug, Default, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub articles: Vec<ArticleId>,
    /// Stories created or extended by this run.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub stories: Vec<StoryId>,
    /// The first and last publication day of the new articles (what [`crate::settle`] regroups).
    #[serde(skip)]
    pub published: Option<(Date, Date)>,
}

/// An input or record that could not be ingested, and why (`name` or `name:LINE` names it).
#[derive(Debug, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
/// Records are what a rate means on one big file (a JSON Lines file or a WARC archive holds
/// thousands): `records_found` when an input is parsed, `record_done` as each is settled —
/// stored, skipped as stored already, or failed — in input order.
pub trait Progress {
    fn records_found(&self, _count: usize) {}
    fn record_done(&self) {}
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
    /// How many regroups the store had seen when the grouping state was restored
    /// ([`REGROUPS_CURSOR`]): another process's `regroup` moves stored articles without adding
    /// any, so `last_seq` alone would not show the state is stale.
    regroups: u64,
    /// Where the consumed work stream stands, saved with the next commit.
    cursor: Option<Cursor>,
    /// The position of the last cursor this ingestor saved.
    saved: Option<u64>,
    /// The report's counts as of the last commit: what [`Ingestor::abandon`] keeps.
    committed: [usize; 4],
    report: IngestReport,
    /// The store's writer lock, while this ingestor holds it.
    lock: Option<WriterLock>,
    /// The grouper of late articles (a backfill), kept between batches ([`crate::late`]).
    late: Option<LateGrouper>,
}

impl<'s> Ingestor<'s> {
    /// Takes the store's writer lock (waiting while another writer holds it) and restores the
    /// grouping state from what `store` holds, so new articles extend its stories.
    pub fn open(store: &'s dyn Store) -> Result<Self, StoreError> {
        let lock = store.lock_writer()?;
        let regroups = regroups(store)?;
        let (grouper, next_seq) = restore(store)?;
        Ok(Ingestor {
            store,
            grouper,
            pending: Vec::new(),
            seen: HashSet::new(),
            next_seq,
            regroups,
            cursor: None,
            saved: None,
            committed: [0; 4],
            report: IngestReport::default(),
            lock: Some(lock),
            late: None,
        })
    }

    /// Commits what is pending and releases the writer lock, so another writer can go on; the
    /// next article added takes it again (see [`Ingestor::lock`]).
    pub fn unlock(&mut self) -> Result<(), StoreError> {
        self.commit()?;
        self.lock = None;
        Ok(())
    }

    /// Takes the writer lock again if [`Ingestor::unlock`] released it; when another writer
    /// committed in the meantime, the grouping state is restored from the store first.
    pub fn lock(&mut self) -> Result<(), StoreError> {
        if self.lock.is_some() {
            return Ok(());
        }
        let lock = self.store.lock_writer()?;
        let regroups = regroups(self.store)?;
        if self.store.last_seq()? != self.last_seq() || regroups != self.regroups {
            (self.grouper, self.next_seq) = restore(self.store)?;
            self.regroups = regroups;
            self.late = None;
        }
        self.lock = Some(lock);
        Ok(())
    }

    /// Whether an article with this id is neither stored nor added in this run.
    pub fn is_new(&self, id: &str) -> Result<bool, StoreError> {
        Ok(!self.seen.contains(id) && !self.store.contains(id)?)
    }

    /// Adds one analysed article; returns whether it was new (an article stored already, or
    /// added before in this run, is counted and skipped). Commits when a batch is full.
    pub fn add(&mut self, article: Article) -> Result<bool, StoreError> {
        let features = storyline_group::features(&article);
        self.add_prepared(PreparedArticle { article, features })
    }

    /// [`Ingestor::add`] for an article prepared already (by a worker thread or process: its
    /// features are a pure function of the article).
    pub fn add_prepared(&mut self, prepared: PreparedArticle) -> Result<bool, StoreError> {
        self.lock()?;
        if !self.is_new(&prepared.article.id)? {
            self.report.already_stored += 1;
            return Ok(false);
        }
        self.add_unstored(prepared)
    }

    /// Adds an article the caller found missing from the store (before analysing it); only an
    /// earlier copy in this run is checked here, so the store is asked once per record.
    fn add_unstored(&mut self, prepared: PreparedArticle) -> Result<bool, StoreError> {
        let PreparedArticle { article, features } = prepared;
        if !self.seen.insert(article.id.clone()) {
            self.report.already_stored += 1;
            return Ok(false);
        }
        let json = serde_json::to_string(&features).expect("features always serialise");
        if let Some(day) = article.published {
            let (first, last) = self.report.published.get_or_insert((day, day));
            (*first, *last) = ((*first).min(day), (*last).max(day));
        }
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

    /// Notes how far the consumed work stream has got: saved with the next commit, in the same
    /// transaction as the articles that came before it.
    pub fn set_cursor(&mut self, cursor: Cursor) {
        self.cursor = Some(cursor);
    }

    /// The position of the last cursor this ingestor committed ([`Ingestor::set_cursor`]), if any.
    pub fn saved_cursor(&self) -> Option<u64> {
        self.saved
    }

    /// Gives up on what is pending (after a store failure: nothing of it was committed) and
    /// returns the report without the pending articles. The writer lock is released.
    /// (The failures and warnings noted since the last commit stay: they may be reported again
    /// when the same input is read again.)
    pub fn abandon(mut self) -> IngestReport {
        let mut report = std::mem::take(&mut self.report);
        let [ingested, articles, duplicates, stories] = self.committed;
        report.ingested = ingested;
        report.articles.truncate(articles);
        report.duplicates = duplicates;
        report.stories.truncate(stories);
        report.stories.sort();
        report.stories.dedup();
        report
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
    /// stories of a batch do not depend on the order its articles arrived in; late articles
    /// among the stored stories of their own days ([`crate::late`]) — gives them their
    /// sequence numbers and commits them with the refreshed summaries of the stories they touch.
    pub fn commit(&mut self) -> Result<(), StoreError> {
        if !self.pending.is_empty() || self.cursor.is_some() {
            self.lock()?;
        }
        if self.pending.is_empty() {
            if let Some(cursor) = self.cursor.take() {
                let position = cursor.position;
                self.store.save_batch(&Batch { cursor: Some(cursor), ..Batch::default() })?;
                self.saved = Some(position);
            }
            return Ok(());
        }
        let batch: Vec<(ArticleId, Features)> = self
            .pending
            .iter_mut()
            .map(|(n, f)| (n.article.id.clone(), std::mem::take(f)))
            .collect();
        let groupings = late::group_batch(&mut self.grouper, &mut self.late, self.store, &batch)?;
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
        let stories = self.touched_summaries(&mut articles)?;
        self.report.stories.extend(stories.iter().map(|s| s.id.clone()));
        let cursor = self.cursor.take();
        let position = cursor.as_ref().map(|c| c.position);
        self.store.save_batch(&Batch { articles, stories, cursor })?;
        self.saved = position.or(self.saved);
        let r = &self.report;
        self.committed = [r.ingested, r.articles.len(), r.duplicates, r.stories.len()];
        Ok(())
    }

    /// The summaries of the stories `articles` join, with their stored members. The new
    /// articles are lent to the summaries and given back, never copied (a big article and its
    /// analysis are hundreds of MB).
    fn touched_summaries(
        &self,
        articles: &mut [NewArticle],
    ) -> Result<Vec<storyline_model::StorySummary>, StoreError> {
        let story_of = |n: &NewArticle| {
            n.grouping.story.clone().unwrap_or_else(|| StoryId::started_by(&n.article.id))
        };
        let mut by_story: BTreeMap<StoryId, Vec<(Article, Grouping)>> = BTreeMap::new();
        for new in articles.iter() {
            by_story.entry(story_of(new)).or_default();
        }
        for (story, members) in by_story.iter_mut() {
            let stored = self.store.story_articles(story)?;
            members.extend(stored.into_iter().map(|s| (s.article, s.grouping)));
        }
        // Where each new article went: its story and its place among the members.
        let mut lent = Vec::with_capacity(articles.len());
        for new in articles.iter_mut() {
            let story = story_of(new);
            let members = by_story.get_mut(&story).expect("an entry per story");
            lent.push((story, members.len()));
            members
                .push((std::mem::replace(&mut new.article, placeholder()), new.grouping.clone()));
        }
        let summaries = by_story.iter().map(|(id, members)| summarise(id, members)).collect();
        for (new, (story, at)) in articles.iter_mut().zip(lent) {
            let members = by_story.get_mut(&story).expect("an entry per story");
            new.article = std::mem::replace(&mut members[at].0, placeholder());
        }
        Ok(summaries)
    }

    /// The sequence number of the last article this ingestor committed or restored: when the
    /// store's [`Store::last_seq`] is past it, another writer committed since and this grouping
    /// state is stale (reopen it).
    pub fn last_seq(&self) -> u64 {
        self.next_seq - 1
    }

    /// Runs `inputs` through the pipeline on the calling thread, commits them and returns what
    /// this call did; the ingestor stays open with its grouping state for the next call (a
    /// long-running writer, such as the HTTP server's, restores the store once).
    pub fn ingest_inputs(
        &mut self,
        inputs: impl IntoIterator<Item = Result<Input, IngestError>>,
        progress: &dyn Progress,
    ) -> Result<IngestReport, StoreError> {
        self.lock()?;
        let mut inline = |_: usize, job: Job| Some(job.run());
        Feed::new(self, progress).run(inputs, 1, &mut inline, &mut || None)?;
        self.take_report()
    }

    /// Commits what is pending and returns what the run did.
    pub fn finish(mut self) -> Result<IngestReport, StoreError> {
        self.take_report()
    }

    /// Commits what is pending and hands over the report so far (each story named once),
    /// leaving an empty one.
    fn take_report(&mut self) -> Result<IngestReport, StoreError> {
        self.commit()?;
        let mut report = std::mem::take(&mut self.report);
        self.committed = [0; 4];
        report.stories.sort();
        report.stories.dedup();
        Ok(report)
    }
}

/// Runs the whole pipeline over `inputs` (parse, analyse, group, commit), storing every new
/// article, with the analysis on every core ([`ingest_with_threads`]).
pub fn ingest(
    store: &dyn Store,
    inputs: impl IntoIterator<Item = Result<Input, IngestError>>,
    progress: &dyn Progress,
) -> Result<IngestReport, StoreError> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    ingest_with_threads(store, inputs, progress, threads)
}

/// Runs the whole pipeline over `inputs` with `threads` threads analysing articles (1: all on the
/// calling thread). Inputs are parsed and records already stored are recognised (by their
/// content id, before any analysis) on the calling thread; the analysis and grouping features of
/// each new record run on the workers; the results are added to the one [`Ingestor`] in input
/// order, so what is stored is the same, byte for byte, whatever the number of threads. At most
/// `4 × threads` records are in flight.
pub fn ingest_with_threads(
    store: &dyn Store,
    inputs: impl IntoIterator<Item = Result<Input, IngestError>>,
    progress: &dyn Progress,
    threads: usize,
) -> Result<IngestReport, StoreError> {
    let mut ingestor = Ingestor::open(store)?;
    if threads <= 1 {
        return ingestor.ingest_inputs(inputs, progress);
    }
    let (job_tx, job_rx) = std::sync::mpsc::channel::<(usize, Job)>();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<(usize, Analysed)>();
    let job_rx = std::sync::Mutex::new(job_rx);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let (job_rx, done_tx) = (&job_rx, done_tx.clone());
            scope.spawn(move || loop {
                let next = job_rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                let Ok((index, job)) = next else { return };
                if done_tx.send((index, job.run())).is_err() {
                    return;
                }
            });
        }
        let mut dispatch = |index: usize, job: Job| {
            job_tx.send((index, job)).expect("workers outlive the feed");
            None
        };
        let mut collect = || done_rx.recv().ok();
        let fed = Feed::new(&mut ingestor, progress).run(
            inputs,
            4 * threads,
            &mut dispatch,
            &mut collect,
        );
        drop(job_tx);
        fed
    })?;
    ingestor.finish()
}

/// One record to analyse, and the input it came from (named if its analysis fails); with
/// `language`, its language is still to be detected ([`storyline_ingest::records_with`]: that
/// costly step runs on the workers, not on the thread reading the input).
struct Job {
    input: String,
    article: Article,
    language: bool,
}

/// A record after the stateless step, or why it failed.
type Analysed = Result<PreparedArticle, IngestError>;

impl Job {
    fn run(mut self) -> Analysed {
        if self.language {
            let article = &mut self.article;
            let detect =
                std::panic::AssertUnwindSafe(|| storyline_ingest::complete_language(article));
            if std::panic::catch_unwind(detect).is_err() {
                let reason = storyline_ingest::INTERNAL_ERROR.to_string();
                return Err(IngestError { input: self.input, reason });
            }
        }
        prepare_article(&self.input, self.article)
    }
}

/// Feeds records to the analysis in input order and adds the results to the ingestor in the
/// same order, whatever order they come back in.
struct Feed<'a, 's> {
    ingestor: &'a mut Ingestor<'s>,
    progress: &'a dyn Progress,
    /// Results that came back before an earlier record's.
    waiting: BTreeMap<usize, Analysed>,
    /// Index of the next record to hand out, and of the next to add.
    sent: usize,
    added: usize,
}

impl<'a, 's> Feed<'a, 's> {
    fn new(ingestor: &'a mut Ingestor<'s>, progress: &'a dyn Progress) -> Self {
        Feed { ingestor, progress, waiting: BTreeMap::new(), sent: 0, added: 0 }
    }

    /// `dispatch` hands a record to the analysis (returning its result at once when it runs
    /// inline); `collect` waits for one result from the workers.
    fn run(
        mut self,
        inputs: impl IntoIterator<Item = Result<Input, IngestError>>,
        max_in_flight: usize,
        dispatch: &mut dyn FnMut(usize, Job) -> Option<Analysed>,
        collect: &mut dyn FnMut() -> Option<(usize, Analysed)>,
    ) -> Result<(), StoreError> {
        for input in inputs {
            let input = match input {
                Ok(input) => input,
                Err(e) => {
                    self.fail(e);
                    continue;
                }
            };
            // Read record by record: a big JSON Lines file is committed in batches as it goes.
            let mut records = storyline_ingest::records_with(&input, false);
            let language = records.language_deferred;
            let Input { name, bytes } = input;
            drop(bytes); // the records hold what they still need
            self.progress.records_found(records.count);
            self.warn(records.take_warnings());
            while let Some(record) = records.next() {
                self.warn(records.take_warnings());
                let article = match record {
                    Ok(article) => article,
                    Err(e) => {
                        self.fail(e);
                        self.progress.record_done();
                        continue;
                    }
                };
                if !self.ingestor.is_new(&article.id)? {
                    self.ingestor.skip_stored();
                    self.progress.record_done();
                    continue;
                }
                while self.sent - self.added >= max_in_flight {
                    self.wait(collect)?;
                }
                let index = self.sent;
                self.sent += 1;
                if let Some(done) =
                    dispatch(index, Job { input: record_name(&name, &article), article, language })
                {
                    self.waiting.insert(index, done);
                    self.add_ready()?;
                }
            }
            self.progress.input_done(&name);
        }
        while self.added < self.sent {
            self.wait(collect)?;
        }
        Ok(())
    }

    /// Waits for one result, then adds every result that is next in order.
    fn wait(
        &mut self,
        collect: &mut dyn FnMut() -> Option<(usize, Analysed)>,
    ) -> Result<(), StoreError> {
        let (index, done) = collect().expect("a worker answers every record it was given");
        self.waiting.insert(index, done);
        self.add_ready()
    }

    fn add_ready(&mut self) -> Result<(), StoreError> {
        while let Some(done) = self.waiting.remove(&self.added) {
            self.added += 1;
            match done {
                Ok(prepared) => {
                    self.ingestor.add_unstored(prepared)?;
                }
                Err(e) => self.fail(e),
            }
            self.progress.record_done();
        }
        Ok(())
    }

    fn warn(&mut self, warnings: Vec<String>) {
        for w in warnings {
            self.progress.warning(&w);
            self.ingestor.warn(w);
        }
    }

    fn fail(&mut self, e: IngestError) {
        let failure = Failure::from(e);
        self.progress.failed(&failure);
        self.ingestor.fail(failure);
    }
}

/// An empty article, standing in for one lent out.
fn placeholder() -> Article {
    Article {
        id: ArticleId::from(String::new()),
        input_id: None,
        url: None,
        title: None,
        title_origin: Default::default(),
        published: None,
        published_origin: None,
        source: None,
        author: None,
        language: None,
        text: String::new(),
        removed: Vec::new(),
        analysis: Default::default(),
    }
}

/// The store cursor counting the regroups that moved stored articles (bumped by
/// [`crate::regroup()`] after it saved them), so a writer holding grouping state notices.
pub const REGROUPS_CURSOR: &str = "storyline.regroups";

/// How many regroups moved stored articles so far.
pub(crate) fn regroups(store: &dyn Store) -> Result<u64, StoreError> {
    Ok(store.cursor(REGROUPS_CURSOR)?.unwrap_or(0))
}

/// The grouping state of everything `store` holds, and the sequence number the next article gets.
fn restore(store: &dyn Store) -> Result<(Grouper, u64), StoreError> {
    let mut grouper = Grouper::new();
    store.for_each_grouping_record(&mut |record| restore_record(&mut grouper, &record))?;
    Ok((grouper, store.last_seq()? + 1))
}

/// Re-adds a stored article to `grouper` with the grouping it has ([`Grouper::restore`]).
pub(crate) fn restore_record(
    grouper: &mut Grouper,
    record: &GroupingRecord,
) -> Result<(), StoreError> {
    grouper.restore(&record.id, record_features(record)?, &record.grouping);
    Ok(())
}

/// The grouping features a record stores (JSON written by [`Ingestor`]).
pub(crate) fn record_features(record: &GroupingRecord) -> Result<Features, StoreError> {
    serde_json::from_str(&record.features)
        .map_err(|e| StoreError::corrupt(&record.id, format!("grouping features: {e}")))
}
