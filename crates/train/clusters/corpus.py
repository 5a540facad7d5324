#!/usr/bin/env python3
"""Unlabelled news text for the tagger's word clusters: one JSON line {"text": ...} per document.

    python3 crates/train/clusters/corpus.py ../shared/data > /tmp/news.jsonl

Reads Reuters-21578 (`bench/reuters21578/*.sgm`, the <BODY> of each story), the Multi-News
validation documents (`summaries/multinews_val.jsonl`) and the Timeline17 input articles
(`timelines/timeline17/*/InputDocs/*/*.txt`) and the PolNeAR training articles
(`quotes/polnear/train/text/*.txt`). The CoNLL-2003 files are not read: their test
text must stay unseen. Standard library only.
"""

import glob
import html
import json
import os
import re
import sys


def reuters(root):
    body = re.compile(r"<BODY>(.*?)</BODY>", re.S)
    for path in sorted(glob.glob(os.path.join(root, "bench/reuters21578/*.sgm"))):
        raw = open(path, encoding="latin-1").read()
        for m in body.finditer(raw):
            # Hard-wrapped lines; a paragraph starts with an indented line.
            text = html.unescape(m.group(1)).replace("\x03", "")
            yield re.sub(r"\n(?=\S)", " ", text)


def multinews(root):
    with open(os.path.join(root, "summaries/multinews_val.jsonl"), encoding="utf-8") as f:
        for line in f:
            for doc in json.loads(line).get("documents", []):
                yield doc


def timeline17(root):
    for path in sorted(glob.glob(os.path.join(root, "timelines/timeline17/*/InputDocs/*/*.txt"))):
        yield open(path, encoding="utf-8", errors="replace").read()


def polnear(root):
    for path in sorted(glob.glob(os.path.join(root, "quotes/polnear/train/text/*.txt"))):
        yield open(path, encoding="utf-8", errors="replace").read()


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
    n = 0
    for source in (reuters, multinews, timeline17, polnear):
        for text in source(root):
            if text.strip():
                sys.stdout.write(json.dumps({"text": text}) + "\n")
                n += 1
    print(f"{n} documents", file=sys.stderr)


if __name__ == "__main__":
    main()
