//! Storage: the [`Store`] trait every backend implements, and the embedded SQLite backend
//! ([`SqliteStore`]), Storyline's default single-file store.
//!
//! The store persists articles (with their analysis), the grouping features and decisions the
//! group stage made, and one summary row per story. It knows nothing about how any of these are
//! computed: it only keeps them, transactionally. A PostgreSQL backend implements the same trait.

mod sqlite;

pub use sqlite::SqliteStore;

use storyline_model::{Article, ArticleId, Grouping, StoryId, StorySummary};

/// Errors from a store backend.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store {path}: {source}")]
    Sqlite {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error(
        "store {path}: schema version {found} is newer than this program understands ({known})"
    )]
    TooNew { path: String, found: i64, known: i64 },
    #[error("store: stored article {id} is unreadable: {reason}")]
    Corrupt { id: String, reason: String },
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// An article as stored: the document and what grouping decided about it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredArticle {
    pub article: Article,
    pub grouping: Grouping,
}

/// A new article to store, with the grouping features (opaque JSON owned by the group stage).
#[derive(Debug, Clone)]
pub struct NewArticle {
    pub article: Article,
    pub features: String,
    pub grouping: Grouping,
}

/// One ingest batch: written atomically — all of it or none of it.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub articles: Vec<NewArticle>,
    /// Summaries of every story the batch created or extended (replacing the stored ones).
    pub stories: Vec<StorySummary>,
}

/// What the group stage needs to restore its state: one row per stored article, in stored order.
#[derive(Debug, Clone)]
pub struct GroupingRecord {
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

/// A storage backend. Every method is one consistent read or one atomic write.
pub trait Store {
    /// Whether an article with this content id is already stored.
    fn contains(&self, id: &str) -> Result<bool>;
    /// Writes a batch in one transaction. Articles already present are left untouched.
    fn save_batch(&mut self, batch: &Batch) -> Result<()>;
    fn article(&self, id: &str) -> Result<Option<StoredArticle>>;
    /// Articles of one story, in stored order.
    fn story_articles(&self, story: &StoryId) -> Result<Vec<StoredArticle>>;
    /// All stories, newest first.
    fn stories(&self) -> Result<Vec<StorySummary>>;
    fn story(&self, id: &StoryId) -> Result<Option<StorySummary>>;
    /// Grouping state of every stored article, in stored order.
    fn grouping_records(&self) -> Result<Vec<GroupingRecord>>;
    /// Replaces the groupings of stored articles and the story summaries (what `regroup`
    /// recomputed), atomically: every listed article gets its new grouping, every story no
    /// stored article belongs to any more is dropped, and `stories` replace the stored ones.
    fn save_groupings(
        &mut self,
        groupings: &[(ArticleId, Grouping)],
        stories: &[StorySummary],
    ) -> Result<()>;
    /// Every stored article, in stored order (for export).
    fn all_articles(&self) -> Result<Vec<StoredArticle>>;
    /// Number of stored articles.
    fn count(&self) -> Result<usize>;
    /// What was remembered about `url` by the last fetch, if it was ever fetched.
    fn fetch_state(&self, url: &str) -> Result<Option<FetchState>>;
    /// Remembers the outcome of a fetch (replacing what was remembered about its URL).
    fn save_fetch_state(&mut self, state: &FetchState) -> Result<()>;
    /// Ids of the stored articles whose URL is `url`, oldest first.
    fn articles_at_url(&self, url: &str) -> Result<Vec<ArticleId>>;
    /// Records that `article` is a new revision of `previous` (both stored, same URL).
    fn save_revision(&mut self, article: &str, previous: &str) -> Result<()>;
    /// The article `article` revises, if it is a revision.
    fn previous_revision(&self, article: &str) -> Result<Option<ArticleId>>;
}
