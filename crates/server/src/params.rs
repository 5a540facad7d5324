//! The story-listing, entity-lookup and search queries, as the API's query string and the pages' forms give
//! them: every value optional and an empty value the same as a missing one (what a GET form
//! sends), so one parser serves both. Values are checked here, with the parameter named in the
//! error.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use storyline_model::EntityType;
use storyline_model::{Date, StorylineId};
use storyline_search::SearchRequest;
use storyline_store::entities::kind_from_str;
use storyline_store::{EntityQuery, StoryOrder, StoryQuery};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;

/// Stories per page when `limit` is not given.
pub const DEFAULT_LIMIT: usize = 20;
/// The largest page a client may ask for.
pub const MAX_LIMIT: usize = 100;

/// The query parameters of a paged page (a listing, the names, a search): the same parameters
/// at another offset are its paging links.
pub trait Paged: Clone + Serialize {
    /// The `offset` parameter.
    fn offset_mut(&mut self) -> &mut Option<String>;

    /// The query string of the same parameters starting at `offset` (none on the first page).
    fn at_offset(&self, offset: usize) -> String {
        let mut params = self.clone();
        *params.offset_mut() = (offset > 0).then(|| offset.to_string());
        serde_urlencoded::to_string(&params).unwrap_or_default()
    }
}

/// How a listing is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Newest first (undated stories last).
    Date,
    /// Most outlets first, then most articles.
    Size,
    /// Oldest first (undated stories last): a storyline's thread.
    Oldest,
}

/// The query string of a story listing (`GET /api/v1/stories`, the front page).
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Stories per page, 1 to 100 (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    #[serde(default, skip_serializing_if = "is_blank")]
    pub limit: Option<String>,
    /// Stories of the filtered, sorted list to skip (default 0).
    #[param(value_type = Option<u32>)]
    #[serde(default, skip_serializing_if = "is_blank")]
    pub offset: Option<String>,
    /// `date` (newest first, the default) or `size` (most outlets first).
    #[param(value_type = Option<Sort>)]
    #[serde(default, skip_serializing_if = "is_blank")]
    pub sort: Option<String>,
    /// Only stories carried by at least this many outlets.
    #[param(value_type = Option<u32>)]
    #[serde(default, skip_serializing_if = "is_blank")]
    pub min_sources: Option<String>,
    /// Only stories dated on or after this day (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    #[serde(default, skip_serializing_if = "is_blank")]
    pub since: Option<String>,
    /// Only stories dated on or before this day (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    #[serde(default, skip_serializing_if = "is_blank")]
    pub until: Option<String>,
    /// Only stories with an article from this outlet (its exact name).
    #[serde(default, skip_serializing_if = "is_blank")]
    pub outlet: Option<String>,
    /// Only stories with an article naming this entity (an id from `/api/v1/entities`).
    #[serde(default, skip_serializing_if = "is_blank")]
    pub entity: Option<String>,
    /// Only the stories of this storyline (an id from a story's `storyline`).
    #[serde(default, skip_serializing_if = "is_blank")]
    pub storyline: Option<String>,
}

fn is_blank(value: &Option<String>) -> bool {
    value.as_deref().is_none_or(|v| v.trim().is_empty())
}

impl ListParams {
    /// The store query these parameters ask for, or a `bad_request` naming the bad parameter.
    pub fn query(&self) -> Result<StoryQuery, ApiError> {
        let limit = limit(&self.limit)?;
        let order = match value(&self.sort) {
            None | Some("date") => StoryOrder::Newest,
            Some("size") => StoryOrder::Largest,
            Some("oldest") => StoryOrder::Oldest,
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "sort: expected `date`, `size` or `oldest`, got {other:?}"
                )))
            }
        };
        Ok(StoryQuery {
            order,
            limit,
            offset: number("offset", &self.offset)?.unwrap_or(0),
            min_sources: number("min_sources", &self.min_sources)?.unwrap_or(0),
            since: day("since", &self.since)?,
            until: day("until", &self.until)?,
            outlet: value(&self.outlet).map(str::to_string),
            entity: value(&self.entity).map(str::to_string),
            storyline: value(&self.storyline).map(StorylineId::from),
        })
    }
}

impl Paged for ListParams {
    fn offset_mut(&mut self) -> &mut Option<String> {
        &mut self.offset
    }
}

/// The query string of an entity lookup (`GET /api/v1/entities`, the names page).
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntityParams {
    /// What the name must contain, in any case (missing: every name, most named first).
    #[serde(default, skip_serializing_if = "is_blank")]
    pub q: Option<String>,
    /// Only names of this kind: `PER`, `ORG`, `LOC` or `MISC`.
    #[param(value_type = Option<EntityType>)]
    #[serde(default, skip_serializing_if = "is_blank")]
    pub kind: Option<String>,
    /// Names per page, 1 to 100 (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    #[serde(default, skip_serializing_if = "is_blank")]
    pub limit: Option<String>,
    /// Names of the list to skip (default 0).
    #[param(value_type = Option<u32>)]
    #[serde(default, skip_serializing_if = "is_blank")]
    pub offset: Option<String>,
}

impl EntityParams {
    /// The store query these parameters ask for, or a `bad_request` naming the bad parameter.
    pub fn query(&self) -> Result<EntityQuery, ApiError> {
        let kind = value(&self.kind)
            .map(|k| {
                kind_from_str(&k.to_ascii_uppercase()).ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "kind: expected `PER`, `ORG`, `LOC` or `MISC`, got {k:?}"
                    ))
                })
            })
            .transpose()?;
        Ok(EntityQuery {
            text: value(&self.q).unwrap_or("").to_string(),
            kind,
            limit: limit(&self.limit)?,
            offset: number("offset", &self.offset)?.unwrap_or(0),
        })
    }
}

impl Paged for EntityParams {
    fn offset_mut(&mut self) -> &mut Option<String> {
        &mut self.offset
    }
}

/// A page size: 1 to [`MAX_LIMIT`], [`DEFAULT_LIMIT`] when missing.
fn limit(v: &Option<String>) -> Result<usize, ApiError> {
    let limit = number("limit", v)?.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit: expected 1 to {MAX_LIMIT}, got {limit}"
        )));
    }
    Ok(limit)
}

/// The query string of a search (`GET /api/v1/search`, the search page).
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The words: every word must match (stemmed), `"a phrase"` matches in order, `-word`
    /// excludes, `OR` widens, `title:word` looks in one field.
    #[serde(default, skip_serializing_if = "is_blank")]
    pub q: Option<String>,
    /// Only articles of this outlet (its exact name).
    #[serde(default, skip_serializing_if = "is_blank")]
    pub outlet: Option<String>,
    /// Only articles published on or after this day (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    #[serde(default, skip_serializing_if = "is_blank")]
    pub since: Option<String>,
    /// Only articles published on or before this day (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    #[serde(default, skip_serializing_if = "is_blank")]
    pub until: Option<String>,
    /// Hits per page, 1 to 100 (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    #[serde(default, skip_serializing_if = "is_blank")]
    pub limit: Option<String>,
    /// Hits of the ranked list to skip (default 0).
    #[param(value_type = Option<u32>)]
    #[serde(default, skip_serializing_if = "is_blank")]
    pub offset: Option<String>,
}

impl SearchParams {
    /// Whether words were given (a search page without them shows just the form).
    pub fn has_query(&self) -> bool {
        value(&self.q).is_some()
    }

    /// The search these parameters ask for, or a `bad_request` naming the bad parameter (a
    /// blank or unparsable query is the search's own `bad_query`).
    pub fn request(&self) -> Result<SearchRequest, ApiError> {
        let mut request = SearchRequest::new(value(&self.q).unwrap_or_default());
        request.outlet = value(&self.outlet).map(str::to_string);
        request.since = day("since", &self.since)?;
        request.until = day("until", &self.until)?;
        request.offset = number("offset", &self.offset)?.unwrap_or(0);
        request.limit = number("limit", &self.limit)?.unwrap_or(storyline_search::DEFAULT_LIMIT);
        Ok(request)
    }

    /// The query string of these parameters changed by `change`, from the first page.
    pub fn with(&self, change: impl FnOnce(&mut SearchParams)) -> String {
        let mut params = self.clone();
        params.offset = None;
        change(&mut params);
        serde_urlencoded::to_string(&params).unwrap_or_default()
    }
}

impl Paged for SearchParams {
    fn offset_mut(&mut self) -> &mut Option<String> {
        &mut self.offset
    }
}

/// The trimmed value, `None` when missing or blank.
fn value(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn number(name: &str, v: &Option<String>) -> Result<Option<usize>, ApiError> {
    value(v)
        .map(|s| {
            s.parse().map_err(|_| {
                ApiError::bad_request(format!("{name}: expected a whole number, got {s:?}"))
            })
        })
        .transpose()
}

fn day(name: &str, v: &Option<String>) -> Result<Option<Date>, ApiError> {
    value(v)
        .map(|s| {
            s.parse().map_err(|_| {
                ApiError::bad_request(format!("{name}: expected a day as YYYY-MM-DD, got {s:?}"))
            })
        })
        .transpose()
}

/// `Query<T>` whose rejection is an [`ApiError`] (`bad_request`) instead of plain text.
pub struct QueryOf<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for QueryOf<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Query::try_from_uri(&parts.uri).map(|Query(v)| QueryOf(v)).map_err(|e| {
            ApiError::bad_request(format!("malformed query string: {}", e.body_text()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &str) -> ListParams {
        serde_urlencoded::from_str(pairs).unwrap()
    }

    #[test]
    fn blank_values_are_missing_and_defaults_apply() {
        let q = params("limit=&since=&outlet=+&sort=").query().unwrap();
        assert_eq!(q.limit, DEFAULT_LIMIT);
        assert_eq!((q.offset, q.min_sources, q.since, q.outlet), (0, 0, None, None));
        assert_eq!(q.order, StoryOrder::Newest);
    }

    #[test]
    fn bad_values_name_the_parameter() {
        for (pairs, named) in [
            ("limit=0", "limit"),
            ("limit=101", "limit"),
            ("offset=-1", "offset"),
            ("sort=random", "sort"),
            ("since=yesterday", "since"),
            ("min_sources=two", "min_sources"),
        ] {
            let e = params(pairs).query().unwrap_err();
            assert_eq!(e.code, "bad_request");
            assert!(e.message.starts_with(named), "{pairs}: {}", e.message);
        }
    }

    #[test]
    fn search_parameters_become_a_request() {
        let p: SearchParams =
            serde_urlencoded::from_str("q=%22dock+strike%22&outlet=&since=2026-04-01&limit=5")
                .unwrap();
        let r = p.request().unwrap();
        assert_eq!(
            (r.query.as_str(), r.outlet, r.limit, r.offset),
            ("\"dock strike\"", None, 5, 0)
        );
        assert_eq!(r.since.map(|d| d.to_string()).as_deref(), Some("2026-04-01"));
        let bad: SearchParams = serde_urlencoded::from_str("q=dock&until=soon").unwrap();
        assert!(bad.request().unwrap_err().message.starts_with("until"));
        let paged: SearchParams = serde_urlencoded::from_str("q=dock&offset=20").unwrap();
        assert_eq!(paged.at_offset(40), "q=dock&offset=40");
        assert_eq!(
            paged.with(|p| p.outlet = Some("Ledger & Co".into())),
            "q=dock&outlet=Ledger+%26+Co"
        );
    }

    #[test]
    fn entity_parameters_become_a_query() {
        let p: EntityParams = serde_urlencoded::from_str("q=+Marsh+&kind=per&limit=5").unwrap();
        let q = p.query().unwrap();
        assert_eq!(
            (q.text.as_str(), q.kind, q.limit, q.offset),
            ("Marsh", Some(EntityType::Person), 5, 0)
        );
        let all: EntityParams = serde_urlencoded::from_str("q=&kind=").unwrap();
        assert_eq!(
            all.query().unwrap(),
            EntityQuery { limit: DEFAULT_LIMIT, ..Default::default() }
        );
        for (pairs, named) in [("kind=city", "kind"), ("limit=0", "limit"), ("offset=x", "offset")]
        {
            let p: EntityParams = serde_urlencoded::from_str(pairs).unwrap();
            assert!(p.query().unwrap_err().message.starts_with(named), "{pairs}");
        }
        assert_eq!(p.at_offset(20), "q=+Marsh+&kind=per&limit=5&offset=20");
        let listing = params("entity=ab12&storyline=cd34&sort=oldest").query().unwrap();
        assert_eq!(listing.entity.as_deref(), Some("ab12"));
        assert_eq!(listing.storyline.as_deref(), Some("cd34"));
        assert_eq!(listing.order, StoryOrder::Oldest);
    }

    #[test]
    fn paging_links_keep_the_filters() {
        let p = params("outlet=Harbour+%26+Hill&min_sources=2&offset=20");
        assert_eq!(p.at_offset(40), "offset=40&min_sources=2&outlet=Harbour+%26+Hill");
        assert_eq!(p.at_offset(0), "min_sources=2&outlet=Harbour+%26+Hill");
    }
}
