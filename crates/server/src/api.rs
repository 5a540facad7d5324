//! The JSON API under `/api/v1/`: the story listing, one story's report (with its storyline), its
//! articles, one article, the entity index (names, an entity's stories), a storyline's stories,
//! full-text search over the articles, ingest of new articles (with the operator's token), the
//! live stream of changed stories ([`crate::live`]), and the OpenAPI 3 document of all of them
//! (generated from the annotations below by utoipa). Shapes are the contract's
//! (`storyline-model`'s serde types) plus the listing wrappers here; errors are [`ErrorBody`]s.

use std::sync::OnceLock;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderMap};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use storyline_ingest::Input;
use storyline_model::{
    Article, EntityType, Grouping, StoryId, StoryReport, StorySummary, StorylineId,
};
use storyline_pipeline::{find_article, find_story, story_report, IngestReport, Store};
use storyline_search::SearchPage;
use storyline_store::{EntitySummary, StoredArticle, StoryOrder, StoryQuery};
use utoipa::{OpenApi, ToSchema};

use crate::error::{ApiError, ErrorBody};
use crate::params::{EntityParams, ListParams, QueryOf, SearchParams};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/stories", get(list_stories))
        .route("/stories/{id}", get(story))
        .route("/stories/{id}/articles", get(story_articles))
        .route("/articles", axum::routing::post(post_articles))
        .route("/articles/{id}", get(article))
        .route("/entities", get(entities))
        .route("/entities/{id}", get(entity))
        .route("/entities/{id}/stories", get(entity_stories))
        .route("/storylines/{id}", get(storyline))
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
    paths(list_stories, story, story_articles, article, entities, entity, entity_stories,
          storyline, post_articles, search, crate::live::events, openapi),
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
    pub stories: Vec<ListedStory>,
}

/// A story of a listing with the storyline it belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListedStory {
    #[serde(flatten)]
    pub story: StorySummary,
    pub storyline: Option<StorylineLink>,
}

/// The storyline a story belongs to: its id (the id of the story that began it) and how many
/// stories it holds, this one included (1: the story stands alone).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StorylineLink {
    pub id: StorylineId,
    pub stories: usize,
}

/// One story's report and its storyline.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoryView {
    #[serde(flatten)]
    pub report: StoryReport,
    pub storyline: Option<StorylineLink>,
}

/// A storyline: the stories that continue one another (one subject's actors over time), oldest
/// first unless `sort` says otherwise.
#[derive(Debug, Serialize, ToSchema)]
pub struct StorylineStories {
    pub id: String,
    /// Its stories matching the filters, over all pages.
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    pub stories: Vec<StorySummary>,
}

/// An entity of the index: a canonical name of one kind, with how many stored articles name it
/// and how many stories those articles belong to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EntityView {
    /// Stable across stores and re-ingests (from the kind and the name in lower case).
    pub id: String,
    pub name: String,
    pub kind: EntityType,
    pub articles: usize,
    pub stories: usize,
}

impl From<EntitySummary> for EntityView {
    fn from(e: EntitySummary) -> Self {
        EntityView {
            id: e.id,
            name: e.name,
            kind: e.kind,
            articles: e.articles,
            stories: e.stories,
        }
    }
}

/// A page of the entity index.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntityList {
    /// Names matching, over all pages.
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    pub entities: Vec<EntityView>,
}

/// A page of an entity's stories.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntityStories {
    pub entity: EntityView,
    /// Its stories matching the filters, over all pages.
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    pub stories: Vec<StorySummary>,
}

/// The storylines of `stories`, in their order (`None` for a story the store no longer has).
pub(crate) fn storylines(
    store: &dyn Store,
    stories: &[StoryId],
) -> Result<Vec<Option<StorylineLink>>, ApiError> {
    let found = store.storylines_of(stories)?;
    Ok(stories
        .iter()
        .map(|id| {
            found
                .iter()
                .find(|s| &s.story == id)
                .map(|s| StorylineLink { id: s.storyline.clone(), stories: s.stories })
        })
        .collect())
}

/// A page of one storyline's stories (oldest first unless the listing asks another order);
/// `not_found` when no story belongs to it.
pub(crate) fn storyline_page(
    store: &dyn Store,
    id: &str,
    params: &ListParams,
) -> Result<StorylineStories, ApiError> {
    let mut query = params.query()?;
    if params.sort.as_deref().is_none_or(|s| s.trim().is_empty()) {
        query.order = StoryOrder::Oldest;
    }
    query.storyline = Some(StorylineId::from(id));
    let page = store.stories(&query)?;
    if page.total == 0 {
        let any = StoryQuery { storyline: query.storyline.clone(), limit: 0, ..Default::default() };
        if store.stories(&any)?.total == 0 {
            return Err(ApiError::not_found(format!("no storyline {id:?}")));
        }
    }
    Ok(StorylineStories {
        id: id.to_string(),
        total: page.total,
        offset: query.offset,
        limit: query.limit,
        stories: page.stories,
    })
}

/// A page of one entity's stories (the listing's filters apply); `not_found` for an id the
/// index does not hold.
pub(crate) fn entity_page(
    store: &dyn Store,
    id: &str,
    params: &ListParams,
) -> Result<EntityStories, ApiError> {
    let mut query = params.query()?;
    let entity = store
        .entity(id)?
        .ok_or_else(|| ApiError::not_found(format!("no entity {id:?} (see /api/v1/entities)")))?;
    query.entity = Some(entity.id.clone());
    let page = store.stories(&query)?;
    Ok(EntityStories {
        entity: entity.into(),
        total: page.total,
        offset: query.offset,
        limit: query.limit,
        stories: page.stories,
    })
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
    let (page, lines) = state
        .with_store(move |s| {
            let page = s.stories(&query)?;
            let ids: Vec<StoryId> = page.stories.iter().map(|s| s.id.clone()).collect();
            let lines = storylines(s, &ids)?;
            Ok((page, lines))
        })
        .await?;
    let stories = page
        .stories
        .into_iter()
        .zip(lines)
        .map(|(story, storyline)| ListedStory { story, storyline })
        .collect();
    Ok(Json(StoryList { total: page.total, offset, limit, stories }))
}

/// One story's report: summary, sources, entities, quotes, timeline, agreed and unique facts,
/// conflicts, per-outlet coverage; and the storyline it belongs to.
#[utoipa::path(
    get, path = "/api/v1/stories/{id}",
    params(("id" = String, Path, description = "Story id or a unique prefix of it")),
    responses(
        (status = 200, description = "The story's report and storyline", body = StoryView),
        (status = 404, description = "No such story", body = ErrorBody),
        (status = 400, description = "The prefix matches several stories", body = ErrorBody),
    )
)]
async fn story(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<StoryView>, ApiError> {
    let view = state
        .with_store(move |s| {
            let story = find_story(s, &id)?;
            let report = story_report(s, &story.id)?;
            let storyline = storylines(s, std::slice::from_ref(&story.id))?.pop().flatten();
            Ok(StoryView { report, storyline })
        })
        .await?;
    Ok(Json(view))
}

/// Look up entities (the people, organisations, places and other names the stored articles
/// name) by a part of their name, most named first, with their kind and how many articles and
/// stories name them.
#[utoipa::path(
    get, path = "/api/v1/entities", params(EntityParams),
    responses(
        (status = 200, description = "A page of entities", body = EntityList),
        (status = 400, description = "A malformed parameter", body = ErrorBody),
    )
)]
async fn entities(
    State(state): State<AppState>,
    QueryOf(params): QueryOf<EntityParams>,
) -> Result<Json<EntityList>, ApiError> {
    let query = params.query()?;
    let (offset, limit) = (query.offset, query.limit);
    let page = state.with_store(move |s| Ok(s.entities(&query)?)).await?;
    let entities = page.entities.into_iter().map(Into::into).collect();
    Ok(Json(EntityList { total: page.total, offset, limit, entities }))
}

/// One entity of the index.
#[utoipa::path(
    get, path = "/api/v1/entities/{id}",
    params(("id" = String, Path, description = "Entity id (from /api/v1/entities)")),
    responses(
        (status = 200, description = "The entity", body = EntityView),
        (status = 404, description = "No such entity", body = ErrorBody),
    )
)]
async fn entity(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<EntityView>, ApiError> {
    let found = state.with_store(move |s| Ok(s.entity(&id)?)).await?;
    found
        .map(|e| Json(e.into()))
        .ok_or_else(|| ApiError::not_found("no such entity (see /api/v1/entities)"))
}

/// The stories whose articles name an entity, paged, filtered and sorted like the story listing.
#[utoipa::path(
    get, path = "/api/v1/entities/{id}/stories",
    params(("id" = String, Path, description = "Entity id (from /api/v1/entities)"), ListParams),
    responses(
        (status = 200, description = "The entity and a page of its stories", body = EntityStories),
        (status = 400, description = "A malformed parameter", body = ErrorBody),
        (status = 404, description = "No such entity", body = ErrorBody),
    )
)]
async fn entity_stories(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryOf(params): QueryOf<ListParams>,
) -> Result<Json<EntityStories>, ApiError> {
    Ok(Json(state.with_store(move |s| entity_page(s, &id, &params)).await?))
}

/// A storyline's stories, oldest first (the listing's parameters apply; `sort` changes the
/// order).
#[utoipa::path(
    get, path = "/api/v1/storylines/{id}",
    params(("id" = String, Path, description = "Storyline id (a story's `storyline.id`)"), ListParams),
    responses(
        (status = 200, description = "A page of the storyline's stories", body = StorylineStories),
        (status = 400, description = "A malformed parameter", body = ErrorBody),
        (status = 404, description = "No story belongs to this storyline", body = ErrorBody),
    )
)]
async fn storyline(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryOf(params): QueryOf<ListParams>,
) -> Result<Json<StorylineStories>, ApiError> {
    Ok(Json(state.with_store(move |s| storyline_page(s, &id, &params)).await?))
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
