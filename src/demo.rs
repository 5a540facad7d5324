//! The bundled example collection behind `storyline demo`: invented articles from invented outlets
//! (see `examples/collection/README.md`), compiled into the binary.

use storyline_ingest::{IngestError, Input};

include!(concat!(env!("OUT_DIR"), "/demo_files.rs"));

/// The collection as ingest inputs, named by their path in the repository.
pub fn inputs() -> Vec<Result<Input, IngestError>> {
    FILES
        .iter()
        .map(|(name, bytes)| Ok(Input { name: name.to_string(), bytes: bytes.to_vec() }))
        .collect()
}
