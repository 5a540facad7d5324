//! The web UI: server-rendered pages (askama templates in `templates/`, every value escaped by
//! the template engine) that need no JavaScript — the front page (latest stories with their
//! storyline badge, filters as a GET form, paging), a story page (conflicts first, then summary,
//! agreed facts with each outlet's own sentence, what one outlet alone reports, timeline, quotes,
//! the names as chips linking to their entity pages, the other stories of its storyline as a
//! thread, the articles side by side), an article page (its text with entities and quotes marked),
//! a search page (hits grouped by story with their snippets marked, facets as links that narrow
//! the search), a names page (entity lookup), an entity page (its stories) and a storyline page
//! (its stories, oldest first). Handlers fetch on a blocking thread and hand plain view structs
//! to the templates; errors are pages with the API's status and code.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use storyline_compare::html::{highlighted, side_by_side, Mark};
use storyline_compare::shown;
use storyline_model::{
    offsets, ArticleId, Date, EntityType, Evidence, StoryId, StoryReport, StorySummary,
    StorylineId, UNATTRIBUTED,
};
use storyline_pipeline::{find_article, find_story, story_with_texts, Store};
use storyline_store::entity_id;

use crate::api::{self, StorylineLink};
use crate::error::ApiError;
use crate::params::{EntityParams, ListParams, Paged, QueryOf, SearchParams};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(front_page))
        .route("/stories/{id}", get(story_page))
        .route("/articles/{id}", get(article_page))
        .route("/search", get(search_page))
        .route("/entities", get(entities_page))
        .route("/entities/{id}", get(entity_page))
        .route("/storylines/{id}", get(storyline_page))
        .route("/assets/style.css", get(stylesheet))
        .route("/assets/live.js", get(live_script))
        .fallback(|| async { PageError(ApiError::not_found("there is no page at this address")) })
}

/// The UI's own rules after the story report's (`storyline_compare::html::STYLE`).
const UI_STYLE: &str = include_str!("../templates/ui.css");

async fn stylesheet() -> impl IntoResponse {
    static CSS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let css = CSS.get_or_init(|| format!("{}\n{UI_STYLE}", storyline_compare::html::STYLE));
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], css.as_str())
}

/// The front page's live notice ([`crate::live`]); the only script, served from this origin.
async fn live_script() -> impl IntoResponse {
    const LIVE: &str = include_str!("../templates/live.js");
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], LIVE)
}

/// An error shown as a page (same status and code as the API would give).
pub struct PageError(pub ApiError);

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        PageError(e)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    code: &'a str,
    message: &'a str,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let e = self.0;
        let page = ErrorPage { status: e.status.as_u16(), code: e.code, message: &e.message };
        match page.render() {
            Ok(html) => (e.status, Html(html)).into_response(),
            Err(_) => (e.status, e.message).into_response(),
        }
    }
}

/// Renders a page, or an `internal` error page if the template fails.
fn render(page: impl Template) -> Result<Html<String>, PageError> {
    page.render().map(Html).map_err(|e| {
        PageError(ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: format!("the page could not be rendered: {e}"),
        })
    })
}

fn day(date: Option<Date>) -> String {
    date.map_or_else(|| "undated".into(), |d| d.to_string())
}

// ---------------------------------------------------------------------------------------------
// Front page

struct StoryRow {
    id: String,
    headline: String,
    date: String,
    articles: usize,
    sources: usize,
    /// The storyline, when the story is one of several in it.
    thread: Option<StorylineLink>,
}

impl StoryRow {
    fn new(s: StorySummary, storyline: Option<StorylineLink>) -> Self {
        StoryRow {
            date: day(s.date),
            id: s.id.into_string(),
            headline: s.headline,
            articles: s.articles,
            sources: s.sources,
            thread: storyline.filter(|l| l.stories > 1),
        }
    }
}

/// Where one page of a list stands: the numbers of its first and last rows (1-based) and the
/// query strings of the pages before and after it, where there are such pages.
struct Paging {
    first: usize,
    last: usize,
    previous: Option<String>,
    next: Option<String>,
}

impl Paging {
    /// A page of `shown` rows at `offset`, `limit` rows a page, of `total`; `at` gives the query
    /// string of the list starting at an offset.
    fn new(
        offset: usize,
        limit: usize,
        shown: usize,
        total: usize,
        at: impl Fn(usize) -> String,
    ) -> Self {
        Paging {
            first: offset + 1,
            last: offset + shown,
            previous: (offset > 0).then(|| at(offset.saturating_sub(limit))),
            next: (offset + shown < total).then(|| at(offset + limit)),
        }
    }
}

/// One entry of the front page: a story and, beneath it, the other stories of its storyline
/// that the same page lists (in the page's order), so a storyline reads as one thread.
struct Thread {
    lead: StoryRow,
    rest: Vec<StoryRow>,
}

/// The page's rows as threads: each row joins the first row of its storyline on the page (a
/// story alone in its storyline is a thread of one). The rows, their order within a thread and
/// the order of the threads' first rows are the page's; nothing is fetched.
fn threads(rows: Vec<StoryRow>) -> Vec<Thread> {
    let mut threads: Vec<Thread> = Vec::new();
    let mut at: std::collections::HashMap<StorylineId, usize> = std::collections::HashMap::new();
    for row in rows {
        let line = row.thread.as_ref().map(|t| t.id.clone());
        match line.as_ref().and_then(|l| at.get(l)) {
            Some(&i) => threads[i].rest.push(row),
            None => {
                if let Some(l) = line {
                    at.insert(l, threads.len());
                }
                threads.push(Thread { lead: row, rest: Vec::new() });
            }
        }
    }
    threads
}

/// Listing rows for `stories`, with their storylines.
fn rows(store: &dyn Store, stories: Vec<StorySummary>) -> Result<Vec<StoryRow>, ApiError> {
    let ids: Vec<StoryId> = stories.iter().map(|s| s.id.clone()).collect();
    let lines = api::storylines(store, &ids)?;
    Ok(stories.into_iter().zip(lines).map(|(s, l)| StoryRow::new(s, l)).collect())
}

/// What a kind of entity is called on the pages.
fn kind_name(kind: EntityType) -> &'static str {
    match kind {
        EntityType::Person => "person",
        EntityType::Organisation => "organisation",
        EntityType::Location => "place",
        EntityType::Misc => "other",
    }
}

#[derive(Template)]
#[template(path = "index.html")]
struct FrontPage {
    form: ListParams,
    size_order: bool,
    total: usize,
    first: usize,
    last: usize,
    threads: Vec<Thread>,
    previous: Option<String>,
    next: Option<String>,
}

async fn front_page(
    State(state): State<AppState>,
    form: Result<QueryOf<ListParams>, ApiError>,
) -> Result<Html<String>, PageError> {
    let QueryOf(form) = form?;
    let query = form.query()?;
    let (offset, limit) = (query.offset, query.limit);
    let size_order = query.order == storyline_store::StoryOrder::Largest;
    let (total, rows) = state
        .with_store(move |s| {
            let page = s.stories(&query)?;
            Ok((page.total, rows(s, page.stories)?))
        })
        .await?;
    let Paging { first, last, previous, next } =
        Paging::new(offset, limit, rows.len(), total, |o| form.at_offset(o));
    let threads = threads(rows);
    render(FrontPage { size_order, total, first, last, threads, previous, next, form })
}

// ---------------------------------------------------------------------------------------------
// Story page

/// One outlet's sentence for a fact.
struct Said {
    outlet: String,
    article: String,
    sentence: String,
    /// The conflicting value (conflicts only).
    value: String,
}

struct ConflictView {
    about: String,
    kind: String,
    claims: Vec<Said>,
}

struct FactView {
    fact: String,
    /// The first [`shown::EVIDENCE`] outlets' sentences …
    said: Vec<Said>,
    /// … and how many more there are.
    more: usize,
}

struct OutletFacts {
    outlet: String,
    /// The first [`shown::UNIQUE`] facts …
    facts: Vec<String>,
    /// … and how many more the outlet carries alone.
    more: usize,
}

struct Dated {
    date: String,
    text: String,
    future: bool,
    outlets: String,
}

struct QuoteView {
    speaker: String,
    text: String,
    outlets: String,
}

struct ArticleRow {
    id: String,
    outlet: String,
    title: String,
    date: String,
    copy_of: Option<String>,
}

#[derive(Template)]
#[template(path = "story.html")]
struct StoryPage {
    id: String,
    headline: String,
    date: String,
    summary: Vec<String>,
    /// The first [`shown::CONFLICTS`] conflicts …
    conflicts: Vec<ConflictView>,
    /// … and how many more the report holds.
    conflicts_more: usize,
    /// The first [`shown::AGREED`] agreed facts …
    agreed: Vec<FactView>,
    /// … and how many more the report holds.
    agreed_more: usize,
    unique: Vec<OutletFacts>,
    timeline: Vec<Dated>,
    quotes: Vec<QuoteView>,
    articles: Vec<ArticleRow>,
    /// `storyline_compare::html::side_by_side`: an HTML fragment that escapes every text itself.
    side_by_side: String,
    /// The story's names, most widely reported first.
    chips: Vec<Chip>,
    /// The stories of its storyline, oldest first (empty when the story stands alone).
    thread: Vec<ThreadItem>,
    /// The storyline's id and its number of stories (more than `thread` holds when it is long).
    storyline: Option<StorylineLink>,
}

/// One of a story's names, linked to its entity page when the index holds it.
struct Chip {
    kind: &'static str,
    name: String,
    link: Option<String>,
}

/// One story of a storyline's thread.
struct ThreadItem {
    id: String,
    headline: String,
    date: String,
    current: bool,
}

/// Names shown as chips on a story page.
const MAX_CHIPS: usize = 40;

/// The chips of a report's names: each links to the entity of its kind, or of another kind
/// under the same name (the report's kind is the one its articles gave most often).
fn chips(store: &dyn Store, r: &StoryReport) -> Result<Vec<Chip>, ApiError> {
    const KINDS: [EntityType; 4] =
        [EntityType::Person, EntityType::Organisation, EntityType::Location, EntityType::Misc];
    let candidates: Vec<Vec<String>> = r
        .entities
        .iter()
        .take(MAX_CHIPS)
        .map(|e| {
            let others = KINDS.into_iter().filter(|k| *k != e.kind);
            std::iter::once(e.kind).chain(others).map(|k| entity_id(k, &e.canonical)).collect()
        })
        .collect();
    let all: Vec<String> = candidates.iter().flatten().cloned().collect();
    let known = store.known_entities(&all)?;
    Ok(r.entities
        .iter()
        .zip(candidates)
        .map(|(e, ids)| Chip {
            kind: kind_name(e.kind),
            name: e.canonical.clone(),
            link: ids.into_iter().find(|id| known.contains(id)),
        })
        .collect())
}

/// The thread of the story `id`: its storyline's stories, oldest first (at most a page).
fn thread(
    store: &dyn Store,
    id: &str,
) -> Result<(Option<StorylineLink>, Vec<ThreadItem>), ApiError> {
    let line = api::storylines(store, &[StoryId::from(id)])?.pop().flatten();
    let Some(line) = line.filter(|l| l.stories > 1) else { return Ok((None, Vec::new())) };
    let limit = Some(crate::params::MAX_LIMIT.to_string());
    let page = api::storyline_page(store, &line.id, &ListParams { limit, ..Default::default() })?;
    let items = page
        .stories
        .into_iter()
        .map(|s| ThreadItem {
            current: s.id == id,
            date: day(s.date),
            id: s.id.into_string(),
            headline: s.headline,
        })
        .collect();
    Ok((Some(line), items))
}

async fn story_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let (report, texts, chips, (storyline, thread)) = state
        .with_store(move |s| {
            let story = find_story(s, &id)?;
            let (report, texts) = story_with_texts(s, &story.id)?;
            let chips = chips(s, &report)?;
            Ok((report, texts, chips, thread(s, &story.id)?))
        })
        .await?;
    let mut page = StoryPage::new(&report, &texts);
    (page.chips, page.thread, page.storyline) = (chips, thread, storyline);
    render(page)
}

impl StoryPage {
    fn new(r: &StoryReport, texts: &BTreeMap<ArticleId, String>) -> Self {
        let outlet_of: BTreeMap<&str, &str> = r
            .articles
            .iter()
            .map(|a| (a.id.as_str(), a.source.as_deref().unwrap_or(UNATTRIBUTED)))
            .collect();
        let outlet = |id: &str| outlet_of.get(id).copied().unwrap_or(UNATTRIBUTED).to_string();
        let outlets = |ids: &[ArticleId]| {
            let mut names: Vec<String> = ids.iter().map(|id| outlet(id)).collect();
            names.sort();
            names.dedup();
            names.join(", ")
        };
        let sentence = |article: &str, start: usize, end: usize| {
            texts
                .get(article)
                .map(|t| offsets::slice(t, start, end).to_string())
                .unwrap_or_default()
        };
        let said = |e: &Evidence| Said {
            outlet: outlet(&e.article),
            article: e.article.to_string(),
            sentence: sentence(&e.article, e.start, e.end),
            value: String::new(),
        };
        let c = &r.comparison;
        let mut unique: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for u in &c.unique {
            unique.entry(outlet(&u.article)).or_default().push(u.fact.clone());
        }
        StoryPage {
            id: r.id.to_string(),
            headline: r.headline.clone(),
            date: day(r.date),
            summary: r.summary.iter().map(|s| s.text.clone()).collect(),
            conflicts_more: c.conflicts.len().saturating_sub(shown::CONFLICTS),
            conflicts: c
                .conflicts
                .iter()
                .take(shown::CONFLICTS)
                .map(|k| ConflictView {
                    about: k.about.clone(),
                    kind: k.kind.to_string(),
                    claims: k
                        .claims
                        .iter()
                        .map(|cl| Said {
                            outlet: outlet(&cl.article),
                            article: cl.article.to_string(),
                            sentence: sentence(&cl.article, cl.evidence.start, cl.evidence.end),
                            value: cl.value.clone(),
                        })
                        .collect(),
                })
                .collect(),
            agreed: c
                .agreed
                .iter()
                .take(shown::AGREED)
                .map(|f| FactView {
                    fact: f.fact.clone(),
                    said: f.evidence.iter().take(shown::EVIDENCE).map(&said).collect(),
                    more: f.evidence.len().saturating_sub(shown::EVIDENCE),
                })
                .collect(),
            agreed_more: c.agreed.len().saturating_sub(shown::AGREED),
            unique: unique
                .into_iter()
                .map(|(outlet, mut facts)| {
                    let more = facts.len().saturating_sub(shown::UNIQUE);
                    facts.truncate(shown::UNIQUE);
                    OutletFacts { outlet, facts, more }
                })
                .collect(),
            timeline: r
                .timeline
                .iter()
                .map(|t| Dated {
                    date: t.date.to_string(),
                    text: t.text.clone(),
                    future: t.future,
                    outlets: outlets(&t.articles),
                })
                .collect(),
            quotes: r
                .quotes
                .iter()
                .map(|q| QuoteView {
                    speaker: q.speaker.clone(),
                    text: q.text.clone(),
                    outlets: outlets(&q.articles),
                })
                .collect(),
            articles: r
                .articles
                .iter()
                .map(|a| ArticleRow {
                    id: a.id.to_string(),
                    outlet: outlet(&a.id),
                    title: a.title.clone().unwrap_or_default(),
                    date: day(a.published),
                    copy_of: a.duplicate_of.as_ref().map(ToString::to_string),
                })
                .collect(),
            side_by_side: side_by_side(r, texts),
            chips: Vec::new(),
            thread: Vec::new(),
            storyline: None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Names (the entity index), an entity's stories, a storyline's stories

struct EntityRow {
    id: String,
    name: String,
    kind: &'static str,
    articles: usize,
    stories: usize,
}

impl From<api::EntityView> for EntityRow {
    fn from(e: api::EntityView) -> Self {
        EntityRow {
            kind: kind_name(e.kind),
            id: e.id,
            name: e.name,
            articles: e.articles,
            stories: e.stories,
        }
    }
}

/// One choice of the kind menu.
struct KindOption {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "entities.html")]
struct EntitiesPage {
    form: EntityParams,
    kinds: Vec<KindOption>,
    total: usize,
    first: usize,
    last: usize,
    rows: Vec<EntityRow>,
    previous: Option<String>,
    next: Option<String>,
}

async fn entities_page(
    State(state): State<AppState>,
    form: Result<QueryOf<EntityParams>, ApiError>,
) -> Result<Html<String>, PageError> {
    let QueryOf(form) = form?;
    let query = form.query()?;
    let (offset, limit) = (query.offset, query.limit);
    let page = state.with_store(move |s| Ok(s.entities(&query)?)).await?;
    let rows: Vec<EntityRow> =
        page.entities.into_iter().map(|e| api::EntityView::from(e).into()).collect();
    let Paging { first, last, previous, next } =
        Paging::new(offset, limit, rows.len(), page.total, |o| form.at_offset(o));
    let chosen = form.query()?.kind;
    let kinds =
        [EntityType::Person, EntityType::Organisation, EntityType::Location, EntityType::Misc]
            .into_iter()
            .map(|k| KindOption {
                value: k.as_str(),
                label: kind_name(k),
                selected: chosen == Some(k),
            })
            .collect();
    render(EntitiesPage { kinds, total: page.total, first, last, rows, previous, next, form })
}

/// A page of stories under a heading: an entity's or a storyline's.
#[derive(Template)]
#[template(path = "stories_of.html")]
struct StoriesOf {
    /// `entity` or `storyline`.
    what: &'static str,
    title: String,
    /// What the heading says under the title (the entity's kind and counts).
    about: String,
    json: String,
    total: usize,
    first: usize,
    last: usize,
    rows: Vec<StoryRow>,
    /// The base of the paging links (the page's own path).
    path: String,
    previous: Option<String>,
    next: Option<String>,
}

async fn entity_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: Result<QueryOf<ListParams>, ApiError>,
) -> Result<Html<String>, PageError> {
    let QueryOf(form) = form?;
    let params = form.clone();
    let (page, rows) = state
        .with_store(move |s| {
            let mut page = api::entity_page(s, &id, &params)?;
            let rows = rows(s, std::mem::take(&mut page.stories))?;
            Ok((page, rows))
        })
        .await?;
    let e = page.entity;
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let about = format!(
        "{} · named in {} of {}",
        kind_name(e.kind),
        count(e.articles, "article", "articles"),
        count(e.stories, "story", "stories")
    );
    let Paging { first, last, previous, next } =
        Paging::new(page.offset, page.limit, rows.len(), page.total, |o| form.at_offset(o));
    render(StoriesOf {
        what: "entity",
        title: e.name,
        about,
        json: format!("/api/v1/entities/{}/stories", e.id),
        total: page.total,
        first,
        last,
        previous,
        next,
        path: format!("/entities/{}", e.id),
        rows,
    })
}

async fn storyline_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: Result<QueryOf<ListParams>, ApiError>,
) -> Result<Html<String>, PageError> {
    let QueryOf(form) = form?;
    let params = form.clone();
    let (page, rows) = state
        .with_store(move |s| {
            let mut page = api::storyline_page(s, &id, &params)?;
            let rows = rows(s, std::mem::take(&mut page.stories))?;
            Ok((page, rows))
        })
        .await?;
    let title = match rows.first() {
        Some(first) if page.offset == 0 => format!("Storyline: {}", first.headline),
        _ => format!("Storyline {}", page.id),
    };
    let Paging { first, last, previous, next } =
        Paging::new(page.offset, page.limit, rows.len(), page.total, |o| form.at_offset(o));
    render(StoriesOf {
        what: "storyline",
        title,
        about: format!("{} stories, oldest first", page.total),
        json: format!("/api/v1/storylines/{}", page.id),
        total: page.total,
        first,
        last,
        previous,
        next,
        path: format!("/storylines/{}", page.id),
        rows,
    })
}

// ---------------------------------------------------------------------------------------------
// Article page

struct EntityView {
    kind: &'static str,
    canonical: String,
}

#[derive(Template)]
#[template(path = "article.html")]
struct ArticlePage {
    id: String,
    title: String,
    outlet: String,
    author: Option<String>,
    date: String,
    language: Option<String>,
    /// Shown as a link only when it is an http(s) URL (a `javascript:` URL stays text).
    url: Option<String>,
    link: bool,
    story: Option<String>,
    copy_of: Option<String>,
    /// `storyline_compare::html::highlighted`: the text as escaped paragraphs with marks.
    body: String,
    entities: Vec<EntityView>,
}

async fn article_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let stored = state.with_store(move |s| Ok(find_article(s, &id)?)).await?;
    let a = &stored.article;
    let mut marks: Vec<Mark> = a
        .analysis
        .quotes
        .iter()
        .map(|q| {
            let by = q.speaker.as_ref().map_or("unattributed".into(), |s| s.text.clone());
            (q.content.start, q.content.end, "quote", format!("quote: {by}"))
        })
        .collect();
    let mut entities: Vec<EntityView> = Vec::new();
    for e in &a.analysis.entities {
        marks.push((e.start, e.end, "entity", format!("{}: {}", e.kind.as_str(), e.canonical)));
        if !entities.iter().any(|v| v.canonical == e.canonical) {
            entities.push(EntityView { kind: e.kind.as_str(), canonical: e.canonical.clone() });
        }
    }
    let url = a.url.clone();
    let link =
        url.as_deref().is_some_and(|u| u.starts_with("https://") || u.starts_with("http://"));
    render(ArticlePage {
        id: a.id.to_string(),
        title: a.title.clone().unwrap_or_else(|| "(untitled)".into()),
        outlet: a.source.clone().unwrap_or_else(|| UNATTRIBUTED.into()),
        author: a.author.clone(),
        date: day(a.published),
        language: a.language.clone(),
        url,
        link,
        story: stored.grouping.story.as_ref().map(ToString::to_string),
        copy_of: stored.grouping.duplicate_of.as_ref().map(ToString::to_string),
        body: highlighted(&a.text, &marks),
        entities,
    })
}

// ---------------------------------------------------------------------------------------------
// Search page

/// A piece of a snippet: text, and whether it is a matched word.
struct Part {
    text: String,
    hit: bool,
}

struct HitView {
    id: String,
    title: String,
    outlet: String,
    date: String,
    snippet: Vec<Part>,
}

/// The hits of one story on this page (`story` is `None` for articles in no story).
struct StoryHits {
    story: Option<StoryRow>,
    hits: Vec<HitView>,
}

/// One value of a facet as a link that narrows the search to it.
struct FacetLink {
    value: String,
    count: u64,
    query: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchResults {
    form: SearchParams,
    searched: bool,
    total: usize,
    first: usize,
    last: usize,
    groups: Vec<StoryHits>,
    outlets: Vec<FacetLink>,
    days: Vec<FacetLink>,
    entities: Vec<FacetLink>,
    pending: u64,
    previous: Option<String>,
    next: Option<String>,
}

async fn search_page(
    State(state): State<AppState>,
    form: Result<QueryOf<SearchParams>, ApiError>,
) -> Result<Html<String>, PageError> {
    let QueryOf(form) = form?;
    if !form.has_query() {
        return render(SearchResults::empty(form));
    }
    let request = form.request()?;
    let page = state.with_search(move |index, store| Ok(index.search(store, &request)?)).await?;
    render(SearchResults::new(form, page))
}

impl SearchResults {
    /// The form alone, before any search.
    fn empty(form: SearchParams) -> Self {
        SearchResults {
            form,
            searched: false,
            total: 0,
            first: 0,
            last: 0,
            groups: Vec::new(),
            outlets: Vec::new(),
            days: Vec::new(),
            entities: Vec::new(),
            pending: 0,
            previous: None,
            next: None,
        }
    }

    fn new(form: SearchParams, page: storyline_search::SearchPage) -> Self {
        let (offset, limit, shown) = (page.offset, page.limit, page.hits.len());
        let facet = |values: &[storyline_search::FacetCount],
                     set: &dyn Fn(&mut SearchParams, &str)| {
            values
                .iter()
                .map(|f| FacetLink {
                    value: f.value.clone(),
                    count: f.count,
                    query: form.with(|p| set(p, &f.value)),
                })
                .collect()
        };
        let outlets = facet(&page.facets.outlets, &|p, v| p.outlet = Some(v.into()));
        let days = facet(&page.facets.days, &|p, v| {
            (p.since, p.until) = (Some(v.into()), Some(v.into()));
        });
        let entities = facet(&page.facets.entities, &|p, v| {
            let q = p.q.clone().unwrap_or_default();
            p.q = Some(format!("{q} \"{}\"", v.replace('"', " ")));
        });
        let Paging { first, last, previous, next } =
            Paging::new(offset, limit, shown, page.total, |o| form.at_offset(o));
        SearchResults {
            searched: true,
            total: page.total,
            first,
            last,
            pending: page.pending,
            groups: group_by_story(page),
            outlets,
            days,
            entities,
            previous,
            next,
            form,
        }
    }
}

/// The page's hits under their stories, stories in the order of their best hit.
fn group_by_story(page: storyline_search::SearchPage) -> Vec<StoryHits> {
    let mut groups: Vec<StoryHits> = page
        .stories
        .into_iter()
        .map(|s| StoryHits { story: Some(StoryRow::new(s, None)), hits: Vec::new() })
        .collect();
    for hit in page.hits {
        let at = groups.iter().position(|g| {
            g.story.as_ref().map(|s| s.id.as_str()) == hit.story.as_deref() && hit.story.is_some()
        });
        let view = HitView {
            id: hit.id.into_string(),
            title: hit.title.unwrap_or_else(|| "(untitled)".into()),
            outlet: hit.outlet,
            date: day(hit.published),
            snippet: hit
                .snippet
                .parts()
                .into_iter()
                .map(|(text, hit)| Part { text, hit })
                .collect(),
        };
        match at {
            Some(i) => groups[i].hits.push(view),
            None => groups.push(StoryHits { story: None, hits: vec![view] }),
        }
    }
    groups.retain(|g| !g.hits.is_empty());
    groups
}

#[cfg(test)]
mod reading_limits {
    use super::{shown, StoryPage};
    use askama::Template;
    use storyline_model::{
        AgreedFact, ArticleRef, Comparison, Conflict, ConflictClaim, ConflictKind, Evidence, Span,
        StoryReport, UniqueFact,
    };

    /// A story of many outlets with many facts and conflicts: the page shows the first of each
    /// and says how many more the JSON report holds.
    #[test]
    fn a_large_story_page_stays_readable() {
        let ids: Vec<String> = (0..9).map(|i| format!("art{i}")).collect();
        let texts =
            ids.iter().map(|id| (id.as_str().into(), format!("Ferry {id} was late."))).collect();
        let evidence = |id: &String| Evidence { article: id.as_str().into(), start: 0, end: 10 };
        let agreed = (0..shown::AGREED + 3)
            .map(|k| AgreedFact {
                fact: format!("Agreed fact {k}."),
                articles: ids.iter().map(|id| id.as_str().into()).collect(),
                evidence: ids.iter().map(evidence).collect(),
            })
            .collect();
        let conflicts = (0..shown::CONFLICTS + 2)
            .map(|k| Conflict {
                about: format!("delay {k}"),
                kind: ConflictKind::Number,
                claims: ids[..2]
                    .iter()
                    .map(|id| ConflictClaim {
                        article: id.as_str().into(),
                        value: format!("{k} minutes"),
                        evidence: Span::new(0, 10),
                    })
                    .collect(),
            })
            .collect();
        let unique = (0..shown::UNIQUE + 4)
            .map(|k| UniqueFact {
                fact: format!("Only here {k}."),
                article: ids[0].as_str().into(),
                evidence: vec![evidence(&ids[0])],
            })
            .collect();
        let report = StoryReport {
            id: "story1".into(),
            headline: "Ferries late".into(),
            articles: ids
                .iter()
                .map(|id| ArticleRef {
                    id: id.as_str().into(),
                    source: Some(format!("Outlet {id}")),
                    ..Default::default()
                })
                .collect(),
            comparison: Comparison { agreed, unique, conflicts },
            ..Default::default()
        };
        let html = StoryPage::new(&report, &texts).render().expect("renders");
        assert!(html.contains("3 more agreed facts"), "{html}");
        assert!(html.contains("2 more conflicts"), "{html}");
        assert!(html.contains("and 5 more outlets"), "{html}");
        assert!(html.contains("and 4 more</li>"), "{html}");
        assert!(!html.contains(&format!("Agreed fact {}.", shown::AGREED)), "{html}");
        assert!(!html.contains(&format!("Only here {}.", shown::UNIQUE)), "{html}");
    }
}
