#!/usr/bin/env python3
"""The load bench's corpus (bench/serve.sh): Reuters-21578 and the Multi-News validation
articles as the JSON Lines records `storyline ingest` reads, each record also carried by
syndicating outlets, up to at least TARGET records (default 100,000).

The two sets hold about 34,400 articles with a body; the issue's bench asks for a store of at
least 100,000. A wire story reprinted by other outlets is what a real news stream is full of, so
each round after the first gives every record again under another outlet name (same title,
date and text): the store holds a new article per copy (ids hash the outlet), grouping links it
to its original as a copy (`duplicate_of`) in the original's story, and the search index holds
every copy. Rounds are interleaved record by record, so copies arrive beside their originals.
Multi-News articles have no title, outlet or date: each is given the outlet "Multi-News" (the
first round) and no date. The records go to OUT_DIR/part-NNN.jsonl, a part ending at about 40 MB
(`storyline ingest` reads files of at most 50 MB).

    python3 bench/serve_corpus.py REUTERS_DIR MULTINEWS_JSONL OUT_DIR [TARGET]
"""
import json, math, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reuters_jsonl import reuters_records  # noqa: E402

reuters_dir, multinews, out = sys.argv[1], sys.argv[2], sys.argv[3]
target = int(sys.argv[4]) if len(sys.argv) > 4 else 100_000
# Invented syndicating outlets, one per extra round.
SYNDICATES = ["Harbour Wire", "Lakeside Daily", "Northgate Herald", "Valley Courier",
              "Ridge Gazette", "Coastline Post", "Meadow Times"]

records = list(reuters_records(reuters_dir))
with open(multinews, encoding="utf-8") as f:
    for line in f:
        for doc in json.loads(line)["documents"]:
            if doc.strip():
                records.append({"source": "Multi-News", "text": doc})
# A tenth more than the target: some records are refused (pages of nothing but site notices) or
# stored already (the same document twice in Multi-News).
rounds = min(1 + len(SYNDICATES), math.ceil(1.1 * target / len(records)))
PART_BYTES = 40 << 20
os.makedirs(out, exist_ok=True)
n, part, f = 0, 0, None
for r in records:
    if f is None or f.tell() > PART_BYTES:
        if f:
            f.close()
        f = open(os.path.join(out, f"part-{part:03}.jsonl"), "w", encoding="utf-8")
        part += 1
    for k in range(rounds):
        copy = dict(r)
        if k:
            copy["source"] = SYNDICATES[k - 1]
        f.write(json.dumps(copy) + "\n")
        n += 1
f.close()
print(f"{len(records)} records x {rounds} outlets = {n} -> {out} ({part} files)", file=sys.stderr)
