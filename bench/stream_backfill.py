#!/usr/bin/env python3
"""Stories of a labelled stream when one outlet's archive arrives late (a backfill).

Ingests the stream of `../shared/data/clustering/stream` three ways into fresh stores and scores
each against the gold stories with the shared scorer's pairwise and B-cubed F1:

  all-at-once  every record in date order, one ingest (the reference);
  split        every outlet but the last in one ingest, then the last outlet's archive;
  backfill     every outlet but the last in one ingest, then one invented article dated
               `--gap` days after the stream (the feed has moved on), then the last outlet's
               archive in a second ingest;
  archives     each outlet's archive in an ingest of its own, largest first (no gap);
  late-all     the invented later article first, then each outlet's archive as in `archives`:
               every record is late.

`split` and `archives` differ from `all-at-once` by what a batch boundary costs (articles
committed in an earlier ingest never move); `backfill` differs from `split`, and `late-all` from
`archives`, by what being late costs; `+ regroup` is `late-all` after `storyline regroup`.

Usage: python3 bench/stream_backfill.py --bin target/release/storyline [--gap 90] [--no-settle]

`--no-settle` passes `--no-settle` to every ingest: the stories as the runs left them, before
`ingest` regroups the days each run touched.
"""

import argparse
import collections
import datetime
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "shared", "tools"))
import score_stream  # noqa: E402  (the shared scorer's pairwise and B-cubed functions)

STREAM = os.path.join(HERE, "..", "..", "shared", "data", "clustering", "stream")


NO_SETTLE = []


def ingest(binary, db, records, tmp, name):
    path = os.path.join(tmp, name)
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    run = subprocess.run([binary, "ingest", "--db", db, path] + NO_SETTLE, capture_output=True,
                         text=True)
    if run.returncode not in (0, 1):
        raise SystemExit(f"ingest failed ({run.returncode}): {run.stderr[-500:]}")


def stories(binary, db):
    out = subprocess.run([binary, "export", "--db", db, "--format", "jsonl"],
                         capture_output=True, text=True, check=True).stdout
    rows = [json.loads(line) for line in out.splitlines() if line.strip()]
    return {str(r.get("input_id")): r.get("story") or r["id"] for r in rows}


def later_article(day):
    """An invented article of another topic, dated `day`: the stream has moved on."""
    return {"id": "later", "source": "Harbour Gazette", "published": day.isoformat(),
            "title": "Council approves a new ferry timetable",
            "text": "The harbour council approved a new ferry timetable on Tuesday after a vote "
                    "of nine to two, the council chair said. The first sailings under the new "
                    "timetable start next month, officials said."}


def score(name, predicted, records, gold):
    ids = [r["id"] for r in records]
    pred = {i: predicted.get(i, "missing:" + i) for i in ids}
    truth = {i: gold[i]["story"] for i in ids}
    pp, pr, pf = score_stream.pairwise(pred, truth)
    bp, br, bf = score_stream.bcubed(pred, truth)
    print(f"  {name:<12} story pairs P {pp:.3f} R {pr:.3f} F1 {pf:.3f} | B3 F1 {bf:.3f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/storyline")
    ap.add_argument("--gap", type=int, default=90, help="days between the stream and the later article")
    ap.add_argument("--no-settle", action="store_true", help="ingest with --no-settle")
    args = ap.parse_args()
    if args.no_settle:
        NO_SETTLE.append("--no-settle")
    records = score_stream.read_jsonl(os.path.join(STREAM, "records.jsonl"))
    gold = {g["id"]: g for g in score_stream.read_jsonl(os.path.join(STREAM, "gold.jsonl"))}
    records.sort(key=lambda r: (r.get("published") or "", r["id"]))
    by_outlet = collections.defaultdict(list)
    for r in records:
        by_outlet[r.get("source")].append(r)
    outlets = sorted(by_outlet, key=lambda o: -len(by_outlet[o]))
    last_day = max(datetime.date.fromisoformat(r["published"][:10]) for r in records)
    later = later_article(last_day + datetime.timedelta(days=args.gap))
    print(f"{len(records)} records; outlets {', '.join(f'{o} {len(by_outlet[o])}' for o in outlets)}; "
          f"late outlet: {outlets[-1]}, later article {args.gap} days after the stream")
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "all.db")
        ingest(args.bin, db, records, tmp, "all.jsonl")
        score("all-at-once", stories(args.bin, db), records, gold)

        first = [r for o in outlets[:-1] for r in by_outlet[o]]
        first.sort(key=lambda r: (r.get("published") or "", r["id"]))
        for name, gap in (("split", False), ("backfill", True)):
            db = os.path.join(tmp, name + ".db")
            ingest(args.bin, db, first, tmp, "first.jsonl")
            if gap:
                ingest(args.bin, db, [later], tmp, "later.jsonl")
            ingest(args.bin, db, by_outlet[outlets[-1]], tmp, "late.jsonl")
            score(name, stories(args.bin, db), records, gold)

        for name, first_later in (("archives", False), ("late-all", True)):
            db = os.path.join(tmp, name + ".db")
            if first_later:
                ingest(args.bin, db, [later], tmp, "later.jsonl")
            for i, o in enumerate(outlets):
                ingest(args.bin, db, by_outlet[o], tmp, f"outlet{i}.jsonl")
            score(name, stories(args.bin, db), records, gold)
        subprocess.run([args.bin, "regroup", "--db", db], capture_output=True, check=True)
        score("+ regroup", stories(args.bin, db), records, gold)


if __name__ == "__main__":
    main()
