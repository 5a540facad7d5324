//! Errors as the API shows them: a stable `code`, a message naming the reason and the HTTP status
//! that goes with the code. The web pages render the same errors as HTML ([`crate::web`]).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use storyline_pipeline::LookupError;
use storyline_search::SearchError;
use storyline_store::{ErrorKind, StoreError};
use utoipa::ToSchema;

/// A failed request: what the client is told.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    /// Stable, machine-readable: `not_found`, `bad_request`, `bad_query`, `ambiguous_id`,
    /// `store_unavailable`, `store_corrupt`, `search_unavailable`, `search_failed`, `timeout` or
    /// `internal`.
    pub code: &'static str,
    pub message: String,
}

/// The JSON body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// `not_found`, `bad_request`, `bad_query` (a search query that cannot be parsed),
    /// `ambiguous_id`, `store_unavailable`, `store_corrupt`, `search_unavailable`,
    /// `search_failed`, `timeout` or `internal`.
    pub code: String,
    /// What went wrong, in words.
    pub message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into() }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// The server was started without a search index.
    pub fn search_unavailable() -> Self {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "search_unavailable",
            "this server has no search index (start it with --index DIR)",
        )
    }

    pub fn timeout() -> Self {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            format!("the request took longer than {} s", crate::REQUEST_TIMEOUT.as_secs()),
        )
    }

    /// A write endpoint called by a server started without an ingest token.
    pub fn ingest_disabled() -> Self {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "ingest_disabled",
            "this server takes no articles: start it with STORYLINE_API_TOKEN set to allow ingest",
        )
    }

    /// A write request without the operator's token (or with another one).
    pub fn unauthorized() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send the ingest token as `Authorization: Bearer TOKEN`",
        )
    }

    /// A request body over the limit, or one that could not be read.
    pub fn too_large(limit: usize) -> Self {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the request body is larger than {limit} bytes; send fewer articles at once"),
        )
    }

    /// A body from which no article could be read; `reason` names each failure.
    pub fn bad_input(reason: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_input", reason)
    }

    /// The writer's queue is full (or the writer stopped).
    pub fn writer_busy() -> Self {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "the server is still storing earlier requests; try again shortly",
        )
    }

    /// Too many clients follow the live stream already.
    pub fn too_many_streams() -> Self {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "too_many_streams",
            "too many clients follow the live stream; try again later",
        )
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody { error: ErrorDetail { code: self.code.into(), message: self.message.clone() } }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e.kind {
            ErrorKind::Unavailable | ErrorKind::TooNew => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "store_unavailable", e.to_string())
            }
            ErrorKind::Corrupt => {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "store_corrupt", e.to_string())
            }
            ErrorKind::Invalid => ApiError::bad_request(e.to_string()),
        }
    }
}

impl From<LookupError> for ApiError {
    fn from(e: LookupError) -> Self {
        match e {
            LookupError::NotFound { .. } => ApiError::not_found(e.to_string()),
            LookupError::Ambiguous { .. } => {
                ApiError::new(StatusCode::BAD_REQUEST, "ambiguous_id", e.to_string())
            }
            LookupError::Store(e) => e.into(),
        }
    }
}

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> Self {
        match e {
            SearchError::Query(_) => {
                ApiError::new(StatusCode::BAD_REQUEST, "bad_query", e.to_string())
            }
            SearchError::Invalid(_) => ApiError::bad_request(e.to_string()),
            SearchError::Store(e) => e.into(),
            SearchError::Busy | SearchError::Index(_) => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "search_failed", e.to_string())
            }
        }
    }
}

/// A store call that panicked (or was cancelled) on its blocking thread.
impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> Self {
        let what = if e.is_panic() { "panicked" } else { "was cancelled" };
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("the request {what}; see the server's log"),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}
