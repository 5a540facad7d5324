//! `storyline`: the command-line face of the pipeline (the contract in `../shared/docs/contract.md`).
//!
//! This binary only parses arguments, opens the store, calls the pipeline and prints. Exit status:
//! 0 when everything succeeded, 1 when some inputs failed, 2 on a usage or store error.

/// `eprintln!` for a person: the line passes [`render::terminal_safe`] first, since input names,
/// reasons and titles come from the (hostile) inputs.
macro_rules! say {
    ($($arg:tt)*) => {
        eprintln!("{}", $crate::render::terminal_safe(&format!($($arg)*)))
    };
}

/// mimalloc instead of the system allocator: analysis allocates many small, short-lived values
/// per article, on every core (≈ 10 % of an ingest's time went to glibc's malloc and free).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod demo;
mod fetch;
mod progress;
mod render;
mod search;

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use serde_json::json;
use storyline_model::{Date, SCHEMA_VERSION};
use storyline_pipeline::{IngestReport, Store};
use storyline_store::{StoryOrder, StoryQuery};
use storyline_store_postgres::PostgresStore;
use storyline_store_sqlite::SqliteStore;

#[derive(Parser)]
#[command(
    name = "storyline",
    version,
    about = "Turns articles from many outlets into stories: who agrees, who alone reports what, where they conflict.",
    after_help = "Start with `storyline demo`, then `storyline ingest DIR` on your own articles."
)]
struct Cli {
    /// The store, for the commands that use one (each also takes `--db` after its name).
    #[arg(long, visible_alias = "store", value_name = "DB")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

/// The store option of the commands that read or write one (`analyze`, `eval` and `worker` use
/// none, so they do not offer it).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct StoreArg {
    /// The store to read and write: a SQLite file (a path or `sqlite://PATH`) or a PostgreSQL
    /// database (`postgres://USER@HOST:PORT/DB`, optionally `?schema=NAME`) [default:
    /// storyline.db; for `demo`, storyline-demo.db, so the example collection stays apart from
    /// your own articles].
    #[arg(long = "db", visible_alias = "store", value_name = "DB", env = "STORYLINE_DB")]
    pub db: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Ingest the bundled example collection and print its stories and the biggest story's report.
    Demo {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        store: StoreArg,
    },
    /// Ingest files, directories (recursively) or standard input (`-`).
    Ingest {
        /// Files or directories; `-` reads one document from standard input; WARC files (`.warc`,
        /// `.warc.gz`) are read record by record.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print the ingest report as JSON.
        #[arg(long)]
        json: bool,
        /// Threads analysing articles [default: one per core]; what is stored is the same
        /// whatever the number.
        #[arg(long, env = "STORYLINE_THREADS")]
        threads: Option<usize>,
        /// Publish the inputs to a work stream (`nats://HOST:PORT[?prefix=NAME]`) for `worker`s
        /// and the `committer` instead of ingesting them here.
        #[arg(long, value_name = "NATS_URL", conflicts_with = "threads")]
        to: Option<String>,
        #[command(flatten)]
        index: search::IndexArg,
        /// Leave the search index alone (the next search brings it up to date).
        #[arg(long)]
        no_index: bool,
        /// Do not regroup the days this run touched at its end (what makes its stories the same
        /// however its articles were cut into runs and batches); `regroup` can do it later.
        #[arg(long)]
        no_settle: bool,
        #[command(flatten)]
        store: StoreArg,
    },
    /// Prepare inputs from a work stream (parse, analyse, grouping features) and publish the
    /// analysed articles back to it; run as many as there are cores to spare, on any machine.
    Worker(StreamArgs),
    /// Group and store the analysed articles of a work stream, in stream order (run exactly one
    /// per store); a restart resumes after the last committed message.
    Committer(CommitterArgs),
    /// What the store holds and, with --from, how far the work stream's workers and committer
    /// are behind.
    Status {
        /// The work stream: `nats://HOST:PORT[?prefix=NAME]`.
        #[arg(long, value_name = "NATS_URL")]
        from: Option<String>,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        store: StoreArg,
    },
    /// Recompute the stories of the stored articles (published on or after --since, or all) in
    /// date order, whatever order they were ingested in; story ids stay where membership does
    /// not change.
    Regroup {
        /// Only articles published on or after this day (YYYY-MM-DD); earlier ones keep their
        /// stories.
        #[arg(long)]
        since: Option<String>,
        /// Only articles published on or before this day (YYYY-MM-DD); later and undated ones
        /// keep their stories.
        #[arg(long)]
        until: Option<String>,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        store: StoreArg,
    },
    /// List stories, newest first.
    Stories(StoriesArgs),
    /// Print the report on one story: sources, entities, quotes, timeline, agreed and unique facts.
    Story {
        /// Story id (or a unique prefix of it).
        id: String,
        #[arg(long)]
        json: bool,
        /// `text` (default) or `html`: a self-contained page with the outlets side by side.
        #[arg(long, value_enum, default_value_t = StoryFormat::Text)]
        format: StoryFormat,
        #[command(flatten)]
        store: StoreArg,
    },
    /// Print one stored article: metadata and cleaned text.
    Article {
        /// Article id (or a unique prefix of it).
        id: String,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        store: StoreArg,
    },
    /// Analyse one document and print the analysis as JSON (nothing is stored).
    Analyze {
        /// The document; `-` or nothing reads standard input.
        file: Option<PathBuf>,
        /// Take the input as plain text exactly as given: nothing stripped, offsets into the input.
        #[arg(long)]
        raw: bool,
        /// Publication date (ISO 8601) used to resolve relative dates.
        #[arg(long)]
        published: Option<String>,
        /// The outlet.
        #[arg(long)]
        source: Option<String>,
        /// Accepted for symmetry with the other commands: the output is always JSON.
        #[arg(long)]
        json: bool,
    },
    /// Score one analysis or grouping step on gold data (CoNLL, TimeML, PolNeAR, PLOVER, ECB+ layouts).
    Eval {
        /// ner, temporal, quotes, events, clustering or html.
        task: storyline_eval::Task,
        /// The gold data: a directory in the task's layout, or the file where the layout is one file.
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Fetch pages and feeds politely (robots.txt, per-host delay, conditional requests) and ingest them.
    Fetch(fetch::FetchArgs),
    /// Search the stored articles: best matches first, each with its passage and its story.
    Search(search::SearchArgs),
    /// Rebuild the search index from the store (searches keep it up to date by themselves; this
    /// starts it afresh).
    Reindex {
        #[command(flatten)]
        index: search::IndexArg,
        /// Print what was indexed as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        store: StoreArg,
    },
    /// Serve the stories over HTTP: a JSON API under /api/v1/ (OpenAPI document at
    /// /api/v1/openapi.json) and a web UI, with full-text search and a live stream of changed
    /// stories. With STORYLINE_API_TOKEN set, POST /api/v1/articles takes new articles
    /// (`Authorization: Bearer TOKEN`).
    Serve {
        /// The address to listen on (loopback by default; another address exposes the store).
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        #[command(flatten)]
        index: search::IndexArg,
        #[command(flatten)]
        store: StoreArg,
    },
    /// Export every stored article, one JSON line each.
    Export {
        #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
        format: ExportFormat,
        #[command(flatten)]
        store: StoreArg,
    },
}

impl Command {
    /// The store option, for the commands that use a store.
    fn store(&self) -> Option<&StoreArg> {
        match self {
            Command::Demo { store, .. }
            | Command::Ingest { store, .. }
            | Command::Status { store, .. }
            | Command::Regroup { store, .. }
            | Command::Story { store, .. }
            | Command::Article { store, .. }
            | Command::Reindex { store, .. }
            | Command::Serve { store, .. }
            | Command::Export { store, .. } => Some(store),
            Command::Committer(args) => Some(&args.store),
            Command::Stories(args) => Some(&args.store),
            Command::Fetch(args) => Some(&args.store),
            Command::Search(args) => Some(&args.store),
            Command::Worker(_) | Command::Analyze { .. } | Command::Eval { .. } => None,
        }
    }
}

/// The options of `storyline committer`: a work stream and the store it commits to.
#[derive(clap::Args)]
struct CommitterArgs {
    #[command(flatten)]
    stream: StreamArgs,
    #[command(flatten)]
    store: StoreArg,
}

/// The options of `storyline worker` and `storyline committer`.
#[derive(clap::Args)]
struct StreamArgs {
    /// The work stream: `nats://HOST:PORT[?prefix=NAME]`.
    #[arg(long, value_name = "NATS_URL")]
    from: String,
    /// Stop when the stream has nothing left instead of waiting for more.
    #[arg(long)]
    until_idle: bool,
    /// Print what was done as JSON.
    #[arg(long)]
    json: bool,
}

impl StreamArgs {
    fn open(&self) -> Result<(storyline_stream::WorkStream, storyline_stream::Until)> {
        let until = storyline_stream::Until { idle: self.until_idle, messages: None };
        Ok((storyline_stream::WorkStream::parse(&self.from)?, until))
    }
}

/// The options of `storyline stories`: a page of the listing, filtered.
#[derive(clap::Args)]
struct StoriesArgs {
    /// Print `{"schema", "total", "stories": [...]}` instead of a table.
    #[arg(long)]
    json: bool,
    /// Show at most this many stories.
    #[arg(long)]
    limit: Option<usize>,
    /// Skip this many stories of the filtered list (for paging with --limit).
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// `date` (newest first, the default) or `size` (most outlets, then most articles, first).
    #[arg(long, value_enum, default_value_t = SortBy::Date)]
    sort: SortBy,
    /// Only stories carried by at least this many outlets.
    #[arg(long, default_value_t = 0)]
    min_sources: usize,
    /// Only stories dated on or after this day (YYYY-MM-DD).
    #[arg(long)]
    since: Option<String>,
    /// Only stories dated on or before this day (YYYY-MM-DD).
    #[arg(long)]
    until: Option<String>,
    /// Only stories with an article from this outlet (its exact name).
    #[arg(long)]
    outlet: Option<String>,
    #[command(flatten)]
    store: StoreArg,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SortBy {
    Date,
    Size,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StoryFormat {
    Text,
    Html,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Jsonl,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        // `storyline export | head`: the reader left; that is not an error.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            say!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// The environment variable holding the token `POST /api/v1/articles` needs.
const INGEST_TOKEN_VAR: &str = "STORYLINE_API_TOKEN";

fn run(cli: Cli) -> Result<ExitCode> {
    quiet_panics();
    let default_db = match cli.command {
        Command::Demo { .. } => "storyline-demo.db",
        _ => "storyline.db",
    };
    let given = cli.db.clone().or_else(|| cli.command.store().and_then(|s| s.db.clone()));
    let db = given.unwrap_or_else(|| PathBuf::from(default_db));
    match cli.command {
        Command::Demo { json, .. } => demo(&db, json),
        Command::Ingest { paths, json, to: Some(url), .. } => publish_inputs(&url, &paths, json),
        Command::Worker(args) => {
            let (stream, until) = args.open()?;
            let report = stream.run_worker(until)?;
            if args.json {
                print_with_schema(&report)?;
            }
            say!(
                "prepared {} inputs: {} articles, {} failed",
                report.inputs,
                report.articles,
                report.failed
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Committer(CommitterArgs { stream: args, .. }) => {
            let (stream, until) = args.open()?;
            let report = stream.run_committer(&*open(&db)?, until)?;
            print_ingest_report(&report, args.json)
        }
        Command::Ingest { paths, json, threads, to: None, index, no_index, no_settle, .. } => {
            let store = &*open(&db)?;
            note_another_writer(&db);
            let dir = index.resolve(&db).filter(|_| !no_index);
            let report = search::indexing_while(dir, store, || {
                ingest(store, storyline_pipeline::read_paths(&paths), threads, !no_settle)
            })?;
            print_ingest_report(&report, json)
        }
        Command::Status { from, json, .. } => print_status(&*open(&db)?, from.as_deref(), json),
        Command::Regroup { since, until, json, .. } => regroup(&db, since, until, json),
        Command::Stories(args) => list_stories(&*open(&db)?, args),
        Command::Story { id, json, format, .. } => show_story(&*open(&db)?, &id, json, format),
        Command::Article { id, json, .. } => show_article(&*open(&db)?, &id, json),
        Command::Analyze { file, raw, published, source, json: _ } => {
            analyze(file, raw, published, source)
        }
        Command::Eval { task, data, json } => {
            let scores = storyline_eval::run(task, &data)?;
            if json {
                print_with_schema(&scores)?;
            } else {
                write_out(&format!("{}\n", scores.render()))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Fetch(args) => fetch::run(&db, args),
        Command::Search(args) => search::search(&db, args),
        Command::Reindex { index, json, .. } => search::reindex(&db, index, json),
        Command::Serve { addr, index, .. } => serve(&db, addr, &index),
        Command::Export { format: ExportFormat::Jsonl, .. } => {
            export_jsonl(&*open(&db)?)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `ingest --to nats://…`: publishes the inputs to the work stream for the workers.
fn publish_inputs(url: &str, paths: &[PathBuf], json: bool) -> Result<ExitCode> {
    let stream = storyline_stream::WorkStream::parse(url)?;
    let report = stream.publish_inputs(storyline_pipeline::read_paths(paths).iter)?;
    if json {
        print_with_schema(&report)?;
    }
    for f in &report.failed {
        say!("failed: {}: {}", f.input, f.reason);
    }
    say!(
        "published {}, already in the stream {}, failed {}",
        report.published,
        report.duplicates,
        report.failed.len()
    );
    Ok(if report.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// `regroup`: recomputes the stories of the days asked for.
fn regroup(
    db: &Path,
    since: Option<String>,
    until: Option<String>,
    json: bool,
) -> Result<ExitCode> {
    let days = storyline_pipeline::Days {
        since: parse_day("--since", since)?,
        until: parse_day("--until", until)?,
    };
    let store = &*open(db)?;
    note_another_writer(db);
    let report = storyline_pipeline::regroup(store, days)?;
    if json {
        print_with_schema(&report)?;
    } else {
        say!(
            "regrouped {} of {} articles: {} changed, {} stories",
            report.regrouped,
            report.articles,
            report.changed,
            report.stories
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `stories`: one page of the stored stories.
fn list_stories(store: &dyn Store, args: StoriesArgs) -> Result<ExitCode> {
    let json = args.json;
    let page = store.stories(&story_query(args)?)?;
    if json {
        print_json(
            &json!({"schema": SCHEMA_VERSION, "total": page.total, "stories": page.stories}),
        )?;
    } else {
        write_out(&render::stories_table(&page.stories))?;
        if page.stories.len() < page.total {
            say!("{} of {} stories shown", page.stories.len(), page.total);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `story ID`: the story's report, as JSON, HTML or for the terminal.
fn show_story(store: &dyn Store, id: &str, json: bool, format: StoryFormat) -> Result<ExitCode> {
    let story = storyline_pipeline::find_story(store, id)
        .map_err(|e| hint(e, "see `storyline stories`"))?;
    let (report, texts) = storyline_pipeline::story_with_texts(store, &story.id)?;
    if json {
        print_json(&with_schema(&report)?)?;
    } else if format == StoryFormat::Html {
        let page = storyline_compare::html::render(&report, &texts);
        if std::io::stdout().is_terminal() {
            write_out(&page)?;
        } else {
            write_raw(&page)?;
        }
    } else {
        write_out(&render::story(&report, &texts))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `article ID`: one stored article with its analysis.
fn show_article(store: &dyn Store, id: &str, json: bool) -> Result<ExitCode> {
    let stored = storyline_pipeline::find_article(store, id)
        .map_err(|e| hint(e, "see `storyline export`"))?;
    if json {
        /// The article with `schema` first and its grouping last: what `with_schema` and two
        /// more fields gave, serialised straight to the output.
        #[derive(serde::Serialize)]
        struct Document<'a> {
            schema: u32,
            #[serde(flatten)]
            article: &'a storyline_model::Article,
            story: &'a Option<storyline_model::StoryId>,
            duplicate_of: &'a Option<storyline_model::ArticleId>,
        }
        print_json_streamed(&Document {
            schema: SCHEMA_VERSION,
            article: &stored.article,
            story: &stored.grouping.story,
            duplicate_of: &stored.grouping.duplicate_of,
        })?;
    } else {
        write_out(&render::article(&stored))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `serve`: the HTTP API and web UI over the store until Ctrl-C.
fn serve(db: &Path, addr: std::net::SocketAddr, index: &search::IndexArg) -> Result<ExitCode> {
    let store: std::sync::Arc<dyn Store> = open(db)?.into();
    let search = search::for_serving(db, index, &*store)?;
    let listener =
        std::net::TcpListener::bind(addr).with_context(|| format!("cannot listen on {addr}"))?;
    // The token comes from the environment, not a flag: flags show in `ps`.
    let ingest_token = std::env::var(INGEST_TOKEN_VAR).ok().filter(|t| !t.trim().is_empty());
    let writes = if ingest_token.is_some() {
        "POST /api/v1/articles takes articles with the token"
    } else {
        "read-only: set STORYLINE_API_TOKEN to take articles"
    };
    say!("Serving {} on http://{} ({writes}; Ctrl-C stops)", db.display(), listener.local_addr()?);
    let config = storyline_server::Config { search, ingest_token };
    storyline_server::run(listener, store, config, storyline_server::ctrl_c())?;
    Ok(ExitCode::SUCCESS)
}

/// Prints `value` as JSON with the contract's `schema` field added.
fn print_with_schema<T: serde::Serialize>(value: &T) -> Result<()> {
    let mut doc = serde_json::to_value(value)?;
    doc["schema"] = json!(SCHEMA_VERSION);
    print_json(&doc)
}

/// Reports a panic caught inside a stage (the eval scorers and the pipeline isolate them per
/// document) as one line instead of a backtrace.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let msg = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("panic");
        let at =
            info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        say!("internal error{at}: {}", msg.chars().take(160).collect::<String>());
    }));
}

/// Opens the store `--db` names: `postgres://…` (or `postgresql://…`) is a PostgreSQL database
/// (`?schema=NAME` keeps the store in one schema of it); `sqlite://PATH` or a bare path is a
/// SQLite file.
/// `storyline status`: the store's counts, and the work stream's backlog when `from` names one.
fn print_status(store: &dyn Store, from: Option<&str>, json: bool) -> Result<ExitCode> {
    let articles = store.count()?;
    let stories =
        store.stories(&storyline_store::StoryQuery { limit: 0, ..Default::default() })?.total;
    let mut doc = json!({"schema": SCHEMA_VERSION, "articles": articles, "stories": stories});
    let mut lines = vec![format!("store: {articles} articles, {stories} stories")];
    if let Some(url) = from {
        let stream = storyline_stream::WorkStream::parse(url)?;
        let status = stream.status()?;
        let lag = stream.committer_lag(store, &status)?;
        lines.push(format!(
            "work stream: {} inputs waiting, {} in flight, {} idle worker pulls, {} dead letters; \
             committer {lag} inputs behind",
            status.inputs_waiting,
            status.inputs_in_flight,
            status.workers_waiting,
            status.dead_letters
        ));
        doc["stream"] = serde_json::to_value(&status)?;
        doc["stream"]["committer_lag"] = json!(lag);
    }
    if json {
        print_json(&doc)?;
    } else {
        write_out(&(lines.join("\n") + "\n"))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn open(db: &std::path::Path) -> Result<Box<dyn Store>> {
    if let Some(path) = sqlite_path(db) {
        return Ok(Box::new(SqliteStore::open(path)?));
    }
    let name = db.to_string_lossy();
    let (url, schema) = match name.split_once("?schema=") {
        Some((url, schema)) => (url, Some(schema)),
        None => (name.as_ref(), None),
    };
    Ok(Box::new(PostgresStore::open(url, schema)?))
}

/// Says on stderr that this command will wait for another writer when one holds the writer
/// lock of the SQLite store `db` (`<db>.lock`, see `storyline_store_sqlite`), naming its process
/// when the system tells (`/proc/locks`). The wait itself is the pipeline's
/// (`Store::lock_writer`); this only looks, and lets go at once.
fn note_another_writer(db: &std::path::Path) {
    let Some(path) = sqlite_path(db) else { return };
    let mut lock = path.into_os_string();
    lock.push(".lock");
    let lock = PathBuf::from(lock);
    let Ok(file) = std::fs::OpenOptions::new().write(true).open(&lock) else { return };
    if let Err(std::fs::TryLockError::WouldBlock) = file.try_lock() {
        let holder = lock_holder(&file).map(|pid| format!("pid {pid}, ")).unwrap_or_default();
        say!("waiting for another writer ({holder}{})…", lock.display());
    }
}

/// The process holding a `flock` on `file`, from `/proc/locks` (Linux; `None` elsewhere).
fn lock_holder(file: &std::fs::File) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let inode = file.metadata().ok()?.ino();
        let locks = std::fs::read_to_string("/proc/locks").ok()?;
        // "1: FLOCK  ADVISORY  WRITE 4242 08:01:1234567 0 EOF"
        locks.lines().find_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let (kind, pid, dev_ino) = (f.get(1)?, f.get(4)?, f.get(5)?);
            let ino: u64 = dev_ino.rsplit(':').next()?.parse().ok()?;
            (*kind == "FLOCK" && ino == inode).then(|| pid.parse().ok()).flatten()
        })
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        None
    }
}

/// The SQLite file `--db` names, or `None` when it names a PostgreSQL database.
fn sqlite_path(db: &std::path::Path) -> Option<PathBuf> {
    let name = db.to_string_lossy();
    if name.starts_with("postgres://") || name.starts_with("postgresql://") {
        return None;
    }
    Some(name.strip_prefix("sqlite://").map_or(db.to_path_buf(), PathBuf::from))
}

/// Runs the pipeline with a progress bar when stderr is a terminal (counting inputs against
/// their total when it is known).
/// Ingests `inputs` with a progress bar; with `settle`, then regroups the days the run touched
/// ([`storyline_pipeline::settle`]).
fn ingest(
    store: &dyn Store,
    inputs: storyline_pipeline::Inputs,
    threads: Option<usize>,
    settle: bool,
) -> Result<IngestReport> {
    let bar = progress::Bar::new(inputs.count.unwrap_or(0), std::io::stderr().is_terminal());
    let threads = threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let report = storyline_pipeline::ingest_with_threads(store, inputs.iter, &bar, threads)?;
    bar.finish();
    if settle {
        if let Some(settled) = storyline_pipeline::settle(store, &report)? {
            say!(
                "settled the days this run touched: regrouped {} articles, {} changed",
                settled.regrouped,
                settled.changed
            );
        }
    }
    Ok(report)
}

/// A day given to option `flag` (`YYYY-MM-DD`).
fn parse_day(flag: &str, s: Option<String>) -> Result<Option<Date>> {
    s.map(|s| s.parse().map_err(|_| anyhow!("{flag}: expected YYYY-MM-DD, got {s:?}"))).transpose()
}

/// The listing query the `stories` options ask for.
fn story_query(args: StoriesArgs) -> Result<StoryQuery> {
    Ok(StoryQuery {
        order: match args.sort {
            SortBy::Date => StoryOrder::Newest,
            SortBy::Size => StoryOrder::Largest,
        },
        limit: args.limit.unwrap_or(usize::MAX),
        offset: args.offset,
        min_sources: args.min_sources,
        since: parse_day("--since", args.since)?,
        until: parse_day("--until", args.until)?,
        outlet: args.outlet,
        ..Default::default()
    })
}

/// A lookup error, with where to look for ids when nothing matched.
fn hint(e: storyline_pipeline::LookupError, hint: &str) -> anyhow::Error {
    match e {
        storyline_pipeline::LookupError::NotFound { .. } => anyhow!("{e} ({hint})"),
        e => e.into(),
    }
}

fn print_ingest_report(report: &IngestReport, json: bool) -> Result<ExitCode> {
    if json {
        print_with_schema(report)?;
    }
    say!(
        "ingested {}, duplicates {}, failed {} (already stored {}, stories touched {})",
        report.ingested,
        report.duplicates,
        report.failed.len(),
        report.already_stored,
        report.stories.len()
    );
    Ok(if report.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn demo(db: &std::path::Path, json: bool) -> Result<ExitCode> {
    let store = &*open(db)?;
    let inputs = demo::inputs();
    let count = Some(inputs.len() as u64);
    let report = ingest(
        store,
        storyline_pipeline::Inputs { count, iter: Box::new(inputs.into_iter()) },
        None,
        true,
    )?;
    if !json {
        say!("Bundled example collection ({} files) -> {}", demo::FILES.len(), db.display());
    }
    let code = print_ingest_report(&report, false)?;
    let stories = store.stories(&StoryQuery::default())?.stories;
    let biggest = stories
        .iter()
        .max_by_key(|s| (s.sources, s.articles, std::cmp::Reverse(s.id.clone())))
        .ok_or_else(|| anyhow!("the demo stored no story"))?;
    let (top, texts) = storyline_pipeline::story_with_texts(store, &biggest.id)?;
    if json {
        print_json(&json!({"schema": SCHEMA_VERSION, "stories": stories, "story": top}))?;
    } else {
        write_out(&render::stories_table(&stories))?;
        write_out(&format!("\n{}\n", render::story(&top, &texts)))?;
        write_out("Next: `storyline story <id>` for any story above, `storyline ingest <dir>` for your own articles.\n")?;
    }
    Ok(code)
}

/// Writes every stored article's metadata and grouping as one JSON line each.
fn export_jsonl(store: &dyn Store) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let mut closed: Option<std::io::Error> = None;
    let walked = store.for_each_article(&mut |s| {
        let a = &s.article;
        let line = json!({
            "schema": SCHEMA_VERSION, "id": a.id, "input_id": a.input_id, "url": a.url,
            "source": a.source, "author": a.author, "title": a.title,
            "published": a.published, "language": a.language,
            "story": s.grouping.story, "duplicate_of": s.grouping.duplicate_of,
            "storyline": s.grouping.storyline,
        });
        writeln!(out, "{}", render::json_safe(&line.to_string())).map_err(|e| {
            closed = Some(e);
            storyline_store::StoreError::new(storyline_store::ErrorKind::Invalid, "output closed")
        })
    });
    match (walked, closed) {
        (_, Some(io)) => Err(io.into()),
        (walked, None) => Ok(walked?),
    }
}

fn analyze(
    file: Option<PathBuf>,
    raw: bool,
    published: Option<String>,
    source: Option<String>,
) -> Result<ExitCode> {
    let path = file.unwrap_or_else(|| PathBuf::from("-"));
    let published: Option<Date> = published
        .map(|p| {
            parse_date(&p).with_context(|| format!("--published {p:?} is not an ISO 8601 date"))
        })
        .transpose()?;
    let input = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(storyline_ingest::MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
        storyline_ingest::Input { name: "-".into(), bytes }
    } else {
        match storyline_ingest::read_inputs(std::slice::from_ref(&path)).into_iter().next() {
            Some(Ok(input)) => input,
            Some(Err(e)) => {
                say!("{e}");
                return Ok(ExitCode::from(1));
            }
            None => bail!("{}: nothing to read", path.display()),
        }
    };
    let mut article = if raw {
        let text = String::from_utf8(input.bytes)
            .map_err(|_| anyhow!("{}: --raw input must be UTF-8 text", input.name))?;
        storyline_ingest::raw_article(&input.name, &text)
    } else {
        let mut records = storyline_ingest::parse(&input).records.into_iter();
        match records.next() {
            Some(Ok(article)) => article,
            Some(Err(e)) => {
                say!("{e}");
                return Ok(ExitCode::from(1));
            }
            None => {
                say!("{}: no document found", input.name);
                return Ok(ExitCode::from(1));
            }
        }
    };
    if published.is_some() {
        article.published = published;
        article.published_origin = Some(storyline_model::DateOrigin::Argument);
    }
    if source.is_some() {
        article.source = source;
    }
    article.analysis = storyline_analyze::analyze(&article.text, article.published);
    /// The article with `schema` first, as `with_schema` gave it.
    #[derive(serde::Serialize)]
    struct Document<'a> {
        schema: u32,
        #[serde(flatten)]
        article: &'a storyline_model::Article,
    }
    print_json_streamed(&Document { schema: SCHEMA_VERSION, article: &article })?;
    Ok(ExitCode::SUCCESS)
}

/// Accepts `2025-05-11` or a full RFC 3339 timestamp (its calendar day is kept).
fn parse_date(s: &str) -> Option<Date> {
    s.get(..10).and_then(|d| d.parse().ok()).filter(|_| s.len() == 10 || s.as_bytes()[10] == b'T')
}

/// Serialises `value` and puts `"schema"` first.
fn with_schema<T: serde::Serialize>(value: &T) -> Result<serde_json::Value> {
    let mut doc = serde_json::Map::new();
    doc.insert("schema".into(), json!(SCHEMA_VERSION));
    match serde_json::to_value(value)? {
        serde_json::Value::Object(fields) => doc.extend(fields),
        other => bail!("expected a JSON object, got {other}"),
    }
    Ok(serde_json::Value::Object(doc))
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

/// Writes a view for a person to stdout ([`render::terminal_safe`]), reporting a closed pipe as an
/// error instead of panicking like `print!`.
fn write_out(s: &str) -> Result<()> {
    write_raw(&render::terminal_safe(s))
}

/// Writes `s` to stdout as it is (an HTML page for a file or a browser).
fn write_raw(s: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(s.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Pretty JSON on stdout, terminal-safe ([`render::json_safe`]: the same JSON value).
fn print_json(value: &serde_json::Value) -> Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", render::json_safe(&text))?;
    Ok(())
}

/// [`print_json`] of `value`'s JSON, written as it is serialised: no JSON value tree nor string
/// of the whole document (an article's analysis can be hundreds of MB of JSON; its value tree
/// several GB). The same bytes as `print_json` for a type whose JSON has no floats (a value
/// tree holds an `f32` as an `f64`).
fn print_json_streamed<T: serde::Serialize>(value: &T) -> Result<()> {
    let out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut safe = render::JsonSafeWriter::new(out);
    serde_json::to_writer_pretty(&mut safe, value)?;
    let mut out = safe.into_inner()?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}
