//! Crawling: fetches pages and feeds politely (see `storyline-fetch`) and ingests them through
//! the ordinary pipeline.
//!
//! Every response becomes one WARC response record (target URI = the final URL, date = the fetch
//! time, plus the feed entry's date when the page was queued from a feed), which ingest reads like
//! a record of an archive. What the server said about each URL (ETag, Last-Modified) is saved in
//! the store *after* the articles are committed, so the next run asks conditionally and only new
//! pages come back. Feed entries whose URL is already stored are not fetched again unless
//! `refresh`. A page that changed at an URL already stored is stored as a new article and linked
//! to the previous one as its revision.

use std::collections::{HashSet, VecDeque};

use storyline_fetch::{Fetcher, Outcome, Page, Validators};
use storyline_ingest::{IngestError, Input};
use storyline_store::{FetchState, Store, StoreError};

use crate::{ingest, IngestReport, Progress};

/// What to crawl.
#[derive(Debug, Clone, Default)]
pub struct CrawlRequest {
    /// Pages (or feeds, recognised by their content) to fetch.
    pub urls: Vec<String>,
    /// Feeds (RSS, Atom, JSON Feed): entries with their article are ingested, the others fetched.
    pub feeds: Vec<String>,
    /// Fetch feed entries again even when their URL is already stored.
    pub refresh: bool,
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

/// The fetch loop's state: the queue (feeds add to it), what was fetched and remembered.
struct Crawl<'a> {
    store: &'a dyn Store,
    refresh: bool,
    /// What is left to fetch, in order (feed entries join at the back).
    jobs: VecDeque<Job>,
    queued: HashSet<String>,
    inputs: Vec<Result<Input, IngestError>>,
    states: Vec<FetchState>,
    summary: FetchSummary,
}

/// Fetches everything `request` names (and the entries of its feeds), ingests what came back,
/// remembers the servers' validators and links revisions.
pub fn crawl(
    store: &dyn Store,
    fetcher: &mut Fetcher,
    request: &CrawlRequest,
    progress: &dyn Progress,
) -> Result<(IngestReport, FetchSummary), StoreError> {
    let feeds = request.feeds.iter().map(|u| (u, true));
    let pages = request.urls.iter().map(|u| (u, false));
    let jobs: VecDeque<Job> = feeds
        .chain(pages)
        .map(|(url, is_feed)| Job { url: url.clone(), feed_published: None, is_feed })
        .collect();
    let mut crawl = Crawl {
        store,
        refresh: request.refresh,
        queued: jobs.iter().map(|j| j.url.clone()).collect(),
        jobs,
        inputs: Vec::new(),
        states: Vec::new(),
        summary: FetchSummary::default(),
    };
    while let Some(job) = crawl.jobs.pop_front() {
        crawl.fetch(fetcher, job)?;
    }
    let report = ingest(store, crawl.inputs, progress)?;
    for s in &crawl.states {
        store.save_fetch_state(s)?;
    }
    crawl.summary.revisions = link_revisions(store, &report)?;
    Ok((report, crawl.summary))
}

impl Crawl<'_> {
    fn fetch(&mut self, fetcher: &mut Fetcher, job: Job) -> Result<(), StoreError> {
        let known = self.store.fetch_state(&job.url)?;
        let validators = known
            .as_ref()
            .map(|s| Validators { etag: s.etag.clone(), last_modified: s.last_modified.clone() });
        match fetcher.fetch(&job.url, validators.as_ref()) {
            Outcome::Fetched(page) => self.fetched(job, page)?,
            Outcome::NotModified => {
                self.summary.not_modified += 1;
                if let Some(mut s) = known {
                    s.fetched_at = storyline_fetch::now_rfc3339();
                    self.states.push(s);
                }
            }
            Outcome::Refused(reason) => {
                self.summary.refused += 1;
                self.inputs.push(Err(IngestError { input: job.url, reason }));
            }
            Outcome::Failed(reason) => {
                self.summary.failed += 1;
                self.inputs.push(Err(IngestError { input: job.url, reason }));
            }
        }
        Ok(())
    }

    /// A page came back: remember its validators, queue its links if it is a feed, and keep it
    /// as a WARC record for ingest.
    fn fetched(&mut self, job: Job, page: Page) -> Result<(), StoreError> {
        self.summary.fetched += 1;
        self.states.push(FetchState {
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
                        self.queue_entry(link.url, link.published.map(|d| d.to_string()))?;
                    }
                }
                Err(reason) if job.is_feed => {
                    self.inputs.push(Err(IngestError { input: job.url, reason }));
                    return Ok(());
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
        self.inputs.push(Ok(Input { name: page.url.clone(), bytes: record.to_bytes() }));
        Ok(())
    }

    /// Queues a feed entry's page unless it is queued already or stored (without `refresh`).
    fn queue_entry(&mut self, url: String, published: Option<String>) -> Result<(), StoreError> {
        if self.queued.contains(&url) {
            return Ok(());
        }
        if !self.refresh && !self.store.articles_at_url(&url)?.is_empty() {
            self.summary.skipped_known += 1;
            return Ok(());
        }
        self.queued.insert(url.clone());
        self.jobs.push_back(Job { url, feed_published: published, is_feed: false });
        Ok(())
    }
}

/// Links every newly stored article to the article stored before it at the same URL.
fn link_revisions(store: &dyn Store, report: &IngestReport) -> Result<usize, StoreError> {
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
