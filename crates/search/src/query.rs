//! What a search asks for ([`SearchRequest`]) and the tantivy query it becomes.
//!
//! The words are read by tantivy's query parser over `title` (weighted double), `text` and
//! `entities`: every word must match (conjunction by default; `OR` widens), `"..."` is a phrase,
//! `-word` excludes, `field:value` names a field. A query the parser refuses is a
//! [`SearchError::Query`] with the parser's reason — never silently loosened. The filters
//! (outlet, date range) are required clauses beside the words, so they narrow the results
//! without changing any hit's score.

use std::ops::Bound;

use storyline_model::Date;
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, Occur, Query, QueryParser, RangeQuery, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{Index, Term};

use crate::schema::{day_number, Fields};
use crate::SearchError;

/// Hits per page when no limit is given.
pub const DEFAULT_LIMIT: usize = 20;
/// The largest page a caller may ask for.
pub const MAX_LIMIT: usize = 100;
/// How much more a title match weighs than a match in the text.
const TITLE_BOOST: f32 = 2.0;

/// One search: the words, the filters and the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRequest {
    /// The query, in tantivy's query language (words, `"phrases"`, `-excluded`, `OR`).
    pub query: String,
    /// Only articles of this outlet (its exact name).
    pub outlet: Option<String>,
    /// Only articles published on or after this day.
    pub since: Option<Date>,
    /// Only articles published on or before this day.
    pub until: Option<Date>,
    /// Hits of the ranked list to skip.
    pub offset: usize,
    /// At most this many hits (1 to [`MAX_LIMIT`]).
    pub limit: usize,
}

impl SearchRequest {
    /// A first page of [`DEFAULT_LIMIT`] hits for `query`, unfiltered.
    pub fn new(query: impl Into<String>) -> Self {
        SearchRequest {
            query: query.into(),
            outlet: None,
            since: None,
            until: None,
            offset: 0,
            limit: DEFAULT_LIMIT,
        }
    }

    /// The request's own mistakes (blank query, page size), before the index is touched.
    pub fn check(&self) -> Result<(), SearchError> {
        if self.query.trim().is_empty() {
            return Err(SearchError::Query("the query is empty".into()));
        }
        if !(1..=MAX_LIMIT).contains(&self.limit) {
            return Err(SearchError::Invalid(format!(
                "limit: expected 1 to {MAX_LIMIT}, got {}",
                self.limit
            )));
        }
        if let (Some(since), Some(until)) = (self.since, self.until) {
            if since > until {
                return Err(SearchError::Invalid(format!(
                    "since ({since}) is after until ({until})"
                )));
            }
        }
        Ok(())
    }
}

/// The words alone (what snippets highlight) and the words with the filters (what is searched).
pub struct Parsed {
    pub words: Box<dyn Query>,
    pub filtered: Box<dyn Query>,
}

/// Parses the request's words and adds its filters.
pub fn parse(
    index: &Index,
    fields: Fields,
    request: &SearchRequest,
) -> Result<Parsed, SearchError> {
    let mut parser =
        QueryParser::for_index(index, vec![fields.title, fields.text, fields.entities]);
    parser.set_conjunction_by_default();
    parser.set_field_boost(fields.title, TITLE_BOOST);
    let words =
        parser.parse_query(&request.query).map_err(|e| SearchError::Query(e.to_string()))?;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, words.box_clone())];
    if let Some(outlet) = &request.outlet {
        let term = Term::from_field_text(fields.outlet, outlet);
        clauses.push(filter(TermQuery::new(term, IndexRecordOption::Basic)));
    }
    if request.since.is_some() || request.until.is_some() {
        let bound = |day: Option<Date>| match day {
            Some(d) => Bound::Included(Term::from_field_u64(fields.day, day_number(d))),
            None => Bound::Unbounded,
        };
        let range = RangeQuery::new(bound(request.since), bound(request.until));
        clauses.push(filter(range));
    }
    let filtered: Box<dyn Query> =
        if clauses.len() == 1 { words.box_clone() } else { Box::new(BooleanQuery::new(clauses)) };
    Ok(Parsed { words, filtered })
}

/// A required clause that scores nothing: it narrows the hits, the words alone rank them.
fn filter(query: impl Query) -> (Occur, Box<dyn Query>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(Box::new(query), 0.0)))
}
