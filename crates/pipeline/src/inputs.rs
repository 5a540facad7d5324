//! What `ingest PATH…` reads: files listed first (directories walked once, cycle-safe) and read
//! one at a time as the ingest asks for them, WARC files streamed record by record — memory holds
//! one input, however many files or however large an archive.

use std::collections::HashSet;
use std::path::PathBuf;

use storyline_ingest::{IngestError, Input};

/// A sequence of inputs, and how many there are when that is known up front.
pub struct Inputs {
    /// Known for plain files and directories; unknown when a WARC file is streamed.
    pub count: Option<u64>,
    pub iter: Box<dyn Iterator<Item = Result<Input, IngestError>>>,
}

/// The inputs named by `paths` (files, directories read recursively, WARC files named as paths
/// streamed; a WARC file inside a directory is one input read whole).
pub fn read_paths(paths: &[PathBuf]) -> Inputs {
    let is_warc = |p: &PathBuf| storyline_ingest::is_warc_path(p) && p.is_file();
    let streamed: HashSet<PathBuf> = paths.iter().filter(|p| is_warc(p)).cloned().collect();
    let files = storyline_ingest::walk::files(paths);
    let count = streamed.is_empty().then_some(files.len() as u64);
    let iter = files.into_iter().flat_map(move |entry| -> Box<dyn Iterator<Item = _>> {
        match entry {
            Ok(p) if streamed.contains(&p) => storyline_ingest::warc_inputs(&p),
            Ok(p) => Box::new(std::iter::once(storyline_ingest::read_file(&p))),
            Err(e) => Box::new(std::iter::once(Err(e))),
        }
    });
    Inputs { count, iter: Box::new(iter) }
}
