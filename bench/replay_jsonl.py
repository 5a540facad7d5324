#!/usr/bin/env python3
"""Replays JSON Lines records (bench/reuters_jsonl.py's) into a long stream of N new articles:
replay k of the corpus moves every date k × SPAN days later and rewrites every word with a
letter rotation and direction of its own (word lengths, capitals, digits and punctuation kept),
so each replay is new content with new vocabulary — new ids, new stories, no copies of the
earlier replays — each replay after the one before in time. Used by bench/stream_memory.sh.

    python3 bench/replay_jsonl.py IN.jsonl N OUT.jsonl
"""
import json, re, sys
from datetime import date, timedelta

WORD = re.compile(r"[A-Za-z]+")


def rotate(word, k):
    """Word `word` in replay `k`: letters rotated by k mod 26 (case kept), reversed in odd
    rounds of 26, and a letter repeated at the end for every further round of 52."""
    if k == 0:
        return word
    r = k % 26
    out = "".join(
        chr((ord(c) - base + r) % 26 + base)
        for c in word
        for base in [65 if c.isupper() else 97]
    )
    if (k // 26) % 2:
        out = out[0] + out[1:][::-1] if len(out) > 1 else out
    return out + out[-1].lower() * (k // 52)


def main():
    src, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    records = [json.loads(l) for l in open(src) if l.strip()]
    days = [date.fromisoformat(r["published"][:10]) for r in records if r.get("published")]
    span = (max(days) - min(days)).days + 1 if days else 366
    written = 0
    with open(out, "w") as f:
        k = 0
        while written < n:
            for r in records:
                if written >= n:
                    break
                r2 = dict(r)
                for key in ("title", "text"):
                    if r2.get(key):
                        r2[key] = WORD.sub(lambda m: rotate(m.group(0), k), r2[key])
                if r2.get("published"):
                    d = date.fromisoformat(r2["published"][:10]) + timedelta(days=k * span)
                    r2["published"] = d.isoformat()
                if r2.get("id"):
                    r2["id"] = f"{r2['id']}-replay{k}"
                f.write(json.dumps(r2) + "\n")
                written += 1
            k += 1
    print(f"{written} records ({k} replays of {len(records)}) -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
