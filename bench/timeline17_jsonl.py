#!/usr/bin/env python3
"""Timeline17 input documents -> JSON Lines records ({"id", "text"}: each file's text as it is),
what the reference pipeline reads; Storyline ingests the files themselves. Used by
bench/ingest.sh.

    python3 bench/timeline17_jsonl.py TIMELINE17_DIR OUT.jsonl
"""
import glob, json, os, sys


def main():
    src, out = sys.argv[1], sys.argv[2]
    paths = sorted(glob.glob(os.path.join(src, "*", "InputDocs", "*", "*")))
    n = 0
    with open(out, "w") as f:
        for p in paths:
            text = open(p, encoding="utf-8", errors="replace").read()
            if not text.strip():
                continue  # the empty files Storyline reports as failed inputs
            f.write(json.dumps({"id": os.path.relpath(p, src), "text": text}) + "\n")
            n += 1
    print(f"{n} Timeline17 documents with text -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
