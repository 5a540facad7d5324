#!/usr/bin/env python3
"""Reuters-21578 SGML -> the JSON Lines records `storyline ingest` reads (title, "Reuters",
dateline date, body); records without a body are skipped. Used by bench/ingest.sh and
bench/search.sh.

    python3 bench/reuters_jsonl.py REUTERS_DIR OUT.jsonl
"""
import glob, html, json, os, re, sys
from datetime import datetime
src, out = sys.argv[1], sys.argv[2]
rec = re.compile(r"<REUTERS\b.*?</REUTERS>", re.S)
field = lambda tag, r: (m := re.search(rf"<{tag}>(.*?)</{tag}>", r, re.S)) and html.unescape(m.group(1)).strip()
n = 0
with open(out, "w", encoding="utf-8") as f:
    for path in sorted(glob.glob(os.path.join(src, "reut2-*.sgm"))):
        for r in rec.findall(open(path, encoding="latin-1").read()):
            body = field("BODY", r)
            if not body:
                continue
            date = field("DATE", r) or ""
            try:
                published = datetime.strptime(date.split(".")[0], "%d-%b-%Y %H:%M:%S").date().isoformat()
            except ValueError:
                published = None
            f.write(json.dumps({"title": field("TITLE", r), "source": "Reuters",
                                "published": published, "text": body}) + "\n")
            n += 1
print(f"{n} Reuters records with a body -> JSONL", file=sys.stderr)
