#!/usr/bin/env python3
"""Reuters-21578 SGML -> the JSON Lines records `storyline ingest` reads (title, "Reuters",
dateline date, body); records without a body are skipped. Used by bench/ingest.sh and
bench/search.sh; bench/serve_corpus.py imports `reuters_records`.

    python3 bench/reuters_jsonl.py REUTERS_DIR OUT.jsonl
"""
import glob, html, json, os, re, sys
from datetime import datetime

REC = re.compile(r"<REUTERS\b.*?</REUTERS>", re.S)


def field(tag, r):
    m = re.search(rf"<{tag}>(.*?)</{tag}>", r, re.S)
    return m and html.unescape(m.group(1)).strip()


def reuters_records(src):
    """The records of every `reut2-*.sgm` file under `src` that has a body, in file order."""
    for path in sorted(glob.glob(os.path.join(src, "reut2-*.sgm"))):
        for r in REC.findall(open(path, encoding="latin-1").read()):
            body = field("BODY", r)
            if not body:
                continue
            date = field("DATE", r) or ""
            try:
                published = datetime.strptime(date.split(".")[0], "%d-%b-%Y %H:%M:%S").date().isoformat()
            except ValueError:
                published = None
            yield {"title": field("TITLE", r), "source": "Reuters", "published": published,
                   "text": body}


if __name__ == "__main__":
    src, out = sys.argv[1], sys.argv[2]
    n = 0
    with open(out, "w", encoding="utf-8") as f:
        for record in reuters_records(src):
            f.write(json.dumps(record) + "\n")
            n += 1
    print(f"{n} Reuters records with a body -> JSONL", file=sys.stderr)
