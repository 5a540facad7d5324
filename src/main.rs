//! `storyline`: the command-line face of the pipeline (the contract in `../shared/docs/contract.md`).
//!
//! This binary only parses arguments, opens the store, calls the pipeline and prints. Exit status:
//! 0 when everything succeeded, 1 when some inputs failed, 2 on a usage or store error.

mod demo;
mod fetch;
mod pipeline;
mod progress;
mod render;

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use serde_json::json;
use storyline_model::{Date, StoryId, StoryReport, StorySummary, SCHEMA_VERSION};
use storyline_store::{SqliteStore, Store};

#[derive(Parser)]
#[command(
    name = "storyline",
    version,
    about = "Turns articles from many outlets into stories: who agrees, who alone reports what, where they conflict.",
    after_help = "Start with `storyline demo`, then `storyline ingest DIR` on your own articles."
)]
struct Cli {
    /// The store to read and write.
    #[arg(long, global = true, env = "STORYLINE_DB", default_value = "storyline.db")]
    db: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Ingest the bundled example collection and print its stories and the biggest story's report.
    Demo {
        #[arg(long)]
        json: bool,
    },
    /// Ingest files, directories (recursively) or standard input (`-`).
    Ingest {
        /// Files or directories; `-` reads one document from standard input; WARC files (`.warc`,
        /// `.warc.gz`) are read record by record.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Recompute the stories of the stored articles (published on or after --since, or all) in
    /// date order, whatever order they were ingested in; story ids stay where membership does
    /// not change.
    Regroup {
        /// Only articles published on or after this day (YYYY-MM-DD); earlier ones keep their
        /// stories.
        #[arg(long)]
        since: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List stories, newest first.
    Stories {
        #[arg(long)]
        json: bool,
        /// Show at most this many stories.
        #[arg(long)]
        limit: Option<usize>,
    },
    /// Print the report on one story: sources, entities, quotes, timeline, agreed and unique facts.
    Story {
        /// Story id (or a unique prefix of it).
        id: String,
        #[arg(long)]
        json: bool,
        /// `text` (default) or `html`: a self-contained page with the outlets side by side.
        #[arg(long, value_enum, default_value_t = StoryFormat::Text)]
        format: StoryFormat,
    },
    /// Print one stored article: metadata and cleaned text.
    Article {
        /// Article id (or a unique prefix of it).
        id: String,
        #[arg(long)]
        json: bool,
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
    /// Export every stored article, one JSON line each.
    Export {
        #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
        format: ExportFormat,
    },
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
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    quiet_panics();
    match cli.command {
        Command::Demo { json } => demo(&cli.db, json),
        Command::Ingest { paths, json } => {
            let mut store = open(&cli.db)?;
            let report = if fetch::has_warc(&paths) {
                fetch::ingest_streaming(&mut store, &paths)?
            } else {
                ingest(&mut store, storyline_ingest::read_inputs(&paths))?
            };
            print_ingest_report(&report, json)
        }
        Command::Regroup { since, json } => {
            let since: Option<Date> = since
                .map(|s| s.parse().map_err(|_| anyhow!("--since: expected YYYY-MM-DD, got {s:?}")))
                .transpose()?;
            let mut store = open(&cli.db)?;
            let report = pipeline::regroup(&mut store, since)?;
            if json {
                let mut doc = serde_json::to_value(&report)?;
                doc["schema"] = json!(SCHEMA_VERSION);
                print_json(&doc)?;
            } else {
                eprintln!(
                    "regrouped {} of {} articles: {} changed, {} stories",
                    report.regrouped, report.articles, report.changed, report.stories
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Stories { json, limit } => {
            let store = open(&cli.db)?;
            let mut stories = store.stories()?;
            stories.truncate(limit.unwrap_or(usize::MAX));
            if json {
                print_json(&json!({"schema": SCHEMA_VERSION, "stories": stories}))?;
            } else {
                write_out(&render::stories_table(&stories))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Story { id, json, format } => {
            let store = open(&cli.db)?;
            let story = find_story(&store, &id)?;
            let (report, texts) = story_report(&store, &story.id)?;
            if json {
                print_json(&with_schema(&report)?)?;
            } else if format == StoryFormat::Html {
                write_out(&storyline_compare::html::render(&report, &texts))?;
            } else {
                write_out(&render::story(&report, &texts))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Article { id, json } => {
            let store = open(&cli.db)?;
            let stored = find_article(&store, &id)?;
            if json {
                let mut doc = with_schema(&stored.article)?;
                doc["story"] = json!(stored.grouping.story);
                doc["duplicate_of"] = json!(stored.grouping.duplicate_of);
                print_json(&doc)?;
            } else {
                write_out(&render::article(&stored))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Analyze { file, raw, published, source, json: _ } => {
            analyze(file, raw, published, source)
        }
        Command::Eval { task, data, json } => {
            let scores = storyline_eval::run(task, &data)?;
            if json {
                let mut doc = serde_json::to_value(&scores)?;
                doc["schema"] = json!(SCHEMA_VERSION);
                print_json(&doc)?;
            } else {
                write_out(&format!("{}\n", scores.render()))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Fetch(args) => fetch::run(&cli.db, args),
        Command::Export { format: ExportFormat::Jsonl } => {
            let store = open(&cli.db)?;
            let mut out = std::io::stdout().lock();
            for s in store.all_articles()? {
                let a = &s.article;
                let line = json!({
                    "schema": SCHEMA_VERSION, "id": a.id, "input_id": a.input_id, "url": a.url,
                    "source": a.source, "author": a.author, "title": a.title,
                    "published": a.published, "language": a.language,
                    "story": s.grouping.story, "duplicate_of": s.grouping.duplicate_of,
                    "storyline": s.grouping.storyline,
                });
                writeln!(out, "{line}")?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
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
        eprintln!("internal error{at}: {}", msg.chars().take(160).collect::<String>());
    }));
}

fn open(path: &std::path::Path) -> Result<SqliteStore> {
    Ok(SqliteStore::open(path)?)
}

/// Runs the pipeline with a progress bar when stderr is a terminal.
fn ingest(
    store: &mut SqliteStore,
    inputs: Vec<Result<storyline_ingest::Input, storyline_ingest::IngestError>>,
) -> Result<pipeline::IngestReport> {
    let bar = progress::Bar::new(inputs.len() as u64, std::io::stderr().is_terminal());
    let report = pipeline::ingest(store, inputs, &bar)?;
    bar.finish();
    Ok(report)
}

fn print_ingest_report(report: &pipeline::IngestReport, json: bool) -> Result<ExitCode> {
    if json {
        let mut doc = serde_json::to_value(report)?;
        doc["schema"] = json!(SCHEMA_VERSION);
        print_json(&doc)?;
    }
    eprintln!(
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
    let mut store = open(db)?;
    let report = ingest(&mut store, demo::inputs())?;
    if !json {
        eprintln!("Bundled example collection ({} files) -> {}", demo::FILES.len(), db.display());
    }
    let code = print_ingest_report(&report, false)?;
    let stories = store.stories()?;
    let biggest = stories
        .iter()
        .max_by_key(|s| (s.sources, s.articles, std::cmp::Reverse(s.id.clone())))
        .ok_or_else(|| anyhow!("the demo stored no story"))?;
    let (top, texts) = story_report(&store, &biggest.id)?;
    if json {
        print_json(&json!({"schema": SCHEMA_VERSION, "stories": stories, "story": top}))?;
    } else {
        write_out(&render::stories_table(&stories))?;
        write_out(&format!("\n{}\n", render::story(&top, &texts)))?;
        write_out("Next: `storyline story <id>` for any story above, `storyline ingest <dir>` for your own articles.\n")?;
    }
    Ok(code)
}

/// The report on one story, and its articles' cleaned texts (which its evidence spans point into).
fn story_report(store: &dyn Store, id: &StoryId) -> Result<(StoryReport, render::Texts)> {
    let members: Vec<_> =
        store.story_articles(id)?.into_iter().map(|s| (s.article, s.grouping)).collect();
    if members.is_empty() {
        bail!("story {id} has no articles");
    }
    let report = storyline_compare::report(id, &members);
    let texts = members.into_iter().map(|(a, _)| (a.id, a.text)).collect();
    Ok((report, texts))
}

/// Finds a story by id or unique id prefix.
fn find_story(store: &dyn Store, id: &str) -> Result<StorySummary> {
    if let Some(s) = store.story(&id.to_string())? {
        return Ok(s);
    }
    let matches: Vec<_> = store.stories()?.into_iter().filter(|s| s.id.starts_with(id)).collect();
    match matches.len() {
        1 => Ok(matches.into_iter().next().expect("one match")),
        0 => bail!("no story with id {id:?} (see `storyline stories`)"),
        n => bail!("{n} stories start with {id:?}; give more of the id"),
    }
}

/// Finds an article by id or unique id prefix.
fn find_article(store: &dyn Store, id: &str) -> Result<storyline_store::StoredArticle> {
    if let Some(a) = store.article(id)? {
        return Ok(a);
    }
    let matches: Vec<_> =
        store.all_articles()?.into_iter().filter(|s| s.article.id.starts_with(id)).collect();
    match matches.len() {
        1 => Ok(matches.into_iter().next().expect("one match")),
        0 => bail!("no article with id {id:?} (see `storyline export`)"),
        n => bail!("{n} articles start with {id:?}; give more of the id"),
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
                eprintln!("{e}");
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
                eprintln!("{e}");
                return Ok(ExitCode::from(1));
            }
            None => {
                eprintln!("{}: no document found", input.name);
                return Ok(ExitCode::from(1));
            }
        }
    };
    if published.is_some() {
        article.published = published;
        article.published_origin = Some("argument".into());
    }
    if source.is_some() {
        article.source = source;
    }
    article.analysis = storyline_analyze::analyze(&article.text, article.published);
    print_json(&with_schema(&article)?)?;
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

/// Writes to stdout, reporting a closed pipe as an error instead of panicking like `print!`.
fn write_out(s: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(s.as_bytes())?;
    out.flush()?;
    Ok(())
}

fn print_json(value: &serde_json::Value) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}
