//! The embedded backend: one SQLite file (WAL journal), schema versioned with `PRAGMA user_version`
//! and forward-only migrations, every batch in one transaction.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, Row};
use storyline_model::{Article, ArticleId, Grouping, StoryId, StorySummary};

use crate::{Batch, FetchState, GroupingRecord, Result, Store, StoreError, StoredArticle};

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
];

/// Storyline's default store: a single SQLite file.
pub struct SqliteStore {
    conn: Connection,
    path: String,
}

impl SqliteStore {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path_str = path.as_ref().display().to_string();
        let conn = Connection::open(path.as_ref()).map_err(|e| err(&path_str, e))?;
        let mut store = SqliteStore { conn, path: path_str };
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    fn e(&self, source: rusqlite::Error) -> StoreError {
        err(&self.path, source)
    }

    fn configure(&self) -> Result<()> {
        self.conn
            .execute_batch(
                "PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = NORMAL;
                 PRAGMA foreign_keys = ON;",
            )
            .map_err(|e| self.e(e))?;
        self.conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(|e| self.e(e))
    }

    fn migrate(&mut self) -> Result<()> {
        let known = MIGRATIONS.len() as i64;
        let found: i64 =
            self.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| self.e(e))?;
        if found > known {
            return Err(StoreError::TooNew { path: self.path.clone(), found, known });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            let tx = self.conn.transaction().map_err(|e| err(&self.path, e))?;
            tx.execute_batch(sql).map_err(|e| err(&self.path, e))?;
            tx.pragma_update(None, "user_version", i as i64 + 1).map_err(|e| err(&self.path, e))?;
            tx.commit().map_err(|e| err(&self.path, e))?;
        }
        Ok(())
    }

    fn query_articles(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<StoredArticle>> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.e(e))?;
        let rows = stmt
            .query_map(params, |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, grouping(r, 2)?))
            })
            .map_err(|e| self.e(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, document, grouping) = row.map_err(|e| self.e(e))?;
            let article: Article = serde_json::from_str(&document)
                .map_err(|e| StoreError::Corrupt { id, reason: e.to_string() })?;
            out.push(StoredArticle { article, grouping });
        }
        Ok(out)
    }
}

/// Writes story summaries (insert or update) inside the caller's transaction.
fn upsert_stories(
    tx: &rusqlite::Transaction<'_>,
    path: &str,
    stories: &[StorySummary],
) -> Result<()> {
    let mut upsert = tx
        .prepare_cached(
            "INSERT INTO stories (id, headline, date, articles, sources)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(id) DO UPDATE SET headline = excluded.headline,
                date = excluded.date, articles = excluded.articles,
                sources = excluded.sources",
        )
        .map_err(|e| err(path, e))?;
    for s in stories {
        upsert
            .execute(params![
                s.id,
                s.headline,
                s.date.map(|d| d.to_string()),
                s.articles as i64,
                s.sources as i64
            ])
            .map_err(|e| err(path, e))?;
    }
    Ok(())
}

fn err(path: &str, source: rusqlite::Error) -> StoreError {
    StoreError::Sqlite { path: path.to_string(), source }
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

const ARTICLE_COLUMNS: &str = "id, document, story, duplicate_of, duplicate_similarity, storyline";

impl Store for SqliteStore {
    fn contains(&self, id: &str) -> Result<bool> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT 1 FROM articles WHERE id = ?1")
            .map_err(|e| self.e(e))?;
        stmt.exists([id]).map_err(|e| self.e(e))
    }

    fn save_batch(&mut self, batch: &Batch) -> Result<()> {
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(|e| err(&path, e))?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO articles
                     (id, input_id, url, title, source, author, published, language, document,
                      features, story, duplicate_of, duplicate_similarity, storyline)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                )
                .map_err(|e| err(&path, e))?;
            for new in &batch.articles {
                let a = &new.article;
                let g = &new.grouping;
                let document = serde_json::to_string(a).expect("an Article always serialises");
                insert
                    .execute(params![
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
                    ])
                    .map_err(|e| err(&path, e))?;
            }
            upsert_stories(&tx, &path, &batch.stories)?;
        }
        tx.commit().map_err(|e| err(&path, e))
    }

    fn article(&self, id: &str) -> Result<Option<StoredArticle>> {
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?1");
        Ok(self.query_articles(&sql, [id])?.into_iter().next())
    }

    fn story_articles(&self, story: &StoryId) -> Result<Vec<StoredArticle>> {
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE story = ?1 ORDER BY seq");
        self.query_articles(&sql, [story])
    }

    fn stories(&self) -> Result<Vec<StorySummary>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, headline, date, articles, sources FROM stories
                 ORDER BY date IS NULL, date DESC, articles DESC, id",
            )
            .map_err(|e| self.e(e))?;
        let rows = stmt.query_map([], summary).map_err(|e| self.e(e))?;
        rows.collect::<rusqlite::Result<_>>().map_err(|e| self.e(e))
    }

    fn story(&self, id: &StoryId) -> Result<Option<StorySummary>> {
        self.conn
            .query_row(
                "SELECT id, headline, date, articles, sources FROM stories WHERE id = ?1",
                [id],
                summary,
            )
            .optional()
            .map_err(|e| self.e(e))
    }

    fn grouping_records(&self) -> Result<Vec<GroupingRecord>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, features, story, duplicate_of, duplicate_similarity, storyline
                 FROM articles ORDER BY seq",
            )
            .map_err(|e| self.e(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(GroupingRecord { id: r.get(0)?, features: r.get(1)?, grouping: grouping(r, 2)? })
            })
            .map_err(|e| self.e(e))?;
        rows.collect::<rusqlite::Result<_>>().map_err(|e| self.e(e))
    }

    fn save_groupings(
        &mut self,
        groupings: &[(ArticleId, Grouping)],
        stories: &[StorySummary],
    ) -> Result<()> {
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(|e| err(&path, e))?;
        {
            let mut update = tx
                .prepare_cached(
                    "UPDATE articles SET story = ?2, duplicate_of = ?3, duplicate_similarity = ?4,
                        storyline = ?5 WHERE id = ?1",
                )
                .map_err(|e| err(&path, e))?;
            for (id, g) in groupings {
                update
                    .execute(params![
                        id,
                        g.story.as_deref().unwrap_or(id),
                        g.duplicate_of,
                        g.duplicate_similarity.map(f64::from),
                        g.storyline,
                    ])
                    .map_err(|e| err(&path, e))?;
            }
            tx.execute("DELETE FROM stories WHERE id NOT IN (SELECT story FROM articles)", [])
                .map_err(|e| err(&path, e))?;
            upsert_stories(&tx, &path, stories)?;
        }
        tx.commit().map_err(|e| err(&path, e))
    }

    fn all_articles(&self) -> Result<Vec<StoredArticle>> {
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY seq");
        self.query_articles(&sql, [])
    }

    fn count(&self) -> Result<usize> {
        self.conn
            .query_row("SELECT COUNT(*) FROM articles", [], |r| r.get::<_, i64>(0))
            .map(|n| n as usize)
            .map_err(|e| self.e(e))
    }

    fn fetch_state(&self, url: &str) -> Result<Option<FetchState>> {
        self.conn
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

    fn save_fetch_state(&mut self, state: &FetchState) -> Result<()> {
        self.conn
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
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM articles WHERE url = ?1 ORDER BY seq")
            .map_err(|e| self.e(e))?;
        let rows = stmt.query_map([url], |r| r.get(0)).map_err(|e| self.e(e))?;
        rows.collect::<rusqlite::Result<_>>().map_err(|e| self.e(e))
    }

    fn save_revision(&mut self, article: &str, previous: &str) -> Result<()> {
        self.conn
            .execute(
                "INSERT OR IGNORE INTO revisions (article, previous) VALUES (?1, ?2)",
                [article, previous],
            )
            .map(|_| ())
            .map_err(|e| self.e(e))
    }

    fn previous_revision(&self, article: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT previous FROM revisions WHERE article = ?1", [article], |r| r.get(0))
            .optional()
            .map_err(|e| self.e(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NewArticle;
    use storyline_model::{Analysis, TitleOrigin};

    fn article(id: &str, text: &str) -> Article {
        Article {
            id: id.into(),
            input_id: Some(format!("{id}.txt")),
            url: None,
            title: Some(format!("Title {id}")),
            title_origin: TitleOrigin::Detected,
            published: Some("2026-03-04".parse().unwrap()),
            published_origin: Some("header".into()),
            source: Some("The Harbour Gazette".into()),
            author: None,
            language: Some("en".into()),
            text: text.into(),
            removed: vec![],
            analysis: Analysis::default(),
        }
    }

    fn new(id: &str, story: &str) -> NewArticle {
        NewArticle {
            article: article(id, "The ferry left at dawn."),
            features: "{}".into(),
            grouping: Grouping { story: Some(story.into()), ..Default::default() },
        }
    }

    fn story(id: &str, n: usize) -> StorySummary {
        StorySummary {
            id: id.into(),
            headline: "Ferry leaves".into(),
            date: Some("2026-03-04".parse().unwrap()),
            articles: n,
            sources: 1,
        }
    }

    #[test]
    fn batch_round_trips_and_reingest_is_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let mut s = SqliteStore::open(&path).unwrap();
        let batch = Batch {
            articles: vec![new("a1", "a1"), new("a2", "a1")],
            stories: vec![story("a1", 2)],
        };
        s.save_batch(&batch).unwrap();
        s.save_batch(&batch).unwrap();
        assert_eq!(s.count().unwrap(), 2);
        assert!(s.contains("a2").unwrap());
        let got = s.article("a2").unwrap().unwrap();
        assert_eq!(got.article, article("a2", "The ferry left at dawn."));
        assert_eq!(got.grouping.story.as_deref(), Some("a1"));
        assert_eq!(s.story_articles(&"a1".into()).unwrap().len(), 2);
        assert_eq!(s.stories().unwrap(), vec![story("a1", 2)]);
        drop(s);
        // Reopening keeps everything and does not re-run migrations.
        let s = SqliteStore::open(&path).unwrap();
        assert_eq!(s.grouping_records().unwrap().len(), 2);
    }

    #[test]
    fn failed_batch_leaves_store_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = SqliteStore::open(dir.path().join("s.db")).unwrap();
        s.save_batch(&Batch { articles: vec![new("a1", "a1")], stories: vec![story("a1", 1)] })
            .unwrap();
        // Drop the stories table behind the store's back so the batch fails half-way.
        s.conn.execute_batch("DROP TABLE stories").unwrap();
        let r =
            s.save_batch(&Batch { articles: vec![new("b1", "b1")], stories: vec![story("b1", 1)] });
        assert!(r.is_err());
        assert_eq!(s.count().unwrap(), 1, "the article half of the failed batch was rolled back");
    }

    #[test]
    fn fetch_state_and_revisions_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = SqliteStore::open(dir.path().join("s.db")).unwrap();
        let url = "https://ledger.example/pier";
        assert_eq!(s.fetch_state(url).unwrap(), None);
        let mut st = FetchState {
            url: url.into(),
            etag: Some("\"v1\"".into()),
            last_modified: None,
            fetched_at: "2026-03-04T10:00:00Z".into(),
            status: 200,
        };
        s.save_fetch_state(&st).unwrap();
        st.etag = Some("\"v2\"".into());
        s.save_fetch_state(&st).unwrap();
        assert_eq!(s.fetch_state(url).unwrap(), Some(st));
        let mut a1 = new("a1", "a1");
        a1.article.url = Some(url.into());
        let mut a2 = new("a2", "a1");
        a2.article.url = Some(url.into());
        s.save_batch(&Batch { articles: vec![a1, a2], stories: vec![story("a1", 2)] }).unwrap();
        assert_eq!(s.articles_at_url(url).unwrap(), vec!["a1".to_string(), "a2".to_string()]);
        s.save_revision("a2", "a1").unwrap();
        s.save_revision("a2", "a1").unwrap();
        assert_eq!(s.previous_revision("a2").unwrap().as_deref(), Some("a1"));
        assert_eq!(s.previous_revision("a1").unwrap(), None);
    }

    #[test]
    fn newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        drop(SqliteStore::open(&path).unwrap());
        Connection::open(&path).unwrap().pragma_update(None, "user_version", 99).unwrap();
        let e = SqliteStore::open(&path).err().unwrap();
        assert!(e.to_string().contains("newer"), "{e}");
    }
}
