//! Training of the entity tagger (`storyline_analyze::ner`): an averaged perceptron over the
//! greedy decoder of [`decode`], learning from its own previous decisions (so the previous-tag and
//! history features see at training time what they will see when tagging). Deterministic: the
//! document order of each epoch comes from a fixed-seed generator.
//!
//! Gazetteer features are jackknifed: the names of training documents in fold k are matched only
//! against names collected from the other folds, so the model learns how far a gazetteer hit can
//! be trusted for a name it has not seen, instead of learning that every name is in the list.
//! The file I/O lives in the `train_ner` example; CoNLL files are read by `storyline_eval::ner`,
//! as `storyline eval ner` reads them.

use storyline_analyze::ner::features::{
    decode, doc_features, tag, DocFeatures, Gazetteer, IdMap, Tagger, N_TAGS,
};
use storyline_analyze::ner::tokenize::{tokenize, TokSpan};
use storyline_analyze::ner::Model;
use storyline_eval::ner::{chunks, Chunk, Document, TYPES};

/// One training document: its text rebuilt from CoNLL tokens, the tagger's tokens per sentence,
/// the gold tag of each token and the names it contains (type, lower-cased tokens).
#[derive(Debug, Clone, Default)]
pub struct TrainDoc {
    pub text: String,
    pub sentences: Vec<Vec<TokSpan>>,
    pub gold: Vec<u8>,
    pub names: Vec<(u8, String)>,
}

impl TrainDoc {
    pub fn words(&self) -> Vec<Vec<&str>> {
        self.sentences.iter().map(|s| s.iter().map(|&(a, b)| &self.text[a..b]).collect()).collect()
    }
}

/// Rebuilds a CoNLL document (as `storyline_eval::ner` reads it) as text (tokens joined by
/// spaces, sentences by newlines, as the evaluation does), tokenises it with the tagger's
/// tokenizer and projects the gold chunks of the four CoNLL types.
pub fn prepare(doc: &Document) -> TrainDoc {
    let mut td = TrainDoc::default();
    for (si, s) in doc.sentences.iter().enumerate() {
        if si > 0 {
            td.text.push('\n');
        }
        let sent_start = td.text.len();
        let mut conll_spans = Vec::with_capacity(s.len());
        for (ti, t) in s.iter().enumerate() {
            if ti > 0 {
                td.text.push(' ');
            }
            conll_spans.push((td.text.len(), td.text.len() + t.word.len()));
            td.text.push_str(&t.word);
        }
        let mut toks = Vec::new();
        tokenize(&td.text, sent_start, td.text.len(), &mut toks);
        let mut gold = vec![0u8; toks.len()];
        let tags: Vec<&str> = s.iter().map(|t| t.tag.as_str()).collect();
        for Chunk { start: a, end: b, kind } in chunks(&tags, 0) {
            let Some(ty) = TYPES.iter().position(|t| *t == kind) else { continue };
            let (cs, ce) = (conll_spans[a].0, conll_spans[b - 1].1);
            let inside: Vec<usize> =
                (0..toks.len()).filter(|&i| toks[i].0 >= cs && toks[i].1 <= ce).collect();
            let n = inside.len();
            for (k, &i) in inside.iter().enumerate() {
                let pos = match (n, k) {
                    (1, _) => 3,
                    (_, 0) => 0,
                    (n, k) if k + 1 == n => 2,
                    _ => 1,
                };
                gold[i] = tag(ty, pos);
            }
            if n > 0 {
                let name: Vec<String> =
                    inside.iter().map(|&i| td.text[toks[i].0..toks[i].1].to_lowercase()).collect();
                td.names.push((ty as u8, name.join(" ")));
            }
        }
        td.gold.extend(gold);
        td.sentences.push(toks);
    }
    td
}

/// Training settings.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub epochs: usize,
    pub seed: u64,
    /// Number of jackknife folds for the gazetteer features.
    pub folds: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { epochs: 10, seed: 0x5eed, folds: 10 }
    }
}

/// Perceptron weights with the bookkeeping for averaging.
struct Perceptron {
    index: IdMap<u32>,
    w: Vec<[f32; N_TAGS]>,
    total: Vec<[f64; N_TAGS]>,
    stamp: Vec<[u32; N_TAGS]>,
    t: u32,
    gold: Vec<u8>,
    errors: usize,
}

impl Perceptron {
    fn update(&mut self, f: u64, c: usize, delta: f32) {
        let n = self.w.len() as u32;
        let i = *self.index.entry(f).or_insert(n) as usize;
        if i == self.w.len() {
            self.w.push([0.0; N_TAGS]);
            self.total.push([0.0; N_TAGS]);
            self.stamp.push([0; N_TAGS]);
        }
        self.total[i][c] += f64::from(self.t - self.stamp[i][c]) * f64::from(self.w[i][c]);
        self.stamp[i][c] = self.t;
        self.w[i][c] += delta;
    }

    fn averaged(&self) -> Vec<(u64, [f32; N_TAGS])> {
        let t = f64::from(self.t.max(1));
        let mut rows: Vec<(u64, [f32; N_TAGS])> = self
            .index
            .iter()
            .map(|(&k, &i)| {
                let i = i as usize;
                let mut r = [0f32; N_TAGS];
                for (c, x) in r.iter_mut().enumerate() {
                    let tot = self.total[i][c]
                        + f64::from(self.t - self.stamp[i][c]) * f64::from(self.w[i][c]);
                    *x = (tot / t) as f32;
                }
                (k, r)
            })
            .collect();
        rows.sort_by_key(|r| r.0);
        rows
    }
}

impl Tagger for Perceptron {
    fn score(&self, feats: &[u64], scores: &mut [f32; N_TAGS]) {
        for f in feats {
            if let Some(&i) = self.index.get(f) {
                for (s, w) in scores.iter_mut().zip(&self.w[i as usize]) {
                    *s += w;
                }
            }
        }
    }

    fn observe(&mut self, tok: usize, feats: &[u64], pred: u8) {
        self.t += 1;
        let gold = self.gold[tok];
        if gold != pred {
            self.errors += 1;
            for &f in feats {
                self.update(f, usize::from(gold), 1.0);
                self.update(f, usize::from(pred), -1.0);
            }
        }
    }
}

/// Trains a model; `progress(epoch, token errors, tokens)` is called after each epoch.
pub fn train(
    docs: &[TrainDoc],
    opts: Options,
    mut progress: impl FnMut(usize, usize, usize),
) -> Model {
    let folds = opts.folds.max(2);
    let fold_gaz: Vec<Gazetteer> = (0..folds)
        .map(|k| {
            Gazetteer::of_names(
                docs.iter().enumerate().filter(|(d, _)| d % folds != k).flat_map(|(_, d)| &d.names),
            )
        })
        .collect();
    let feats: Vec<DocFeatures> = docs
        .iter()
        .enumerate()
        .map(|(d, doc)| doc_features(&doc.words(), &fold_gaz[d % folds]))
        .collect();
    let mut p = Perceptron {
        index: IdMap::default(),
        w: Vec::new(),
        total: Vec::new(),
        stamp: Vec::new(),
        t: 0,
        gold: Vec::new(),
        errors: 0,
    };
    let mut order: Vec<usize> = (0..docs.len()).collect();
    let mut rng = opts.seed | 1;
    let n_tokens: usize = docs.iter().map(|d| d.gold.len()).sum();
    for epoch in 0..opts.epochs {
        // Fisher–Yates with xorshift64.
        for i in (1..order.len()).rev() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            order.swap(i, (rng % (i as u64 + 1)) as usize);
        }
        p.errors = 0;
        for &d in &order {
            p.gold.clone_from(&docs[d].gold);
            decode(&mut p, &feats[d], 1, None);
        }
        progress(epoch + 1, p.errors, n_tokens);
    }
    let rows = p.averaged();
    let max = rows.iter().flat_map(|r| r.1).fold(0f32, |m, x| m.max(x.abs())).max(1e-6);
    let scale = 32000.0 / max;
    let quantised: Vec<(u64, [i16; N_TAGS])> = rows
        .into_iter()
        .filter_map(|(k, r)| {
            let q = r.map(|x| (x * scale).round() as i16);
            q.iter().any(|&x| x != 0).then_some((k, q))
        })
        .collect();
    let mut names: Vec<(u8, String)> = docs.iter().flat_map(|d| d.names.iter().cloned()).collect();
    names.sort();
    names.dedup();
    Model::new(quantised, names)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use storyline_analyze::ner::features::{tag_pos, tag_type};

    use super::*;

    #[test]
    fn prepare_projects_gold_chunks_on_the_taggers_tokens() {
        let conll = "-DOCSTART- -X- O O\n\nEU NNP I-NNP I-ORG\nrejects VBZ I-VP O\n\
                     German JJ I-NP I-MISC\ncall NN I-NP O\n\nPeter NNP I-NP I-PER\n\
                     Blackburn NNP I-NP I-PER\n";
        let docs = storyline_eval::ner::parse(conll, Path::new("sample")).unwrap();
        let td = prepare(&docs[0]);
        assert_eq!(td.text, "EU rejects German call\nPeter Blackburn");
        let words: Vec<Vec<&str>> = td.words();
        assert_eq!(words, [vec!["EU", "rejects", "German", "call"], vec!["Peter", "Blackburn"]]);
        let kinds: Vec<Option<usize>> = td.gold.iter().map(|&t| tag_type(t)).collect();
        assert_eq!(kinds, [Some(1), None, Some(3), None, Some(0), Some(0)]);
        // BILOU: a one-token name is U (3); a two-token name B (0) then L (2).
        assert_eq!([tag_pos(td.gold[0]), tag_pos(td.gold[4]), tag_pos(td.gold[5])], [3, 0, 2]);
        assert_eq!(
            td.names,
            [(1, "eu".to_string()), (3, "german".to_string()), (0, "peter blackburn".to_string())]
        );
    }
}
