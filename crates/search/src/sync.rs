//! Keeping the index in step with the store, by sequence number.
//!
//! Every index commit carries a [`Mark`] as its payload: the schema version, the `seq` of the last
//! article indexed and that article's id. The payload is written in the same commit as the
//! documents, so the index always holds exactly the stored articles up to `mark.seq` — whatever
//! moment a process is killed at. Catching up indexes every stored article with a larger seq
//! ([`Store::for_each_searchable_after`]: metadata, text and entity names), committing every [`COMMIT_EVERY`] articles; a crash
//! between a store commit and the index commit therefore heals on the next catch-up.
//!
//! The mark's article id ties the index to its store: when the store no longer has that article
//! at that seq (the index was pointed at another store, or the store was recreated), or the store
//! is behind the index, the index is rebuilt from scratch rather than trusted.

use serde::{Deserialize, Serialize};
use storyline_model::ArticleId;
use storyline_store::{ErrorKind, Store, StoreError};
use tantivy::{Index, IndexWriter, TantivyDocument};

use crate::schema::Fields;
use crate::{SearchError, VERSION};

/// Articles indexed between two commits of a long catch-up (each commit is a resumable point).
pub const COMMIT_EVERY: usize = 20_000;
/// Memory the index writer may use for its buffers (split between its threads).
const WRITER_MEMORY: usize = 64 * 1024 * 1024;

/// How far the index has got: the payload of every commit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    pub version: u32,
    /// The seq of the last article indexed (0: none).
    pub seq: u64,
    /// That article's id (empty when none).
    pub id: ArticleId,
}

/// What a catch-up did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CatchUp {
    /// Articles added to the index.
    pub indexed: usize,
    /// Whether the index was emptied first (rebuilt).
    pub rebuilt: bool,
    /// The seq the index now reaches.
    pub seq: u64,
}

/// The mark of the index's last commit (the empty mark for a new index).
pub fn committed_mark(index: &Index) -> Result<Mark, SearchError> {
    let metas = index.load_metas()?;
    Ok(metas.payload.as_deref().and_then(|p| serde_json::from_str(p).ok()).unwrap_or_default())
}

/// Whether `mark` describes an index of `store`: the store still has the marked article at the
/// marked seq, and is not behind it.
pub fn belongs_to(mark: &Mark, store: &dyn Store) -> Result<bool, SearchError> {
    if mark.version != VERSION {
        return Ok(mark.seq == 0 && mark.id.is_empty());
    }
    if mark.seq == 0 {
        return Ok(true);
    }
    let stored = store.article(&mark.id)?;
    Ok(stored.is_some_and(|s| s.seq == mark.seq) && store.last_seq()? >= mark.seq)
}

/// Indexes every article of `store` after `from` (emptying the index first when `rebuild`),
/// committing as it goes; returns what it did and the mark it reached. Takes the index's writer
/// lock for the duration.
pub fn index_after(
    index: &Index,
    fields: Fields,
    store: &dyn Store,
    from: &Mark,
    rebuild: bool,
) -> Result<(CatchUp, Mark), SearchError> {
    let mut writer: IndexWriter<TantivyDocument> = index.writer(WRITER_MEMORY)?;
    let unmarked = from.version != VERSION;
    let mut mark = if rebuild { Mark::default() } else { from.clone() };
    mark.version = VERSION;
    if rebuild {
        writer.delete_all_documents()?;
    }
    let mut done = CatchUp { rebuilt: rebuild, ..CatchUp::default() };
    let mut failure: Option<SearchError> = None;
    let walked = store.for_each_searchable_after(mark.seq, &mut |stored| {
        let added = writer.add_document(fields.document(&stored));
        let committed = added.map_err(SearchError::from).and_then(|_| {
            mark = Mark { version: VERSION, seq: stored.seq, id: stored.id.clone() };
            done.indexed += 1;
            if done.indexed.is_multiple_of(COMMIT_EVERY) {
                commit(&mut writer, &mark)?;
            }
            Ok(())
        });
        committed.map_err(|e| {
            failure = Some(e);
            StoreError::new(ErrorKind::Invalid, "indexing stopped")
        })
    });
    if let Some(e) = failure {
        return Err(e);
    }
    walked?;
    if done.indexed > 0 || rebuild || unmarked {
        commit(&mut writer, &mark)?;
    }
    if done.indexed >= COMMIT_EVERY {
        // After a bulk load (a rebuild, a big ingest), one segment: a search then ranks, counts
        // facets and names them once instead of once per segment (the commit's mark is kept).
        let segments = index.searchable_segment_ids()?;
        if segments.len() > 1 {
            writer.merge(&segments).wait()?;
        }
    }
    writer.wait_merging_threads()?;
    done.seq = mark.seq;
    Ok((done, mark))
}

/// Commits what the writer holds with `mark` as the commit's payload.
fn commit(writer: &mut IndexWriter<TantivyDocument>, mark: &Mark) -> Result<(), SearchError> {
    let payload = serde_json::to_string(mark).expect("a mark serialises");
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&payload);
    prepared.commit()?;
    Ok(())
}
