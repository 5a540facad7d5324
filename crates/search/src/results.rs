//! Running a parsed query and shaping what comes back: ranked hits with highlighted snippets,
//! facet counts, and the story each hit belongs to.
//!
//! Ranking is BM25 with the article's `seq` as the tie-breaker, so a ranking never depends on how
//! tantivy split the index into segments — the same articles give the same order whichever store
//! backend they came from and however often the index was caught up or rebuilt. Snippets are
//! plain text plus highlight spans (character offsets, like every span in Storyline);
//! [`Snippet::to_html`] escapes the text itself and adds only `<mark>` elements. Stories are read
//! from the store at query time (the index does not hold them; see [`crate::schema`]).

use std::collections::BTreeSet;

use serde::Serialize;
use storyline_model::{ArticleId, Date, Span, StoryId, StorySummary};
use storyline_store::Store;
use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue};
use tantivy::collector::{Count, TopDocs};
use tantivy::schema::Value;
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Order, Score, Searcher, TantivyDocument};

use crate::facets::{FacetTops, RootCounts};
use crate::query::{Parsed, SearchRequest};
use crate::schema::{day_of_number, Fields, DAY_FACET, ENTITY_FACET, OUTLET_FACET};
use crate::SearchError;

/// Longest snippet, in characters.
pub const SNIPPET_CHARS: usize = 220;
/// Values shown per facet (the most frequent).
pub const FACET_VALUES: usize = 12;

/// One page of search results.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchPage {
    /// The query as given.
    pub query: String,
    /// Articles matching the query and filters, over all pages.
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    /// This page's articles, best first.
    pub hits: Vec<Hit>,
    /// The stories of this page's hits, in the order of their best hit.
    pub stories: Vec<StorySummary>,
    /// How the matching articles (all pages) spread over outlets, days and entities.
    pub facets: Facets,
    /// Stored articles not yet searchable (another process is writing the index); normally 0.
    pub pending: u64,
}

/// One matching article.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Hit {
    /// The article's id.
    pub id: ArticleId,
    /// Its place in the store's order.
    pub seq: u64,
    /// BM25 relevance (higher is better).
    pub score: f32,
    pub title: Option<String>,
    pub outlet: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub published: Option<Date>,
    /// The story the article belongs to now.
    pub story: Option<StoryId>,
    pub snippet: Snippet,
}

/// A passage of an article's text with the query's words marked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Snippet {
    /// The passage, plain text (not escaped).
    pub text: String,
    /// The matched words: character offsets into `text`, end-exclusive, in order.
    pub highlights: Vec<Span>,
}

/// Counts of the matching articles per value of each facet, most frequent first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Facets {
    pub outlets: Vec<FacetCount>,
    pub days: Vec<FacetCount>,
    pub entities: Vec<FacetCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

impl Snippet {
    /// The passage as HTML: the text escaped (`&`, `<`, `>`, `"`, `'`), each highlight in a
    /// `<mark>` element. Nothing of the article's text can become markup.
    pub fn to_html(&self) -> String {
        let mut html = String::with_capacity(self.text.len() + 16 * self.highlights.len());
        let mut marked = self.highlights.iter().peekable();
        let mut open = false;
        for (i, c) in self.text.chars().enumerate() {
            if open && marked.peek().is_some_and(|h| h.end == i) {
                html.push_str("</mark>");
                open = false;
                marked.next();
            }
            if !open && marked.peek().is_some_and(|h| h.start == i && h.end > i) {
                html.push_str("<mark>");
                open = true;
            }
            escape_into(&mut html, c);
        }
        if open {
            html.push_str("</mark>");
        }
        html
    }

    /// The passage in parts: `(text, highlighted)`, for a template to escape and mark.
    pub fn parts(&self) -> Vec<(String, bool)> {
        let chars: Vec<char> = self.text.chars().collect();
        let mut parts = Vec::new();
        let mut at = 0;
        for h in &self.highlights {
            let (start, end) = (h.start.min(chars.len()), h.end.min(chars.len()));
            if start < at || start >= end {
                continue;
            }
            parts.push((chars[at..start].iter().collect(), false));
            parts.push((chars[start..end].iter().collect(), true));
            at = end;
        }
        parts.push((chars[at..].iter().collect(), false));
        parts.retain(|(text, _): &(String, bool)| !text.is_empty());
        parts
    }
}

fn escape_into(html: &mut String, c: char) {
    match c {
        '&' => html.push_str("&amp;"),
        '<' => html.push_str("&lt;"),
        '>' => html.push_str("&gt;"),
        '"' => html.push_str("&quot;"),
        '\'' => html.push_str("&#39;"),
        c => html.push(c),
    }
}

/// Runs `parsed` for `request` on `searcher`: the page of hits, the total and the facets (the
/// stories are added by [`label_stories`]).
pub fn run(
    searcher: &Searcher,
    fields: Fields,
    parsed: &Parsed,
    request: &SearchRequest,
) -> Result<SearchPage, SearchError> {
    let ranked = TopDocs::with_limit(request.limit).and_offset(request.offset).order_by((
        SortBySimilarityScore,
        (SortByStaticFastValue::<u64>::for_field("seq"), Order::Asc),
    ));
    let facets = FacetTops::new("facets", &[OUTLET_FACET, DAY_FACET, ENTITY_FACET]);
    let (top, total, mut counts) = searcher.search(&*parsed.filtered, &(ranked, Count, facets))?;
    let mut snippets = SnippetGenerator::create(searcher, &*parsed.words, fields.text)?;
    snippets.set_max_num_chars(SNIPPET_CHARS);
    let hits = top
        .into_iter()
        .map(|((score, _), address)| hit(searcher, fields, &snippets, score, address))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SearchPage {
        query: request.query.clone(),
        total,
        offset: request.offset,
        limit: request.limit,
        hits,
        stories: Vec::new(),
        facets: Facets {
            outlets: facet_values(&mut counts, 0),
            days: facet_values(&mut counts, 1),
            entities: facet_values(&mut counts, 2),
        },
        pending: 0,
    })
}

/// One hit, read from the index's stored fields.
fn hit(
    searcher: &Searcher,
    fields: Fields,
    snippets: &SnippetGenerator,
    score: Score,
    address: DocAddress,
) -> Result<Hit, SearchError> {
    let doc: TantivyDocument = searcher.doc(address)?;
    let text = |field| doc.get_first(field).and_then(|v| v.as_str()).map(str::to_string);
    let number = |field| doc.get_first(field).and_then(|v| v.as_u64());
    Ok(Hit {
        id: text(fields.id).unwrap_or_default().into(),
        seq: number(fields.seq).unwrap_or_default(),
        score,
        title: text(fields.title),
        outlet: text(fields.outlet).unwrap_or_default(),
        published: number(fields.day).and_then(day_of_number),
        story: None,
        snippet: snippet(snippets, &text(fields.text).unwrap_or_default()),
    })
}

/// The best passage of `text` for the query, or its opening when no word of the query is in the
/// text (the title or the entities matched).
fn snippet(generator: &SnippetGenerator, text: &str) -> Snippet {
    let found = generator.snippet(text);
    if found.is_empty() || found.highlighted().is_empty() {
        return Snippet { text: opening(text), highlights: Vec::new() };
    }
    let fragment = found.fragment();
    let char_at = |byte: usize| fragment[..byte].chars().count();
    let mut highlights: Vec<Span> = Vec::new();
    let mut last_end = 0;
    for r in found.highlighted() {
        match highlights.last_mut() {
            // Words of one phrase ("port authority") are marked as one stretch.
            Some(last)
                if fragment.get(last_end..r.start).is_some_and(|gap| gap.trim().is_empty()) =>
            {
                last.end = char_at(r.end);
            }
            _ => highlights.push(Span::new(char_at(r.start), char_at(r.end))),
        }
        last_end = r.end;
    }
    Snippet { text: fragment.to_string(), highlights }
}

/// The first [`SNIPPET_CHARS`] characters of `text`, cut at a word boundary.
fn opening(text: &str) -> String {
    if text.chars().count() <= SNIPPET_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(SNIPPET_CHARS).collect();
    let end = cut.rfind(char::is_whitespace).unwrap_or(cut.len());
    format!("{}…", cut[..end].trim_end())
}

/// The counts of the `root`th facet root, most frequent first (ties by value), at most
/// [`FACET_VALUES`].
fn facet_values(counts: &mut RootCounts, root: usize) -> Vec<FacetCount> {
    let mut values: Vec<FacetCount> = std::mem::take(&mut counts[root])
        .into_iter()
        .map(|(value, count)| FacetCount { value, count })
        .collect();
    values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    values.truncate(FACET_VALUES);
    values
}

/// Gives each hit the story its article belongs to now and lists those stories, in the order of
/// their best hit (one store read for the page's articles, then one per story of the page).
pub fn label_stories(store: &dyn Store, page: &mut SearchPage) -> Result<(), SearchError> {
    let ids: Vec<ArticleId> = page.hits.iter().map(|h| h.id.clone()).collect();
    let story_of: std::collections::HashMap<ArticleId, StoryId> =
        store.stories_of_articles(&ids)?.into_iter().collect();
    let mut seen: BTreeSet<StoryId> = BTreeSet::new();
    for hit in &mut page.hits {
        hit.story = story_of.get(&hit.id).cloned();
        if let Some(id) = &hit.story {
            if seen.insert(id.clone()) {
                if let Some(summary) = store.story(id)? {
                    page.stories.push(summary);
                }
            }
        }
    }
    Ok(())
}
