//! Features of the tagger: hashed sparse indicator features of each token (word, lower case,
//! shape, affixes, ±2 window, gazetteer matches, document context) and the tag encoding (BILOU
//! over PER / ORG / LOC / MISC, 17 tags). Every feature is one `u64` hash of a template id and a
//! value, so no feature string is ever built; the model stores weights only for the hashes it
//! learned.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use super::tokenize::tokenize;

/// Number of tags: O plus B/I/L/U for each of the four types.
pub const N_TAGS: usize = 17;
/// The outside tag.
pub const O: u8 = 0;
/// Pseudo-tag before the first token of a sentence (features only, never predicted).
const START: u8 = N_TAGS as u8;

/// Tag of type `ty` (0 PER, 1 ORG, 2 LOC, 3 MISC) at position `pos` (0 B, 1 I, 2 L, 3 U).
pub fn tag(ty: usize, pos: usize) -> u8 {
    (1 + ty * 4 + pos) as u8
}

/// Type index of a tag, `None` for O.
pub fn tag_type(t: u8) -> Option<usize> {
    (t != O).then(|| (t as usize - 1) / 4)
}

/// Position of a non-O tag: 0 B, 1 I, 2 L, 3 U.
pub fn tag_pos(t: u8) -> usize {
    (t as usize - 1) % 4
}

/// Whether tag `cur` may follow `prev` (`last`: `cur` ends the sentence).
pub fn allowed(prev: u8, cur: u8, last: bool) -> bool {
    let open = prev != O && prev != START && tag_pos(prev) <= 1;
    if cur == O {
        return !open;
    }
    match (open, tag_pos(cur)) {
        (true, 1) => tag_type(prev) == tag_type(cur) && !last,
        (true, 2) => tag_type(prev) == tag_type(cur),
        (false, 0) => !last,
        (false, 3) => true,
        _ => false,
    }
}

/// A hasher for keys that already are hashes.
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = mix(self.0, u64::from(b));
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = x;
    }
}

pub type IdMap<V> = HashMap<u64, V, BuildHasherDefault<IdHasher>>;
pub type IdSet = HashSet<u64, BuildHasherDefault<IdHasher>>;

#[inline]
pub fn mix(a: u64, b: u64) -> u64 {
    (a.rotate_left(5) ^ b).wrapping_mul(0x517c_c1b7_2722_0a95)
}

/// Murmur3's 64-bit finaliser: spreads every input bit over the output.
#[inline]
pub fn finish(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

pub fn hash_str(s: &str) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325;
    for c in s.as_bytes().chunks(8) {
        let mut v = 0u64;
        for (i, &b) in c.iter().enumerate() {
            v |= u64::from(b) << (8 * i);
        }
        h = mix(h, v);
    }
    finish(mix(h, s.len() as u64))
}

#[inline]
fn feat(template: u64, value: u64) -> u64 {
    finish(mix(template.wrapping_mul(0x9e37_79b9_7f4a_7c15), value))
}

// Template ids (stable: they are part of the model file's meaning).
const T_BIAS: u64 = 1;
const T_WORD: u64 = 2;
const T_LOWER: u64 = 3;
const T_SHAPE: u64 = 4;
const T_SHORT: u64 = 5;
const T_PREFIX: u64 = 6;
const T_SUFFIX: u64 = 7;
const T_LOWER_AT: [u64; 4] = [8, 9, 10, 11]; // -2, -1, +1, +2
const T_SHORT_AT: [u64; 4] = [12, 13, 14, 15];
const T_BIGRAM_LEFT: u64 = 16;
const T_BIGRAM_RIGHT: u64 = 17;
const T_SHORT_TRIGRAM: u64 = 18;
const T_INITIAL: u64 = 19;
const T_CAPS_SENTENCE: u64 = 20;
const T_CAPS_SENTENCE_WORD: u64 = 21;
const T_DOC_CASE: u64 = 22;
const T_GAZ_SPAN: u64 = 23;
const T_GAZ_WORD: u64 = 24;
const T_LEFT_WORD_SHAPE: u64 = 25;
const T_SHAPE_RIGHT_WORD: u64 = 26;
const T_WORD_LEFT: u64 = 27;
const T_WORD_RIGHT: u64 = 28;
const T_TABLE: u64 = 29;
const T_CLUSTER_AT: [u64; 3] = [30, 31, 32]; // -1, 0, +1
const T_PREV_TAG: u64 = 40;
const T_PREV_TAGS: u64 = 41;
const T_PREV_TAG_WORD: u64 = 42;
const T_PREV_TAG_SHAPE: u64 = 43;
const T_HISTORY: u64 = 44;
const T_HISTORY_MAJORITY: u64 = 45;

/// Word shape: X upper, x lower, d digit, other chars kept; runs longer than 4 cut to 4.
/// Returns (shape, short shape with every run collapsed to one char).
#[cfg(test)]
fn shapes(w: &str) -> (String, String) {
    let (mut full, mut short) = (String::new(), String::new());
    shapes_into(w, &mut full, &mut short);
    (full, short)
}

/// [`shapes`] into buffers the caller reuses (cleared first).
fn shapes_into(w: &str, full: &mut String, short: &mut String) {
    full.clear();
    short.clear();
    let (mut last, mut run) = ('\0', 0);
    for c in w.chars() {
        let m = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else {
            c
        };
        if m == last {
            run += 1;
        } else {
            short.push(m);
            last = m;
            run = 1;
        }
        if run <= 4 {
            full.push(m);
        }
    }
}

/// `w` lower-cased into `buf` (cleared first): ASCII in place, anything else as
/// [`str::to_lowercase`] does it (final sigma included).
fn lower_into(w: &str, buf: &mut String) {
    buf.clear();
    if w.is_ascii() {
        buf.push_str(w);
        buf.make_ascii_lowercase();
    } else {
        buf.push_str(&w.to_lowercase());
    }
}

/// Hashes of the lower-cased word's prefixes and suffixes of 1 to 4 characters (as many as it
/// has characters, at most 4), each `(prefix, suffix)` for one length.
fn affixes(lower: &str) -> ([(u64, u64); 4], usize) {
    let mut out = [(0, 0); 4];
    // Byte offsets of the ends of the first four characters, and of the starts of the last four.
    let mut ends = [lower.len(); 4];
    let mut n = 0;
    for (k, (i, c)) in lower.char_indices().take(4).enumerate() {
        ends[k] = i + c.len_utf8();
        n = k + 1;
    }
    for (k, slot) in out.iter_mut().enumerate().take(n) {
        let start = lower.char_indices().rev().nth(k).map_or(0, |(i, _)| i);
        *slot = (hash_str(&lower[..ends[k]]), hash_str(&lower[start..]));
    }
    (out, n)
}

fn starts_upper(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

/// Names of known type, matched on lower-cased token sequences.
#[derive(Debug, Default, Clone)]
pub struct Gazetteer {
    /// Sequence hash → bit mask of types.
    seqs: IdMap<u8>,
    /// Lower-cased word hash → types of the names it occurs in.
    words: IdMap<u8>,
    max_len: usize,
}

fn seq_hash(words: &[u64]) -> u64 {
    finish(words.iter().fold(words.len() as u64, |h, &w| mix(h, w)))
}

impl Gazetteer {
    /// The gazetteer of a model: `names` (type, lower-cased tokens joined by single spaces), then
    /// the built-in lexicon's names. Training builds its jackknifed gazetteers the same way.
    pub fn of_names<'a>(names: impl IntoIterator<Item = &'a (u8, String)>) -> Gazetteer {
        let mut g = Gazetteer::default();
        for (ty, s) in names {
            let toks: Vec<&str> = s.split(' ').collect();
            g.add_tokens(&toks, usize::from(*ty));
        }
        crate::lexicon::for_each_gazetteer_name(|name, ty| g.add_name(name, ty));
        g
    }

    /// Adds a name given as lower-cased tokens.
    pub fn add_tokens(&mut self, lower_tokens: &[&str], ty: usize) {
        if lower_tokens.is_empty() || lower_tokens.len() > 8 {
            return;
        }
        let hs: Vec<u64> = lower_tokens.iter().map(|w| hash_str(w)).collect();
        *self.seqs.entry(seq_hash(&hs)).or_default() |= 1 << ty;
        for h in hs {
            *self.words.entry(h).or_default() |= 1 << ty;
        }
        self.max_len = self.max_len.max(lower_tokens.len());
    }

    /// Adds a name written as text ("Bank of England").
    pub fn add_name(&mut self, name: &str, ty: usize) {
        let mut spans = Vec::new();
        tokenize(name, 0, name.len(), &mut spans);
        let lower: Vec<String> = spans.iter().map(|&(s, e)| name[s..e].to_lowercase()).collect();
        let refs: Vec<&str> = lower.iter().map(String::as_str).collect();
        self.add_tokens(&refs, ty);
    }

    pub fn len(&self) -> usize {
        self.seqs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seqs.is_empty()
    }

    /// Marks every token covered by a known name: bit `ty * 4 + pos` (BILOU position) in `spans`,
    /// bit `ty` in `words` for a word of any known name.
    fn mark(&self, lower: &[u64], spans: &mut [u16], words: &mut [u8]) {
        let n = lower.len();
        for i in 0..n {
            words[i] = self.words.get(&lower[i]).copied().unwrap_or(0);
            for len in 1..=self.max_len.min(n - i) {
                let Some(&mask) = self.seqs.get(&seq_hash(&lower[i..i + len])) else { continue };
                for ty in 0..4 {
                    if mask & (1 << ty) == 0 {
                        continue;
                    }
                    for (k, bits) in spans[i..i + len].iter_mut().enumerate() {
                        let pos = match (len, k) {
                            (1, _) => 3,
                            (_, 0) => 0,
                            (l, k) if k + 1 == l => 2,
                            _ => 1,
                        };
                        *bits |= 1 << (ty * 4 + pos);
                    }
                }
            }
        }
    }
}

/// The static features of every token of a document and what the decoder needs per token.
#[derive(Debug, Default)]
pub struct DocFeatures {
    feats: Vec<u64>,
    ranges: Vec<(u32, u32)>,
    lower: Vec<u64>,
    short: Vec<u64>,
    upper_initial: Vec<bool>,
    /// Token index ranges of the sentences.
    pub sentences: Vec<(usize, usize)>,
}

impl DocFeatures {
    pub fn n_tokens(&self) -> usize {
        self.ranges.len()
    }
}

/// Per-token values shared by the templates.
struct TokInfo {
    word: u64,
    lower: u64,
    /// Hashes of the lower-cased prefix and suffix of each length 1..=`n_affixes`.
    affixes: [(u64, u64); 4],
    n_affixes: usize,
    shape: u64,
    short: u64,
    upper: bool,
    /// Word cluster ids ([`super::clusters`]), when the word is in the table.
    cluster: Option<[u16; super::clusters::LEVELS]>,
}

fn is_opening_token(w: &str) -> bool {
    matches!(w, "\"" | "“" | "'" | "‘" | "`" | "(" | "[" | ":" | "-" | "--" | "—" | "–" | "«")
}

/// Whether most letters of the sentence are capitals (a wire headline or dateline).
fn caps_sentence(words: &[&str]) -> bool {
    let (mut up, mut all) = (0, 0);
    for w in words {
        for c in w.chars().filter(|c| c.is_alphabetic()) {
            all += 1;
            up += usize::from(c.is_uppercase());
        }
    }
    all >= 4 && up * 10 >= all * 8
}

/// What the features of any sentence need from the whole document: the words seen capitalised
/// where case is informative and those seen lower-case, and each sentence's kind (a capitals-only
/// line, a table row). Built in one pass; the features themselves are computed a sentence at a
/// time ([`DocContext::sentence_into`]), so tagging holds one sentence's features, not the
/// document's (≈ 280 bytes a token).
pub struct DocContext<'a> {
    sentences: &'a [Vec<&'a str>],
    gaz: &'a Gazetteer,
    cap_mid: IdSet,
    lower_seen: IdSet,
    caps: Vec<bool>,
    table: Vec<bool>,
    /// Hash of each token's lower-cased form, in document order.
    lower: Vec<u64>,
}

impl<'a> DocContext<'a> {
    /// The document-level context of `sentences` (tokens) with gazetteer `gaz`.
    pub fn new(sentences: &'a [Vec<&'a str>], gaz: &'a Gazetteer) -> Self {
        let mut buf = String::new();
        let lower: Vec<u64> = sentences
            .iter()
            .flatten()
            .map(|w| {
                lower_into(w, &mut buf);
                hash_str(&buf)
            })
            .collect();
        let caps: Vec<bool> = sentences.iter().map(|s| caps_sentence(s)).collect();
        // Result lines of sports tables and market reports: mostly numbers.
        let table: Vec<bool> = sentences
            .iter()
            .map(|s| {
                let nums = s
                    .iter()
                    .filter(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))
                    .count();
                nums * 3 >= s.len() && nums >= 2
            })
            .collect();
        // Document context: words seen capitalised where case is informative, words seen
        // lower-case.
        let mut cap_mid = IdSet::default();
        let mut lower_seen = IdSet::default();
        let mut k = 0;
        for (si, s) in sentences.iter().enumerate() {
            for (i, w) in s.iter().enumerate() {
                let initial = i == 0 || is_opening_token(s[i - 1]);
                if starts_upper(w) && !initial && !caps[si] {
                    cap_mid.insert(lower[k]);
                }
                if w.chars().next().is_some_and(char::is_lowercase) {
                    lower_seen.insert(lower[k]);
                }
                k += 1;
            }
        }
        DocContext { sentences, gaz, cap_mid, lower_seen, caps, table, lower }
    }

    /// Number of sentences.
    pub fn len(&self) -> usize {
        self.sentences.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sentences.is_empty()
    }

    /// Appends the static features of sentence `si` (its tokens starting at document token
    /// `first`) to `df`, as one more sentence of it.
    pub fn sentence_into(&self, si: usize, first: usize, df: &mut DocFeatures) {
        let sentinel_left = hash_str("<s>");
        let sentinel_right = hash_str("</s>");
        let (mut lower, mut shape, mut short) = (String::new(), String::new(), String::new());
        let s = &self.sentences[si];
        let info: Vec<TokInfo> = s
            .iter()
            .enumerate()
            .map(|(i, w)| {
                lower_into(w, &mut lower);
                shapes_into(w, &mut shape, &mut short);
                let (affixes, n_affixes) = affixes(&lower);
                let word = hash_str(w);
                TokInfo {
                    word,
                    cluster: super::clusters::of_word(w, word),
                    lower: self.lower[first + i],
                    affixes,
                    n_affixes,
                    shape: hash_str(&shape),
                    short: hash_str(&short),
                    upper: starts_upper(w),
                }
            })
            .collect();
        let n = s.len();
        let start = df.ranges.len();
        df.sentences.push((start, start + n));
        let lowers = &self.lower[first..first + n];
        let mut spans_bits = vec![0u16; n];
        let mut word_bits = vec![0u8; n];
        self.gaz.mark(lowers, &mut spans_bits, &mut word_bits);
        let lower_at = |j: isize| -> u64 {
            if j < 0 {
                sentinel_left
            } else if j as usize >= n {
                sentinel_right
            } else {
                info[j as usize].lower
            }
        };
        let short_at = |j: isize| -> u64 {
            if j < 0 {
                sentinel_left
            } else if j as usize >= n {
                sentinel_right
            } else {
                info[j as usize].short
            }
        };
        for (i, t) in info.iter().enumerate() {
            let from = df.feats.len() as u32;
            let f = &mut df.feats;
            let ii = i as isize;
            f.push(feat(T_BIAS, 0));
            f.push(feat(T_WORD, t.word));
            f.push(feat(T_LOWER, t.lower));
            f.push(feat(T_SHAPE, t.shape));
            f.push(feat(T_SHORT, t.short));
            for (k, &(prefix, suffix)) in t.affixes[..t.n_affixes].iter().enumerate() {
                f.push(feat(T_PREFIX, mix(k as u64 + 1, prefix)));
                f.push(feat(T_SUFFIX, mix(k as u64 + 1, suffix)));
            }
            for (k, d) in [-2isize, -1, 1, 2].into_iter().enumerate() {
                f.push(feat(T_LOWER_AT[k], lower_at(ii + d)));
                f.push(feat(T_SHORT_AT[k], short_at(ii + d)));
            }
            f.push(feat(T_BIGRAM_LEFT, mix(lower_at(ii - 1), t.lower)));
            f.push(feat(T_BIGRAM_RIGHT, mix(t.lower, lower_at(ii + 1))));
            f.push(feat(T_SHORT_TRIGRAM, mix(mix(short_at(ii - 1), t.short), short_at(ii + 1))));
            f.push(feat(T_LEFT_WORD_SHAPE, mix(lower_at(ii - 1), t.short)));
            f.push(feat(T_SHAPE_RIGHT_WORD, mix(t.short, lower_at(ii + 1))));
            f.push(feat(T_WORD_LEFT, if i > 0 { info[i - 1].word } else { sentinel_left }));
            f.push(feat(T_WORD_RIGHT, info.get(i + 1).map_or(sentinel_right, |x| x.word)));
            for (k, d) in [-1isize, 0, 1].into_iter().enumerate() {
                let at = ii + d;
                let cluster =
                    if at < 0 { None } else { info.get(at as usize).and_then(|x| x.cluster) };
                if let Some(ids) = cluster {
                    for (level, &id) in ids.iter().enumerate() {
                        f.push(feat(T_CLUSTER_AT[k], mix(level as u64, u64::from(id))));
                    }
                }
            }
            if self.table[si] {
                f.push(feat(T_TABLE, t.short));
            }
            let initial = i == 0 || is_opening_token(s[i - 1]);
            f.push(feat(T_INITIAL, mix(u64::from(initial), t.short)));
            if self.caps[si] {
                f.push(feat(T_CAPS_SENTENCE, t.short));
                f.push(feat(T_CAPS_SENTENCE_WORD, t.lower));
            }
            if t.upper {
                let uninformative = initial || self.caps[si];
                let v = u64::from(uninformative)
                    | u64::from(self.cap_mid.contains(&t.lower)) << 1
                    | u64::from(self.lower_seen.contains(&t.lower)) << 2;
                f.push(feat(T_DOC_CASE, v));
            }
            for b in 0..16 {
                if spans_bits[i] & (1 << b) != 0 {
                    f.push(feat(T_GAZ_SPAN, b));
                    f.push(feat(T_GAZ_SPAN, mix(b, u64::from(t.upper))));
                }
            }
            for b in 0..4 {
                if word_bits[i] & (1 << b) != 0 {
                    f.push(feat(T_GAZ_WORD, mix(b, u64::from(t.upper))));
                }
            }
            df.ranges.push((from, df.feats.len() as u32));
            df.lower.push(t.lower);
            df.short.push(t.short);
            df.upper_initial.push(t.upper);
        }
    }
}

/// Computes the static features of a whole document given as sentences of tokens (training
/// reads each document many times; tagging computes them a sentence at a time, [`tag_document`]).
pub fn doc_features(sentences: &[Vec<&str>], gaz: &Gazetteer) -> DocFeatures {
    let cx = DocContext::new(sentences, gaz);
    let mut df = DocFeatures::default();
    let mut first = 0;
    for (si, s) in sentences.iter().enumerate() {
        cx.sentence_into(si, first, &mut df);
        first += s.len();
    }
    df
}

/// Something that scores features: the trained model, or the weights being trained.
pub trait Tagger {
    /// Adds the weights of `feats` to `scores`.
    fn score(&self, feats: &[u64], scores: &mut [f32; N_TAGS]);
    /// Sees the decision for token `tok` (training updates here; the model does nothing).
    fn observe(&mut self, _tok: usize, _feats: &[u64], _pred: u8) {}
    /// Factor turning a score difference into a log-probability difference.
    fn temperature(&self) -> f32 {
        1.0
    }
}

/// The features that depend on the two previous tags.
fn tag_features(p1: u8, p2: u8, lower: u64, short: u64) -> [u64; 4] {
    let (p1v, p2v) = (u64::from(p1), u64::from(p2));
    [
        feat(T_PREV_TAG, p1v),
        feat(T_PREV_TAGS, mix(p1v, p2v)),
        feat(T_PREV_TAG_WORD, mix(p1v, lower)),
        feat(T_PREV_TAG_SHAPE, mix(p1v, short)),
    ]
}

/// One hypothesis of the beam: its score, its last two tags (`START` before the sentence's first
/// tokens) and its node in the back-pointer arena (`NO_NODE` for the empty sequence).
#[derive(Clone, Copy)]
struct Hyp {
    score: f32,
    p1: u8,
    p2: u8,
    node: u32,
}

const NO_NODE: u32 = u32::MAX;

/// `[prev][last]`: bit `c` set when tag `c` may follow `prev` ([`allowed`]).
fn allowed_masks() -> [[u32; 2]; N_TAGS + 1] {
    let mut masks = [[0u32; 2]; N_TAGS + 1];
    for (prev, row) in masks.iter_mut().enumerate() {
        for (last, mask) in row.iter_mut().enumerate() {
            for c in 0..N_TAGS {
                if allowed(prev as u8, c as u8, last == 1) {
                    *mask |= 1 << c;
                }
            }
        }
    }
    masks
}

/// Writes the tags of the sequence ending at `node` into `out` (its length is the sequence's).
fn backtrack(nodes: &[(u32, u8)], mut node: u32, out: &mut [u8]) {
    for slot in out.iter_mut().rev() {
        let (parent, tag) = nodes[node as usize];
        *slot = tag;
        node = parent;
    }
}

/// The state of left-to-right decoding carried from one sentence to the next (the
/// prediction-history features) and the buffers each sentence reuses.
struct Decoder {
    beam: usize,
    history: IdMap<[u16; 5]>,
    masks: [[u32; 2]; N_TAGS + 1],
    feats: Vec<u64>,
    hyps: Vec<Hyp>,
    kept: Vec<Hyp>,
    nodes: Vec<(u32, u8)>,
    best_of_state: Vec<[Option<(f32, usize)>; N_TAGS]>,
    top: Vec<(f32, usize, u8)>,
}

impl Decoder {
    fn new(beam: usize) -> Self {
        Decoder {
            beam,
            history: IdMap::default(),
            masks: allowed_masks(),
            feats: Vec::with_capacity(96),
            hyps: Vec::with_capacity(beam.max(1)),
            kept: Vec::with_capacity(beam.max(1)),
            nodes: Vec::new(),
            best_of_state: Vec::new(),
            top: Vec::with_capacity(beam + 1),
        }
    }

    /// Counts the type predicted for each capitalised token of `tags` (tokens `sb..` of `df`).
    fn remember(&mut self, df: &DocFeatures, sb: usize, tags: &[u8]) {
        for (k, &tg) in tags.iter().enumerate() {
            if df.upper_initial[sb + k] {
                let ty = tag_type(tg).map_or(0, |ty| ty + 1);
                self.history.entry(df.lower[sb + k]).or_default()[ty] += 1;
            }
        }
    }

    /// Decodes tokens `sb..se` of `df` (one sentence) into `out` (its length is the sentence's);
    /// the tagger observes token `i` as `offset + i`.
    fn sentence<T: Tagger>(
        &mut self,
        t: &mut T,
        df: &DocFeatures,
        (sb, se): (usize, usize),
        offset: usize,
        out: &mut [u8],
    ) {
        let beam = self.beam;
        let temp = t.temperature();
        let Decoder { history, masks, feats, hyps, kept, nodes, best_of_state, top, .. } = self;
        hyps.clear();
        nodes.clear();
        hyps.push(Hyp { score: 0.0, p1: START, p2: START, node: NO_NODE });
        for i in sb..se {
            let (a, b) = df.ranges[i];
            feats.clear();
            feats.extend_from_slice(&df.feats[a as usize..b as usize]);
            if df.upper_initial[i] {
                if let Some(h) = history.get(&df.lower[i]) {
                    let mut best = 0;
                    for k in 0..5 {
                        if h[k] > 0 {
                            feats.push(feat(T_HISTORY, k as u64));
                        }
                        if h[k] > h[best] {
                            best = k;
                        }
                    }
                    feats.push(feat(T_HISTORY_MAJORITY, best as u64));
                }
            }
            let n_static = feats.len();
            let last = i + 1 == se;
            if beam <= 1 {
                let Hyp { p1, p2, node, .. } = hyps[0];
                feats.extend(tag_features(p1, p2, df.lower[i], df.short[i]));
                let mut scores = [0f32; N_TAGS];
                t.score(feats, &mut scores);
                let mut best = O;
                let mut best_score = f32::NEG_INFINITY;
                for (c, &sc) in scores.iter().enumerate() {
                    if sc > best_score && allowed(p1, c as u8, last) {
                        best = c as u8;
                        best_score = sc;
                    }
                }
                t.observe(offset + i, feats, best);
                nodes.push((node, best));
                hyps[0] = Hyp { score: 0.0, p1: best, p2: p1, node: nodes.len() as u32 - 1 };
                continue;
            }
            let mut base = [0f32; N_TAGS];
            t.score(&feats[..n_static], &mut base);
            // The best candidate of each state (its tag and the tag before): hypotheses ending
            // in the same tag propose the same states, and of equals the earlier one stands.
            best_of_state.clear();
            best_of_state.resize(hyps.len(), [None; N_TAGS]);
            for (h, hyp) in hyps.iter().enumerate() {
                let mut scores = base;
                t.score(&tag_features(hyp.p1, hyp.p2, df.lower[i], df.short[i]), &mut scores);
                // Local scores are only comparable within one context: normalise them to
                // log-probabilities over the allowed tags before adding them up.
                let mask = masks[hyp.p1 as usize][usize::from(last)];
                let ok = |c: &usize| mask & (1 << c) != 0;
                let max =
                    (0..N_TAGS).filter(ok).map(|c| scores[c]).fold(f32::NEG_INFINITY, f32::max);
                let z: f32 = (0..N_TAGS).filter(ok).map(|c| ((scores[c] - max) * temp).exp()).sum();
                let log_z = z.ln();
                let group = (0..h).find(|&g| hyps[g].p1 == hyp.p1).unwrap_or(h);
                for (c, &sc) in scores.iter().enumerate() {
                    if ok(&c) {
                        let score = hyp.score + (sc - max) * temp - log_z;
                        let slot = &mut best_of_state[group][c];
                        if slot.is_none_or(|(best, _)| score.total_cmp(&best).is_gt()) {
                            *slot = Some((score, h));
                        }
                    }
                }
            }
            // The `beam` best states, best first; of equal scores the one proposed first (lower
            // hypothesis, then lower tag), as a stable sort of the proposals would order them.
            top.clear();
            for states in best_of_state.iter() {
                for (c, slot) in states.iter().enumerate() {
                    let Some((score, h)) = *slot else { continue };
                    let cand = (score, h, c as u8);
                    let beats = |other: &(f32, usize, u8)| match cand.0.total_cmp(&other.0) {
                        std::cmp::Ordering::Greater => true,
                        std::cmp::Ordering::Less => false,
                        std::cmp::Ordering::Equal => (cand.1, cand.2) < (other.1, other.2),
                    };
                    if top.len() == beam && !top.last().is_some_and(beats) {
                        continue;
                    }
                    let at = top.iter().position(beats).unwrap_or(top.len());
                    if at < beam {
                        top.insert(at, cand);
                        top.truncate(beam);
                    }
                }
            }
            kept.clear();
            for &(score, h, c) in top.iter() {
                let parent = hyps[h];
                nodes.push((parent.node, c));
                kept.push(Hyp { score, p1: c, p2: parent.p1, node: nodes.len() as u32 - 1 });
            }
            std::mem::swap(hyps, kept);
        }
        backtrack(nodes, hyps[0].node, out);
    }
}

/// Left-to-right decoding of a document with previous-tag features and prediction-history
/// features (the types predicted for the same capitalised word in earlier sentences of the
/// document). `beam` 1 is greedy (and lets the tagger learn token by token); a wider beam keeps
/// the best `beam` tag sequences per sentence, recombining those that agree on the last two tags.
///
/// Sequences are kept as back-pointers (a parent and a tag per step), not copied at every token;
/// the candidates are not sorted: the best of each state is kept, then the `beam` best states.
pub fn decode<T: Tagger>(
    t: &mut T,
    df: &DocFeatures,
    beam: usize,
    prior: Option<&[u8]>,
) -> Vec<u8> {
    let mut tags = vec![O; df.n_tokens()];
    let mut decoder = Decoder::new(beam);
    if let Some(p) = prior {
        decoder.remember(df, 0, &p[..p.len().min(df.n_tokens())]);
    }
    for &(sb, se) in &df.sentences {
        decoder.sentence(t, df, (sb, se), 0, &mut tags[sb..se]);
        if prior.is_none() {
            decoder.remember(df, sb, &tags[sb..se]);
        }
    }
    tags
}

/// [`decode`] of a whole document with its features computed a sentence at a time from `cx`
/// (the same tags, without holding the document's features).
pub fn tag_document<T: Tagger>(t: &mut T, cx: &DocContext, beam: usize) -> Vec<u8> {
    let mut tags = Vec::with_capacity(cx.lower.len());
    let mut decoder = Decoder::new(beam);
    let mut df = DocFeatures::default();
    let mut first = 0;
    for si in 0..cx.len() {
        df.feats.clear();
        df.ranges.clear();
        df.lower.clear();
        df.short.clear();
        df.upper_initial.clear();
        df.sentences.clear();
        cx.sentence_into(si, first, &mut df);
        let n = df.n_tokens();
        let from = tags.len();
        tags.resize(from + n, O);
        decoder.sentence(t, &df, (0, n), first, &mut tags[from..]);
        decoder.remember(&df, 0, &tags[from..]);
        first += n;
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_transitions() {
        let b_per = tag(0, 0);
        assert_eq!(tag_type(b_per), Some(0));
        assert!(allowed(O, b_per, false));
        assert!(!allowed(O, b_per, true));
        assert!(allowed(b_per, tag(0, 2), true));
        assert!(!allowed(b_per, tag(1, 2), true));
        assert!(!allowed(b_per, O, false));
        assert!(allowed(START, tag(2, 3), true));
        assert_eq!(shapes("McDonald's").0, "XxXxxxx'x");
        assert_eq!(shapes("1996-08-22").1, "d-d-d");
    }

    #[test]
    fn gazetteer_marks_positions() {
        let mut g = Gazetteer::default();
        g.add_name("Bank of England", 1);
        let ws = ["the", "bank", "of", "england", "said"];
        let hs: Vec<u64> = ws.iter().map(|w| hash_str(w)).collect();
        let (mut sp, mut wd) = (vec![0u16; 5], vec![0u8; 5]);
        g.mark(&hs, &mut sp, &mut wd);
        assert_eq!(sp, [0, 1 << 4, 1 << 5, 1 << 6, 0]);
        assert_eq!(wd[3], 2);
    }
}
