#!/usr/bin/env bash
# Memory over a long stream: one `storyline ingest` process takes N articles (default 100,000)
# replayed from Reuters-21578 with new ids, dates and words (bench/replay_jsonl.py), and its
# resident memory is sampled as the store fills: prints "articles stored, RSS MiB" every
# $EVERY seconds (default 15), then the process's wall time, CPU time and peak RSS.
#
#   bench/stream_memory.sh [N [REUTERS_DIR]]
#   bench/stream_memory.sh 1000000        # the 1M-article stream (about 1 GB of JSONL, hours)
#
# Flat memory means the RSS column stops growing once the working set (the stories of the last
# weeks, the bounded copy archive) is full, however many articles the store holds.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
DATA="${2:-../shared/data/bench/reuters21578}"
EVERY="${EVERY:-15}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

python3 bench/reuters_jsonl.py "$DATA" "$OUT/reuters.jsonl"
python3 bench/replay_jsonl.py "$OUT/reuters.jsonl" "$N" "$OUT/stream.jsonl"
# One input file is at most 50 MB: the stream goes in as a directory of 40 MB files, read in order.
mkdir "$OUT/stream"
split -C 40m -d -a 4 --additional-suffix=.jsonl "$OUT/stream.jsonl" "$OUT/stream/part-"
rm "$OUT/stream.jsonl"
cargo build --release --locked --quiet

/usr/bin/time -f "%e %M %U %S" -o "$OUT/time" \
    target/release/storyline --db "$OUT/s.db" ingest "$OUT/stream" --json \
    > /dev/null 2> "$OUT/stderr" &
pid=$!
stored() { # articles committed so far (the store is read while the ingest writes: WAL)
    python3 -c "import sqlite3,sys
try: print(sqlite3.connect(sys.argv[1], timeout=1).execute('select count(*) from articles').fetchone()[0])
except Exception: print('?')" "$OUT/s.db"
}
printf '%10s %10s %10s\n' "seconds" "stored" "RSS MiB"
start=$SECONDS
while sleep "$EVERY"; do
    child=$(pgrep -P "$pid" -x storyline || true)
    [ -n "$child" ] && [ -r "/proc/$child/status" ] || break
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$child/status" 2> /dev/null || echo 0)
    [ -n "$rss" ] || break
    printf '%10d %10s %10.0f\n' "$((SECONDS - start))" "$(stored)" "$(echo "$rss / 1024" | bc -l)"
done
wait "$pid" || { cat "$OUT/stderr" >&2; exit 1; }
read -r wall peak user sys < <(tail -n 1 "$OUT/time")
printf '%d articles stored: wall %.0f s, CPU %.0f s, peak RSS %.0f MiB\n' \
    "$(stored)" "$wall" "$(echo "$user + $sys" | bc -l)" "$(echo "$peak / 1024" | bc -l)"
