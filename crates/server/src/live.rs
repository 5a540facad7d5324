//! The live stream: `GET /api/v1/events`, server-sent events naming the stories that gained
//! articles, so the web UI and clients update without re-reading the listing.
//!
//! Each connection follows the store's sequence numbers: every [`POLL`] it asks the store for
//! the articles committed since its position and, when there are some, sends one `stories` event
//! (its SSE `id` is the new position). Whoever committed them — this server's writer, a
//! `storyline ingest` beside it, a committer of the work stream — they are seen. A client that
//! reconnects with `Last-Event-ID` (browsers' `EventSource` does) resumes where it stopped; one
//! that is more than [`MAX_CATCH_UP`] articles behind gets a `reset` event instead (reload the
//! listing). At most [`MAX_STREAMS`] connections follow at once.

use std::collections::{BTreeMap, VecDeque};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use serde::{Deserialize, Serialize};
use storyline_model::StoryId;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;
use crate::params::QueryOf;
use crate::AppState;

/// How often a connection asks the store what is new.
pub const POLL: Duration = Duration::from_secs(1);
/// Connections following the stream at once.
pub const MAX_STREAMS: usize = 64;
/// Articles a connection catches up on from its resume position; further behind, it is reset.
pub const MAX_CATCH_UP: u64 = 1000;

/// The permits of [`MAX_STREAMS`].
pub fn streams() -> Arc<Semaphore> {
    Arc::new(Semaphore::new(MAX_STREAMS))
}

/// Where a connection starts when it sends no `Last-Event-ID`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsParams {
    /// Follow from this sequence number (an earlier event's `id`); default: from now.
    #[param(value_type = Option<u64>)]
    #[serde(default)]
    pub after: Option<String>,
}

/// The data of a `stories` event: the stories that gained articles since the previous event.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoriesChanged {
    /// The store's position after these articles (also the event's `id`).
    pub seq: u64,
    pub stories: Vec<ChangedStory>,
}

/// One story that gained articles.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangedStory {
    #[schema(value_type = String)]
    pub id: StoryId,
    /// How many of its articles are new since the previous event.
    pub new_articles: usize,
}

/// What one poll of the store found.
enum Found {
    Nothing,
    Changed(StoriesChanged),
    /// Too far behind: the position jumps to this sequence number.
    Reset(u64),
}

/// Follow the stories as articles are committed (server-sent events).
#[utoipa::path(
    get, path = "/api/v1/events", params(EventsParams),
    responses(
        (status = 200, description = "`text/event-stream`: a `stories` event (data: \
                                      StoriesChanged, id: its seq) whenever stories gain \
                                      articles; a `reset` event when the client is too far \
                                      behind", body = StoriesChanged),
        (status = 400, description = "A malformed `after` or `Last-Event-ID`", body = crate::error::ErrorBody),
        (status = 503, description = "Too many clients follow the stream", body = crate::error::ErrorBody),
    )
)]
pub async fn events(
    State(state): State<AppState>,
    headers: HeaderMap,
    QueryOf(params): QueryOf<EventsParams>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let permit =
        Arc::clone(&state.streams).try_acquire_owned().map_err(|_| ApiError::too_many_streams())?;
    let resume = match headers.get("last-event-id") {
        Some(v) => {
            Some(v.to_str().ok().and_then(|s| s.trim().parse().ok()).ok_or_else(|| {
                ApiError::bad_request("Last-Event-ID: expected a sequence number")
            })?)
        }
        None => match params.after.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Some(
                s.parse()
                    .map_err(|_| ApiError::bad_request("after: expected a sequence number"))?,
            ),
            None => None,
        },
    };
    let seq = match resume {
        Some(seq) => seq,
        None => state.with_store(|s| Ok(s.last_seq()?)).await?,
    };
    let follow = Follow { state, seq, pending: VecDeque::new(), _permit: permit };
    Ok(Sse::new(stream::unfold(follow, Follow::next)).keep_alive(KeepAlive::default()))
}

/// One connection's position in the store and the events not sent yet.
struct Follow {
    state: AppState,
    seq: u64,
    pending: VecDeque<Event>,
    /// Held while the connection lasts.
    _permit: OwnedSemaphorePermit,
}

impl Follow {
    /// The next event, waiting for the store to change; the stream ends when the store fails
    /// (a client reconnects with `Last-Event-ID` and resumes).
    async fn next(mut self) -> Option<(Result<Event, Infallible>, Self)> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                return Some((Ok(event), self));
            }
            tokio::time::sleep(POLL).await;
            let after = self.seq;
            let found = self.state.with_store(move |s| Ok(poll(s, after)?)).await.ok()?;
            match found {
                Found::Nothing => {}
                Found::Changed(changed) => {
                    self.seq = changed.seq;
                    let event = Event::default().event("stories").id(changed.seq.to_string());
                    self.pending.push_back(event.json_data(&changed).ok()?);
                }
                Found::Reset(seq) => {
                    self.seq = seq;
                    let data = serde_json::json!({ "seq": seq }).to_string();
                    self.pending
                        .push_back(Event::default().event("reset").id(seq.to_string()).data(data));
                }
            }
        }
    }
}

/// What the store gained after `after`.
fn poll(store: &dyn storyline_pipeline::Store, after: u64) -> storyline_store::Result<Found> {
    let last = store.last_seq()?;
    if last <= after {
        return Ok(Found::Nothing);
    }
    if last - after > MAX_CATCH_UP {
        return Ok(Found::Reset(last));
    }
    let (mut seq, mut counts) = (after, BTreeMap::<StoryId, usize>::new());
    store.for_each_article_after(after, &mut |a| {
        seq = seq.max(a.seq);
        let story = a.grouping.story.unwrap_or_else(|| StoryId::started_by(&a.article.id));
        *counts.entry(story).or_default() += 1;
        Ok(())
    })?;
    let stories =
        counts.into_iter().map(|(id, new_articles)| ChangedStory { id, new_articles }).collect();
    Ok(Found::Changed(StoriesChanged { seq, stories }))
}
