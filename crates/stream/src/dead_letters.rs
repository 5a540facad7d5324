//! Dead letters: an input delivered [`MAX_DELIVER`](crate::MAX_DELIVER) times is copied to the
//! dead-letter stream with the reason in a header, instead of going to a worker again.

use async_nats::jetstream;

use crate::{header_safe, StreamError, WorkStream};

/// The header carrying why an input went to the dead-letter stream.
const REASON_HEADER: &str = "Storyline-Reason";

impl WorkStream {
    /// Copies an input to the dead-letter stream with its name and the reason in headers.
    pub(super) async fn dead_letter(
        &self,
        js: &jetstream::Context,
        message: &jetstream::Message,
        reason: &str,
    ) -> Result<(), StreamError> {
        let mut headers = message.headers.clone().unwrap_or_default();
        headers.insert(REASON_HEADER, header_safe(reason).as_str());
        js.publish_with_headers(self.dead().1, headers, message.payload.clone())
            .await
            .map_err(|e| self.err(e))?
            .await
            .map_err(|e| self.err(e))?;
        Ok(())
    }
}
