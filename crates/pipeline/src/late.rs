//! Late articles: an article published long before the newest day the grouper has seen (a
//! backfill, a second archive, a slow feed) is grouped among the **stored stories of its own
//! days**, read from the store by date, not among the working set's, which has left its days
//! behind ([`Grouper::is_late`]). Without this, an article that arrives months after its
//! happening's other reports starts a story of its own.
//!
//! The late articles of a batch are cut into runs of days (a gap of more than
//! [`STORYLINE_DAYS`] starts a new run). Each run is grouped by a second grouper restored from
//! the stored articles of `first day − STORYLINE_DAYS ..= last day + WINDOW_DAYS` (everything it
//! could join or continue as a storyline). That grouper is kept for the next batch: a backfill
//! read in date order extends it a few days at a time instead of reading its days again.
//! A late article that copies one the live grouper knows stays with the live grouper, which
//! links copies across any gap.

use storyline_group::stories::{STORYLINE_DAYS, WINDOW_DAYS};
use storyline_group::text::date_of_day;
use storyline_group::{Features, Grouper};
use storyline_model::{ArticleId, Grouping};
use storyline_store::{Store, StoreError};

use crate::ingestor::restore_record;

/// The grouper of late articles, with the days of stored articles it holds.
#[derive(Debug)]
pub(crate) struct LateGrouper {
    grouper: Grouper,
    /// Stored articles of these days (day numbers, inclusive) are restored in `grouper`.
    from: i32,
    until: i32,
}

/// Groups a batch: the articles of the live grouper's days with it ([`Grouper::add_batch`]),
/// the late ones among the stored stories of their own days (see the module doc). `late`
/// keeps the late articles' grouper between batches; the store must hold every committed
/// article (the caller's writer lock). Returns the groupings in input order.
pub(crate) fn group_batch(
    live: &mut Grouper,
    late: &mut Option<LateGrouper>,
    store: &dyn Store,
    batch: &[(ArticleId, Features)],
) -> Result<Vec<Grouping>, StoreError> {
    let is_late = |f: &Features| live.is_late(f.published) && !live.knows_a_copy_of(f);
    let (mut late_ones, mut current) = (Vec::new(), Vec::new());
    for (i, (_, f)) in batch.iter().enumerate() {
        if is_late(f) {
            late_ones.push(i);
        } else {
            current.push(i);
        }
    }
    // The kept late grouper would not see the articles of its days the live one groups: it
    // reads its days again when it is next needed.
    let held_until = late.as_ref().map(|l| l.until);
    if current.iter().any(|&i| batch[i].1.published.is_some_and(|d| Some(d) <= held_until)) {
        *late = None;
    }
    if late_ones.is_empty() {
        return Ok(live.add_batch(batch));
    }
    let mut out = vec![Grouping::default(); batch.len()];
    let part = |indices: &[usize]| -> Vec<(ArticleId, Features)> {
        indices.iter().map(|&i| batch[i].clone()).collect()
    };
    for (&i, g) in current.iter().zip(live.add_batch(&part(&current))) {
        out[i] = g;
    }
    let day = |i: usize| batch[i].1.published.expect("late articles are dated");
    late_ones.sort_by_key(|&i| day(i));
    for run in late_ones.chunk_by(|&a, &b| day(b) - day(a) <= STORYLINE_DAYS) {
        let (first, last) = (day(run[0]), day(run[run.len() - 1]));
        let grouper = restored(late, live, store, first - STORYLINE_DAYS, last + WINDOW_DAYS)?;
        for (&i, g) in run.iter().zip(grouper.add_batch(&part(run))) {
            out[i] = g;
        }
    }
    Ok(out)
}

/// A grouper holding the stored articles of the days `from..=until`: the kept one when it holds
/// them already, the kept one extended by the stored articles of the days after its own when
/// the range moves forward (a backfill in date order), else a new one.
fn restored<'g>(
    late: &'g mut Option<LateGrouper>,
    live: &Grouper,
    store: &dyn Store,
    from: i32,
    until: i32,
) -> Result<&'g mut Grouper, StoreError> {
    let reuse = late.as_ref().is_some_and(|l| l.from <= from && from <= l.until + 1);
    if !reuse {
        *late = None;
    }
    let kept = late.get_or_insert_with(|| LateGrouper {
        grouper: live.empty_like(),
        from,
        until: from - 1,
    });
    if until > kept.until {
        let grouper = &mut kept.grouper;
        store.for_each_grouping_record_published(
            date_of_day(kept.until + 1),
            date_of_day(until),
            &mut |record| restore_record(grouper, &record),
        )?;
        kept.until = until;
    }
    Ok(&mut kept.grouper)
}
