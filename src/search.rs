//! `storyline search` and `storyline reindex`, and where the search index of a store lives
//! (`--index DIR`; by default `<db>.search/` beside a SQLite file). The index itself is
//! `storyline_search::SearchIndex`: opening it catches it up with the store.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{anyhow, bail, Result};
use serde_json::json;
use storyline_model::{Date, SCHEMA_VERSION};
use storyline_pipeline::Store;
use storyline_search::{SearchIndex, SearchRequest};

/// The options of `storyline search`.
#[derive(clap::Args)]
pub struct SearchArgs {
    /// The words: all must match (stemmed); `"a phrase"` matches in order, `-word` excludes,
    /// `OR` widens, `title:word` looks in one field. Several arguments are one query.
    #[arg(required = true)]
    pub query: Vec<String>,
    /// Only articles of this outlet (its exact name).
    #[arg(long)]
    pub outlet: Option<String>,
    /// Only articles published on or after this day (YYYY-MM-DD).
    #[arg(long)]
    pub since: Option<String>,
    /// Only articles published on or before this day (YYYY-MM-DD).
    #[arg(long)]
    pub until: Option<String>,
    /// Show at most this many articles (1 to 100).
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Skip this many articles of the ranked list (for paging with --limit).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Print the page of results as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub index: IndexArg,
    #[command(flatten)]
    pub store: crate::StoreArg,
}

/// Where the search index is.
#[derive(clap::Args)]
pub struct IndexArg {
    /// The search index directory [default: `<db>.search` beside a SQLite store; required for
    /// a PostgreSQL store]. Derived from the store, rebuilt by `storyline reindex`.
    #[arg(long = "index", value_name = "DIR", env = "STORYLINE_INDEX")]
    pub dir: Option<PathBuf>,
}

impl IndexArg {
    /// The directory given, or the default beside a SQLite store (`None` for PostgreSQL).
    pub fn resolve(&self, db: &Path) -> Option<PathBuf> {
        self.dir
            .clone()
            .or_else(|| crate::sqlite_path(db).map(|p| storyline_search::default_dir(&p)))
    }

    /// The directory, or an error saying how to give one.
    pub fn require(&self, db: &Path) -> Result<PathBuf> {
        self.resolve(db).ok_or_else(|| {
            anyhow!(
                "a PostgreSQL store has no file to keep the search index beside: give --index DIR"
            )
        })
    }
}

/// How often `ingest` brings the search index up to date while it commits.
const INDEX_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// Runs `work` (an ingest writing to `store`) while keeping the search index in `dir` caught up
/// with what it commits: every [`INDEX_EVERY`] on a thread of its own, and once more when the
/// work is done, so the first search after a large ingest finds the index up to date. The index
/// stays derived: when it cannot be updated (another process holds its writer — a server, which
/// catches up itself —, or it fails), this says so on stderr and the next search catches up.
pub fn indexing_while<T>(dir: Option<PathBuf>, store: &dyn Store, work: impl FnOnce() -> T) -> T {
    let Some(dir) = dir else { return work() };
    let (stop, stopped) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|scope| {
        let indexer = scope.spawn(move || {
            let index = match storyline_search::SearchIndex::load(&dir) {
                Ok(index) => index,
                Err(e) => return warn_unindexed(&dir, &e),
            };
            let mut indexed = 0;
            loop {
                let done = stopped.recv_timeout(INDEX_EVERY);
                match index.catch_up(store) {
                    Ok(caught) => indexed += caught.indexed,
                    Err(storyline_search::SearchError::Busy) => {}
                    Err(e) => return warn_unindexed(&dir, &e),
                }
                if !matches!(done, Err(std::sync::mpsc::RecvTimeoutError::Timeout)) {
                    break;
                }
            }
            if indexed > 0 {
                eprintln!("search: indexed {indexed} new articles ({})", dir.display());
            }
        });
        let out = work();
        let _ = stop.send(());
        let _ = indexer.join();
        out
    })
}

fn warn_unindexed(dir: &Path, e: &storyline_search::SearchError) {
    eprintln!(
        "search: the index in {} was not updated ({e}); the next search catches up",
        dir.display()
    );
}

/// Opens (and catches up) the index in `dir`, saying on stderr what it indexed.
pub fn open_index(dir: &Path, store: &dyn Store) -> Result<SearchIndex> {
    let (index, done) = SearchIndex::open(dir, store)?;
    if done.indexed > 0 {
        let how = if done.rebuilt { "rebuilt the index with" } else { "indexed" };
        eprintln!("search: {how} {} new articles ({})", done.indexed, dir.display());
    }
    Ok(index)
}

pub fn search(db: &Path, args: SearchArgs) -> Result<ExitCode> {
    let dir = args.index.require(db)?;
    let store = &*crate::open(db)?;
    let index = open_index(&dir, store)?;
    let page = index.search(store, &request(&args)?)?;
    if args.json {
        crate::print_json(&crate::with_schema(&page)?)?;
    } else {
        crate::write_out(&crate::render::search_results(&page))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn reindex(db: &Path, index: IndexArg, json: bool) -> Result<ExitCode> {
    let dir = index.require(db)?;
    let store = &*crate::open(db)?;
    let started = std::time::Instant::now();
    let done = SearchIndex::load(&dir)?.rebuild(store)?;
    let seconds = started.elapsed().as_secs_f64();
    if json {
        let doc = json!({"schema": SCHEMA_VERSION, "indexed": done.indexed, "seq": done.seq});
        crate::print_json(&doc)?;
    }
    eprintln!("reindexed {} articles in {seconds:.1} s ({})", done.indexed, dir.display());
    Ok(ExitCode::SUCCESS)
}

/// The index `storyline serve` searches: opened and caught up before the server starts, or
/// `None` (search answers `search_unavailable`) for a PostgreSQL store without `--index`.
pub fn for_serving(
    db: &Path,
    index: &IndexArg,
    store: &dyn Store,
) -> Result<Option<Arc<SearchIndex>>> {
    match index.resolve(db) {
        Some(dir) => Ok(Some(Arc::new(open_index(&dir, store)?))),
        None => {
            eprintln!("search is off: give --index DIR to search a PostgreSQL store");
            Ok(None)
        }
    }
}

fn request(args: &SearchArgs) -> Result<SearchRequest> {
    let day = |flag: &str, s: &Option<String>| -> Result<Option<Date>> {
        s.as_ref()
            .map(|s| s.parse().map_err(|_| anyhow!("{flag}: expected YYYY-MM-DD, got {s:?}")))
            .transpose()
    };
    if !(1..=storyline_search::MAX_LIMIT).contains(&args.limit) {
        bail!("--limit: expected 1 to {}, got {}", storyline_search::MAX_LIMIT, args.limit);
    }
    let mut request = SearchRequest::new(args.query.join(" "));
    request.outlet = args.outlet.clone();
    request.since = day("--since", &args.since)?;
    request.until = day("--until", &args.until)?;
    (request.offset, request.limit) = (args.offset, args.limit);
    Ok(request)
}
