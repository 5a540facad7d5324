//! Paraphrase-pair evaluation of the encoder on the cross-outlet comparison gold.
//!
//! ```sh
//! cargo run --release -p storyline-embed --example eval_pairs -- \
//!     [--events ../shared/data/compare/events.jsonl] [--model other.bin ...]
//! ```
//!
//! Positive pairs: two sentences of one agreed claim in two different articles of an event.
//! Negative pairs: sentences of two different articles of the same event that share no agreed
//! or conflict claim (noise sentences left out). Prints ROC-AUC and the best-threshold F1 of
//! the shipped table (and of each `--model` given), through the real runtime path, of a soft
//! token alignment over the shipped rows (each token matched to its most similar token of the
//! other sentence, weighted by its row's norm; the F-measure of both directions), of the mean
//! of that and the cosine, and of a content-word Jaccard baseline. Same pairs as `crates/embed/train/eval_pairs.py`, which also
//! scores the teacher.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::Value;
use storyline_embed::{cosine, Encoder};

const STOP: &str = "a an the and or but if of to in on at by for with from as is are was were be been being has have had \
    do does did this that these those it its he she they them his her their we our you your i me my \
    not no so than then there here which who whom whose what when where why how all any some more most \
    also after before over under into about up down out said says say will would can could may might s t";

type Pairs = Vec<(usize, usize, bool)>;

fn build_pairs(path: &str) -> (Vec<String>, Pairs) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let (mut sents, mut pairs) = (Vec::new(), Vec::new());
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let ev: Value = serde_json::from_str(line).expect("events.jsonl line");
        let mut gid = BTreeMap::new();
        let mut ok: Vec<(String, Vec<usize>)> = Vec::new();
        for art in ev["articles"].as_array().unwrap() {
            let id = art["id"].as_str().unwrap().to_string();
            let noise: HashSet<u64> = art["noise"]
                .as_array()
                .map_or_else(HashSet::new, |a| a.iter().filter_map(Value::as_u64).collect());
            let ss = art["sentences"].as_array().unwrap();
            for (k, s) in ss.iter().enumerate() {
                gid.insert((id.clone(), k), sents.len());
                sents.push(s.as_str().unwrap().to_string());
            }
            ok.push((id, (0..ss.len()).filter(|k| !noise.contains(&(*k as u64))).collect()));
        }
        let idx = |v: &Value| -> Vec<usize> {
            v.as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as usize).collect()
        };
        let mut groups: Vec<BTreeMap<String, Vec<usize>>> = Vec::new();
        let mut pos = BTreeSet::new();
        for a in ev["agreed"].as_array().unwrap() {
            let g: BTreeMap<String, Vec<usize>> = a["sentences"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), idx(v)))
                .collect();
            let arts: Vec<&String> = g.keys().collect();
            for x in 0..arts.len() {
                for y in x + 1..arts.len() {
                    for &i in &g[arts[x]] {
                        for &j in &g[arts[y]] {
                            let (u, v) = (gid[&(arts[x].clone(), i)], gid[&(arts[y].clone(), j)]);
                            pos.insert((u.min(v), u.max(v)));
                        }
                    }
                }
            }
            groups.push(g);
        }
        for c in ev["conflicts"].as_array().unwrap() {
            let mut g: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            for cl in c["claims"].as_array().unwrap() {
                g.entry(cl["article"].as_str().unwrap().to_string())
                    .or_default()
                    .extend(idx(&cl["sentences"]));
            }
            groups.push(g);
        }
        let mut related = HashSet::new();
        for g in &groups {
            let members: Vec<usize> =
                g.iter().flat_map(|(a, ix)| ix.iter().map(|&i| gid[&(a.clone(), i)])).collect();
            for &u in &members {
                for &v in &members {
                    related.insert((u, v));
                }
            }
        }
        for x in 0..ok.len() {
            for y in x + 1..ok.len() {
                for &i in &ok[x].1 {
                    for &j in &ok[y].1 {
                        let (u, v) = (gid[&(ok[x].0.clone(), i)], gid[&(ok[y].0.clone(), j)]);
                        let p = (u.min(v), u.max(v));
                        if !pos.contains(&p) && !related.contains(&(u, v)) {
                            pairs.push((p.0, p.1, false));
                        }
                    }
                }
            }
        }
        pairs.extend(pos.into_iter().map(|(u, v)| (u, v, true)));
    }
    (sents, pairs)
}

/// ROC-AUC (ties averaged) and the best F1 over thresholds between distinct scores.
fn auc_f1(scores: &[f32], labels: &[bool]) -> (f64, f64, f32) {
    let mut o: Vec<usize> = (0..scores.len()).collect();
    o.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let npos = labels.iter().filter(|&&l| l).count() as f64;
    let nneg = labels.len() as f64 - npos;
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < o.len() {
        let mut j = i;
        while j + 1 < o.len() && scores[o[j + 1]] == scores[o[i]] {
            j += 1;
        }
        let r = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += r * o[i..=j].iter().filter(|&&k| labels[k]).count() as f64;
        i = j + 1;
    }
    let auc = (rank_sum - npos * (npos + 1.0) / 2.0) / (npos * nneg);
    let (mut tp, mut best, mut thr) = (0.0, 0.0, 0.0);
    for (k, &idx) in o.iter().rev().enumerate() {
        tp += f64::from(u8::from(labels[idx]));
        let last = k + 1 == o.len() || scores[o[o.len() - k - 2]] != scores[idx];
        let f1 = 2.0 * tp / ((k + 1) as f64 + npos);
        if last && f1 > best {
            (best, thr) = (f1, scores[idx]);
        }
    }
    (auc, best, thr)
}

fn report(name: &str, scores: &[f32], labels: &[bool]) {
    let (auc, f1, thr) = auc_f1(scores, labels);
    println!("{name:<28} AUC {auc:.3}  best F1 {f1:.3} (threshold {thr:.3})");
}

fn main() {
    let mut events = "../shared/data/compare/events.jsonl".to_string();
    let mut models = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--events" => events = args.next().expect("--events PATH"),
            "--model" => models.push(args.next().expect("--model PATH")),
            _ => panic!("unknown argument {a}"),
        }
    }
    let (sents, pairs) = build_pairs(&events);
    let labels: Vec<bool> = pairs.iter().map(|p| p.2).collect();
    let npos = labels.iter().filter(|&&l| l).count();
    println!(
        "{} sentences, {npos} positive and {} negative pairs",
        sents.len(),
        labels.len() - npos
    );
    let mut encoders: Vec<(String, Encoder)> = Vec::new();
    for m in models {
        let bytes = std::fs::read(&m).unwrap_or_else(|e| panic!("{m}: {e}"));
        encoders.push((
            m.rsplit('/').next().unwrap().to_string(),
            Encoder::from_bytes(bytes).expect("model"),
        ));
    }
    let shipped = Encoder::shipped();
    let all = std::iter::once(("shipped static.bin".to_string(), shipped))
        .chain(encoders.iter().map(|(n, e)| (n.clone(), e)));
    for (name, e) in all {
        let vecs: Vec<Vec<f32>> = sents.iter().map(|s| e.embed(s)).collect();
        let scores: Vec<f32> = pairs.iter().map(|&(u, v, _)| cosine(&vecs[u], &vecs[v])).collect();
        report(&format!("{name} ({}-d)", e.dim()), &scores, &labels);
    }
    // Soft token alignment (BERTScore-style over the table's rows): each token of one sentence
    // matched to its most similar token of the other, weighted by the row's norm (its SIF
    // weight); the F-measure of the two directions.
    let tokens: Vec<Vec<(f32, Vec<f32>)>> = sents
        .iter()
        .map(|s| {
            let mut t = Vec::new();
            shipped.for_each_token(s, |id| {
                let mut v = vec![0.0; shipped.dim()];
                shipped.add_token(id, &mut v);
                let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
                if n > 0.0 {
                    v.iter_mut().for_each(|x| *x /= n);
                    t.push((n, v));
                }
            });
            t
        })
        .collect();
    let recall = |a: &[(f32, Vec<f32>)], b: &[(f32, Vec<f32>)]| -> f32 {
        let (mut num, mut den) = (0.0, 0.0);
        for (w, v) in a {
            let best = b.iter().map(|(_, u)| cosine(v, u)).fold(0.0f32, f32::max);
            num += w * best;
            den += w;
        }
        if den > 0.0 {
            num / den
        } else {
            0.0
        }
    };
    let soft: Vec<f32> = pairs
        .iter()
        .map(|&(u, v, _)| {
            let (r, p) = (recall(&tokens[u], &tokens[v]), recall(&tokens[v], &tokens[u]));
            if r + p > 0.0 {
                2.0 * r * p / (r + p)
            } else {
                0.0
            }
        })
        .collect();
    report("soft token alignment", &soft, &labels);
    let sent_vecs: Vec<Vec<f32>> = sents.iter().map(|s| shipped.embed(s)).collect();
    let mixed: Vec<f32> = pairs
        .iter()
        .zip(&soft)
        .map(|(&(u, v, _), s)| 0.5 * cosine(&sent_vecs[u], &sent_vecs[v]) + 0.5 * s)
        .collect();
    report("mean of cosine and soft", &mixed, &labels);
    let stop: HashSet<&str> = STOP.split_whitespace().collect();
    let bags: Vec<HashSet<String>> = sents
        .iter()
        .map(|s| {
            s.to_lowercase()
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty() && !stop.contains(w))
                .map(str::to_string)
                .collect()
        })
        .collect();
    let scores: Vec<f32> = pairs
        .iter()
        .map(|&(u, v, _)| {
            let inter = bags[u].intersection(&bags[v]).count();
            let uni = bags[u].union(&bags[v]).count();
            if uni == 0 {
                0.0
            } else {
                inter as f32 / uni as f32
            }
        })
        .collect();
    report("jaccard content words", &scores, &labels);
}
