//! Full-text search over the stored articles: a tantivy index *derived* from the store.
//!
//! The store stays the one source of truth; the index can be deleted and rebuilt at any time
//! ([`SearchIndex::rebuild`], `storyline reindex`). It lives in a directory of its own —
//! `<db>.search/` beside a SQLite file by default ([`default_dir`]), any directory for any
//! backend — under a subdirectory per schema version (`v1/`), so a program with another schema
//! never reads (or deletes) an index it did not write.
//!
//! Consistency with ingest is by catch-up, not by a shared transaction: each index commit records
//! the last indexed `seq` (see [`sync`]), and [`SearchIndex::open`] and every
//! [`SearchIndex::search`] first index whatever the store holds beyond it. A crash between a store
//! commit and the index commit leaves those articles unindexed only until the next open or
//! search. Several processes may share an index: the one holding tantivy's writer lock catches
//! up, the others search what is committed and say how many articles are still pending.
//!
//! * [`schema`]: the fields and the document of an article.
//! * [`sync`]: the commit mark and catching up.
//! * [`query`]: [`SearchRequest`] and the query it parses into.
//! * [`results`]: ranking, snippets, facets, stories.
//! * [`facets`]: the facet counts.

pub mod facets;
pub mod query;
pub mod results;
pub mod schema;
pub mod sync;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use storyline_store::{Store, StoreError};
use tantivy::directory::error::LockError;
use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyError};

pub use query::{SearchRequest, DEFAULT_LIMIT, MAX_LIMIT};
pub use results::{FacetCount, Facets, Hit, SearchPage, Snippet};
pub use sync::CatchUp;

use schema::Fields;
use sync::Mark;

/// The schema version: the name of the index's subdirectory (`v1`) and part of every commit's
/// mark. Bump it whenever [`schema::schema`] or what is indexed changes.
pub const VERSION: u32 = 1;

/// Why a search or an index update failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The query could not be parsed (unbalanced quotes, an unknown field, an empty query).
    #[error("malformed query: {0}")]
    Query(String),
    /// Another parameter of the request is out of range.
    #[error("{0}")]
    Invalid(String),
    /// Another process holds the index's writer lock (it is catching up or rebuilding).
    #[error("the search index is being written by another process")]
    Busy,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("search index: {0}")]
    Index(TantivyError),
}

impl From<TantivyError> for SearchError {
    fn from(e: TantivyError) -> Self {
        match e {
            TantivyError::LockFailure(LockError::LockBusy, _) => SearchError::Busy,
            e => SearchError::Index(e),
        }
    }
}

impl From<tantivy::directory::error::OpenDirectoryError> for SearchError {
    fn from(e: tantivy::directory::error::OpenDirectoryError) -> Self {
        SearchError::Index(e.into())
    }
}

/// Where the index of the SQLite store at `db` lives by default: `<db>.search` beside it.
pub fn default_dir(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".search");
    PathBuf::from(name)
}

/// An open index: search it, catch it up, rebuild it. `Send + Sync`; catch-ups of one process
/// are serialised by a mutex, searches run side by side.
pub struct SearchIndex {
    index: Index,
    fields: Fields,
    reader: IndexReader,
    /// The mark of the last commit this process knows of; held while catching up.
    mark: Mutex<Mark>,
}

impl SearchIndex {
    /// Opens the index in `dir` (creating it), then catches it up with `store` — rebuilding it
    /// when it belongs to another store. When another process is writing the index, it is
    /// opened as it is (its searches report what is pending).
    pub fn open(dir: &Path, store: &dyn Store) -> Result<(SearchIndex, CatchUp), SearchError> {
        let search = SearchIndex::load(dir)?;
        let done = match search.catch_up_checked(store, true) {
            Err(SearchError::Busy) => CatchUp { seq: search.indexed_seq(), ..CatchUp::default() },
            other => other?,
        };
        Ok((search, done))
    }

    /// Opens the index in `dir` (creating it) without reading any store: for
    /// [`SearchIndex::rebuild`], or a caller that catches up later.
    pub fn load(dir: &Path) -> Result<SearchIndex, SearchError> {
        let versioned = dir.join(format!("v{VERSION}"));
        std::fs::create_dir_all(&versioned).map_err(|e| SearchError::Index(e.into()))?;
        let index = Index::open_or_create(MmapDirectory::open(&versioned)?, schema::schema())?;
        let fields = Fields::of(&index.schema()).map_err(|missing| {
            SearchError::Index(TantivyError::SchemaError(format!("no field {missing:?}")))
        })?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let mark = Mutex::new(sync::committed_mark(&index)?);
        Ok(SearchIndex { index, fields, reader, mark })
    }

    /// The seq of the last article this index holds (as far as this process knows).
    pub fn indexed_seq(&self) -> u64 {
        self.lock().seq
    }

    /// Indexes every stored article the index does not hold yet (nothing when it is up to
    /// date: then this costs one `last_seq` read). Rebuilds when the index belongs to another
    /// store. Returns [`SearchError::Busy`] when another process holds the writer lock.
    pub fn catch_up(&self, store: &dyn Store) -> Result<CatchUp, SearchError> {
        self.catch_up_checked(store, false)
    }

    /// [`SearchIndex::catch_up`]; with `verify`, the index's mark is checked against the store
    /// even when the sequence numbers agree (on open: another store of the same length).
    fn catch_up_checked(&self, store: &dyn Store, verify: bool) -> Result<CatchUp, SearchError> {
        let mut mark = self.lock();
        let stored = store.last_seq()?;
        if !verify && mark.version == VERSION && mark.seq == stored {
            return Ok(CatchUp { seq: stored, ..CatchUp::default() });
        }
        // Another process may have committed since: start from what is on disk.
        *mark = sync::committed_mark(&self.index)?;
        let rebuild = !sync::belongs_to(&mark, store)?;
        if !rebuild && mark.version == VERSION && mark.seq == stored {
            self.reader.reload()?;
            return Ok(CatchUp { seq: stored, ..CatchUp::default() });
        }
        self.update(&mut mark, store, rebuild)
    }

    /// Empties the index and indexes every stored article again (`storyline reindex`).
    pub fn rebuild(&self, store: &dyn Store) -> Result<CatchUp, SearchError> {
        let mut mark = self.lock();
        self.update(&mut mark, store, true)
    }

    /// Searches: catches up first (or, when another process is writing the index, searches what
    /// is committed and counts the rest as `pending`), then ranks, cuts snippets, counts facets
    /// and labels each hit with its current story.
    pub fn search(
        &self,
        store: &dyn Store,
        request: &SearchRequest,
    ) -> Result<SearchPage, SearchError> {
        request.check()?;
        let parsed = query::parse(&self.index, self.fields, request)?;
        let pending = match self.catch_up(store) {
            Ok(_) => 0,
            Err(SearchError::Busy) => {
                self.reader.reload()?;
                let committed = sync::committed_mark(&self.index)?.seq;
                store.last_seq()?.saturating_sub(committed)
            }
            Err(e) => return Err(e),
        };
        let mut page = results::run(&self.reader.searcher(), self.fields, &parsed, request)?;
        page.pending = pending;
        results::label_stories(store, &mut page)?;
        Ok(page)
    }

    fn update(
        &self,
        mark: &mut Mark,
        store: &dyn Store,
        rebuild: bool,
    ) -> Result<CatchUp, SearchError> {
        let (done, reached) = sync::index_after(&self.index, self.fields, store, mark, rebuild)?;
        *mark = reached;
        self.reader.reload()?;
        Ok(done)
    }

    fn lock(&self) -> MutexGuard<'_, Mark> {
        // A panic while catching up leaves the last *committed* mark behind, which is safe.
        self.mark.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
