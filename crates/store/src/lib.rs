//! The storage seam: the [`Store`] trait every backend implements, the types it speaks and a
//! backend-neutral [`StoreError`]. Implementations live beside it (`storyline-store-sqlite`, the
//! default single-file store); each runs the same [`conformance`] suite in its tests.
//!
//! A store keeps what the pipeline computed — articles with their analysis, the grouping features
//! and decisions, one summary row (and a cached report) per story with its storyline, what the
//! fetcher remembers — and knows nothing about how any of it is computed. Beside them it keeps
//! two lookups derived from what it stores: the [`entities`] the articles name, and each story's
//! storyline (its latest article's).
//!
//! Invariants every backend keeps:
//! * every method is one consistent read or one atomic write; a failed write changes nothing;
//! * writing an article whose id is stored already changes nothing (ids are content hashes, so
//!   re-ingesting and redelivery are harmless);
//! * articles come back in their sequence order ([`NewArticle::seq`], assigned by the one
//!   committer), never in an order the backend chose;
//! * a batch's cursor moves with the batch, never without it;
//! * a story's cached report is dropped whenever the story changes, and a report computed from an
//!   older state of the story is never saved over a newer one ([`Store::save_story_report`]);
//! * `Send + Sync` with `&self` methods: one store value serves many threads;
//! * one writer at a time: [`Store::lock_writer`] is exclusive across processes (and across calls
//!   in one process), so the grouping state a writer read is still the store's when it commits.

#[cfg(feature = "conformance")]
pub mod conformance;
pub mod entities;

pub use entities::{entity_id, EntityPage, EntityQuery, EntitySummary};

use std::fmt;

use storyline_model::{
    Article, ArticleId, Date, Grouping, StoryId, StoryReport, StorySummary, StorylineId,
};

/// What kind of failure a [`StoreError`] is, for callers that react differently (an HTTP status,
/// a retry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The store could not be opened, read or written (file, connection, disk full, lock).
    Unavailable,
    /// The store's schema is newer than this program: refusing rather than misreading it.
    TooNew,
    /// A stored row could not be read back (hand-edited, or written by a buggy version).
    Corrupt,
    /// The caller asked for something the store cannot do (a malformed query).
    Invalid,
}

/// A store failure: its kind, what the store was doing, and the backend's own error if any.
#[derive(Debug)]
pub struct StoreError {
    pub kind: ErrorKind,
    pub message: String,
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl StoreError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        StoreError { kind, message: message.into(), source: None }
    }

    /// A backend error, with what the store was doing when it happened.
    pub fn backend(
        kind: ErrorKind,
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        StoreError { kind, message: message.into(), source: Some(Box::new(source)) }
    }

    /// A stored row that could not be read back.
    pub fn corrupt(id: &str, reason: impl fmt::Display) -> Self {
        StoreError::new(ErrorKind::Corrupt, format!("stored article {id} is unreadable: {reason}"))
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "store: {}", self.message)?;
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|s| s as &(dyn std::error::Error + 'static))
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Streams the rows with a seq above `start` in seq order a page at a time, for backends:
/// `page(after)` reads the rows with a seq above `after` (in seq order, at most one page), `seq`
/// says a row's seq, and `each` gets every row; stops at the first error either returns.
pub fn for_each_in_pages<T>(
    start: u64,
    mut page: impl FnMut(u64) -> Result<Vec<T>>,
    seq: impl Fn(&T) -> u64,
    each: &mut dyn FnMut(T) -> Result<()>,
) -> Result<()> {
    let mut after = start;
    loop {
        let rows = page(after)?;
        let Some(last) = rows.last() else { return Ok(()) };
        after = seq(last);
        for row in rows {
            each(row)?;
        }
    }
}

/// An article as stored: the document, its place in the sequence, what grouping decided.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredArticle {
    pub seq: u64,
    pub article: Article,
    pub grouping: Grouping,
}

/// What a search index reads of one stored article: its metadata, its text and the names its
/// analysis found — not the rest of the analysis, which for a big article is many times its text
/// ([`Store::for_each_searchable_after`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchableArticle {
    pub seq: u64,
    pub id: ArticleId,
    pub title: Option<String>,
    pub source: Option<String>,
    pub published: Option<Date>,
    pub text: String,
    /// The distinct canonical names of the article's entity mentions, as stored (untrimmed), in
    /// the order first mentioned.
    pub names: Vec<String>,
}

impl From<StoredArticle> for SearchableArticle {
    fn from(stored: StoredArticle) -> Self {
        let a = stored.article;
        let mut names = Names::default();
        for e in a.analysis.entities {
            names.add(e.canonical);
        }
        SearchableArticle {
            seq: stored.seq,
            id: a.id,
            title: a.title,
            source: a.source,
            published: a.published,
            text: a.text,
            names: names.into_vec(),
        }
    }
}

/// Distinct names in the order first added (a set beside the list: a big article names over a
/// million mentions).
#[derive(Debug, Default)]
pub struct Names {
    list: Vec<String>,
    seen: std::collections::HashSet<String>,
}

impl Names {
    /// Adds `name` unless it was added before.
    pub fn add(&mut self, name: String) {
        if !self.seen.contains(&name) {
            self.seen.insert(name.clone());
            self.list.push(name);
        }
    }

    pub fn into_vec(self) -> Vec<String> {
        self.list
    }
}

/// A new article to store, with the grouping features (opaque JSON owned by the group stage).
#[derive(Debug, Clone)]
pub struct NewArticle {
    /// Its place in the store's order: the committer gives each new article the next number
    /// after [`Store::last_seq`], so every backend returns articles in the same order.
    pub seq: u64,
    pub article: Article,
    pub features: String,
    pub grouping: Grouping,
}

/// One ingest batch: written atomically — all of it or none of it.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub articles: Vec<NewArticle>,
    /// Summaries of every story the batch created or extended (replacing the stored ones; their
    /// cached reports are dropped).
    pub stories: Vec<StorySummary>,
    /// How far a consumer of a work stream has got, saved with the batch it produced (so a
    /// restarted consumer resumes exactly after the last committed message).
    pub cursor: Option<Cursor>,
}

/// A named position in an external sequence (a work stream's sequence number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub name: String,
    pub position: u64,
}

/// What the group stage needs to restore its state: one row per stored article, in seq order.
#[derive(Debug, Clone)]
pub struct GroupingRecord {
    pub seq: u64,
    pub id: ArticleId,
    pub features: String,
    pub grouping: Grouping,
}

/// What the fetcher remembers about one URL, for conditional requests on the next run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchState {
    pub url: String,
    /// The `ETag` the server sent with the last successful response.
    pub etag: Option<String>,
    /// The `Last-Modified` the server sent with the last successful response.
    pub last_modified: Option<String>,
    /// When the URL was last fetched (RFC 3339, UTC).
    pub fetched_at: String,
    /// The HTTP status of the last response (0 when the request failed).
    pub status: u16,
}

/// How a story listing is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StoryOrder {
    /// Newest first (undated stories last), then larger first, then by id.
    #[default]
    Newest,
    /// Most outlets first, then most articles, then newest, then by id.
    Largest,
    /// Oldest first (undated stories last), then larger first, then by id: a storyline's thread.
    Oldest,
}

/// A page of the story listing, filtered. The default lists every story, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryQuery {
    pub order: StoryOrder,
    /// At most this many stories.
    pub limit: usize,
    /// Skip this many (of the filtered, ordered list).
    pub offset: usize,
    /// Only stories carried by at least this many outlets.
    pub min_sources: usize,
    /// Only stories dated on or after this day.
    pub since: Option<Date>,
    /// Only stories dated on or before this day.
    pub until: Option<Date>,
    /// Only stories with an article from this outlet (exact name).
    pub outlet: Option<String>,
    /// Only stories with an article naming this entity (its [`entity_id`]).
    pub entity: Option<String>,
    /// Only the stories of this storyline.
    pub storyline: Option<StorylineId>,
}

impl Default for StoryQuery {
    fn default() -> Self {
        StoryQuery {
            order: StoryOrder::Newest,
            limit: usize::MAX,
            offset: 0,
            min_sources: 0,
            since: None,
            until: None,
            outlet: None,
            entity: None,
            storyline: None,
        }
    }
}

/// The storyline a story belongs to and how many stories it holds (the story included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorylineOf {
    pub story: StoryId,
    /// The storyline's id (the id of the story that began it).
    pub storyline: StorylineId,
    pub stories: usize,
}

/// One page of stories and how many match the query in all.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StoryPage {
    pub total: usize,
    pub stories: Vec<StorySummary>,
}

/// A story's cached report and the revision of the story it must match.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedReport {
    /// Bumped by every write that changes the story.
    pub revision: u64,
    /// The report saved for this revision, if one was.
    pub report: Option<StoryReport>,
}

/// Proof of being a store's one writer ([`Store::lock_writer`]): held from reading the grouping
/// state to the last commit, released when dropped — and by the operating system or the database
/// server when the process dies, so a killed writer never leaves the store locked.
pub struct WriterLock {
    _held: Box<dyn Send>,
}

impl WriterLock {
    /// A lock released when `held` is dropped (for backends).
    pub fn new(held: impl Send + 'static) -> Self {
        WriterLock { _held: Box::new(held) }
    }
}

impl fmt::Debug for WriterLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WriterLock")
    }
}

/// A storage backend. Every method is one consistent read or one atomic write.
pub trait Store: Send + Sync {
    /// Waits until no other writer — in any process, or an earlier call in this one — holds the
    /// store's writer lock, then takes it. Readers are never blocked by it.
    fn lock_writer(&self) -> Result<WriterLock>;
    /// Whether an article with this content id is already stored.
    fn contains(&self, id: &str) -> Result<bool>;
    /// The highest sequence number stored (0 for an empty store).
    fn last_seq(&self) -> Result<u64>;
    /// Writes a batch in one transaction (its cursor included). Articles already present are
    /// left untouched.
    fn save_batch(&self, batch: &Batch) -> Result<()>;
    /// The position saved under `name` by the last batch that carried that cursor.
    fn cursor(&self, name: &str) -> Result<Option<u64>>;
    fn article(&self, id: &str) -> Result<Option<StoredArticle>>;
    /// Up to `limit` ids of stored articles starting with `prefix`, in id order.
    fn article_ids(&self, prefix: &str, limit: usize) -> Result<Vec<ArticleId>>;
    /// Articles of one story, in seq order.
    fn story_articles(&self, story: &StoryId) -> Result<Vec<StoredArticle>>;
    /// A page of stories, filtered and ordered as `query` asks.
    fn stories(&self, query: &StoryQuery) -> Result<StoryPage>;
    fn story(&self, id: &StoryId) -> Result<Option<StorySummary>>;
    /// Up to `limit` ids of stories starting with `prefix`, in id order.
    fn story_ids(&self, prefix: &str, limit: usize) -> Result<Vec<StoryId>>;
    /// The story's cached report and current revision (`None` for an unknown story).
    fn cached_report(&self, story: &StoryId) -> Result<Option<CachedReport>>;
    /// Caches `report` for its story if the story is still at `revision` (otherwise the report
    /// was computed from an older state and is dropped). Returns whether it was saved.
    fn save_story_report(&self, revision: u64, report: &StoryReport) -> Result<bool>;
    /// Calls `each` on the grouping state of every stored article in seq order, a page at a
    /// time (memory bounded by the page, not the store); stops at the first error `each`
    /// returns.
    fn for_each_grouping_record(
        &self,
        each: &mut dyn FnMut(GroupingRecord) -> Result<()>,
    ) -> Result<()>;
    /// Like [`Store::for_each_grouping_record`], but only the articles published from `from` to
    /// `until` (both days included; undated articles are left out), in seq order: the stories of
    /// an old article's own days, which a late article (a backfill) is grouped among.
    fn for_each_grouping_record_published(
        &self,
        from: Date,
        until: Date,
        each: &mut dyn FnMut(GroupingRecord) -> Result<()>,
    ) -> Result<()>;
    /// Replaces the groupings of stored articles and the story summaries (what `regroup`
    /// recomputed), atomically: every listed article gets its new grouping, every story no
    /// stored article belongs to any more is dropped, and `stories` replace the stored ones.
    fn save_groupings(
        &self,
        groupings: &[(ArticleId, Grouping)],
        stories: &[StorySummary],
    ) -> Result<()>;
    /// Calls `each` on every stored article in seq order, one at a time (constant memory);
    /// stops at the first error `each` returns.
    fn for_each_article(&self, each: &mut dyn FnMut(StoredArticle) -> Result<()>) -> Result<()> {
        self.for_each_article_after(0, each)
    }
    /// Like [`Store::for_each_article`], but only the articles whose seq is greater than `after`
    /// (what a derived index, caught up to `after`, has not seen yet).
    fn for_each_article_after(
        &self,
        after: u64,
        each: &mut dyn FnMut(StoredArticle) -> Result<()>,
    ) -> Result<()>;
    /// Like [`Store::for_each_article_after`], but only what a search index reads of each
    /// article ([`SearchableArticle`]). The default reads each article whole; a backend that can
    /// read the stored document in a stream overrides it, so a big article's analysis is never
    /// held (a 50 MB article's is over 300 MB of JSON).
    fn for_each_searchable_after(
        &self,
        after: u64,
        each: &mut dyn FnMut(SearchableArticle) -> Result<()>,
    ) -> Result<()> {
        self.for_each_article_after(after, &mut |stored| each(SearchableArticle::from(stored)))
    }
    /// Number of stored articles.
    fn count(&self) -> Result<usize>;
    /// What was remembered about `url` by the last fetch, if it was ever fetched.
    fn fetch_state(&self, url: &str) -> Result<Option<FetchState>>;
    /// Remembers the outcome of a fetch (replacing what was remembered about its URL).
    fn save_fetch_state(&self, state: &FetchState) -> Result<()>;
    /// Ids of the stored articles whose URL is `url`, in seq order.
    fn articles_at_url(&self, url: &str) -> Result<Vec<ArticleId>>;
    /// Records that `article` is a new revision of `previous` (both stored, same URL).
    fn save_revision(&self, article: &str, previous: &str) -> Result<()>;
    /// The article `article` revises, if it is a revision.
    fn previous_revision(&self, article: &str) -> Result<Option<ArticleId>>;
    /// A page of the entity index (what stored articles name), as `query` asks.
    fn entities(&self, query: &EntityQuery) -> Result<EntityPage>;
    /// One entity of the index by its id.
    fn entity(&self, id: &str) -> Result<Option<EntitySummary>>;
    /// Which of `ids` are entities of the index (in any order; cheap: no counting).
    fn known_entities(&self, ids: &[String]) -> Result<Vec<String>>;
    /// The storylines of the given stories (unknown stories are left out), in any order. A
    /// story's storyline is its latest article's (its own id when no article says one).
    fn storylines_of(&self, stories: &[StoryId]) -> Result<Vec<StorylineOf>>;
    /// The story each of the given articles belongs to now, as `(article, story)` in any order
    /// (articles the store lacks are left out): what a search labels its hits with. The default
    /// reads each article whole; a backend answers from its grouping columns alone.
    fn stories_of_articles(&self, articles: &[ArticleId]) -> Result<Vec<(ArticleId, StoryId)>> {
        let mut found = Vec::with_capacity(articles.len());
        for id in articles {
            if let Some(stored) = self.article(id)? {
                let story = stored.grouping.story.unwrap_or_else(|| StoryId::started_by(id));
                found.push((id.clone(), story));
            }
        }
        Ok(found)
    }
}
