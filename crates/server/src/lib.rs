//! `storyline serve`: Storyline over HTTP — a JSON API under `/api/v1/` (with its OpenAPI 3
//! document generated from the handlers' annotations) and a server-rendered web UI that needs no
//! JavaScript (the front page's live notice is the one progressive enhancement).
//!
//! A thin caller of `storyline-pipeline`: every handler parses its request, runs one pipeline or
//! store call on a blocking thread ([`AppState::with_store`]; the store is synchronous) and renders
//! the result. Bounded: every request has a time limit ([`REQUEST_TIMEOUT`]), a listing page has a
//! maximum size ([`params::MAX_LIMIT`]), blocking threads are capped ([`MAX_BLOCKING_THREADS`]).
//! Article text is hostile: templates escape everything, pages carry a Content-Security-Policy
//! that allows no inline script and nothing from another origin.
//!
//! Writes: `POST /api/v1/articles` is allowed only when the operator set a token
//! ([`Config::ingest_token`]); the articles go through the pipeline on the one writer thread
//! ([`writer`]). The live stream ([`live`]) follows the store's sequence numbers, so it sees
//! articles whoever committed them.
//!
//! Full-text search goes through `storyline-search`'s [`SearchIndex`] when the server was given
//! one: each search first catches the index up with the store (under the index's own mutex), so
//! articles committed by any process since are found.
//!
//! * [`api`]: the JSON endpoints and the OpenAPI document.
//! * [`web`]: the HTML pages (askama templates in `templates/`).
//! * [`params`]: the story-listing and search queries both share.
//! * [`writer`]: the one thread that stores POSTed articles.
//! * [`live`]: the server-sent events of changed stories.
//! * [`error`]: errors as `{"error": {"code", "message"}}` with their status.

pub mod api;
pub mod error;
pub mod live;
pub mod params;
pub mod web;
pub mod writer;

use std::future::Future;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use storyline_pipeline::Store;
use storyline_search::SearchIndex;
use tower_http::set_header::SetResponseHeaderLayer;

use error::ApiError;

/// Longest a request may take before it is answered with a `timeout` error.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Most threads running store calls at once (the rest wait their turn).
pub const MAX_BLOCKING_THREADS: usize = 16;
/// No inline script, no plugin, no frame, nothing from another origin: styles and the one script
/// (the front page's live notice, `/assets/live.js`) only from this origin, connections only to
/// it (the live stream).
const CSP: &str = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; \
                   img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// How a server is set up beyond its store.
#[derive(Clone, Default)]
pub struct Config {
    /// The search index, opened on the store (without one, searches answer
    /// `search_unavailable`).
    pub search: Option<Arc<SearchIndex>>,
    /// The token `POST /api/v1/articles` must carry (`Authorization: Bearer TOKEN`); without
    /// one the server takes no articles.
    pub ingest_token: Option<String>,
}

/// What every handler shares: the store and, when there is one, the search index, the writer
/// with its token, and the live stream's connection permits.
#[derive(Clone)]
pub struct AppState {
    store: Arc<dyn Store>,
    search: Option<Arc<SearchIndex>>,
    ingest: Option<(writer::Writer, Arc<str>)>,
    streams: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    /// Runs `f` on the store on a blocking thread, so a slow store call never stalls the
    /// runtime's workers. A panic in `f` becomes an `internal` error.
    pub async fn with_store<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Store) -> Result<T, ApiError> + Send + 'static,
    {
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || f(&*store)).await.map_err(ApiError::from)?
    }

    /// Runs `f` on the search index and the store on a blocking thread (a search may first
    /// index what the store gained); `search_unavailable` when the server has no index.
    pub async fn with_search<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&SearchIndex, &dyn Store) -> Result<T, ApiError> + Send + 'static,
    {
        let search = self.search.clone().ok_or_else(ApiError::search_unavailable)?;
        self.with_store(move |store| f(&search, store)).await
    }
}

/// The whole application: the API under `/api/v1`, the pages everywhere else, with the time
/// limit and the security headers on every response. With an ingest token, starts the writer
/// thread (it ends when the router is dropped).
pub fn router(store: Arc<dyn Store>, config: Config) -> Router {
    let ingest = config.ingest_token.filter(|t| !t.trim().is_empty()).map(|t| {
        let writer = writer::Writer::start(Arc::clone(&store), config.search.clone());
        (writer, Arc::from(t.trim()))
    });
    let state = AppState { store, search: config.search, ingest, streams: live::streams() };
    Router::new()
        .nest("/api/v1", api::routes())
        .merge(web::routes())
        .with_state(state)
        .layer(middleware::from_fn(time_limit))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
}

/// Answers `503 timeout` when a request takes longer than [`REQUEST_TIMEOUT`]. (A store call
/// already running on its blocking thread finishes there; its result is dropped.)
async fn time_limit(request: Request, next: Next) -> Response {
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::timeout().into_response(),
    }
}

/// Serves `store` (set up by `config`) on `listener` until `shutdown` completes (then lets
/// running requests finish). Builds its own runtime, so a synchronous caller (the `storyline`
/// binary, a test thread) just calls it.
pub fn run(
    listener: TcpListener,
    store: Arc<dyn Store>,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(MAX_BLOCKING_THREADS)
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        axum::serve(listener, router(store, config)).with_graceful_shutdown(shutdown).await
    })
}

/// Completes when the process is asked to stop (Ctrl-C).
pub async fn ctrl_c() {
    // If the signal handler cannot be installed the server simply runs until killed.
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}
