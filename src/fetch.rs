//! `storyline fetch URL… | --feed URL | --list FILE`: fetches pages and feeds politely (see
//! `storyline-fetch`) and ingests them through the ordinary pipeline; also the streaming path for
//! WARC files given to `storyline ingest`.
//!
//! Every response becomes one WARC response record (target URI = the final URL, date = the fetch
//! time, plus the feed entry's date when the page was queued from a feed), which ingest reads like
//! a record of an archive. What the server said about each URL (ETag, Last-Modified) is saved in
//! the store *after* the articles are committed, so the next run asks conditionally and only new
//! pages come back. Feed entries whose URL is already stored are not fetched again unless
//! `--refresh`. A page that changed at an URL already stored is stored as a new article and
//! linked to the previous one as its revision.

use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use storyline_fetch::{Config, Fetcher, Outcome, Validators};
use storyline_ingest::{IngestError, Input};
use storyline_store::{FetchState, SqliteStore, Store};

use crate::pipeline::{self, IngestReport};

/// The options of `storyline fetch`.
#[derive(Debug, Clone, clap::Args)]
pub struct FetchArgs {
    /// Pages (or feeds) to fetch.
    pub urls: Vec<String>,
    /// A feed (RSS, Atom, JSON Feed): entries with their article are ingested, the others fetched.
    #[arg(long = "feed", value_name = "URL")]
    pub feeds: Vec<String>,
    /// A file of URLs, one a line (blank lines and lines starting with `#` are skipped).
    #[arg(long, value_name = "FILE")]
    pub list: Option<PathBuf>,
    /// Allow loopback, private and link-local addresses (refused by default).
    #[arg(long)]
    pub allow_private: bool,
    /// Seconds between two requests to the same host (robots.txt's Crawl-delay can raise it).
    #[arg(long, default_value_t = 2.0)]
    pub delay: f64,
    /// Fetch feed entries again even when their URL is already stored.
    #[arg(long)]
    pub refresh: bool,
    #[arg(long)]
    pub json: bool,
}

/// What the fetching part of a run did (the ingest report covers the rest).
#[derive(Debug, Default, serde::Serialize)]
pub struct FetchSummary {
    pub fetched: usize,
    pub not_modified: usize,
    pub skipped_known: usize,
    pub refused: usize,
    pub failed: usize,
    pub revisions: usize,
}

/// One URL to fetch, and the feed entry's date when it came from a feed.
struct Job {
    url: String,
    feed_published: Option<String>,
    /// Feeds are read for their links as well as their articles.
    is_feed: bool,
}

pub fn run(db: &Path, args: FetchArgs) -> Result<ExitCode> {
    let mut store = SqliteStore::open(db)?;
    let cfg = Config {
        allow_private: args.allow_private,
        delay: Duration::from_secs_f64(args.delay.max(0.0)),
        ..Config::default()
    };
    let mut fetcher = Fetcher::new(cfg)?;
    let mut jobs: Vec<Job> = Vec::new();
    for f in &args.feeds {
        jobs.push(Job { url: f.clone(), feed_published: None, is_feed: true });
    }
    let mut urls = args.urls.clone();
    if let Some(list) = &args.list {
        let text =
            std::fs::read_to_string(list).with_context(|| format!("reading {}", list.display()))?;
        urls.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(String::from),
        );
    }
    for u in urls {
        jobs.push(Job { url: u, feed_published: None, is_feed: false });
    }
    if jobs.is_empty() {
        anyhow::bail!("nothing to fetch: give URLs, --feed URL or --list FILE");
    }

    let mut summary = FetchSummary::default();
    let mut inputs: Vec<Result<Input, IngestError>> = Vec::new();
    let mut states: Vec<FetchState> = Vec::new();
    let mut queued: HashSet<String> = jobs.iter().map(|j| j.url.clone()).collect();
    let mut i = 0;
    while i < jobs.len() {
        let job = Job {
            url: jobs[i].url.clone(),
            feed_published: jobs[i].feed_published.clone(),
            is_feed: jobs[i].is_feed,
        };
        i += 1;
        let known = store.fetch_state(&job.url)?;
        let validators = known
            .as_ref()
            .map(|s| Validators { etag: s.etag.clone(), last_modified: s.last_modified.clone() });
        match fetcher.fetch(&job.url, validators.as_ref()) {
            Outcome::Fetched(page) => {
                summary.fetched += 1;
                states.push(FetchState {
                    url: job.url.clone(),
                    etag: page.validators.etag.clone(),
                    last_modified: page.validators.last_modified.clone(),
                    fetched_at: page.fetched_at.clone(),
                    status: page.status,
                });
                let head = String::from_utf8_lossy(&page.body[..page.body.len().min(4096)]);
                let is_feed =
                    storyline_ingest::sniff::sniff(&head) == storyline_ingest::sniff::Format::Feed;
                if is_feed || job.is_feed {
                    match storyline_ingest::feed::parse(&page.body, Some(&page.url)) {
                        Ok(items) => {
                            for link in items.links {
                                if queued.contains(&link.url) {
                                    continue;
                                }
                                if !args.refresh && !store.articles_at_url(&link.url)?.is_empty() {
                                    summary.skipped_known += 1;
                                    continue;
                                }
                                queued.insert(link.url.clone());
                                jobs.push(Job {
                                    url: link.url,
                                    feed_published: link.published.map(|d| d.to_string()),
                                    is_feed: false,
                                });
                            }
                        }
                        Err(reason) if job.is_feed => {
                            inputs.push(Err(IngestError { input: job.url.clone(), reason }));
                            continue;
                        }
                        Err(_) => {}
                    }
                }
                let extra: Vec<(String, String)> = job
                    .feed_published
                    .iter()
                    .map(|d| (storyline_ingest::FEED_PUBLISHED_HEADER.to_string(), d.clone()))
                    .collect();
                let record = storyline_ingest::warc::response_record(
                    &page.url,
                    &page.fetched_at,
                    page.status,
                    &page.headers,
                    &page.body,
                    &extra,
                );
                inputs.push(Ok(Input { name: page.url.clone(), bytes: record.to_bytes() }));
            }
            Outcome::NotModified => {
                summary.not_modified += 1;
                if let Some(mut s) = known {
                    s.fetched_at = storyline_fetch::now_rfc3339();
                    states.push(s);
                }
            }
            Outcome::Refused(reason) => {
                summary.refused += 1;
                inputs.push(Err(IngestError { input: job.url.clone(), reason }));
            }
            Outcome::Failed(reason) => {
                summary.failed += 1;
                inputs.push(Err(IngestError { input: job.url.clone(), reason }));
            }
        }
    }

    let report = crate::ingest(&mut store, inputs)?;
    for s in &states {
        store.save_fetch_state(s)?;
    }
    summary.revisions = link_revisions(&mut store, &report)?;
    if args.json {
        let mut doc = serde_json::to_value(&report)?;
        doc["fetch"] = serde_json::to_value(&summary)?;
        doc["schema"] = serde_json::json!(storyline_model::SCHEMA_VERSION);
        crate::print_json(&doc)?;
    }
    eprintln!(
        "fetched {}, not modified {}, already stored {}, refused {}, failed {}, revisions {}",
        summary.fetched,
        summary.not_modified,
        summary.skipped_known,
        summary.refused,
        summary.failed,
        summary.revisions
    );
    crate::print_ingest_report(&report, false)
}

/// Links every newly stored article to the article stored before it at the same URL.
fn link_revisions(store: &mut SqliteStore, report: &IngestReport) -> Result<usize> {
    let mut n = 0;
    for id in &report.articles {
        let Some(stored) = store.article(id)? else { continue };
        let Some(url) = stored.article.url.clone() else { continue };
        let at_url = store.articles_at_url(&url)?;
        if let Some(pos) = at_url.iter().position(|a| a == id).filter(|&p| p > 0) {
            store.save_revision(id, &at_url[pos - 1])?;
            n += 1;
        }
    }
    Ok(n)
}

/// Whether any of `paths` is a WARC file (read record by record instead of whole).
pub fn has_warc(paths: &[PathBuf]) -> bool {
    paths.iter().any(|p| storyline_ingest::is_warc_path(p) && p.is_file())
}

/// `storyline ingest` over paths that include WARC files: those are streamed record by record
/// (constant memory for a multi-GB archive), the other paths are read as usual.
pub fn ingest_streaming(store: &mut SqliteStore, paths: &[PathBuf]) -> Result<IngestReport> {
    let inputs = paths.iter().flat_map(|p| -> Box<dyn Iterator<Item = _>> {
        if storyline_ingest::is_warc_path(p) && p.is_file() {
            storyline_ingest::warc_inputs(p)
        } else {
            Box::new(storyline_ingest::read_inputs(std::slice::from_ref(p)).into_iter())
        }
    });
    // The number of records is unknown up front: the bar counts without a total.
    let bar = crate::progress::Bar::new(0, std::io::stderr().is_terminal());
    let report = pipeline::ingest(store, inputs, &bar)?;
    bar.finish();
    Ok(report)
}
