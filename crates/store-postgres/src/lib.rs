//! Storyline's shared store: PostgreSQL, for when several processes read and write one store
//! (a server, workers, a committer). It implements the same [`Store`] trait as the SQLite store
//! and passes the same conformance suite.
//!
//! * Schema versioned in a `storyline_schema` table with forward-only migrations; a schema newer
//!   than this program is refused (`ErrorKind::TooNew`). Migrations take an advisory lock, so
//!   two processes opening a fresh database do not race.
//! * A connection pool (r2d2); every write is one transaction.
//! * One writer at a time ([`Store::lock_writer`]): a session advisory lock keyed by the store's
//!   schema, held on a connection of its own for as long as the writer runs; the server releases
//!   it when that connection closes — when the lock is dropped, or the process dies.
//! * Ids and dates are `TEXT COLLATE "C"`: listings and prefix scans order bytewise, exactly as
//!   SQLite does, whatever the database's locale.
//! * `schema` (optional) puts every table in a PostgreSQL schema of that name (created if
//!   missing): one database can hold several stores (the tests use a scratch schema each).

use postgres::types::ToSql;
use postgres::{NoTls, Row, Transaction};
use r2d2_postgres::PostgresConnectionManager;
use storyline_model::{
    Article, ArticleId, Date, Entity, Grouping, StoryId, StoryReport, StorySummary,
};
use storyline_store::entities::{entity_rows, fold, kind_from_str, EntityRow};
use storyline_store::{
    Batch, CachedReport, EntityPage, EntityQuery, EntitySummary, ErrorKind, FetchState,
    GroupingRecord, Result, Store, StoreError, StoredArticle, StoryOrder, StoryPage, StoryQuery,
    StorylineOf, WriterLock,
};

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;
type Conn = r2d2::PooledConnection<PostgresConnectionManager<NoTls>>;

/// Forward-only migrations; migration `i` brings the schema to version `i + 1`. Each version matches
/// the SQLite store's version of the same number (the same tables and meaning).
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE articles (
        seq          BIGINT PRIMARY KEY,
        id           TEXT COLLATE \"C\" NOT NULL UNIQUE,
        input_id     TEXT,
        url          TEXT,
        title        TEXT,
        source       TEXT,
        author       TEXT,
        published    TEXT COLLATE \"C\",
        language     TEXT,
        document     TEXT NOT NULL,
        features     TEXT NOT NULL,
        story        TEXT COLLATE \"C\" NOT NULL,
        duplicate_of TEXT,
        duplicate_similarity DOUBLE PRECISION,
        storyline    TEXT,
        ingested_at  TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX articles_story ON articles(story);
    CREATE TABLE stories (
        id        TEXT COLLATE \"C\" PRIMARY KEY,
        headline  TEXT NOT NULL,
        date      TEXT COLLATE \"C\",
        articles  BIGINT NOT NULL,
        sources   BIGINT NOT NULL
    );",
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
    "ALTER TABLE stories ADD COLUMN revision BIGINT NOT NULL DEFAULT 1;
    ALTER TABLE stories ADD COLUMN report TEXT;
    CREATE INDEX stories_date ON stories(date);",
    "CREATE TABLE cursors (
        name     TEXT PRIMARY KEY,
        position BIGINT NOT NULL
    );",
    "CREATE TABLE entities (
        id       TEXT COLLATE \"C\" PRIMARY KEY,
        kind     TEXT NOT NULL,
        name     TEXT NOT NULL,
        folded   TEXT COLLATE \"C\" NOT NULL,
        articles BIGINT NOT NULL
    );
    CREATE INDEX entities_articles ON entities(articles DESC, folded, id);
    CREATE TABLE article_entities (
        entity TEXT COLLATE \"C\" NOT NULL,
        seq    BIGINT NOT NULL,
        PRIMARY KEY (entity, seq)
    );
    ALTER TABLE stories ADD COLUMN storyline TEXT COLLATE \"C\";
    UPDATE stories SET storyline = COALESCE((SELECT a.storyline FROM articles a
        WHERE a.story = stories.id ORDER BY a.seq DESC LIMIT 1), id);
    CREATE INDEX stories_storyline ON stories(storyline);",
    // v6: the articles of a range of days (what a late article is grouped among).
    "CREATE INDEX articles_published ON articles(published, seq);",
];

/// The schema version whose migration creates the entity index, filled in Rust from the stored
/// documents right after its SQL ran (in the same transaction).
const ENTITIES_VERSION: i64 = 5;

/// Connections kept open by the pool.
const POOL_SIZE: u32 = 4;
/// Rows read per query by [`Store::for_each_article`].
const PAGE: i64 = 256;

/// A store in a PostgreSQL database.
pub struct PostgresStore {
    pool: Pool,
    /// How to open a connection outside the pool (the writer lock holds one of its own).
    config: postgres::Config,
    /// What the error messages call this store (the URL without a password).
    name: String,
}

impl PostgresStore {
    /// Opens the store at `url` (`postgres://user@host:port/db`), creating or migrating its
    /// tables, in the schema `schema` when given (created if missing).
    pub fn open(url: &str, schema: Option<&str>) -> Result<Self> {
        let name = redact(url);
        let mut config: postgres::Config = url.parse().map_err(|e| {
            StoreError::backend(ErrorKind::Invalid, format!("{name}: not a PostgreSQL URL"), e)
        })?;
        if let Some(schema) = schema {
            if !schema.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || schema.is_empty() {
                return Err(StoreError::new(
                    ErrorKind::Invalid,
                    format!("{name}: schema name {schema:?} must be letters, digits and _"),
                ));
            }
            let mut client = config.connect(NoTls).map_err(|e| pg(&name, e))?;
            if let Err(e) = client.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {schema}")) {
                // Two processes opening a new schema at once (a committer and `status`): the
                // loser's IF NOT EXISTS can still trip over the catalog's unique index. The
                // schema is there either way.
                use postgres::error::SqlState;
                let raced = [SqlState::UNIQUE_VIOLATION, SqlState::DUPLICATE_SCHEMA];
                if !e.code().is_some_and(|code| raced.contains(code)) {
                    return Err(pg(&name, e));
                }
            }
            config.options(&format!("-c search_path={schema}"));
        }
        let manager = PostgresConnectionManager::new(config.clone(), NoTls);
        let pool = r2d2::Pool::builder()
            .max_size(POOL_SIZE)
            .connection_timeout(std::time::Duration::from_secs(10))
            .build(manager)
            .map_err(|e| {
                StoreError::backend(ErrorKind::Unavailable, format!("{name}: no connection"), e)
            })?;
        let store = PostgresStore { pool, config, name };
        store.migrate()?;
        Ok(store)
    }

    fn conn(&self) -> Result<Conn> {
        self.pool.get().map_err(|e| {
            StoreError::backend(ErrorKind::Unavailable, format!("{}: no connection", self.name), e)
        })
    }

    fn e(&self, source: postgres::Error) -> StoreError {
        pg(&self.name, source)
    }

    fn migrate(&self) -> Result<()> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction().map_err(|e| self.e(e))?;
        // One migrator at a time per database (released at commit).
        tx.batch_execute(
            "SELECT pg_advisory_xact_lock(7157301);
             CREATE TABLE IF NOT EXISTS storyline_schema (version BIGINT NOT NULL);",
        )
        .map_err(|e| self.e(e))?;
        let found: i64 = match tx
            .query_opt("SELECT version FROM storyline_schema", &[])
            .map_err(|e| self.e(e))?
        {
            Some(row) => row.get(0),
            None => {
                tx.execute("INSERT INTO storyline_schema VALUES (0)", &[])
                    .map_err(|e| self.e(e))?;
                0
            }
        };
        let known = MIGRATIONS.len() as i64;
        if found > known {
            return Err(StoreError::new(
                ErrorKind::TooNew,
                format!(
                    "{}: schema version {found} is newer than this program understands ({known})",
                    self.name
                ),
            ));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            tx.batch_execute(sql).map_err(|e| self.e(e))?;
            if i as i64 + 1 == ENTITIES_VERSION {
                backfill_entities(&mut tx).map_err(|e| self.e(e))?;
            }
            tx.execute("UPDATE storyline_schema SET version = $1", &[&(i as i64 + 1)])
                .map_err(|e| self.e(e))?;
        }
        tx.commit().map_err(|e| self.e(e))
    }

    /// Runs `write` in one transaction: committed if it succeeds, rolled back otherwise.
    fn write<T>(
        &self,
        write: impl FnOnce(&mut Transaction<'_>) -> std::result::Result<T, postgres::Error>,
    ) -> Result<T> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction().map_err(|e| self.e(e))?;
        let out = write(&mut tx).map_err(|e| self.e(e))?;
        tx.commit().map_err(|e| self.e(e))?;
        Ok(out)
    }

    fn query(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>> {
        self.conn()?.query(sql, params).map_err(|e| self.e(e))
    }

    fn query_articles(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<StoredArticle>> {
        let mut out = Vec::new();
        for row in self.query(sql, params)? {
            let id: String = row.get(1);
            let document: String = row.get(2);
            let article: Article =
                serde_json::from_str(&document).map_err(|e| StoreError::corrupt(&id, e))?;
            out.push(StoredArticle {
                seq: row.get::<_, i64>(0) as u64,
                article,
                grouping: grouping(&row, 3),
            });
        }
        Ok(out)
    }

    /// Ids starting with `prefix` from one id column, in id order (the matching ids are the
    /// first ones at or after the prefix).
    fn ids_with_prefix<T>(&self, sql: &str, prefix: &str, limit: usize) -> Result<Vec<T>>
    where
        T: From<String>,
    {
        let rows = self.query(sql, &[&prefix, &clamp(limit)])?;
        Ok(rows
            .iter()
            .map(|r| r.get::<_, String>(0))
            .take_while(|id| id.starts_with(prefix))
            .map(T::from)
            .collect())
    }
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let user = &url[scheme + 3..at];
            let user = user.split(':').next().unwrap_or(user);
            format!("{}{user}@{}", &url[..scheme + 3], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

/// A PostgreSQL error as a store error: `Unavailable` only for what trying again on a new
/// connection can cure (the connection lost or refused, the server shutting down or out of
/// resources, a serialization failure or deadlock), so a writer retries those and never a
/// refused write.
fn pg(name: &str, source: postgres::Error) -> StoreError {
    let kind = match source.code().map(|c| c.code()) {
        // No SQLSTATE: the connection closed or failed (I/O), or a client-side error.
        None if source.is_closed()
            || std::error::Error::source(&source).is_some_and(|e| e.is::<std::io::Error>()) =>
        {
            ErrorKind::Unavailable
        }
        None => ErrorKind::Invalid,
        Some(code) if code.starts_with("XX") => ErrorKind::Corrupt,
        Some(code)
            if ["08", "53", "57", "58", "40"].iter().any(|class| code.starts_with(class)) =>
        {
            ErrorKind::Unavailable
        }
        Some(_) => ErrorKind::Invalid,
    };
    StoreError::backend(kind, name.to_string(), source)
}

/// A row count for SQL's `LIMIT` (which is signed).
fn clamp(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Reads the four grouping columns starting at column `at`.
fn grouping(r: &Row, at: usize) -> Grouping {
    Grouping {
        story: Some(id(r, at)),
        duplicate_of: optional_id(r, at + 1),
        duplicate_similarity: r.get::<_, Option<f64>>(at + 2).map(|s| s as f32),
        storyline: optional_id(r, at + 3),
    }
}

/// Reads an id column (ids are stored as their text).
fn id<T: From<String>>(r: &Row, at: usize) -> T {
    T::from(r.get::<_, String>(at))
}

/// Reads an id column that may be NULL.
fn optional_id<T: From<String>>(r: &Row, at: usize) -> Option<T> {
    r.get::<_, Option<String>>(at).map(T::from)
}

fn summary(r: &Row) -> StorySummary {
    let date: Option<String> = r.get(2);
    StorySummary {
        id: id(r, 0),
        headline: r.get(1),
        date: date.and_then(|d| d.parse().ok()),
        articles: r.get::<_, i64>(3) as usize,
        sources: r.get::<_, i64>(4) as usize,
    }
}

/// Fills the entity index from the documents of every stored article (a store made before it
/// existed), a page at a time.
fn backfill_entities(tx: &mut Transaction<'_>) -> std::result::Result<(), postgres::Error> {
    let mut after = 0i64;
    loop {
        let rows = tx.query(
            "SELECT seq, document FROM articles
             WHERE seq > $1 ORDER BY seq LIMIT $2",
            &[&after, &PAGE],
        )?;
        let Some(last) = rows.last() else { return Ok(()) };
        after = last.get(0);
        let mut named = Vec::new();
        for row in &rows {
            let document: String = row.get(1);
            // An unreadable document names nothing; reading the article itself reports it.
            let entities: Vec<Entity> = serde_json::from_str::<serde_json::Value>(&document)
                .ok()
                .and_then(|mut d| d.pointer_mut("/entities").map(serde_json::Value::take))
                .and_then(|e| serde_json::from_value(e).ok())
                .unwrap_or_default();
            named.push((row.get::<_, i64>(0), entity_rows(&entities)));
        }
        index_entities(tx, &named)?;
    }
}

/// Adds newly stored articles (their seq and the entities they name) to the entity index, in
/// two statements whatever their number.
fn index_entities(
    tx: &mut Transaction<'_>,
    named: &[(i64, Vec<EntityRow>)],
) -> std::result::Result<(), postgres::Error> {
    let mut counts: std::collections::BTreeMap<&str, (&EntityRow, i64)> = Default::default();
    let (mut entity, mut seq) = (Vec::new(), Vec::new());
    for (at, rows) in named {
        for row in rows {
            counts.entry(&row.id).or_insert((row, 0)).1 += 1;
            entity.push(row.id.as_str());
            seq.push(*at);
        }
    }
    if entity.is_empty() {
        return Ok(());
    }
    let rows: Vec<&EntityRow> = counts.values().map(|(r, _)| *r).collect();
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let kinds: Vec<&str> = rows.iter().map(|r| r.kind.as_str()).collect();
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    let folded: Vec<&str> = rows.iter().map(|r| r.folded.as_str()).collect();
    let articles: Vec<i64> = counts.values().map(|(_, n)| *n).collect();
    tx.execute(
        "INSERT INTO entities (id, kind, name, folded, articles)
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])
         ON CONFLICT (id) DO UPDATE SET articles = entities.articles + excluded.articles",
        &[&ids, &kinds, &names, &folded, &articles],
    )?;
    tx.execute(
        "INSERT INTO article_entities (entity, seq)
         SELECT * FROM UNNEST($1::text[], $2::bigint[]) ON CONFLICT DO NOTHING",
        &[&entity, &seq],
    )?;
    Ok(())
}

/// Sets each listed story's storyline to its latest article's (its own id when none says one).
fn refresh_storylines(
    tx: &mut Transaction<'_>,
    stories: &[&str],
) -> std::result::Result<(), postgres::Error> {
    if stories.is_empty() {
        return Ok(());
    }
    tx.execute(
        "UPDATE stories SET storyline = COALESCE((SELECT a.storyline FROM articles a
            WHERE a.story = stories.id ORDER BY a.seq DESC LIMIT 1), id)
         WHERE id = ANY($1)",
        &[&stories],
    )?;
    Ok(())
}

/// Writes story summaries (insert or update); every changed story gets a new revision and loses
/// its cached report.
fn upsert_stories(
    tx: &mut Transaction<'_>,
    stories: &[StorySummary],
) -> std::result::Result<(), postgres::Error> {
    let upsert = tx.prepare(
        "INSERT INTO stories (id, headline, date, articles, sources)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET headline = excluded.headline,
            date = excluded.date, articles = excluded.articles,
            sources = excluded.sources, revision = stories.revision + 1, report = NULL",
    )?;
    for s in stories {
        let date = s.date.map(|d| d.to_string());
        tx.execute(
            &upsert,
            &[&s.id.as_str(), &s.headline, &date, &(s.articles as i64), &(s.sources as i64)],
        )?;
    }
    Ok(())
}

const ARTICLE_COLUMNS: &str =
    "seq, id, document, story, duplicate_of, duplicate_similarity, storyline";
const STORY_COLUMNS: &str = "id, headline, date, articles, sources";
/// The listing filters of [`StoryQuery`], over `stories` with parameters $1–$6.
const STORY_FILTER: &str = "sources >= $1 AND ($2::text IS NULL OR date >= $2)
    AND ($3::text IS NULL OR date <= $3)
    AND ($4::text IS NULL OR EXISTS
        (SELECT 1 FROM articles a WHERE a.story = stories.id AND a.source = $4))
    AND ($5::text IS NULL OR id IN (SELECT a.story FROM article_entities e
        JOIN articles a ON a.seq = e.seq WHERE e.entity = $5))
    AND ($6::text IS NULL OR storyline = $6)";
/// An entity's columns for [`entity_summary`] over `entities` (aliased `x`), with its count of
/// stories.
const ENTITY_COLUMNS: &str = "x.id, x.kind, x.name, x.articles,
    (SELECT COUNT(DISTINCT a.story) FROM article_entities e JOIN articles a ON a.seq = e.seq
     WHERE e.entity = x.id)";

/// The first key of the writer lock (the second is the hash of the store's schema name).
const WRITER_LOCK: i32 = 7157302;

impl PostgresStore {
    /// The grouping records of the next [`PAGE`] articles after seq `after`, of every day or of
    /// the days `from..=until` (ISO dates compare as text under `COLLATE "C"`).
    fn grouping_page(
        &self,
        after: u64,
        days: Option<(&String, &String)>,
    ) -> Result<Vec<GroupingRecord>> {
        let columns = "SELECT seq, id, features, story, duplicate_of, duplicate_similarity, \
                       storyline FROM articles";
        let after = clamp(after as usize);
        let rows = match days {
            None => self.query(
                &format!("{columns} WHERE seq > $1 ORDER BY seq LIMIT $2"),
                &[&after, &PAGE],
            )?,
            Some((from, until)) => self.query(
                &format!(
                    "{columns} WHERE published >= $3 AND published <= $4 AND seq > $1 \
                     ORDER BY seq LIMIT $2"
                ),
                &[&after, &PAGE, from, until],
            )?,
        };
        Ok(rows
            .iter()
            .map(|r| GroupingRecord {
                seq: r.get::<_, i64>(0) as u64,
                id: id(r, 1),
                features: r.get(2),
                grouping: grouping(r, 3),
            })
            .collect())
    }
}

impl Store for PostgresStore {
    fn lock_writer(&self) -> Result<WriterLock> {
        // A connection of its own, not the pool's: session locks are re-entrant within a session,
        // so a pooled connection handed to a second writer of this process would not exclude it,
        // and closing the connection is what releases the lock, whatever happens to the process.
        let mut client = self.config.connect(NoTls).map_err(|e| self.e(e))?;
        client
            .execute("SELECT pg_advisory_lock($1, hashtext(current_schema()))", &[&WRITER_LOCK])
            .map_err(|e| self.e(e))?;
        Ok(WriterLock::new(client))
    }

    fn contains(&self, id: &str) -> Result<bool> {
        Ok(!self.query("SELECT 1 FROM articles WHERE id = $1", &[&id])?.is_empty())
    }

    fn last_seq(&self) -> Result<u64> {
        let rows = self.query("SELECT COALESCE(MAX(seq), 0) FROM articles", &[])?;
        Ok(rows[0].get::<_, i64>(0) as u64)
    }

    fn save_batch(&self, batch: &Batch) -> Result<()> {
        self.write(|tx| {
            // `ON CONFLICT (id)`: an article stored already is left as it is; a clash on `seq`
            // (two committers) is an error, never a silently dropped article.
            let insert = tx.prepare(
                "INSERT INTO articles
                 (seq, id, input_id, url, title, source, author, published, language, document,
                  features, story, duplicate_of, duplicate_similarity, storyline)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
                 ON CONFLICT (id) DO NOTHING",
            )?;
            let mut named = Vec::new();
            for new in &batch.articles {
                let a = &new.article;
                let g = &new.grouping;
                let document = serde_json::to_string(a).expect("an Article always serialises");
                let published = a.published.map(|d| d.to_string());
                let story = g.story.as_deref().unwrap_or(&a.id);
                let (duplicate_of, storyline) = (g.duplicate_of.as_deref(), g.storyline.as_deref());
                let similarity = g.duplicate_similarity.map(f64::from);
                let inserted = tx.execute(
                    &insert,
                    &[
                        &clamp(new.seq as usize),
                        &a.id.as_str(),
                        &a.input_id,
                        &a.url,
                        &a.title,
                        &a.source,
                        &a.author,
                        &published,
                        &a.language,
                        &document,
                        &new.features,
                        &story,
                        &duplicate_of,
                        &similarity,
                        &storyline,
                    ],
                )?;
                if inserted == 1 {
                    named.push((clamp(new.seq as usize), entity_rows(&a.analysis.entities)));
                }
            }
            index_entities(tx, &named)?;
            if let Some(cursor) = &batch.cursor {
                tx.execute(
                    "INSERT INTO cursors (name, position) VALUES ($1, $2)
                     ON CONFLICT (name) DO UPDATE SET position = excluded.position",
                    &[&cursor.name, &clamp(cursor.position as usize)],
                )?;
            }
            upsert_stories(tx, &batch.stories)?;
            let touched: Vec<&str> = batch.stories.iter().map(|s| s.id.as_str()).collect();
            refresh_storylines(tx, &touched)
        })
    }

    fn cursor(&self, name: &str) -> Result<Option<u64>> {
        let rows = self.query("SELECT position FROM cursors WHERE name = $1", &[&name])?;
        Ok(rows.first().map(|r| r.get::<_, i64>(0) as u64))
    }

    fn article(&self, id: &str) -> Result<Option<StoredArticle>> {
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = $1");
        Ok(self.query_articles(&sql, &[&id])?.into_iter().next())
    }

    fn article_ids(&self, prefix: &str, limit: usize) -> Result<Vec<ArticleId>> {
        let sql = "SELECT id FROM articles WHERE id >= $1 ORDER BY id LIMIT $2";
        self.ids_with_prefix(sql, prefix, limit)
    }

    fn story_articles(&self, story: &StoryId) -> Result<Vec<StoredArticle>> {
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE story = $1 ORDER BY seq");
        self.query_articles(&sql, &[&story.as_str()])
    }

    fn stories(&self, query: &StoryQuery) -> Result<StoryPage> {
        let order = match query.order {
            StoryOrder::Newest => "date IS NULL, date DESC, articles DESC, id",
            StoryOrder::Largest => "sources DESC, articles DESC, date IS NULL, date DESC, id",
            StoryOrder::Oldest => "date IS NULL, date, articles DESC, id",
        };
        let min_sources = clamp(query.min_sources);
        let since = query.since.map(|d| d.to_string());
        let until = query.until.map(|d| d.to_string());
        let storyline = query.storyline.as_deref();
        let (outlet, entity, storyline) = (&query.outlet, &query.entity, &storyline);
        let filter: [&(dyn ToSql + Sync); 6] =
            [&min_sources, &since, &until, outlet, entity, storyline];
        let count = format!("SELECT COUNT(*) FROM stories WHERE {STORY_FILTER}");
        let total: i64 = self.query(&count, &filter)?[0].get(0);
        let sql = format!(
            "SELECT {STORY_COLUMNS} FROM stories WHERE {STORY_FILTER} ORDER BY {order}
             LIMIT $7 OFFSET $8"
        );
        let (limit, offset) = (clamp(query.limit), clamp(query.offset));
        let params: [&(dyn ToSql + Sync); 8] =
            [&min_sources, &since, &until, outlet, entity, storyline, &limit, &offset];
        let stories = self.query(&sql, &params)?.iter().map(summary).collect();
        Ok(StoryPage { total: total as usize, stories })
    }

    fn story(&self, id: &StoryId) -> Result<Option<StorySummary>> {
        let sql = format!("SELECT {STORY_COLUMNS} FROM stories WHERE id = $1");
        Ok(self.query(&sql, &[&id.as_str()])?.first().map(summary))
    }

    fn story_ids(&self, prefix: &str, limit: usize) -> Result<Vec<StoryId>> {
        let sql = "SELECT id FROM stories WHERE id >= $1 ORDER BY id LIMIT $2";
        self.ids_with_prefix(sql, prefix, limit)
    }

    fn cached_report(&self, story: &StoryId) -> Result<Option<CachedReport>> {
        let rows =
            self.query("SELECT revision, report FROM stories WHERE id = $1", &[&story.as_str()])?;
        let Some(row) = rows.first() else { return Ok(None) };
        let report: Option<String> = row.get(1);
        let report = report
            .map(|json| serde_json::from_str::<StoryReport>(&json))
            .transpose()
            .map_err(|e| {
                StoreError::new(ErrorKind::Corrupt, format!("cached report of story {story}: {e}"))
            })?;
        Ok(Some(CachedReport { revision: row.get::<_, i64>(0) as u64, report }))
    }

    fn save_story_report(&self, revision: u64, report: &StoryReport) -> Result<bool> {
        let json = serde_json::to_string(report).expect("a StoryReport always serialises");
        let changed = self
            .conn()?
            .execute(
                "UPDATE stories SET report = $3 WHERE id = $1 AND revision = $2",
                &[&report.id.as_str(), &clamp(revision as usize), &json],
            )
            .map_err(|e| self.e(e))?;
        Ok(changed == 1)
    }

    fn for_each_grouping_record(
        &self,
        each: &mut dyn FnMut(GroupingRecord) -> Result<()>,
    ) -> Result<()> {
        let page = |after: u64| self.grouping_page(after, None);
        storyline_store::for_each_in_pages(0, page, |r| r.seq, each)
    }

    fn for_each_grouping_record_published(
        &self,
        from: Date,
        until: Date,
        each: &mut dyn FnMut(GroupingRecord) -> Result<()>,
    ) -> Result<()> {
        let (from, until) = (from.to_string(), until.to_string());
        let page = |after: u64| self.grouping_page(after, Some((&from, &until)));
        storyline_store::for_each_in_pages(0, page, |r| r.seq, each)
    }

    fn save_groupings(
        &self,
        groupings: &[(ArticleId, Grouping)],
        stories: &[StorySummary],
    ) -> Result<()> {
        self.write(|tx| {
            let update = tx.prepare(
                "UPDATE articles SET story = $2, duplicate_of = $3, duplicate_similarity = $4,
                    storyline = $5 WHERE id = $1",
            )?;
            // The stories the regrouped articles leave: the only ones that can be left empty
            // (a sweep of every story made each chunk of a large regroup slower).
            let story_of = tx.prepare("SELECT story FROM articles WHERE id = $1")?;
            let mut left: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
            for (id, g) in groupings {
                if let Some(row) = tx.query_opt(&story_of, &[&id.as_str()])? {
                    left.insert(row.get(0));
                }
                let story = g.story.as_deref().unwrap_or(id);
                let (duplicate_of, storyline) = (g.duplicate_of.as_deref(), g.storyline.as_deref());
                let similarity = g.duplicate_similarity.map(f64::from);
                tx.execute(
                    &update,
                    &[&id.as_str(), &story, &duplicate_of, &similarity, &storyline],
                )?;
            }
            let drop_if_empty = tx.prepare(
                "DELETE FROM stories WHERE id = $1
                    AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.story = $1)",
            )?;
            for story in &left {
                tx.execute(&drop_if_empty, &[story])?;
            }
            upsert_stories(tx, stories)?;
            let regrouped = groupings.iter().map(|(id, g)| g.story.as_deref().unwrap_or(id));
            let touched: std::collections::BTreeSet<&str> =
                regrouped.chain(stories.iter().map(|s| s.id.as_str())).collect();
            refresh_storylines(tx, &touched.into_iter().collect::<Vec<_>>())
        })
    }

    fn for_each_article_after(
        &self,
        after: u64,
        each: &mut dyn FnMut(StoredArticle) -> Result<()>,
    ) -> Result<()> {
        let sql =
            format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE seq > $1 ORDER BY seq LIMIT $2");
        let page = |after: u64| self.query_articles(&sql, &[&clamp(after as usize), &PAGE]);
        storyline_store::for_each_in_pages(after, page, |a| a.seq, each)
    }

    fn count(&self) -> Result<usize> {
        Ok(self.query("SELECT COUNT(*) FROM articles", &[])?[0].get::<_, i64>(0) as usize)
    }

    fn fetch_state(&self, url: &str) -> Result<Option<FetchState>> {
        let rows = self.query(
            "SELECT url, etag, last_modified, fetched_at, status FROM fetch_state WHERE url = $1",
            &[&url],
        )?;
        Ok(rows.first().map(|r| FetchState {
            url: r.get(0),
            etag: r.get(1),
            last_modified: r.get(2),
            fetched_at: r.get(3),
            status: r.get::<_, i32>(4) as u16,
        }))
    }

    fn save_fetch_state(&self, state: &FetchState) -> Result<()> {
        self.conn()?
            .execute(
                "INSERT INTO fetch_state (url, etag, last_modified, fetched_at, status)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (url) DO UPDATE SET etag = excluded.etag,
                    last_modified = excluded.last_modified, fetched_at = excluded.fetched_at,
                    status = excluded.status",
                &[
                    &state.url,
                    &state.etag,
                    &state.last_modified,
                    &state.fetched_at,
                    &i32::from(state.status),
                ],
            )
            .map(|_| ())
            .map_err(|e| self.e(e))
    }

    fn articles_at_url(&self, url: &str) -> Result<Vec<ArticleId>> {
        let rows = self.query("SELECT id FROM articles WHERE url = $1 ORDER BY seq", &[&url])?;
        Ok(rows.iter().map(|r| id(r, 0)).collect())
    }

    fn save_revision(&self, article: &str, previous: &str) -> Result<()> {
        self.conn()?
            .execute(
                "INSERT INTO revisions (article, previous) VALUES ($1, $2)
                 ON CONFLICT (article) DO NOTHING",
                &[&article, &previous],
            )
            .map(|_| ())
            .map_err(|e| self.e(e))
    }

    fn previous_revision(&self, article: &str) -> Result<Option<ArticleId>> {
        let rows = self.query("SELECT previous FROM revisions WHERE article = $1", &[&article])?;
        Ok(rows.first().map(|r| id(r, 0)))
    }

    fn entities(&self, query: &EntityQuery) -> Result<EntityPage> {
        let text = fold(&query.text);
        let kind = query.kind.map(|k| k.as_str());
        let filter = "strpos(folded, $1) > 0 AND ($2::text IS NULL OR kind = $2)";
        let count = format!("SELECT COUNT(*) FROM entities WHERE {filter}");
        let total: i64 = self.query(&count, &[&text, &kind])?[0].get(0);
        // The page first, then the story counts of its rows only.
        let sql = format!(
            "SELECT {ENTITY_COLUMNS} FROM (SELECT * FROM entities WHERE {filter}
                ORDER BY articles DESC, folded, id LIMIT $3 OFFSET $4) x
             ORDER BY x.articles DESC, x.folded, x.id"
        );
        let (limit, offset) = (clamp(query.limit), clamp(query.offset));
        let rows = self.query(&sql, &[&text, &kind, &limit, &offset])?;
        let entities = rows.iter().map(entity_summary).collect::<Result<_>>()?;
        Ok(EntityPage { total: total as usize, entities })
    }

    fn entity(&self, id: &str) -> Result<Option<EntitySummary>> {
        let sql = format!("SELECT {ENTITY_COLUMNS} FROM entities x WHERE x.id = $1");
        self.query(&sql, &[&id])?.first().map(entity_summary).transpose()
    }

    fn known_entities(&self, ids: &[String]) -> Result<Vec<String>> {
        let rows = self.query("SELECT id FROM entities WHERE id = ANY($1)", &[&ids])?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn storylines_of(&self, stories: &[StoryId]) -> Result<Vec<StorylineOf>> {
        let rows = self.query(
            "SELECT s.id, s.storyline,
                (SELECT COUNT(*) FROM stories t WHERE t.storyline = s.storyline)
             FROM stories s WHERE s.id = ANY($1)",
            &[&stories.iter().map(|s| s.as_str()).collect::<Vec<_>>()],
        )?;
        Ok(rows
            .iter()
            .map(|r| StorylineOf {
                story: id(r, 0),
                storyline: id(r, 1),
                stories: r.get::<_, i64>(2) as usize,
            })
            .collect())
    }
}

/// Reads an entity's [`ENTITY_COLUMNS`].
fn entity_summary(r: &Row) -> Result<EntitySummary> {
    let id: String = r.get(0);
    let kind: String = r.get(1);
    let kind = kind_from_str(&kind).ok_or_else(|| {
        StoreError::new(ErrorKind::Corrupt, format!("entity {id} has an unknown kind {kind:?}"))
    })?;
    Ok(EntitySummary {
        id,
        kind,
        name: r.get(2),
        articles: r.get::<_, i64>(3) as usize,
        stories: r.get::<_, i64>(4) as usize,
    })
}

#[cfg(test)]
mod tests;
