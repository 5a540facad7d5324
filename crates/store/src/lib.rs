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
    /// Every stored article, in stored order (for export).
    fn all_articles(&self) -> Result<Vec<StoredArticle>>;
    /// Number of stored articles.
    fn count(&self) -> Result<usize>;
}
