//! Publishing inputs: every input becomes one message of the inputs stream, its name in a
//! header and its content's SHA-256 as message id (so an input published twice within the
//! stream's duplicate window is stored once).

use async_nats::HeaderMap;
use serde::Serialize;
use sha2::{Digest, Sha256};
use storyline_ingest::{IngestError, Input};
use storyline_pipeline::Failure;

use crate::{header_safe, hex, StreamError, WorkStream, INPUT_HEADER};

/// What publishing inputs did.
#[derive(Debug, Default, Serialize)]
pub struct PublishReport {
    pub published: usize,
    /// Inputs the stream already held (same content, within its duplicate window).
    pub duplicates: usize,
    pub failed: Vec<Failure>,
}

impl WorkStream {
    /// Publishes every input to the inputs stream (an input over the server's message size limit
    /// is reported as failed, naming the limit).
    pub fn publish_inputs(
        &self,
        inputs: impl IntoIterator<Item = Result<Input, IngestError>>,
    ) -> Result<PublishReport, StreamError> {
        let subject = self.inputs().1;
        self.run(async |js, max_payload| {
            let mut report = PublishReport::default();
            for input in inputs {
                let input = match input {
                    Ok(input) => input,
                    Err(e) => {
                        report.failed.push(e.into());
                        continue;
                    }
                };
                if input.bytes.len() + input.name.len() + 256 > max_payload {
                    report.failed.push(Failure {
                        input: input.name,
                        reason: format!(
                            "larger than the work stream's message limit ({max_payload} bytes)"
                        ),
                    });
                    continue;
                }
                let mut headers = HeaderMap::new();
                headers.insert(INPUT_HEADER, header_safe(&input.name).as_str());
                headers.insert("Nats-Msg-Id", hex(&Sha256::digest(&input.bytes)).as_str());
                let ack = js
                    .publish_with_headers(subject.clone(), headers, input.bytes.into())
                    .await
                    .map_err(|e| self.err(e))?
                    .await
                    .map_err(|e| self.err(e))?;
                if ack.duplicate {
                    report.duplicates += 1;
                } else {
                    report.published += 1;
                }
            }
            Ok(report)
        })
    }
}
