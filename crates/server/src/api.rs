//! The JSON API under `/api/v1/`: the story listing, one story's report, its articles, one
//! article, full-text search over the articles, ingest of new articles (with the operator's
//! token), the live stream of changed stories ([`crate::live`]), and the OpenAPI 3 document of
//! all of them (generated from the annotations below by utoipa). Shapes are the contract's
//! (`storyline-model`'s serde types); errors are [`ErrorBody`]s.

use std::sync::OnceLock;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderMap};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use storyline_ingest::Input;
use storyline_model::{Article, Grouping, StoryReport, StorySummary};
use storyline_pipeline::{find_article, find_story, story_report, IngestReport};
use storyline_search::SearchPage;
use storyline_store::StoredArticle;
use utoipa::{OpenApi, ToSchema};

use crate::error::{ApiError, ErrorBody};
use crate::params::{ListParams, QueryOf, SearchParams};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/stories", get(list_stories))
        .route("/stories/{id}", get(story))
        .route("/stories/{id}/articles", get(story_articles))
        .route("/articles", axum::routing::post(post_articles))
        .route("/articles/{id}", get(article))
        .route("/search", get(search))
        .route("/events", get(crate::live::events))
        .route("/openapi.json", get(openapi))
        .fallback(|| async { ApiError::not_found("no such endpoint; see /api/v1/openapi.json") })
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

/// The largest request body `POST /api/v1/articles` takes.
pub const MAX_BODY: usize = 8 << 20;

/// The OpenAPI document of this API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Storyline API",
        description = "Stories compiled from many outlets' articles: who agrees, who alone \
                       reports what, where they conflict. Ids may be given as a unique prefix."
    ),
    paths(list_stories, story, story_articles, article, post_articles, search,
          crate::live::events, openapi),
    components(schemas(crate::live::ChangedStory)),
    modifiers(&BearerToken)
)]
pub struct ApiDoc;

/// Declares the bearer token `POST /api/v1/articles` needs.
struct BearerToken;

impl utoipa::Modify for BearerToken {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let scheme =
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build());
        doc.components.get_or_insert_with(Default::default).add_security_scheme("token", scheme);
    }
}

/// A page of the story listing.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoryList {
    /// Stories matching the filters, over all pages.
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    pub stories: Vec<StorySummary>,
}

/// A stored article: the article with its analysis, its place in the store's order and what
/// grouping decided (its story, the article it copies).
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleView {
    #[serde(flatten)]
    pub article: Article,
    /// Its place in the store's order.
    pub seq: u64,
    pub grouping: Grouping,
}

impl From<StoredArticle> for ArticleView {
    fn from(s: StoredArticle) -> Self {
        ArticleView { article: s.article, seq: s.seq, grouping: s.grouping }
    }
}

/// A story's listing row and its articles in the store's order.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoryArticles {
    pub story: StorySummary,
    pub articles: Vec<ArticleView>,
}

/// List stories, paged, filtered and sorted.
#[utoipa::path(
    get, path = "/api/v1/stories", params(ListParams),
    responses(
        (status = 200, description = "A page of stories", body = StoryList),
        (status = 400, description = "A malformed parameter", body = ErrorBody),
        (status = 503, description = "The store is unavailable", body = ErrorBody),
    )
)]
async fn list_stories(
    State(state): State<AppState>,
    QueryOf(params): QueryOf<ListParams>,
) -> Result<Json<StoryList>, ApiError> {
    let query = params.query()?;
    let (offset, limit) = (query.offset, query.limit);
    let page = state.with_store(move |s| Ok(s.stories(&query)?)).await?;
    Ok(Json(StoryList { total: page.total, offset, limit, stories: page.stories }))
}

/// One story's report: summary, sources, entities, quotes, timeline, agreed and unique facts,
/// conflicts, per-outlet coverage.
#[utoipa::path(
    get, path = "/api/v1/stories/{id}",
    params(("id" = String, Path, description = "Story id or a unique prefix of it")),
    responses(
        (status = 200, description = "The story's report", body = StoryReport),
        (status = 404, description = "No such story", body = ErrorBody),
        (status = 400, description = "The prefix matches several stories", body = ErrorBody),
    )
)]
async fn story(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<StoryReport>, ApiError> {
    let report = state
        .with_store(move |s| {
            let story = find_story(s, &id)?;
            Ok(story_report(s, &story.id)?)
        })
        .await?;
    Ok(Json(report))
}

/// A story's articles, with their analyses, in the store's order.
#[utoipa::path(
    get, path = "/api/v1/stories/{id}/articles",
    params(("id" = String, Path, description = "Story id or a unique prefix of it")),
    responses(
        (status = 200, description = "The story and its articles", body = StoryArticles),
        (status = 404, description = "No such story", body = ErrorBody),
    )
)]
async fn story_articles(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<StoryArticles>, ApiError> {
    let found = state
        .with_store(move |s| {
            let story = find_story(s, &id)?;
            let articles = s.story_articles(&story.id)?;
            Ok(StoryArticles { story, articles: articles.into_iter().map(Into::into).collect() })
        })
        .await?;
    Ok(Json(found))
}

/// One article: cleaned text, metadata, analysis and grouping.
#[utoipa::path(
    get, path = "/api/v1/articles/{id}",
    params(("id" = String, Path, description = "Article id or a unique prefix of it")),
    responses(
        (status = 200, description = "The article", body = ArticleView),
        (status = 404, description = "No such article", body = ErrorBody),
    )
)]
async fn article(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ArticleView>, ApiError> {
    let stored = state.with_store(move |s| Ok(find_article(s, &id)?)).await?;
    Ok(Json(stored.into()))
}

/// Ingest articles: a JSON record, JSON Lines, an HTML page, an RSS/Atom feed or plain text,
/// recognised by content as `storyline ingest` does. Needs the operator's token. Records stored
/// already are counted, not stored twice; a bad record is named with its reason and the others
/// are stored.
#[utoipa::path(
    post, path = "/api/v1/articles",
    request_body(content = String, description = "The articles (at most 8 MiB)",
                 content_type = "application/json"),
    security(("token" = [])),
    responses(
        (status = 200, description = "What was stored", body = IngestReport),
        (status = 401, description = "No token, or another one", body = ErrorBody),
        (status = 403, description = "The server takes no articles (no token set)", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 422, description = "No article could be read from the body", body = ErrorBody),
        (status = 503, description = "The writer is busy, or the store is unavailable", body = ErrorBody),
    )
)]
async fn post_articles(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<IngestReport>, ApiError> {
    let Some((writer, token)) = state.ingest.as_ref() else {
        return Err(ApiError::ingest_disabled());
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !crate::writer::token_matches(given.trim(), token) {
        return Err(ApiError::unauthorized());
    }
    let body = body.map_err(|_| ApiError::too_large(MAX_BODY))?;
    let report = writer.ingest(Input { name: "request".into(), bytes: Vec::from(body) }).await?;
    if report.ingested == 0 && report.already_stored == 0 && !report.failed.is_empty() {
        let reasons: Vec<String> =
            report.failed.iter().map(|f| format!("{}: {}", f.input, f.reason)).collect();
        return Err(ApiError::bad_input(reasons.join("; ")));
    }
    Ok(Json(report))
}

/// Full-text search over the articles: BM25-ranked hits with highlighted snippets, each labelled
/// with its story, the stories of the page, and facet counts (outlet, day, entity) over every
/// match.
#[utoipa::path(
    get, path = "/api/v1/search", params(SearchParams),
    responses(
        (status = 200, description = "A page of hits", body = SearchPage),
        (status = 400, description = "`bad_query`: the query cannot be parsed (or is empty); \
                                      `bad_request`: another parameter is malformed", body = ErrorBody),
        (status = 503, description = "No search index, or the store is unavailable", body = ErrorBody),
    )
)]
async fn search(
    State(state): State<AppState>,
    QueryOf(params): QueryOf<SearchParams>,
) -> Result<Json<SearchPage>, ApiError> {
    let request = params.request()?;
    let page = state.with_search(move |index, store| Ok(index.search(store, &request)?)).await?;
    Ok(Json(page))
}

/// This document.
#[utoipa::path(
    get, path = "/api/v1/openapi.json",
    responses((status = 200, description = "The OpenAPI 3 document of this API"))
)]
async fn openapi() -> Json<&'static utoipa::openapi::OpenApi> {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    Json(DOC.get_or_init(ApiDoc::openapi))
}
