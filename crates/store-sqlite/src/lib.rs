//! Storyline's default store: one SQLite file (WAL journal), schema versioned with
//! `PRAGMA user_version` and forward-only migrations, every write in one transaction.
//!
//! Writes go through one connection behind a mutex (SQLite serialises writers anyway); reads go
//! through a small pool of read-only connections ([`readers`]), so they run side by side — and,
//! WAL letting readers see the last commit while a write is under way, beside a write in this or
//! another process. Long reads ([`Store::for_each_article`]) page through the table so no
//! connection is held while the caller works.
//!
//! The one-writer lock ([`Store::lock_writer`]) is an advisory lock (`flock`, through std's
//! `File::lock`) on `<db>.lock` beside the store, not a SQLite transaction: a writer holds it for
//! a whole run while committing batch after batch (each its own transaction, so a crash keeps the
//! batches before it), another writer waits for it however long that takes (SQLite's busy timeout
//! would give up), readers never notice it, and the kernel releases it when the process ends, even
//! by `kill -9`, so it can never be left stale. The lock file is never deleted (deleting it would
//! let two writers lock two different files).

mod readers;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use readers::Readers;
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{params, Connection, OptionalExtension, Row};
use storyline_model::{
    Article, ArticleId, Date, Entity, Grouping, StoryId, StoryReport, StorySummary,
};
use storyline_store::entities::{entity_rows, fold, kind_from_str};
use storyline_store::{
    Batch, CachedReport, EntityPage, EntityQuery, EntitySummary, ErrorKind, FetchState,
    GroupingRecord, Names, Result, SearchableArticle, Store, StoreError, StoredArticle, StoryOrder,
    StoryPage, StoryQuery, StorylineOf, WriterLock,
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
    // v5: the entity index (filled from the stored documents by `backfill_entities`) and each
    // story's storyline (its latest article's).
    "CREATE TABLE entities (
        id       TEXT PRIMARY KEY,
        kind     TEXT NOT NULL,
        name     TEXT NOT NULL,
        folded   TEXT NOT NULL,
        articles INTEGER NOT NULL
    );
    CREATE INDEX entities_articles ON entities(articles DESC, folded, id);
    CREATE TABLE article_entities (
        entity TEXT NOT NULL,
        seq    INTEGER NOT NULL,
        PRIMARY KEY (entity, seq)
    ) WITHOUT ROWID;
    CREATE INDEX articles_seq_story ON articles(seq, story);
    ALTER TABLE stories ADD COLUMN storyline TEXT;
    UPDATE stories SET storyline = COALESCE((SELECT a.storyline FROM articles a
        WHERE a.story = stories.id ORDER BY a.seq DESC LIMIT 1), id);
    CREATE INDEX stories_storyline ON stories(storyline);",
    // v6: the articles of a range of days (what a late article is grouped among).
    "CREATE INDEX articles_published ON articles(published, seq);",
    // v7: the documents of big articles, written in a stream (see `STREAMED_TEXT`); such an
    // article's `articles.document` is empty.
    "CREATE TABLE documents (
        seq      INTEGER PRIMARY KEY,
        document BLOB NOT NULL
    );",
];

/// Indexes that only speed reads up, made when missing each time a store is opened, outside the
/// versioned migrations (a store with them reads the same to any version): the story listing's
/// three orders, so the planner walks one and stops at the page instead of sorting every story.
const READ_INDEXES: &str = "
    CREATE INDEX IF NOT EXISTS stories_newest ON stories(date IS NULL, date DESC, articles DESC, id);
    CREATE INDEX IF NOT EXISTS stories_largest
        ON stories(sources DESC, articles DESC, date IS NULL, date DESC, id);
    CREATE INDEX IF NOT EXISTS stories_oldest ON stories(date IS NULL, date, articles DESC, id);";

/// The schema version whose migration creates the entity index, filled in Rust from the stored
/// documents right after its SQL ran (in the same transaction).
const ENTITIES_VERSION: i64 = 5;

/// Storyline's default store: a single SQLite file.
pub struct SqliteStore {
    /// The connection every write goes through (and every read of an in-memory store).
    conn: Mutex<Connection>,
    /// Read-only connections for the reads (`None` for an in-memory store, whose every
    /// connection would be another, empty database).
    readers: Option<Readers>,
    path: String,
    /// `<db>.lock`: the file whose lock makes one writer at a time.
    lock_path: PathBuf,
}

/// A connection lent for one read.
enum Read<'a> {
    Pooled(readers::Reader<'a>),
    Writer(MutexGuard<'a, Connection>),
}

impl std::ops::Deref for Read<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        match self {
            Read::Pooled(reader) => reader,
            Read::Writer(conn) => conn,
        }
    }
}

/// Rows read per query by [`Store::for_each_article`].
const PAGE: i64 = 256;
/// The text a page of [`Store::for_each_searchable_after`] stops at (a page of big articles
/// would otherwise hold 256 of them).
const PAGE_TEXT: usize = 64 << 20;

impl SqliteStore {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path_str = path.as_ref().display().to_string();
        let conn = Connection::open(path.as_ref()).map_err(|e| err(&path_str, e))?;
        let mut lock_path = path.as_ref().as_os_str().to_owned();
        lock_path.push(".lock");
        let in_memory = path_str.is_empty()
            || path_str == ":memory:"
            || (path_str.starts_with("file:") && path_str.contains("memory"));
        let readers = (!in_memory).then(|| Readers::new(path.as_ref(), readers::MAX_READERS));
        let store = SqliteStore {
            conn: Mutex::new(conn),
            readers,
            path: path_str,
            lock_path: lock_path.into(),
        };
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    /// The connection. A panic while it was held left no transaction open (a dropped
    /// transaction rolls back), so a poisoned lock is safe to take over.
    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A connection for one read: a read-only one of the pool, so reads do not wait for each
    /// other nor for a write in progress (each sees the last commit).
    fn read(&self) -> Result<Read<'_>> {
        match &self.readers {
            Some(readers) => readers.get().map(Read::Pooled).map_err(|e| self.e(e)),
            None => Ok(Read::Writer(self.conn())),
        }
    }

    fn e(&self, source: rusqlite::Error) -> StoreError {
        err(&self.path, source)
    }

    fn configure(&self) -> Result<()> {
        let conn = self.conn();
        // The wait first: another process creating or writing the store holds a lock that
        // switching the journal mode must wait for.
        conn.busy_timeout(BUSY_WAIT).map_err(|e| self.e(e))?;
        // Switching a new file to WAL can answer "busy" at once, without the busy handler, while
        // another process is creating the same store: try again until the wait is over.
        let start = std::time::Instant::now();
        loop {
            match conn.execute_batch(
                "PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = NORMAL;
                 PRAGMA foreign_keys = ON;",
            ) {
                Err(e) if is_busy(&e) && start.elapsed() < BUSY_WAIT => {
                    std::thread::sleep(std::time::Duration::from_millis(20))
                }
                done => return done.map_err(|e| self.e(e)),
            }
        }
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
            let Some(sql) = MIGRATIONS.get(found as usize) else {
                tx.execute_batch(READ_INDEXES).map_err(|e| self.e(e))?;
                return tx.commit().map_err(|e| self.e(e));
            };
            tx.execute_batch(sql).map_err(|e| self.e(e))?;
            if found + 1 == ENTITIES_VERSION {
                backfill_entities(&tx).map_err(|e| self.e(e))?;
            }
            tx.pragma_update(None, "user_version", found + 1).map_err(|e| self.e(e))?;
            tx.commit().map_err(|e| self.e(e))?;
        }
    }

    /// The grouping records of the next [`PAGE`] articles after seq `after`, of every day or
    /// of the days `from..=until` (ISO dates compare as text).
    fn grouping_page(&self, after: i64, days: Option<(&str, &str)>) -> Result<Vec<GroupingRecord>> {
        let conn = self.read()?;
        let columns = "SELECT seq, id, features, story, duplicate_of, duplicate_similarity, \
                       storyline FROM articles";
        let record = |r: &rusqlite::Row<'_>| {
            Ok(GroupingRecord {
                seq: r.get::<_, i64>(0)? as u64,
                id: id(r, 1)?,
                features: r.get(2)?,
                grouping: grouping(r, 3)?,
            })
        };
        let rows: rusqlite::Result<Vec<GroupingRecord>> = match days {
            None => conn
                .prepare_cached(&format!("{columns} WHERE seq > ?1 ORDER BY seq LIMIT ?2"))
                .and_then(|mut stmt| stmt.query_map(params![after, PAGE], record)?.collect()),
            Some((from, until)) => conn
                .prepare_cached(&format!(
                    "{columns} WHERE published >= ?3 AND published <= ?4 AND seq > ?1 \
                     ORDER BY seq LIMIT ?2"
                ))
                .and_then(|mut stmt| {
                    stmt.query_map(params![after, PAGE, from, until], record)?.collect()
                }),
        };
        rows.map_err(|e| self.e(e))
    }

    fn query_articles(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<StoredArticle>> {
        let conn = self.read()?;
        let mut stmt = conn.prepare_cached(sql).map_err(|e| self.e(e))?;
        let mut rows = stmt.query(params).map_err(|e| self.e(e))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(|e| self.e(e))? {
            let read = || Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, grouping(r, 3)?));
            let (seq, id, grouping): (i64, String, Grouping) = read().map_err(|e| self.e(e))?;
            let article: Article = match r.get_ref(2).map_err(|e| self.e(e))? {
                ValueRef::Text(b"") => {
                    // A document written in a stream (`documents`) is read in one: its bytes
                    // (≈ 320 MB for a 50 MB article) are never held beside the article.
                    let blob = conn
                        .blob_open(rusqlite::MAIN_DB, "documents", "document", seq, true)
                        .map_err(|e| self.e(e))?;
                    serde_json::from_reader(std::io::BufReader::with_capacity(1 << 20, blob))
                }
                ValueRef::Text(document) => serde_json::from_slice(document),
                other => {
                    let kind = other.data_type();
                    return Err(StoreError::corrupt(&id, format!("a document of type {kind}")));
                }
            }
            .map_err(|e| StoreError::corrupt(&id, e))?;
            out.push(StoredArticle { seq: seq as u64, article, grouping });
        }
        Ok(out)
    }

    /// What the search index reads of the next articles after seq `after`: at most [`PAGE`]
    /// articles, and no more once their texts reach [`PAGE_TEXT`]. A document of
    /// [`STREAMED_TEXT`] bytes or more (or in `documents`) is read in a stream, only its
    /// metadata, text and entity names kept ([`SearchableDocument`]): never the whole
    /// document, nor its analysis.
    fn searchable_page(&self, after: i64) -> Result<Vec<SearchableArticle>> {
        let read = self.read()?;
        // One snapshot for the page and the documents read in a stream.
        let conn = read.unchecked_transaction().map_err(|e| self.e(e))?;
        let mut stmt = conn
            .prepare_cached(
                "SELECT seq, id, CASE WHEN octet_length(document) BETWEEN 1 AND ?3
                    THEN document END, octet_length(document)
                 FROM articles WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            )
            .map_err(|e| self.e(e))?;
        let mut rows =
            stmt.query(params![after, PAGE, clamp(STREAMED_TEXT)]).map_err(|e| self.e(e))?;
        let (mut out, mut text) = (Vec::new(), 0);
        while let Some(r) = rows.next().map_err(|e| self.e(e))? {
            let row = || Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(3)?));
            let (seq, id, len) = row().map_err(|e| self.e(e))?;
            let document: SearchableDocument = match r.get_ref(2).map_err(|e| self.e(e))? {
                ValueRef::Text(document) => serde_json::from_slice(document),
                ValueRef::Null => {
                    let (table, column) =
                        if len == 0 { ("documents", "document") } else { ("articles", "document") };
                    let blob = conn
                        .blob_open(rusqlite::MAIN_DB, table, column, seq, true)
                        .map_err(|e| self.e(e))?;
                    serde_json::from_reader(std::io::BufReader::with_capacity(1 << 20, blob))
                }
                other => {
                    let kind = other.data_type();
                    return Err(StoreError::corrupt(&id, format!("a document of type {kind}")));
                }
            }
            .map_err(|e| StoreError::corrupt(&id, e))?;
            text += document.text.len();
            out.push(document.into_searchable(seq as u64, id));
            if text >= PAGE_TEXT {
                break;
            }
        }
        Ok(out)
    }

    /// Ids starting with `prefix` from one id column, in id order (a range scan on its index:
    /// the matching ids are the first ones at or after the prefix).
    fn ids_with_prefix<T>(&self, sql: &str, prefix: &str, limit: usize) -> Result<Vec<T>>
    where
        T: From<String>,
    {
        let conn = self.read()?;
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
            out.push(T::from(id));
        }
        Ok(out)
    }

    /// Runs `write` in one transaction: committed if it succeeds, rolled back otherwise. The
    /// transaction takes the write lock before its first read: a deferred one that read first
    /// would fail at once, without waiting, if another process wrote in between.
    fn write<T>(
        &self,
        write: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<T>,
    ) -> Result<T> {
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| self.e(e))?;
        let out = write(&tx).map_err(|e| self.e(e))?;
        tx.commit().map_err(|e| self.e(e))?;
        Ok(out)
    }
}

/// Fills the entity index from the documents of every stored article (a store made before it
/// existed), a page at a time.
fn backfill_entities(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
    let mut after = 0i64;
    loop {
        let page: Vec<(i64, Option<String>)> = {
            let mut stmt = tx.prepare(
                "SELECT seq, CASE WHEN json_valid(document)
                    THEN json_extract(document, '$.entities') END FROM articles
                 WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![after, PAGE], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let Some(&(last, _)) = page.last() else { return Ok(()) };
        for (seq, json) in page {
            // An unreadable analysis names nothing; reading the article itself reports it.
            let entities: Vec<Entity> =
                json.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default();
            index_entities(tx, seq, &entities)?;
        }
        after = last;
    }
}

/// The length of text from which an article's JSON document is written into the store in a
/// stream instead of built whole first: ≈ 6 bytes of JSON per byte of news-like text, so a 50 MB
/// article's document is ≈ 320 MB, which SQLite's bind and its record copied twice more. Such a
/// document goes, as a BLOB of the same UTF-8 JSON bytes, into a table of its own,
/// `documents` — SQLite streams only into a BLOB it was given the length of, and keeps that
/// BLOB zeroed instead of materialising it only when it ends its row — and its
/// `articles.document` is left empty. An ordinary article's document is TEXT in `articles`.
pub const STREAMED_TEXT: usize = 4 << 20;

/// The length of `a`'s JSON document, counted by serialising it into nothing.
fn document_len(a: &Article) -> u64 {
    struct Count(u64);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len() as u64;
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    serde_json::to_writer(&mut count, a).expect("an Article always serialises");
    count.0
}

/// Writes `a`'s JSON document as the row `seq` of `documents`: a zeroed BLOB of its length
/// (counted first), then filled through SQLite's incremental BLOB I/O a buffer at a time.
fn write_document(tx: &rusqlite::Transaction<'_>, seq: i64, a: &Article) -> rusqlite::Result<()> {
    use std::io::{Seek, Write};
    let io = |e: std::io::Error| rusqlite::Error::ToSqlConversionFailure(Box::new(e));
    let len = document_len(a);
    if i32::try_from(len).is_err() {
        return Err(io(std::io::Error::other(format!(
            "an article document of {len} bytes is longer than SQLite can store"
        ))));
    }
    tx.prepare_cached("INSERT INTO documents (seq, document) VALUES (?1, ?2)")?
        .execute(params![seq, ToSqlOutput::ZeroBlob(len)])?;
    let blob = tx.blob_open(rusqlite::MAIN_DB, "documents", "document", seq, false)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, blob);
    serde_json::to_writer(&mut out, a).map_err(|e| io(e.into()))?;
    out.flush().map_err(io)?;
    let mut blob = out.into_inner().map_err(|e| io(e.into_error()))?;
    let written = blob.stream_position().map_err(io)?;
    if written != len {
        return Err(io(std::io::Error::other(format!(
            "article document: {written} bytes written of {len}"
        ))));
    }
    blob.close()
}

/// What [`Store::for_each_searchable_after`] reads of a stored document (the other fields,
/// the analysis above all, are skipped as they are read).
#[derive(serde::Deserialize)]
struct SearchableDocument {
    title: Option<String>,
    source: Option<String>,
    published: Option<Date>,
    text: String,
    #[serde(default)]
    entities: MentionNames,
}

impl SearchableDocument {
    fn into_searchable(self, seq: u64, id: String) -> SearchableArticle {
        SearchableArticle {
            seq,
            id: ArticleId::from(id),
            title: self.title,
            source: self.source,
            published: self.published,
            text: self.text,
            names: self.entities.0,
        }
    }
}

/// The distinct canonical names of a list of entity mentions, read one mention at a time.
#[derive(Default)]
struct MentionNames(Vec<String>);

impl<'de> serde::Deserialize<'de> for MentionNames {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Mention {
            canonical: String,
        }
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = MentionNames;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of entity mentions")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<MentionNames, A::Error> {
                let mut names = Names::default();
                while let Some(mention) = seq.next_element::<Mention>()? {
                    names.add(mention.canonical);
                }
                Ok(MentionNames(names.into_vec()))
            }
        }
        d.deserialize_seq(Visitor)
    }
}

/// An article's stored JSON document, written into a buffer reserved up front (about 6 bytes
/// of JSON per byte of text on news-like text): growing it by doubling copied it several times,
/// holding two copies at once at the end (a 52 MB article's document is ≈ 320 MB).
fn article_json(a: &Article) -> String {
    let mut buf = Vec::with_capacity(a.text.len() * 8 + 4096);
    serde_json::to_writer(&mut buf, a).expect("an Article always serialises");
    String::from_utf8(buf).expect("serde_json writes UTF-8")
}

/// Adds one newly stored article (at `seq`) to the entity index.
fn index_entities(
    tx: &rusqlite::Transaction<'_>,
    seq: i64,
    entities: &[Entity],
) -> rusqlite::Result<()> {
    let mut entity = tx.prepare_cached(
        "INSERT INTO entities (id, kind, name, folded, articles) VALUES (?1, ?2, ?3, ?4, 1)
         ON CONFLICT(id) DO UPDATE SET articles = entities.articles + 1",
    )?;
    let mut named =
        tx.prepare_cached("INSERT OR IGNORE INTO article_entities (entity, seq) VALUES (?1, ?2)")?;
    for row in entity_rows(entities) {
        entity.execute(params![row.id, row.kind.as_str(), row.name, row.folded])?;
        named.execute(params![row.id, seq])?;
    }
    Ok(())
}

/// Sets each listed story's storyline to its latest article's (its own id when none says one).
fn refresh_storylines<'a>(
    tx: &rusqlite::Transaction<'_>,
    stories: impl IntoIterator<Item = &'a str>,
) -> rusqlite::Result<()> {
    let mut update = tx.prepare_cached(
        "UPDATE stories SET storyline = COALESCE((SELECT a.storyline FROM articles a
            WHERE a.story = stories.id ORDER BY a.seq DESC LIMIT 1), id)
         WHERE id = ?1",
    )?;
    for story in stories {
        update.execute([story])?;
    }
    Ok(())
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
            s.id.as_str(),
            s.headline,
            s.date.map(|d| d.to_string()),
            s.articles as i64,
            s.sources as i64
        ])?;
    }
    Ok(())
}

/// How long a connection waits for another process's lock before it reports the store busy.
const BUSY_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Whether SQLite answered "database is locked".
fn is_busy(e: &rusqlite::Error) -> bool {
    e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
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
        story: Some(id(r, at)?),
        duplicate_of: optional_id(r, at + 1)?,
        duplicate_similarity: r.get::<_, Option<f64>>(at + 2)?.map(|s| s as f32),
        storyline: optional_id(r, at + 3)?,
    })
}

/// Reads an id column (ids are stored as their text).
fn id<T: From<String>>(r: &Row, at: usize) -> rusqlite::Result<T> {
    r.get::<_, String>(at).map(T::from)
}

/// Reads an id column that may be NULL.
fn optional_id<T: From<String>>(r: &Row, at: usize) -> rusqlite::Result<Option<T>> {
    Ok(r.get::<_, Option<String>>(at)?.map(T::from))
}

fn summary(r: &Row) -> rusqlite::Result<StorySummary> {
    let date: Option<String> = r.get(2)?;
    Ok(StorySummary {
        id: id(r, 0)?,
        headline: r.get(1)?,
        date: date.and_then(|d| d.parse().ok()),
        articles: r.get::<_, i64>(3)? as usize,
        sources: r.get::<_, i64>(4)? as usize,
    })
}

const ARTICLE_COLUMNS: &str =
    "seq, id, document, story, duplicate_of, duplicate_similarity, storyline";
const STORY_COLUMNS: &str = "id, headline, date, articles, sources";
/// The listing filters a [`StoryQuery`] sets, as SQL over `stories` (`"1"` when it sets none)
/// and their parameters, in order. Only the filters given are in the SQL: the planner then walks
/// an index in the listing's order (`stories_newest`, `stories_largest`, `stories_oldest`) and
/// stops at the page, and the count of an unfiltered listing reads one index.
fn story_filter(query: &StoryQuery) -> (String, Vec<Box<dyn rusqlite::ToSql>>) {
    let mut clauses: Vec<&str> = Vec::new();
    let mut values: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
    if query.min_sources > 0 {
        clauses.push("sources >= ?");
        values.push(Box::new(clamp(query.min_sources)));
    }
    if let Some(since) = query.since {
        clauses.push("date >= ?");
        values.push(Box::new(since.to_string()));
    }
    if let Some(until) = query.until {
        clauses.push("date <= ?");
        values.push(Box::new(until.to_string()));
    }
    if let Some(outlet) = &query.outlet {
        clauses
            .push("EXISTS (SELECT 1 FROM articles a WHERE a.story = stories.id AND a.source = ?)");
        values.push(Box::new(outlet.clone()));
    }
    if let Some(entity) = &query.entity {
        clauses.push(
            "id IN (SELECT a.story FROM article_entities e
                JOIN articles a INDEXED BY articles_seq_story ON a.seq = e.seq WHERE e.entity = ?)",
        );
        values.push(Box::new(entity.clone()));
    }
    if let Some(storyline) = &query.storyline {
        clauses.push("storyline = ?");
        values.push(Box::new(storyline.to_string()));
    }
    let sql = if clauses.is_empty() { "1".to_string() } else { clauses.join(" AND ") };
    (sql, values)
}
/// An entity's columns for [`entity_summary`] over `entities` (aliased `x`), with its count
/// of stories. Joins from an entity's articles to their stories go through the covering index
/// `articles_seq_story` (`INDEXED BY`: the row itself, behind its document, is three times
/// slower to reach, and SQLite's planner prefers it).
const ENTITY_COLUMNS: &str = "x.id, x.kind, x.name, x.articles,
    (SELECT COUNT(DISTINCT a.story) FROM article_entities e
     JOIN articles a INDEXED BY articles_seq_story ON a.seq = e.seq WHERE e.entity = x.id)";

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
        let conn = self.read()?;
        let mut stmt =
            conn.prepare_cached("SELECT 1 FROM articles WHERE id = ?1").map_err(|e| self.e(e))?;
        stmt.exists([id]).map_err(|e| self.e(e))
    }

    fn last_seq(&self) -> Result<u64> {
        self.read()?
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
                // A big article's document goes to `documents`, written in a stream after its
                // row (see `STREAMED_TEXT`); its `articles.document` is empty.
                let streamed = a.text.len() >= STREAMED_TEXT;
                let document = if streamed { String::new() } else { article_json(a) };
                let inserted = insert.execute(params![
                    clamp(new.seq as usize),
                    a.id.as_str(),
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
                    g.duplicate_of.as_deref(),
                    g.duplicate_similarity.map(f64::from),
                    g.storyline.as_deref(),
                ])?;
                if inserted == 1 {
                    if streamed {
                        write_document(tx, clamp(new.seq as usize), a)?;
                    }
                    index_entities(tx, clamp(new.seq as usize), &a.analysis.entities)?;
                }
            }
            if let Some(cursor) = &batch.cursor {
                tx.execute(
                    "INSERT INTO cursors (name, position) VALUES (?1, ?2)
                     ON CONFLICT(name) DO UPDATE SET position = excluded.position",
                    params![cursor.name, clamp(cursor.position as usize)],
                )?;
            }
            upsert_stories(tx, &batch.stories)?;
            refresh_storylines(tx, batch.stories.iter().map(|s| s.id.as_str()))
        })
    }

    fn cursor(&self, name: &str) -> Result<Option<u64>> {
        self.read()?
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
        self.query_articles(&sql, [story.as_str()])
    }

    fn stories(&self, query: &StoryQuery) -> Result<StoryPage> {
        let order = match query.order {
            StoryOrder::Newest => "date IS NULL, date DESC, articles DESC, id",
            StoryOrder::Largest => "sources DESC, articles DESC, date IS NULL, date DESC, id",
            StoryOrder::Oldest => "date IS NULL, date, articles DESC, id",
        };
        let (filter, mut values) = story_filter(query);
        let read = self.read()?;
        // One snapshot for the count and the page.
        let conn = read.unchecked_transaction().map_err(|e| self.e(e))?;
        let count = format!("SELECT COUNT(*) FROM stories WHERE {filter}");
        let params = rusqlite::params_from_iter(values.iter());
        let total: i64 = conn
            .prepare_cached(&count)
            .and_then(|mut stmt| stmt.query_row(params, |r| r.get(0)))
            .map_err(|e| self.e(e))?;
        let sql = format!(
            "SELECT {STORY_COLUMNS} FROM stories WHERE {filter} ORDER BY {order} LIMIT ? OFFSET ?"
        );
        values.push(Box::new(clamp(query.limit)));
        values.push(Box::new(clamp(query.offset)));
        let mut stmt = conn.prepare_cached(&sql).map_err(|e| self.e(e))?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(values.iter()), summary)
            .map_err(|e| self.e(e))?;
        let stories = rows.collect::<rusqlite::Result<_>>().map_err(|e| self.e(e))?;
        Ok(StoryPage { total: total as usize, stories })
    }

    fn story(&self, id: &StoryId) -> Result<Option<StorySummary>> {
        self.read()?
            .query_row(
                &format!("SELECT {STORY_COLUMNS} FROM stories WHERE id = ?1"),
                [id.as_str()],
                summary,
            )
            .optional()
            .map_err(|e| self.e(e))
    }

    fn story_ids(&self, prefix: &str, limit: usize) -> Result<Vec<StoryId>> {
        let sql = "SELECT id FROM stories WHERE id >= ?1 ORDER BY id LIMIT ?2";
        self.ids_with_prefix(sql, prefix, limit)
    }

    fn cached_report(&self, story: &StoryId) -> Result<Option<CachedReport>> {
        let row: Option<(i64, Option<String>)> = self
            .read()?
            .query_row(
                "SELECT revision, report FROM stories WHERE id = ?1",
                [story.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
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
                params![report.id.as_str(), clamp(revision as usize), json],
            )
            .map_err(|e| self.e(e))?;
        Ok(changed == 1)
    }

    fn for_each_grouping_record(
        &self,
        each: &mut dyn FnMut(GroupingRecord) -> Result<()>,
    ) -> Result<()> {
        let page = |after: u64| self.grouping_page(clamp(after as usize), None);
        storyline_store::for_each_in_pages(0, page, |r| r.seq, each)
    }

    fn for_each_grouping_record_published(
        &self,
        from: Date,
        until: Date,
        each: &mut dyn FnMut(GroupingRecord) -> Result<()>,
    ) -> Result<()> {
        let (from, until) = (from.to_string(), until.to_string());
        let page = |after: u64| {
            self.grouping_page(clamp(after as usize), Some((from.as_str(), until.as_str())))
        };
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
            // The stories the regrouped articles leave: the only ones that can be left empty
            // (a sweep of every story made each chunk of a large regroup slower).
            let mut story_of = tx.prepare_cached("SELECT story FROM articles WHERE id = ?1")?;
            let mut left: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
            for (id, g) in groupings {
                let old: Option<String> =
                    story_of.query_row([id.as_str()], |r| r.get(0)).optional()?;
                left.extend(old);
                update.execute(params![
                    id.as_str(),
                    g.story.as_deref().unwrap_or(id),
                    g.duplicate_of.as_deref(),
                    g.duplicate_similarity.map(f64::from),
                    g.storyline.as_deref(),
                ])?;
            }
            let mut drop_if_empty = tx.prepare_cached(
                "DELETE FROM stories WHERE id = ?1
                    AND NOT EXISTS (SELECT 1 FROM articles WHERE story = ?1)",
            )?;
            for story in &left {
                drop_if_empty.execute([story])?;
            }
            upsert_stories(tx, stories)?;
            let regrouped = groupings.iter().map(|(id, g)| g.story.as_deref().unwrap_or(id));
            let touched: std::collections::BTreeSet<&str> =
                regrouped.chain(stories.iter().map(|s| s.id.as_str())).collect();
            refresh_storylines(tx, touched)
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

    fn for_each_searchable_after(
        &self,
        after: u64,
        each: &mut dyn FnMut(SearchableArticle) -> Result<()>,
    ) -> Result<()> {
        let page = |after: u64| self.searchable_page(clamp(after as usize));
        storyline_store::for_each_in_pages(after, page, |a| a.seq, each)
    }

    fn count(&self) -> Result<usize> {
        self.read()?
            .query_row("SELECT COUNT(*) FROM articles", [], |r| r.get::<_, i64>(0))
            .map(|n| n as usize)
            .map_err(|e| self.e(e))
    }

    fn fetch_state(&self, url: &str) -> Result<Option<FetchState>> {
        self.read()?
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

    fn articles_at_url(&self, url: &str) -> Result<Vec<ArticleId>> {
        let conn = self.read()?;
        let mut stmt = conn
            .prepare_cached("SELECT id FROM articles WHERE url = ?1 ORDER BY seq")
            .map_err(|e| self.e(e))?;
        let rows = stmt.query_map([url], |r| id(r, 0)).map_err(|e| self.e(e))?;
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

    fn previous_revision(&self, article: &str) -> Result<Option<ArticleId>> {
        self.read()?
            .query_row("SELECT previous FROM revisions WHERE article = ?1", [article], |r| id(r, 0))
            .optional()
            .map_err(|e| self.e(e))
    }

    fn entities(&self, query: &EntityQuery) -> Result<EntityPage> {
        let text = fold(&query.text);
        let kind = query.kind.map(|k| k.as_str());
        let filter = "instr(folded, ?1) > 0 AND (?2 IS NULL OR kind = ?2)";
        let read = self.read()?;
        // One snapshot for the count and the page.
        let conn = read.unchecked_transaction().map_err(|e| self.e(e))?;
        let total: i64 = conn
            .query_row(
                &format!("SELECT COUNT(*) FROM entities WHERE {filter}"),
                params![text, kind],
                |r| r.get(0),
            )
            .map_err(|e| self.e(e))?;
        // The page first, then the story counts of its rows only.
        let sql = format!(
            "SELECT {ENTITY_COLUMNS} FROM (SELECT * FROM entities WHERE {filter}
                ORDER BY articles DESC, folded, id LIMIT ?3 OFFSET ?4) x
             ORDER BY x.articles DESC, x.folded, x.id"
        );
        let mut stmt = conn.prepare_cached(&sql).map_err(|e| self.e(e))?;
        let rows = stmt
            .query_map(params![text, kind, clamp(query.limit), clamp(query.offset)], entity_summary)
            .map_err(|e| self.e(e))?;
        let entities = rows.collect::<rusqlite::Result<_>>().map_err(|e| self.e(e))?;
        Ok(EntityPage { total: total as usize, entities })
    }

    fn entity(&self, id: &str) -> Result<Option<EntitySummary>> {
        let sql = format!("SELECT {ENTITY_COLUMNS} FROM entities x WHERE x.id = ?1");
        self.read()?.query_row(&sql, [id], entity_summary).optional().map_err(|e| self.e(e))
    }

    fn known_entities(&self, ids: &[String]) -> Result<Vec<String>> {
        let list = serde_json::to_string(ids).expect("strings always serialise");
        let conn = self.read()?;
        let mut stmt = conn
            .prepare_cached("SELECT id FROM entities WHERE id IN (SELECT value FROM json_each(?1))")
            .map_err(|e| self.e(e))?;
        let rows = stmt.query_map([list], |r| r.get(0)).map_err(|e| self.e(e))?;
        rows.collect::<rusqlite::Result<_>>().map_err(|e| self.e(e))
    }

    fn storylines_of(&self, stories: &[StoryId]) -> Result<Vec<StorylineOf>> {
        let list = serde_json::to_string(stories).expect("strings always serialise");
        let conn = self.read()?;
        let mut stmt = conn
            .prepare_cached(
                "SELECT s.id, s.storyline,
                    (SELECT COUNT(*) FROM stories t WHERE t.storyline = s.storyline)
                 FROM stories s WHERE s.id IN (SELECT value FROM json_each(?1))",
            )
            .map_err(|e| self.e(e))?;
        let rows = stmt
            .query_map([list], |r| {
                Ok(StorylineOf {
                    story: id(r, 0)?,
                    storyline: id(r, 1)?,
                    stories: r.get::<_, i64>(2)? as usize,
                })
            })
            .map_err(|e| self.e(e))?;
        rows.collect::<rusqlite::Result<_>>().map_err(|e| self.e(e))
    }

    fn stories_of_articles(&self, articles: &[ArticleId]) -> Result<Vec<(ArticleId, StoryId)>> {
        let list = serde_json::to_string(articles).expect("strings always serialise");
        let conn = self.read()?;
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, story FROM articles WHERE id IN (SELECT value FROM json_each(?1))",
            )
            .map_err(|e| self.e(e))?;
        let rows = stmt.query_map([list], |r| Ok((id(r, 0)?, id(r, 1)?))).map_err(|e| self.e(e))?;
        rows.collect::<rusqlite::Result<_>>().map_err(|e| self.e(e))
    }
}

/// Reads an entity's [`ENTITY_COLUMNS`].
fn entity_summary(r: &Row) -> rusqlite::Result<EntitySummary> {
    let kind: String = r.get(1)?;
    let kind = kind_from_str(&kind).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, kind.into())
    })?;
    Ok(EntitySummary {
        id: r.get(0)?,
        kind,
        name: r.get(2)?,
        articles: r.get::<_, i64>(3)? as usize,
        stories: r.get::<_, i64>(4)? as usize,
    })
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
    fn reads_go_on_while_a_write_is_under_way_and_see_the_last_commit() {
        let (_dir, s) = fresh();
        s.save_batch(&one_story(1, "a1")).unwrap();
        let (started, is_started) = std::sync::mpsc::channel();
        let (go_on, may_go_on) = std::sync::mpsc::channel::<()>();
        let store = &s;
        std::thread::scope(|scope| {
            let writer = scope.spawn(move || {
                store.write(|tx| {
                    tx.execute("UPDATE stories SET headline = 'Changed' WHERE id = 'a1'", [])?;
                    started.send(()).unwrap();
                    // Holds the transaction open until the reader has answered (or 10 s).
                    let _ = may_go_on.recv_timeout(std::time::Duration::from_secs(10));
                    Ok(())
                })
            });
            is_started.recv().unwrap();
            let began = std::time::Instant::now();
            let story = s.story(&"a1".into()).unwrap().unwrap();
            let listed = s.stories(&StoryQuery::default()).unwrap();
            assert!(began.elapsed() < std::time::Duration::from_secs(5), "the reads waited");
            assert_eq!(
                story.headline, "Harbour ferry story a1",
                "the uncommitted change is unseen"
            );
            assert_eq!(listed.total, 1);
            go_on.send(()).unwrap();
            writer.join().unwrap().unwrap();
        });
        assert_eq!(s.story(&"a1".into()).unwrap().unwrap().headline, "Changed");
    }

    #[test]
    fn more_readers_than_connections_all_get_their_answer() {
        let (_dir, s) = fresh();
        for seq in 1..=3 {
            s.save_batch(&one_story(seq, &format!("a{seq}"))).unwrap();
        }
        std::thread::scope(|scope| {
            let readers: Vec<_> = (0..4 * readers::MAX_READERS)
                .map(|_| {
                    scope.spawn(|| {
                        (0..20)
                            .map(|_| s.stories(&StoryQuery::default()).unwrap().total)
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for r in readers {
                assert!(r.join().unwrap().iter().all(|&n| n == 3));
            }
        });
        // Reads after a write see it at once, whichever connection answers.
        s.save_batch(&one_story(4, "a4")).unwrap();
        assert_eq!(s.count().unwrap(), 4);
        assert_eq!(s.stories(&StoryQuery::default()).unwrap().total, 4);
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

    /// A big article's document is written in a stream into `documents`, byte for byte the
    /// JSON an ordinary article's `articles.document` holds, and reads back the same; an
    /// ordinary article beside it is stored as before.
    #[test]
    fn a_big_article_is_streamed_into_its_own_table_and_reads_back_the_same() {
        use storyline_model::{Entity, EntityType};
        use storyline_store::entity_id;
        let (_dir, s) = fresh();
        let mut big = new_article(1, "big", "big", 4, "Quay Courier");
        let sentence = "The ferry “Velmora” left the harbour at dawn, Mara Velkort said. ";
        big.article.text = sentence.repeat(STREAMED_TEXT / sentence.len() + 1);
        big.article.analysis.entities = (0..3)
            .map(|i| Entity {
                start: 45 + i * 66,
                end: 57 + i * 66,
                text: "Mara Velkort".into(),
                kind: EntityType::Person,
                canonical: if i == 1 { "Velkort".into() } else { "Mara Velkort".into() },
            })
            .collect();
        let small = new_article(2, "small", "small", 4, "Quay Courier");
        // Text just under the bound, document over it: stored in `articles`, read by the search
        // index in a stream from there.
        let mut middle = new_article(3, "middle", "middle", 4, "Quay Courier");
        middle.article.text = "a".repeat(STREAMED_TEXT - 1);
        middle.article.analysis.entities = big.article.analysis.entities.clone();
        let articles = vec![big.clone(), small.clone(), middle.clone()];
        s.save_batch(&Batch { articles, stories: vec![], cursor: None }).unwrap();

        let raw = |sql: &str| -> (String, Vec<u8>) {
            s.conn()
                .query_row(sql, [], |r| {
                    let value = r.get_ref(0)?;
                    Ok((value.data_type().to_string(), value.as_bytes().unwrap().to_vec()))
                })
                .unwrap()
        };
        let json = |a: &Article| serde_json::to_vec(a).unwrap();
        assert_eq!(raw("SELECT document FROM articles WHERE seq = 1"), ("Text".into(), vec![]));
        assert_eq!(
            raw("SELECT document FROM documents WHERE seq = 1"),
            ("Blob".into(), json(&big.article))
        );
        assert_eq!(
            raw("SELECT document FROM articles WHERE seq = 2"),
            ("Text".into(), json(&small.article))
        );
        let count: i64 =
            s.conn().query_row("SELECT COUNT(*) FROM documents", [], |r| r.get(0)).unwrap();
        assert_eq!(count, 1, "only the big article's document is apart");
        assert_eq!(
            raw("SELECT document FROM articles WHERE seq = 3"),
            ("Text".into(), json(&middle.article))
        );

        assert_eq!(s.article("big").unwrap().unwrap().article, big.article);
        assert_eq!(s.article("small").unwrap().unwrap().article, small.article);
        let mut searchable = Vec::new();
        s.for_each_searchable_after(0, &mut |a| {
            searchable.push(a);
            Ok(())
        })
        .unwrap();
        let expected: Vec<SearchableArticle> = ["big", "small", "middle"]
            .iter()
            .map(|id| SearchableArticle::from(s.article(id).unwrap().unwrap()))
            .collect();
        assert_eq!(searchable, expected);
        assert_eq!(searchable[0].names, ["Mara Velkort", "Velkort"]);
        assert_eq!(searchable[2].names, ["Mara Velkort", "Velkort"]);
        assert_eq!(s.article("middle").unwrap().unwrap().article, middle.article);
        let found = s.entity(&entity_id(EntityType::Person, "Mara Velkort")).unwrap();
        assert!(found.is_some(), "the entity index names the big article's people");
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
    fn a_version_4_store_gains_its_entity_index_and_storylines() {
        use storyline_model::{Entity, EntityType};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        {
            let conn = Connection::open(&path).unwrap();
            for sql in &MIGRATIONS[..4] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", 4).unwrap();
            let mut named = storyline_store::conformance::article("a1", 4, "Quay Courier");
            named.analysis.entities = vec![Entity {
                start: 4,
                end: 9,
                text: "ferry".into(),
                kind: EntityType::Misc,
                canonical: "Quay Ferry".into(),
            }];
            for (seq, id, story, storyline, doc) in [
                (1, "a1", "a", Some("a"), serde_json::to_string(&named).unwrap()),
                (2, "b1", "b", Some("a"), "{not json".to_string()),
                (3, "c1", "c", None, "{}".to_string()),
            ] {
                conn.execute(
                    "INSERT INTO articles (seq, id, document, features, story, storyline)
                     VALUES (?1, ?2, ?3, '{}', ?4, ?5)",
                    params![seq, id, doc, story, storyline],
                )
                .unwrap();
                conn.execute(
                    "INSERT INTO stories (id, headline, date, articles, sources)
                     VALUES (?1, 'Ferry', '2026-03-04', 1, 1)",
                    [story],
                )
                .unwrap();
            }
        }
        let s = SqliteStore::open(&path).unwrap();
        let quay = storyline_store::entity_id(EntityType::Misc, "quay ferry");
        let found = s.entity(&quay).unwrap().expect("indexed from the stored document");
        assert_eq!((found.name.as_str(), found.articles, found.stories), ("Quay Ferry", 1, 1));
        assert_eq!(s.entities(&EntityQuery::default()).unwrap().total, 1);
        let mut lines = s.storylines_of(&["a".into(), "b".into(), "c".into()]).unwrap();
        lines.sort_by(|x, y| x.story.cmp(&y.story));
        let got: Vec<(&str, usize)> =
            lines.iter().map(|l| (l.storyline.as_str(), l.stories)).collect();
        assert_eq!(got, [("a", 2), ("a", 2), ("c", 1)]);
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
