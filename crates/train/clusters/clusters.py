#!/usr/bin/env python3
"""Word clusters for the entity tagger: word2vec vectors of the tokens of unlabelled news, cut
by k-means at three granularities (a coarse-to-fine stand-in for Brown cluster prefixes).

    pip install gensim scikit-learn        # gensim 4.4, scikit-learn 1.9 when written
    python3 crates/train/clusters/corpus.py ../shared/data \\
      | cargo run --release -p storyline-train --example ner_corpus > /tmp/news.tok
    PYTHONHASHSEED=0 python3 crates/train/clusters/clusters.py /tmp/news.tok \\
      crates/analyze/models/word_clusters.tsv

Output: one line per word seen at least MIN_COUNT times, `word<TAB>c64<TAB>c256<TAB>c1024`,
sorted by word; the cluster ids are 0-based and mean nothing across granularities. Skip-gram,
100 dimensions, window 5, five epochs, one worker thread and fixed seeds: the file reproduces.
"""

import os
import sys

import numpy as np
from gensim.models import Word2Vec
from sklearn.cluster import KMeans

MIN_COUNT = 5
KS = (64, 256, 1024)
WINDOW = int(os.environ.get("CLUSTER_WINDOW", "5"))


class Sentences:
    def __init__(self, path):
        self.path = path

    def __iter__(self):
        with open(self.path, encoding="utf-8") as f:
            for line in f:
                yield line.split()


def main():
    src, out = sys.argv[1], sys.argv[2]
    model = Word2Vec(Sentences(src), vector_size=100, window=WINDOW, min_count=MIN_COUNT, sg=1,
                     workers=1, seed=1, epochs=5)
    words = list(model.wv.index_to_key)
    vecs = np.array([model.wv[w] for w in words], dtype=np.float64)
    vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
    ids = []
    for k in KS:
        km = KMeans(n_clusters=k, n_init=1, random_state=0, max_iter=100).fit(vecs)
        ids.append(km.labels_)
        print(f"k={k}: inertia {km.inertia_:.1f}", file=sys.stderr)
    with open(out, "w", encoding="utf-8") as f:
        for n in sorted(range(len(words)), key=lambda n: words[n]):
            if "\t" in words[n]:
                continue
            f.write(words[n] + "".join(f"\t{c[n]}" for c in ids) + "\n")
    print(f"{len(words)} words", file=sys.stderr)


if __name__ == "__main__":
    main()
