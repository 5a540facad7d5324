//! `storyline fetch URL… | --feed URL | --list FILE`: the options, and printing what the crawl
//! did. The crawl itself is `storyline_pipeline::crawl`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use storyline_fetch::{Config, Fetcher};
use storyline_pipeline::crawl::{crawl, CrawlRequest};

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
    /// Seconds one request may take in all, from connecting to the body's last byte (a server
    /// sending slowly is cut off).
    #[arg(long, default_value_t = 30.0, value_name = "SECS")]
    pub timeout: f64,
    /// Fetch feed entries again even when their URL is already stored.
    #[arg(long)]
    pub refresh: bool,
    /// Print the ingest report with a `fetch` section as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub store: crate::StoreArg,
}

pub fn run(db: &Path, args: FetchArgs) -> Result<ExitCode> {
    if args.timeout.is_nan() || args.timeout <= 0.0 {
        anyhow::bail!("--timeout must be a positive number of seconds");
    }
    let store = &*crate::open(db)?;
    let cfg = Config {
        allow_private: args.allow_private,
        delay: Duration::from_secs_f64(args.delay.max(0.0)),
        timeout: Duration::from_secs_f64(args.timeout.clamp(0.1, 86_400.0)),
        ..Config::default()
    };
    let mut fetcher = Fetcher::new(cfg)?;
    let mut request =
        CrawlRequest { urls: args.urls.clone(), feeds: args.feeds.clone(), refresh: args.refresh };
    if let Some(list) = &args.list {
        let text =
            std::fs::read_to_string(list).with_context(|| format!("reading {}", list.display()))?;
        request.urls.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(String::from),
        );
    }
    if request.urls.is_empty() && request.feeds.is_empty() {
        anyhow::bail!("nothing to fetch: give URLs, --feed URL or --list FILE");
    }
    // The number of pages is unknown up front (feeds add to it): the bar counts without a total.
    let bar = crate::progress::Bar::new(0, std::io::stderr().is_terminal());
    let (report, summary) = crawl(store, &mut fetcher, &request, &bar)?;
    bar.finish();
    if args.json {
        let mut doc = serde_json::to_value(&report)?;
        doc["fetch"] = serde_json::to_value(&summary)?;
        doc["schema"] = serde_json::json!(storyline_model::SCHEMA_VERSION);
        crate::print_json(&doc)?;
    }
    say!(
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
