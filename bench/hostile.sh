#!/usr/bin/env bash
# Hostile inputs of issue 14, generated here, each ingested into a fresh store with time and peak
# memory (GNU time). Rows that grow with size run at 1×, 2×, 4× and 8× and print the growth ratio
# of each doubling (≈ 2 is linear).
#
#   bench/hostile.sh                 (STORYLINE=path/to/storyline to use another build;
#                                     default target/release/storyline, built when missing)
#
# Every run is bounded by `timeout` (TIMEOUT seconds, default 120), so a regression shows as a
# time-out row, not a hung script. Needs python3 and GNU time (/usr/bin/time). Then the analysis
# rows of bench/analysis.sh (ANALYSIS_ROWS, default all), so every row of the issue's table
# prints its growth at 1×, 2×, 4× and 8×.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN="${STORYLINE:-target/release/storyline}"
TIMEOUT="${TIMEOUT:-120}"
if [ ! -x "$BIN" ]; then cargo build --release --bin storyline; fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# run LABEL ARGS… : one ingest into a fresh store; prints seconds, peak MB, exit status, summary.
run() {
    local label="$1"; shift
    rm -rf "$WORK/s.db"*
    /usr/bin/time -f "%e %M" -o "$WORK/time" timeout "$TIMEOUT" \
        "$BIN" --db "$WORK/s.db" ingest "$@" >/dev/null 2>"$WORK/err"
    local code=$?
    # GNU time writes "Command exited with non-zero status N" first when the command failed.
    read -r secs kb < <(tail -n 1 "$WORK/time") || { secs=NA; kb=0; }
    case "$kb" in '' | *[!0-9]*) secs=NA; kb=0 ;; esac
    local summary
    summary="$(grep -E '^ingested' "$WORK/err" | tail -1)"
    [ "$code" = 124 ] && summary="TIMED OUT after ${TIMEOUT}s"
    printf '%-44s %8ss %7d MB  exit %-3s %s\n' "$label" "$secs" "$((kb / 1024))" "$code" "$summary"
    LAST_SECS="$secs"
}

ARTICLE='Ferry terminal NUM to close

The harbour council of Velmora voted on Tuesday to close the old ferry terminal NUM by the end of the year, ending a service that has run since 1921.'

echo "== directory walks"
mkdir -p "$WORK/loop"
for i in 1 2 3; do echo "${ARTICLE//NUM/$i}" >"$WORK/loop/a$i.txt"; done
ln -s . "$WORK/loop/x"; ln -s . "$WORK/loop/y"
run "two symlink loops (x -> ., y -> .)" "$WORK/loop"
mkdir -p "$WORK/fifo"
echo "${ARTICLE//NUM/1}" >"$WORK/fifo/a.txt"; mkfifo "$WORK/fifo/b.pipe"
echo "${ARTICLE//NUM/2}" >"$WORK/fifo/c.txt"
run "a FIFO beside two files" "$WORK/fifo"

echo "== records, not files"
python3 - "$WORK" <<'PY'
import gzip, json, sys
w = sys.argv[1]
rec = lambda i: json.dumps({"title": f"Bridge repairs begin {i}", "text": f"Crews began repairing the Oster bridge number {i} on Monday, the city said in a statement."})
open(f"{w}/header.jsonl", "w").write("id,title,text\n" + "\n".join(rec(i) for i in range(3)) + "\n")
open(f"{w}/mostly-bad.jsonl", "w").write("\n".join([rec(1), "oops", "{\"text\": \"cut", "[]", rec(2), "nope"]) + "\n")
def warc(i, corrupt=False):
    body = f"<html><head><title>Story {i}</title></head><body><article><p>The pier number {i} of Velmora reopened on Friday after repairs that took four months, the harbour authority said.</p><p>Boats will moor there again from Monday, officials said.</p></article></body></html>".encode()
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    length = b"Content-Lngth" if corrupt else b"Content-Length"
    return (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://pier.example/%d\r\n"
            b"Content-Type: application/http; msgtype=response\r\n%s: %d\r\n\r\n" % (i, length, len(block))) + block + b"\r\n\r\n"
open(f"{w}/corrupt.warc", "wb").write(warc(0) + warc(1, True) + warc(2))
# One record of endless header lines: ~3.3 GB decompressed from a few MB.
line = b"X-Filler: " + b"a" * 100 + b"\r\n"
with gzip.open(f"{w}/headers.warc.gz", "wb", compresslevel=9) as f:
    f.write(b"WARC/1.0\r\nWARC-Type: response\r\n")
    chunk = line * 100_000
    for _ in range(300):
        f.write(chunk)
PY
run "JSONL with a header line (3 records)" "$WORK/header.jsonl"
run "JSONL, 2 good lines of 6" "$WORK/mostly-bad.jsonl"
run "WARC, corrupt middle record of 3" "$WORK/corrupt.warc"
run "WARC of endless header lines (3.3 GB)" "$WORK/headers.warc.gz"

echo "== growth (time per doubling: ≈ 2 is linear)"
# scale NAME GENERATOR : GENERATOR N writes the input for size N to stdout.
scale() {
    local name="$1" gen="$2" prev=""
    for k in 1 2 4 8; do
        "$gen" "$k" >"$WORK/in.$k"
        run "$name ×$k" "$WORK/in.$k"
        if [ -n "$prev" ] && [ "$LAST_SECS" != NA ]; then
            python3 -c "print(f'{\"\":44} growth {max($LAST_SECS,0.01)/max($prev,0.01):.2f}')"
        fi
        prev="$LAST_SECS"
        rm -f "$WORK/in.$k"
    done
}
feed_links() {
    python3 - "$1" <<'PY'
import sys
n = 12_500 * int(sys.argv[1])
items = "".join(f"<item><title>T{i}</title><link>https://ledger.example/{i}</link></item>" for i in range(n))
print(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Ledger</title>{items}</channel></rss>')
PY
}
long_title() {
    python3 - "$1" <<'PY'
import json, sys
n = 5_000 * int(sys.argv[1])
title = "a" * (n - 1) + "b"
body = "The harbour council of Velmora voted on Tuesday to close the old ferry terminal.\n\n"
print(json.dumps({"title": title, "text": body + "a" * n + title + "The Daily CourierMaria Lopez"}))
PY
}
nested_divs() {
    python3 - "$1" <<'PY'
import sys
depth = 12_500 * int(sys.argv[1])
body = "".join(f"<p>The harbour council of Velmora voted on Tuesday to close the old ferry terminal number {i}.</p>" for i in range(5))
print(f"<html><head><title>Ferry terminal to close</title></head><body>{'<div>' * depth}{body}{'</div>' * depth}</body></html>")
PY
}
scale "nested <div>s (12,500 deep each)" nested_divs
scale "feed of link-only entries (12,500 each)" feed_links
scale "title of 5,000 chars, trailer line" long_title

# The analysis rows (quotations, nested <div>s, one endless sentence, stray quote marks,
# news-like articles up to 16 MB) with memory per input byte: bench/analysis.sh, same growth
# table. ANALYSIS_ROWS picks rows ("" skips them).
echo "== analysis rows (bench/analysis.sh)"
ANALYSIS_ROWS="${ANALYSIS_ROWS-quotes divs sentence stray article}"
# shellcheck disable=SC2086
[ -n "$ANALYSIS_ROWS" ] && TIMEOUT="$TIMEOUT" bench/analysis.sh $ANALYSIS_ROWS
