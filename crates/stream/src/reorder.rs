//! The committer's reorder buffer: the parts workers gave for each input, held until every
//! part of the next input in publication order is there (bodies up to a byte budget, beyond it
//! only where each part is).

use std::collections::{BTreeMap, BTreeSet};

use async_nats::HeaderMap;

use crate::{INPUT_SEQ_HEADER, PART_HEADER};

/// Bytes of message bodies the committer's reorder buffer holds; past them it keeps only where
/// a part is and reads it again when its turn comes, so a long wait for one input costs a few
/// bytes per later part, not its body.
pub(crate) const REORDER_BYTES: usize = 64 << 20;

/// One part of what a worker made of one input, from its message's headers: the input's
/// sequence in the inputs stream, the part's index and how many parts the input gave (an
/// input that gave nothing sends one message, part 0 of 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Part {
    pub(crate) input: u64,
    pub(crate) index: u32,
    pub(crate) of: u32,
}

impl Part {
    pub(crate) fn of_message(headers: Option<&HeaderMap>) -> Option<Part> {
        let headers = headers?;
        let input = headers.get(INPUT_SEQ_HEADER)?.as_str().parse().ok()?;
        let (index, of) = headers.get(PART_HEADER)?.as_str().split_once('/')?;
        let (index, of) = (index.parse().ok()?, of.parse().ok()?);
        (index < of || (index, of) == (0, 0)).then_some(Part { input, index, of })
    }
}

/// A part held in the reorder buffer: its analysed-stream sequence, and its body unless the
/// buffer was over [`REORDER_BYTES`] when it came (then it is read again when handed over).
pub(crate) struct Held {
    pub(crate) seq: u64,
    pub(crate) body: Option<bytes::Bytes>,
}

/// The committer's reorder buffer: what the workers gave for inputs from the next one to hand
/// over on, held until every part of the next input is there.
#[derive(Default)]
pub(crate) struct Reorder {
    /// The next input to hand over (one past the committed position).
    pub(crate) next: u64,
    /// Per input: how many parts it has, and those that came.
    pub(crate) inputs: BTreeMap<u64, (u32, BTreeMap<u32, Held>)>,
    /// The analysed-stream sequences of the parts held.
    pub(crate) seqs: BTreeSet<u64>,
    /// Bytes of the bodies held.
    pub(crate) bytes: usize,
    /// The analysed-stream sequence after the last message read.
    pub(crate) unread: u64,
}

impl Reorder {
    pub(crate) fn insert(&mut self, part: Part, seq: u64, body: bytes::Bytes) {
        let (_, parts) =
            self.inputs.entry(part.input).or_insert_with(|| (part.of, BTreeMap::new()));
        if parts.contains_key(&part.index) {
            return; // published twice (a redelivered input, past the duplicate window)
        }
        let body = (self.bytes + body.len() <= REORDER_BYTES).then_some(body);
        self.bytes += body.as_ref().map_or(0, |b| b.len());
        parts.insert(part.index, Held { seq, body });
        self.seqs.insert(seq);
    }

    /// Whether all the parts of the next input are there.
    pub(crate) fn ready(&self) -> bool {
        self.inputs.get(&self.next).is_some_and(|(of, parts)| parts.len() >= *of as usize)
    }

    /// The next input and its parts that are there (all of them when it is [`Reorder::ready`]),
    /// in order; the input after it is next.
    pub(crate) fn take_next(&mut self) -> (u64, Vec<Held>) {
        let input = self.next;
        self.next += 1;
        let Some((of, parts)) = self.inputs.remove(&input) else { return (input, Vec::new()) };
        for held in parts.values() {
            self.seqs.remove(&held.seq);
            self.bytes -= held.body.as_ref().map_or(0, |b| b.len());
        }
        // Part 0 of 0 (an input that gave nothing) carries nothing to commit.
        let parts = if of == 0 { Vec::new() } else { parts.into_values().collect() };
        (input, parts)
    }

    /// The first analysed-stream sequence still needed: that of the oldest part held, or the
    /// next message to read.
    pub(crate) fn low_water(&self) -> u64 {
        self.seqs.first().copied().unwrap_or(self.unread)
    }
}
