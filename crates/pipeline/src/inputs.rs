//! What `ingest PATH…` reads: files and directories read whole, WARC files streamed record by
//! record (constant memory for a multi-gigabyte archive).

use std::path::PathBuf;

use storyline_ingest::{IngestError, Input};

/// A sequence of inputs, and how many there are when that is known up front.
pub struct Inputs {
    /// Known for plain files and directories; unknown when a WARC file is streamed.
    pub count: Option<u64>,
    pub iter: Box<dyn Iterator<Item = Result<Input, IngestError>>>,
}

/// The inputs named by `paths` (files, directories read recursively, WARC files).
pub fn read_paths(paths: &[PathBuf]) -> Inputs {
    let is_warc = |p: &PathBuf| storyline_ingest::is_warc_path(p) && p.is_file();
    if !paths.iter().any(is_warc) {
        let inputs = storyline_ingest::read_inputs(paths);
        return Inputs { count: Some(inputs.len() as u64), iter: Box::new(inputs.into_iter()) };
    }
    let paths = paths.to_vec();
    let iter = paths.into_iter().flat_map(move |p| -> Box<dyn Iterator<Item = _>> {
        if is_warc(&p) {
            storyline_ingest::warc_inputs(&p)
        } else {
            Box::new(storyline_ingest::read_inputs(std::slice::from_ref(&p)).into_iter())
        }
    });
    Inputs { count: None, iter: Box::new(iter) }
}
