//! The trained tagger's weights and gazetteer, and their file format.
//!
//! Layout (little-endian): magic `SLNER001`; `u32` feature count N; N `u64` feature hashes; N × 17
//! `i16` weights (row per feature, quantised: the scale does not matter for the arg-max); `u32`
//! name count; per name a `u8` type (0 PER, 1 ORG, 2 LOC, 3 MISC), a `u16` byte length and the
//! lower-cased tokens joined by single spaces. Look-ups go through an open-addressing table built
//! at load time whose slots carry the key's high half, so a feature the model does not know
//! (most of a document's) costs one probe, and a known one reads its key and weights side by
//! side.

use super::features::{finish, Gazetteer, Tagger, N_TAGS};

const MAGIC: &[u8; 8] = b"SLNER001";

/// Weights and gazetteer of a trained tagger.
#[derive(Debug, Default)]
pub struct Model {
    rows: Vec<Row>,
    /// Open-addressing slots: (row index + 1, the key's high 32 bits); row 0 = empty.
    slots: Vec<(u32, u32)>,
    mask: usize,
    /// Names from the training data (plus the built-in lexicon, added at load).
    pub gazetteer: Gazetteer,
    names: Vec<(u8, String)>,
}

/// One feature's key and weights, side by side.
#[derive(Debug, Clone, Copy)]
struct Row {
    key: u64,
    weights: [i16; N_TAGS],
}

/// The high half of a feature key, kept in its slot.
fn tag_of(key: u64) -> u32 {
    (key >> 32) as u32
}

/// A malformed model file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError(pub String);

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "bad NER model: {}", self.0)
    }
}

impl std::error::Error for ModelError {}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.b.len());
        let end = end.ok_or_else(|| ModelError(format!("truncated at byte {}", self.at)))?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32, ModelError> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().unwrap_or_default()))
    }
}

impl Model {
    /// Whether the model has no weights (an untrained or unreadable model tags nothing).
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Builds a model from learned rows and training names.
    pub fn new(rows: Vec<(u64, [i16; N_TAGS])>, names: Vec<(u8, String)>) -> Model {
        let rows = rows.into_iter().map(|(key, weights)| Row { key, weights }).collect();
        let mut m = Model { rows, names, ..Model::default() };
        m.index();
        m
    }

    /// Reads a model file.
    pub fn from_bytes(b: &[u8]) -> Result<Model, ModelError> {
        let mut r = Reader { b, at: 0 };
        if r.take(8)? != MAGIC {
            return Err(ModelError("wrong magic".into()));
        }
        let n = r.u32()? as usize;
        let keys: Vec<u64> = r
            .take(n * 8)?
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default()))
            .collect();
        let rows: Vec<Row> = r
            .take(n * N_TAGS * 2)?
            .chunks_exact(N_TAGS * 2)
            .zip(keys)
            .map(|(w, key)| {
                let mut weights = [0i16; N_TAGS];
                for (x, c) in weights.iter_mut().zip(w.chunks_exact(2)) {
                    *x = i16::from_le_bytes([c[0], c[1]]);
                }
                Row { key, weights }
            })
            .collect();
        let n_names = r.u32()? as usize;
        let mut names = Vec::with_capacity(n_names);
        for _ in 0..n_names {
            let ty = r.take(1)?[0];
            let len = r.take(2)?;
            let len = u16::from_le_bytes([len[0], len[1]]) as usize;
            let s = std::str::from_utf8(r.take(len)?)
                .map_err(|_| ModelError("name is not UTF-8".into()))?;
            names.push((ty, s.to_string()));
        }
        let mut m = Model { rows, names, ..Model::default() };
        m.index();
        Ok(m)
    }

    /// Serialises the model (see the module doc for the layout).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(12 + self.rows.len() * (8 + 2 * N_TAGS));
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(self.rows.len() as u32).to_le_bytes());
        for r in &self.rows {
            out.extend_from_slice(&r.key.to_le_bytes());
        }
        for w in self.rows.iter().flat_map(|r| r.weights) {
            out.extend_from_slice(&w.to_le_bytes());
        }
        out.extend_from_slice(&(self.names.len() as u32).to_le_bytes());
        for (ty, s) in &self.names {
            out.push(*ty);
            out.extend_from_slice(&(s.len() as u16).to_le_bytes());
            out.extend_from_slice(s.as_bytes());
        }
        out
    }

    /// Number of features with weights.
    pub fn n_features(&self) -> usize {
        self.rows.len()
    }

    fn index(&mut self) {
        let cap = (self.rows.len() * 2).next_power_of_two().max(16);
        self.mask = cap - 1;
        self.slots = vec![(0, 0); cap];
        for (i, r) in self.rows.iter().enumerate() {
            let mut p = finish(r.key) as usize & self.mask;
            while self.slots[p].0 != 0 {
                p = (p + 1) & self.mask;
            }
            self.slots[p] = (i as u32 + 1, tag_of(r.key));
        }
        self.gazetteer = Gazetteer::of_names(&self.names);
    }

    fn row(&self, k: u64) -> Option<&[i16; N_TAGS]> {
        let tag = tag_of(k);
        let mut p = finish(k) as usize & self.mask;
        loop {
            let (s, t) = self.slots[p];
            if s == 0 {
                return None;
            }
            if t == tag {
                let row = &self.rows[s as usize - 1];
                if row.key == k {
                    return Some(&row.weights);
                }
            }
            p = (p + 1) & self.mask;
        }
    }
}

impl Tagger for &Model {
    /// Weights are quantised so that the largest maps to 32000; at that scale 1e-3 turns score
    /// differences into log-probabilities that rank sequences best on the development set
    /// (1e-2 and 1e-4 both lose; greedy decoding loses about 0.5 F1).
    fn temperature(&self) -> f32 {
        1e-3
    }

    fn score(&self, feats: &[u64], scores: &mut [f32; N_TAGS]) {
        let mut acc = [0i32; N_TAGS];
        for &f in feats {
            if let Some(row) = self.row(f) {
                for (a, &w) in acc.iter_mut().zip(row) {
                    *a += i32::from(w);
                }
            }
        }
        for (s, a) in scores.iter_mut().zip(acc) {
            *s += a as f32;
        }
    }
}
