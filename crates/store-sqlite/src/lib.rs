//! Storyline's default store: one SQLite file (WAL journal), schema versioned with
//! `PRAGMA user_version` and forward-only migrations, every write in one transaction.
//!
//! One connection behind a mutex makes the store `Send + Sync`; SQLite serialises writers anyway,
//! and WAL lets other processes read while one writes. Long reads ([`Store::for_each_article`])
//! page through the table so the lock is never held while the caller works.
//!
//! The one-writer lock ([`Store::lock_writer`]) is an advisory lock (`flock`, through std's
//! `File::lock`) on `<db>.lock` beside the store, not a SQLite transaction: a writer holds it for
//! a whole run while committing batch after batch (each its own transaction, so a crash keeps the
//! batches before it), another writer waits for it however long that takes (SQLite's busy timeout
//! would give up), readers never notice it, and the kernel releases it when the process ends, even
//! by `kill -9`, so it can never be left stale. The lock file is never deleted (deleting it would
//! let two writers lock two different files).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension, Row};
use storyline_model::{Article, ArticleId, Grouping, StoryId, StoryReport, StorySummary};
use storyline_store::{
    Batch, CachedReport, ErrorKind, FetchState, GroupingRecord, Result, Store, StoreError,
    StoredArticle, StoryOrder, StoryPage, StoryQuery, WriterLock,
};

/// Forward-only migrations; migration `i` brings the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &[
    // v1: articles with their document, grouping features and decisions; one row per story.
    "CREATE TABLE articles (
        seq          INTEGER PRIMARY KEY AUTOINCREMENT,
        id           TEXT NOT NULL UNIQUE,
        input_id     TEXT,
        url          TEXT,
        title        TEXT,
        source       TEXT,
        author       TEXT,
        published    TEXT,
        language     TEXT,
        document     TEXT NOT NULL,
        features     TEXT NOT NULL,
        story        TEXT NOT NULL,
        duplicate_of TEXT,
        duplicate_similarity REAL,
        storyline    TEXT,
        ingested_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );
    CREATE INDEX articles_story ON articles(story);
    CREATE TABLE stories (
        id        TEXT PRIMARY KEY,
        headline  TEXT NOT NULL,
        date      TEXT,
        articles  INTEGER NOT NULL,
        sources   INTEGER NOT NULL
    );",
    // v2: what the fetcher remembers per URL (conditional requests) and revision links between
    // articles fetched from the same URL.
    "CREATE TABLE fetch_state (
        url           TEXT PRIMARY KEY,
        etag          TEXT,
        last_modified TEXT,
        fetched_at    TEXT NOT NULL,
        status        INTEGER NOT NULL
    );
    CREATE TABLE revisions (
        article  TEXT PRIMARY KEY,
        previous TEXT NOT NULL
    );
    CREATE INDEX articles_url ON articles(url);",
    // v3: a cached report per story with the story's revision (bumped by every change), and an
    // index for the date-ordered listing. `seq` is now given by the committer, not by SQLite.
    "ALTER TABLE stories ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE stories ADD COLUMN report TEXT;
    CREATE INDEX stories_date ON stories(date);",
    // v4: how far each work-stream consumer has got, saved with the batch it produced.
    "CREATE TABLE cursors (
        name     TEXT PRIMARY KEY,
        position INTEGER NOT NULL
    );",
];

/// Storyline's default store: a single SQLite file.
pub struct SqliteStore {
    conn: Mutex<Connection>,
    path: String,
    /// `<db>.lock`: the file whose lock makes one writer at a time.
    lock_path: PathBuf,
}

/// Rows read per query by [`Store::for_each_article`].
const PAGE: i64 = 256;

impl SqliteStore {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path_str = path.as_ref().display().to_string();
        let conn = Connection::open(path.as_ref()).map_err(|e| err(&path_str, e))?;
        let mut lock_path = path.as_ref().as_os_str().to_owned();
        lock_path.push(".lock");
        let store =
            SqliteStore { conn: Mutex::new(conn), path: path_str, lock_path: lock_path.into() };
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    /// The connection. A panic while it was held left no transaction open (a dropped
    /// transaction rolls back), so a poisoned lock is safe to take over.
    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn e(&self, source: rusqlite::Error) -> StoreError {
        err(&self.path, source)
    }

    fn configure(&self) -> Result<()> {
        let conn = self.conn();
        // The wait first: another process creating or writing the store holds a lock that
        // switching the journal mode must wait for.
        conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(|e| self.e(e))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;",
        )
        .map_err(|e| self.e(e))
    }

    /// Applies the missing migrations, each in a transaction that takes the write lock before it
    /// reads the schema version: two processes opening a new store at once do not both create
    /// it (the second waits, then finds it made).
    fn migrate(&self) -> Result<()> {
        let mut conn = self.conn();
        let known = MIGRATIONS.len() as i64;
        loop {
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(|e| self.e(e))?;
            let found: i64 =
                tx.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| self.e(e))?;
            if found > known {
                return Err(StoreError::new(
                    ErrorKind::TooNew,
                    format!(
                        "{}: schema version {found} is newer than this program understands \
                         ({known})",
                        self.path
                    ),
                ));
            }
            let Some(sql) = MIGRATIONS.get(found as usize) else { return Ok(()) };
            tx.execute_batch(sql).map_err(|e| self.e(e))?;
            tx.pragma_update(None, "user_version", found + 1).map_err(|e| self.e(e))?;
            tx.commit().map_err(|e| self.e(e))?;
        }
    }

    /// The grouping records of the next [`PAGE`] articles after seq `after`.
    fn grouping_page(&self, after: i64) -> Result<Vec<GroupingRecord>> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(
                "SELECT seq, id, features, story, duplicate_of, duplicate_similarity, storyline
                 FROM articles WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            )
            .map_err(|e| self.e(e))?;
        let rows = stmt
            .query_map(params![after, PAGE], |r| {
                Ok(GroupingRecord {
                    seq: r.get::<_, i64>(0)? as u64,
                    id: r.get(1)?,
                    features: r.get(2)?,
                    grouping: grouping(r, 3)?,
                })
            })
            .map_err(|e| self.e(e))?;
        rows.collect::<rusqlite::Result<_>>().map_err(|e| self.e(e))
    }

    fn query_articles(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<StoredArticle>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(sql).map_err(|e| self.e(e))?;
        let rows = stmt
            .query_map(params, |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get(2)?, grouping(r, 3)?))
            })
            .map_err(|e| self.e(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, id, document, grouping): (i64, String, String, Grouping) =
                row.map_err(|e| self.e(e))?;
            let article: Article =
                serde_json::from_str(&document).map_err(|e| StoreError::corrupt(&id, e))?;
            out.push(StoredArticle { seq: seq as u64, article, grouping });
        }
        Ok(out)
    }

    /// Ids starting with `prefix` from one id column, in id order (a range scan on its index:
    /// the matching ids are the first ones at or after the prefix).
    fn ids_with_prefix(&self, sql: &str, prefix: &str, limit: usize) -> Result<Vec<String>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(sql).map_err(|e| self.e(e))?;
        let rows = stmt
            .query_map(params![prefix, clamp(limit)], |r| r.get::<_, String>(0))
            .map_err(|e| self.e(e))?;
        let mut out = Vec::new();
        for id in rows {
            let id = id.map_err(|e| self.e(e))?;
            if !id.starts_with(prefix) {
                break;
            }
            out.push(id);
        }
        Ok(out)
    }

    /// Runs `write` in one transaction: committed if it succeeds, rolled back otherwise.
    fn write<T>(
        &self,
        write: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<T>,
    ) -> Result<T> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(|e| self.e(e))?;
        let out = write(&tx).map_err(|e| self.e(e))?;
        tx.commit().map_err(|e| self.e(e))?;
        Ok(out)
    }
}

/// Writes story summaries (insert or update) inside the caller's transaction; every changed
/// story gets a new revision and loses its cached report.
fn upsert_stories(
    tx: &rusqlite::Transaction<'_>,
    stories: &[StorySummary],
) -> rusqlite::Result<()> {
    let mut upsert = tx.prepare_cached(
        "INSERT INTO stories (id, headline, date, articles, sources)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(id) DO UPDATE SET headline = excluded.headline,
            date = excluded.date, articles = excluded.articles,
            sources = excluded.sources, revision = stories.revision + 1, report = NULL",
    )?;
    for s in stories {
        upsert.execute(params![
            s.id,
            s.headline,
            s.date.map(|d| d.to_string()),
            s.articles as i64,
            s.sources as i64
        ])?;
    }
    Ok(())
}

fn err(path: &str, source: rusqlite::Error) -> StoreError {
    let kind = match &source {
        rusqlite::Error::FromSqlConversionFailure(..) | rusqlite::Error::InvalidColumnType(..) => {
            ErrorKind::Corrupt
        }
        rusqlite::Error::SqliteFailure(e, _)
            if matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase
            ) =>
        {
            ErrorKind::Corrupt
        }
        _ => ErrorKind::Unavailable,
    };
    StoreError::backend(kind, path.to_string(), source)
}

/// A row count for SQL's `LIMIT` (which is signed).
fn clamp(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Reads the four grouping columns starting at column `at`.
fn grouping(r: &Row, at: usize) -> rusqlite::Result<Grouping> {
    Ok(Grouping {
        story: Some(r.get(at)?),
        duplicate_of: r.get(at + 1)?,
        duplicate_similarity: r.get::<_, Option<f64>>(at + 2)?.map(|s| s as f32),
        storyline: r.get(at + 3)?,
    })
}

fn summary(r: &Row) -> rusqlite::Result<StorySummary> {
    let date: Option<String> = r.get(2)?;
    Ok(StorySummary {
        id: r.get(0)?,
        headline: r.get(1)?,
        date: date.and_then(|d| d.parse().ok()),
        articles: r.get::<_, i64>(3)? as usize,
        sources: r.get::<_, i64>(4)? as usize,
    })
}

const ARTICLE_COLUMNS: &str =
    "seq, id, document, story, duplicate_of, duplicate_similarity, storyline";
const STORY_COLUMNS: &str = "id, headline, date, articles, sources";
/// The listing filters of [`StoryQuery`], as SQL over `stories` with parameters ?1–?4.
const STORY_FILTER: &str = "sources >= ?1 AND (?2 IS NULL OR date >= ?2)
    AND (?3 IS NULL OR date <= ?3)
    AND (?4 IS NULL OR EXISTS (SELECT 1 FROM articles a WHERE a.story = stories.id AND a.source = ?4))";

impl Store for SqliteStore {
    fn lock_writer(&self) -> Result<WriterLock> {
        let failed = |e| {
            let what = format!("{}: writer lock {}", self.path, self.lock_path.display());
            StoreError::backend(ErrorKind::Unavailable, what, e)
        };
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&self.lock_path)
            .map_err(failed)?;
        file.lock().map_err(failed)?;
        Ok(WriterLock::new(file))
    }

    fn contains(&self, id: &str) -> Result<bool> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare_cached("SELECT 1 FROM articles WHERE id = ?1").map_err(|e| self.e(e))?;
        stmt.exists([id]).map_err(|e| self.e(e))
    }

    fn last_seq(&self) -> Result<u64> {
        self.conn()
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM articles", [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|e| self.e(e))
    }

    fn save_batch(&self, batch: &Batch) -> Result<()> {
        self.write(|tx| {
            // `ON CONFLICT(id)`: an article stored already is left as it is; a clash on `seq`
            // (two committers) is an error, never a silently dropped article.
            let mut insert = tx.prepare_cached(
                "INSERT INTO articles
                 (seq, id, input_id, url, title, source, author, published, language, document,
                  features, story, duplicate_of, duplicate_similarity, storyline)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
                 ON CONFLICT(id) DO NOTHING",
            )?;
            for new in &batch.articles {
                let a = &new.article;
                let g = &new.grouping;
                let document = serde_json::to_string(a).expect("an Article always serialises");
                insert.execute(params![
                    clamp(new.seq as usize),
                    a.id,
                    a.input_id,
                    a.url,
                    a.title,
                    a.source,
                    a.author,
                    a.published.map(|d| d.to_string()),
                    a.language,
                    document,
                    new.features,
                    g.story.as_deref().unwrap_or(&a.id),
                    g.duplicate_of,
                    g.duplicate_similarity.map(f64::from),
                    g.storyline,
                ])?;
            }
            if let Some(cursor) = &batch.cursor {
                tx.execute(
                    "INSERT INTO cursors (name, position) VALUES (?1, ?2)
                     ON CONFLICT(name) DO UPDATE SET position = excluded.position",
                    params![cursor.name, clamp(cursor.position as usize)],
                )?;
            }
            upsert_stories(tx, &batch.stories)
        })
    }

    fn cursor(&self, name: &str) -> Result<Option<u64>> {
        self.conn()
            .query_row("SELECT position FROM cursors WHERE name = ?1", [name], |r| {
                r.get::<_, i64>(0)
            })
            .optional()
            .map(|p| p.map(|p| p as u64))
            .map_err(|e| self.e(e))
    }

    fn article(&self, id: &str) -> Result<Option<StoredArticle>> {
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?1");
        Ok(self.query_articles(&sql, [id])?.into_iter().next())
    }

    fn article_ids(&self, prefix: &str, limit: usize) -> Result<Vec<ArticleId>> {
        let sql = "SELECT id FROM articles WHERE id >= ?1 ORDER BY id LIMIT ?2";
        self.ids_with_prefix(sql, prefix, limit)
    }

    fn story_articles(&self, story: &StoryId) -> Result<Vec<StoredArticle>> {
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE story = ?1 ORDER BY seq");
        self.query_articles(&sql, [story])
    }

    fn stories(&self, query: &StoryQuery) -> Result<StoryPage> {
        let order = match query.order {
            StoryOrder::Newest => "date IS NULL, date DESC, articles DESC, id",
            StoryOrder::Largest => "sources DESC, articles DESC, date IS NULL, date DESC, id",
        };
        let min_sources = clamp(query.min_sources);
        let since = query.since.map(|d| d.to_string());
        let until = query.until.map(|d| d.to_string());
        let (limit, offset) = (clamp(query.limit), clamp(query.offset));
        let filter: [&dyn rusqlite::ToSql; 4] = [&min_sources, &since, &until, &query.outlet];
        let conn = self.conn();
        let count = format!("SELECT COUNT(*) FROM stories WHERE {STORY_FILTER}");
        let total: i64 =
            conn.query_row(&count, &filter[..], |r| r.get(0)).map_err(|e| self.e(e))?;
        let sql = format!(
            "SELECT {STORY_COLUMNS} FROM stories WHERE {STORY_FILTER} ORDER BY {order}
             LIMIT ?5 OFFSET ?6"
        );
        let page: [&dyn rusqlite::ToSql; 6] =
            [&min_sources, &since, &until, &query.outlet, &limit, &offset];
        let mut stmt = conn.prepare_cached(&sql).map_err(|e| self.e(e))?;
        let rows = stmt.query_map(&page[..], summary).map_err(|e| self.e(e))?;
        let stories = rows.collect::<rusqlite::Result<_>>().map_err(|e| self.e(e))?;
        Ok(StoryPage { total: total as usize, stories })
    }

    fn story(&self, id: &StoryId) -> Result<Option<StorySummary>> {
        self.conn()
            .query_row(&format!("SELECT {STORY_COLUMNS} FROM stories WHERE id = ?1"), [id], summary)
            .optional()
            .map_err(|e| self.e(e))
    }

    fn story_ids(&self, prefix: &str, limit: usize) -> Result<Vec<StoryId>> {
        let sql = "SELECT id FROM stories WHERE id >= ?1 ORDER BY id LIMIT ?2";
        self.ids_with_prefix(sql, prefix, limit)
    }

    fn cached_report(&self, story: &StoryId) -> Result<Option<CachedReport>> {
        let row: Option<(i64, Option<String>)> = self
            .conn()
            .query_row("SELECT revision, report FROM stories WHERE id = ?1", [story], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
            .map_err(|e| self.e(e))?;
        let Some((revision, report)) = row else { return Ok(None) };
        let report = report
            .map(|json| serde_json::from_str::<StoryReport>(&json))
            .transpose()
            .map_err(|e| {
                StoreError::new(ErrorKind::Corrupt, format!("cached report of story {story}: {e}"))
            })?;
        Ok(Some(CachedReport { revision: revision as u64, report }))
    }

    fn save_story_report(&self, revision: u64, report: &StoryReport) -> Result<bool> {
        let json = serde_json::to_string(report).expect("a StoryReport always serialises");
        let changed = self
            .conn()
            .execute(
                "UPDATE stories SET report = ?3 WHERE id = ?1 AND revision = ?2",
                params![report.id, clamp(revision as usize), json],
            )
            .map_err(|e| self.e(e))?;
        Ok(changed == 1)
    }

    fn for_each_grouping_record(
        &self,
        each: &mut dyn FnMut(GroupingRecord) -> Result<()>,
    ) -> Result<()> {
        let page = |after: u64| self.grouping_page(clamp(after as usize));
        storyline_store::for_each_in_pages(0, page, |r| r.seq, each)
    }

    fn save_groupings(
        &self,
        groupings: &[(ArticleId, Grouping)],
        stories: &[StorySummary],
    ) -> Result<()> {
        self.write(|tx| {
            let mut update = tx.prepare_cached(
                "UPDATE articles SET story = ?2, duplicate_of = ?3, duplicate_similarity = ?4,
                    storyline = ?5 WHERE id = ?1",
            )?;
            for (id, g) in groupings {
                update.execute(params![
                    id,
                    g.story.as_deref().unwrap_or(id),
                    g.duplicate_of,
                    g.duplicate_similarity.map(f64::from),
                    g.storyline,
                ])?;
            }
            tx.execute("DELETE FROM stories WHERE id NOT IN (SELECT story FROM articles)", [])?;
            upsert_stories(tx, stories)
        })
    }

    fn for_each_article_after(
        &self,
        after: u64,
        each: &mut dyn FnMut(StoredArticle) -> Result<()>,
    ) -> Result<()> {
        let sql =
            format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE seq > ?1 ORDER BY seq LIMIT ?2");
        let page = |after: u64| self.query_articles(&sql, params![clamp(after as usize), PAGE]);
        storyline_store::for_each_in_pages(after, page, |a| a.seq, each)
    }

    fn count(&self) -> Result<usize> {
        self.conn()
            .query_row("SELECT COUNT(*) FROM articles", [], |r| r.get::<_, i64>(0))
            .map(|n| n as usize)
            .map_err(|e| self.e(e))
    }

    fn fetch_state(&self, url: &str) -> Result<Option<FetchState>> {
        self.conn()
            .query_row(
                "SELECT url, etag, last_modified, fetched_at, status FROM fetch_state WHERE url = ?1",
                [url],
                |r| {
                    Ok(FetchState {
                        url: r.get(0)?,
                        etag: r.get(1)?,
                        last_modified: r.get(2)?,
                        fetched_at: r.get(3)?,
                        status: r.get::<_, i64>(4)? as u16,
                    })
                },
            )
            .optional()
            .map_err(|e| self.e(e))
    }

    fn save_fetch_state(&self, state: &FetchState) -> Result<()> {
        self.conn()
            .execute(
                "INSERT INTO fetch_state (url, etag, last_modified, fetched_at, status)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,
                    last_modified = excluded.last_modified, fetched_at = excluded.fetched_at,
                    status = excluded.status",
                params![
                    state.url,
                    state.etag,
                    state.last_modified,
                    state.fetched_at,
                    state.status as i64
                ],
            )
            .map(|_| ())
            .map_err(|e| self.e(e))
    }

    fn articles_at_url(&self, url: &str) -> Result<Vec<String>> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached("SELECT id FROM articles WHERE url = ?1 ORDER BY seq")
            .map_err(|e| self.e(e))?;
        let rows = stmt.query_map([url], |r| r.get(0)).map_err(|e| self.e(e))?;
        rows.collect::<rusqlite::Result<_>>().map_err(|e| self.e(e))
    }

    fn save_revision(&self, article: &str, previous: &str) -> Result<()> {
        self.conn()
            .execute(
                "INSERT OR IGNORE INTO revisions (article, previous) VALUES (?1, ?2)",
                [article, previous],
            )
            .map(|_| ())
            .map_err(|e| self.e(e))
    }

    fn previous_revision(&self, article: &str) -> Result<Option<String>> {
        self.conn()
            .query_row("SELECT previous FROM revisions WHERE article = ?1", [article], |r| r.get(0))
            .optional()
            .map_err(|e| self.e(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyline_store::conformance::{new_article, one_story, summary};

    fn fresh() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path().join("s.db")).unwrap();
        (dir, store)
    }

    storyline_store::conformance_tests!(|| Some(fresh()));

    #[test]
    fn reopening_keeps_everything() {
        let (dir, s) = fresh();
        s.save_batch(&one_story(1, "a1")).unwrap();
        drop(s);
        let s = SqliteStore::open(dir.path().join("s.db")).unwrap();
        assert_eq!(s.count().unwrap(), 1);
        assert_eq!(s.last_seq().unwrap(), 1);
    }

    #[test]
    fn opening_a_new_store_from_many_connections_at_once_creates_it_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let opened: Vec<_> = std::thread::scope(|scope| {
            let handles: Vec<_> =
                (0..8).map(|_| scope.spawn(|| SqliteStore::open(&path).map(|_| ()))).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for result in opened {
            result.expect("every opener gets the store");
        }
        let s = SqliteStore::open(&path).unwrap();
        s.save_batch(&one_story(1, "a1")).unwrap();
        assert_eq!(s.count().unwrap(), 1);
    }

    #[test]
    fn failed_batch_leaves_store_untouched() {
        let (_dir, s) = fresh();
        s.save_batch(&one_story(1, "a1")).unwrap();
        // Drop the stories table behind the store's back so the batch fails half-way.
        s.conn().execute_batch("DROP TABLE stories").unwrap();
        let r = s.save_batch(&one_story(2, "b1"));
        assert_eq!(r.unwrap_err().kind, ErrorKind::Unavailable);
        assert_eq!(s.count().unwrap(), 1, "the article half of the failed batch was rolled back");
    }

    #[test]
    fn a_clashing_sequence_number_is_an_error_not_a_lost_article() {
        let (_dir, s) = fresh();
        let first = new_article(1, "a1", "a1", 4, "Quay Courier");
        s.save_batch(&Batch { articles: vec![first], stories: vec![], cursor: None }).unwrap();
        let clash = new_article(1, "b1", "b1", 4, "Quay Courier");
        assert!(s
            .save_batch(&Batch { articles: vec![clash], stories: vec![], cursor: None })
            .is_err());
        assert_eq!(s.count().unwrap(), 1);
    }

    #[test]
    fn newer_schema_is_refused() {
        let (dir, s) = fresh();
        drop(s);
        let path = dir.path().join("s.db");
        Connection::open(&path).unwrap().pragma_update(None, "user_version", 99).unwrap();
        let e = SqliteStore::open(&path).err().unwrap();
        assert_eq!(e.kind, ErrorKind::TooNew);
        assert!(e.to_string().contains("newer"), "{e}");
    }

    #[test]
    fn a_version_2_store_is_migrated_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.execute_batch(MIGRATIONS[1]).unwrap();
            conn.pragma_update(None, "user_version", 2).unwrap();
            conn.execute(
                "INSERT INTO articles (id, document, features, story) VALUES ('a1', ?1, '{}', 'a1')",
                [serde_json::to_string(&storyline_store::conformance::article("a1", 4, "Quay Courier")).unwrap()],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO stories (id, headline, date, articles, sources)
                 VALUES ('a1', 'Ferry', '2026-03-04', 1, 1)",
                [],
            )
            .unwrap();
        }
        let s = SqliteStore::open(&path).unwrap();
        assert_eq!(s.last_seq().unwrap(), 1);
        let cached = s.cached_report(&"a1".into()).unwrap().unwrap();
        assert_eq!(cached.report, None);
        let next = new_article(2, "b1", "a1", 4, "Quay Courier");
        s.save_batch(&Batch {
            articles: vec![next],
            stories: vec![summary("a1", Some(4), 2, 1)],
            cursor: None,
        })
        .unwrap();
        assert_eq!(s.story_articles(&"a1".into()).unwrap().len(), 2);
    }
}
