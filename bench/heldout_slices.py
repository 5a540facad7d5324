#!/usr/bin/env python3
"""Kept-apart slices of the development data for issue 15 (analysis that generalises).

The test splits of TempEval-3 (platinum) and PolNeAR are not in ../shared/data, so a slice of
the data at hand is kept apart instead: a document is held out when the MD5 of its file name
(without directory; PolNeAR: without `.txt`) is 0 modulo 5. Rules were developed looking only at
the errors of the other documents ("work" slices); the held-out slices were scored once before
and once after the work, never inspected.

    python3 bench/heldout_slices.py OUT_DIR     # e.g. /tmp/ev
    storyline eval temporal --data OUT_DIR/tbaq_held
    storyline eval quotes --data OUT_DIR/pn_trainB

Creates symbolic links only (nothing is copied): OUT_DIR/tbaq_work (198 documents), tbaq_held
(58), pn_trainA (663 PolNeAR train articles), pn_trainB (177), each PolNeAR slice with its
metadata.tsv.
"""
import glob
import hashlib
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data")


def held(name):
    return int(hashlib.md5(name.encode()).hexdigest(), 16) % 5 == 0


def link(src, dst):
    if not os.path.exists(dst):
        os.symlink(os.path.abspath(src), dst)


def main(out):
    for d in ("tbaq_work", "tbaq_held"):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    for f in sorted(glob.glob(os.path.join(ROOT, "temporal/tbaq/*/*.tml"))):
        b = os.path.basename(f)
        link(f, os.path.join(out, "tbaq_held" if held(b) else "tbaq_work", b))
    train = os.path.join(ROOT, "quotes/polnear/train")
    for d in ("pn_trainA", "pn_trainB"):
        for sub in ("text", "attributions"):
            os.makedirs(os.path.join(out, d, sub), exist_ok=True)
        link(os.path.join(ROOT, "quotes/polnear/metadata.tsv"), os.path.join(out, d, "metadata.tsv"))
    for f in sorted(glob.glob(os.path.join(train, "text/*.txt"))):
        stem = os.path.basename(f)[:-4]
        d = os.path.join(out, "pn_trainB" if held(stem) else "pn_trainA")
        link(f, os.path.join(d, "text", stem + ".txt"))
        for a in glob.glob(os.path.join(train, "attributions", stem + "_*.ann")):
            link(a, os.path.join(d, "attributions", os.path.basename(a)))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
