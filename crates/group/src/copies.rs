//! Copies: exact duplicates (same normalised body) and near-duplicates (syndicated wire copy with
//! another headline, a trimmed trailer, inserted boilerplate, minor edits).
//!
//! * **Exact**: FNV-1a of the body [normalised for copies](storyline_text::normalise::for_copies);
//!   the earliest article with the hash is the original, similarity 1.0.
//! * **Near**: MinHash with [`NUM_HASHES`] = 128 seeded splitmix64 permutations over word
//!   5-shingles of the body; banded LSH ([`BANDS`] bands × [`ROWS`] rows, so a pair with Jaccard 0.5
//!   is a candidate with p ≈ 0.87, 0.8 with p ≈ 1) proposes candidates. Each candidate is then
//!   **verified**: the Jaccard `J` is estimated from all 128 hashes (standard error ≤ 0.045) and,
//!   with the exact shingle counts `a ≤ b`, the containment of the shorter in the longer is
//!   `C = J (a + b) / ((1 + J) a)`. The similarity is `max(J, C)`, where `C` only counts when the
//!   shorter keeps at least [`MIN_LENGTH_RATIO`] of the longer (a trimmed copy, not an excerpt);
//!   it is a copy when similarity ≥ [`NEAR_THRESHOLD`] = 0.7. Bodies with fewer than
//!   [`MIN_SHINGLES`] shingles are only matched exactly.
//!
//! The threshold was chosen on `storyline eval clustering --data ../shared/data/bench/reuters21578`
//! (edited copies of Reuters stories against a pool of true non-copies): at 0.8 precision was
//! 1.000 and recall 0.811 (a 3 % word-edit rate breaks about 15 % of the 5-shingles, which puts
//! many real copies just under 0.8); at 0.7 precision stays 1.000 with recall 0.922; at 0.6 the
//! first links between different stories appear.

use std::collections::hash_map::Entry;

use foldhash::HashMap;

use storyline_text::normalise::{copy_words, for_copies};

use crate::text::{fnv1a, mix64};

pub const SHINGLE: usize = 5;
pub const NUM_HASHES: usize = 128;
pub const BANDS: usize = 32;
pub const ROWS: usize = NUM_HASHES / BANDS;
pub const NEAR_THRESHOLD: f32 = 0.7;
pub const MIN_LENGTH_RATIO: f32 = 0.5;
pub const MIN_SHINGLES: u32 = 8;

/// What copy detection keeps about a body.
pub struct Fingerprint {
    /// Hex FNV-1a of the normalised body; empty for an empty body.
    pub exact: String,
    /// Number of distinct word 5-shingles.
    pub shingles: u32,
    /// MinHash signature (empty when the body is too short for near-duplicate matching).
    pub minhash: Vec<u32>,
}

fn seeds() -> &'static [u64; NUM_HASHES] {
    static SEEDS: std::sync::OnceLock<[u64; NUM_HASHES]> = std::sync::OnceLock::new();
    SEEDS.get_or_init(|| std::array::from_fn(|i| mix64(0x5107_11e0_0000_0000 ^ i as u64)))
}

pub fn fingerprint(body: &str) -> Fingerprint {
    let norm = for_copies(body);
    let exact =
        if norm.is_empty() { String::new() } else { format!("{:016x}", fnv1a(norm.as_bytes())) };
    // Each word hashed once (a shingle folds the hashes of its five words).
    let ws: Vec<u64> = copy_words(&norm).map(|w| fnv1a(w.as_bytes())).collect();
    let mut shingles: Vec<u64> = if ws.len() >= SHINGLE {
        ws.windows(SHINGLE).map(|w| w.iter().fold(0, |h, &word| mix64(h ^ word))).collect()
    } else {
        Vec::new()
    };
    shingles.sort_unstable();
    shingles.dedup();
    let count = shingles.len() as u32;
    let minhash = if count >= MIN_SHINGLES {
        seeds()
            .iter()
            .map(|&seed| {
                shingles.iter().map(|&s| (mix64(s ^ seed) >> 32) as u32).min().unwrap_or(u32::MAX)
            })
            .collect()
    } else {
        Vec::new()
    };
    Fingerprint { exact, shingles: count, minhash }
}

/// Estimated similarity of two bodies from their signatures and shingle counts (see module doc).
pub fn similarity(a: &[u32], a_len: u32, b: &[u32], b_len: u32) -> f32 {
    if a.len() != NUM_HASHES || b.len() != NUM_HASHES || a_len == 0 || b_len == 0 {
        return 0.0;
    }
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    let j = same as f32 / NUM_HASHES as f32;
    let (short, long) = (a_len.min(b_len) as f32, a_len.max(b_len) as f32);
    if short / long >= MIN_LENGTH_RATIO {
        let c = (j * (short + long) / ((1.0 + j) * short)).min(1.0);
        j.max(c)
    } else {
        j
    }
}

/// Exact-hash and LSH indexes over the articles of the working set, by member slot.
///
/// Almost every band key is filed under one article (two bodies share a band only when they
/// are near copies, or by chance), so the first slot of a key sits inline in `bands` and only
/// the keys shared by several articles keep a list in `more`: no allocation per key, which made
/// inserting and sweeping most of the cost of restoring a large store.
#[derive(Debug, Default)]
pub struct CopyIndex {
    exact: HashMap<String, usize>,
    /// The first slot filed under each band key …
    bands: HashMap<u64, u32>,
    /// … and the further slots of the keys that several articles share, in insertion order.
    more: HashMap<u64, Vec<u32>>,
}

fn band_keys(sig: &[u32]) -> impl Iterator<Item = u64> + '_ {
    sig.chunks(ROWS).enumerate().map(|(band, rows)| {
        let mut h = mix64(band as u64);
        for &r in rows {
            h = mix64(h ^ r as u64);
        }
        h
    })
}

impl CopyIndex {
    pub fn insert(&mut self, idx: usize, exact: &str, minhash: &[u32]) {
        if !exact.is_empty() {
            self.exact.entry(exact.to_string()).or_insert(idx);
        }
        if minhash.len() != NUM_HASHES {
            return;
        }
        let slot = u32::try_from(idx).expect("fewer than 2^32 slots");
        for key in band_keys(minhash) {
            match self.bands.entry(key) {
                Entry::Vacant(v) => {
                    v.insert(slot);
                }
                Entry::Occupied(first) if *first.get() == slot => {}
                Entry::Occupied(_) => {
                    let further = self.more.entry(key).or_default();
                    if further.last() != Some(&slot) {
                        further.push(slot);
                    }
                }
            }
        }
    }

    /// Forgets an evicted article's exact hash (its LSH entries go at the next [`Self::retain`];
    /// until then callers skip slots that are no longer live).
    pub fn remove(&mut self, idx: usize, exact: &str) {
        if self.exact.get(exact) == Some(&idx) {
            self.exact.remove(exact);
        }
    }

    /// Keeps only the LSH entries of the slots `live` accepts.
    pub fn retain(&mut self, live: impl Fn(usize) -> bool) {
        let CopyIndex { bands, more, .. } = self;
        more.retain(|_, further| {
            further.retain(|&i| live(i as usize));
            !further.is_empty()
        });
        bands.retain(|key, first| {
            if live(*first as usize) {
                return true;
            }
            // The key's next live slot moves up inline.
            let Some(further) = more.get_mut(key) else { return false };
            *first = further.remove(0);
            if further.is_empty() {
                more.remove(key);
            }
            true
        });
    }

    /// The earliest article with the same exact hash.
    pub fn exact(&self, exact: &str) -> Option<usize> {
        if exact.is_empty() {
            None
        } else {
            self.exact.get(exact).copied()
        }
    }

    /// LSH candidates, sorted by slot, deduplicated (may include slots evicted since the last
    /// [`Self::retain`]).
    pub fn candidates(&self, minhash: &[u32]) -> Vec<usize> {
        if minhash.len() != NUM_HASHES {
            return Vec::new();
        }
        let mut out = Vec::new();
        for key in band_keys(minhash) {
            if let Some(&first) = self.bands.get(&key) {
                out.push(first as usize);
                if let Some(further) = self.more.get(&key) {
                    out.extend(further.iter().map(|&i| i as usize));
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_hash_ignores_case_space_punctuation() {
        let a = fingerprint("Rescuers searched the rubble, on Monday.");
        let b = fingerprint("rescuers  searched the rubble on monday");
        assert_eq!(a.exact, b.exact);
        assert!(fingerprint("").exact.is_empty());
    }

    #[test]
    fn similarity_of_trimmed_copy() {
        let words: Vec<String> = (0..300).map(|i| format!("w{}", i * 7 % 101 + i)).collect();
        let full = words.join(" ");
        let trimmed = words[..240].join(" ");
        let (a, b) = (fingerprint(&full), fingerprint(&trimmed));
        let s = similarity(&a.minhash, a.shingles, &b.minhash, b.shingles);
        assert!(s > 0.9, "{s}");
        let other: Vec<String> = (0..300).map(|i| format!("x{i}")).collect();
        let c = fingerprint(&other.join(" "));
        assert!(similarity(&a.minhash, a.shingles, &c.minhash, c.shingles) < 0.1);
    }
}
