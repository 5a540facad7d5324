#!/usr/bin/env bash
# HTTP load on `storyline serve` over a store of Reuters-21578 (about 19,000 wire stories with a
# body): requests/s and latency (p50, p99) at 64 concurrent connections for the story list, one
# story (its JSON, its page — the report cached by the first request), one article, an entity's
# stories and a search, measured with wrk (Debian: `apt-get install wrk`).
#
#   bench/serve.sh [REUTERS_DIR]        (default: ../shared/data/bench/reuters21578)
#
# The store and its search index are built once under $BENCH_STORE (default
# target/bench-serve/reuters.db; delete it to rebuild) by `storyline ingest`, which also brings
# the search index up to date. Each endpoint gets a short warm-up then $BENCH_SECONDS (default 10)
# seconds of load from $BENCH_THREADS wrk threads (default 2) on $BENCH_CONNECTIONS connections
# (default 64). The server and wrk share the machine: on 2 cores the figures are a floor.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${1:-../shared/data/bench/reuters21578}"
STORE="${BENCH_STORE:-target/bench-serve/reuters.db}"
SECONDS_EACH="${BENCH_SECONDS:-10}"
THREADS="${BENCH_THREADS:-2}"
CONNECTIONS="${BENCH_CONNECTIONS:-64}"
PORT="${BENCH_PORT:-18080}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }

cargo build --release --locked --quiet
BIN=target/release/storyline
if [ ! -e "$STORE" ]; then
    mkdir -p "$(dirname "$STORE")"
    JSONL="$(mktemp --suffix=.jsonl)"
    python3 bench/reuters_jsonl.py "$DATA" "$JSONL"
    echo "building the store: $(wc -l < "$JSONL") records into $STORE" >&2
    /usr/bin/time -f "ingest: %e s, %M KB peak" "$BIN" --db "$STORE" ingest "$JSONL" >&2 || true
    rm -f "$JSONL"
fi

"$BIN" --db "$STORE" serve --addr "127.0.0.1:$PORT" >/dev/null 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do
    curl -fs "$BASE/api/v1/stories?limit=1" >/dev/null 2>&1 && break
    sleep 0.2
done

json() { curl -fs "$BASE$1"; }
STORY=$(json "/api/v1/stories?sort=size&limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["stories"][0]["id"])')
ARTICLE=$(json "/api/v1/stories/$STORY/articles" | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"][0]["id"])')
entity() { # OFFSET: the id, name and number of articles of the entity at OFFSET
    json "/api/v1/entities?limit=1&offset=$1" | python3 -c 'import json,sys; e=json.load(sys.stdin)["entities"][0]; print(e["id"], e["name"], "-", e["articles"], "articles")'
}
TOP=$(entity 0)    # the most named (in Reuters: the dateline's "Reuter", in nearly every article)
TYPICAL=$(entity 50)
echo "store: $STORE; largest story $STORY, article $ARTICLE; entities: $TOP; $TYPICAL"
json "/api/v1/stories/$STORY" >/dev/null   # computes and caches the report

printf '%-34s %10s %10s %10s %8s\n' endpoint "req/s" p50 p99 errors
load() { # LABEL PATH
    wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "$BASE$2" >/dev/null 2>&1 || true
    local out
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency "$BASE$2")
    local rps p50 p99 errors
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    errors=$(awk '/Non-2xx|Socket errors/ {e = e $0 "; "} END {print (e == "" ? "0" : e)}' <<<"$out")
    printf '%-34s %10s %10s %10s %8s\n' "$1" "$rps" "$p50" "$p99" "$errors"
}
load "story list (JSON)" "/api/v1/stories?limit=20"
load "front page (HTML)" "/"
load "one story (JSON, cached report)" "/api/v1/stories/$STORY"
load "one story (page)" "/stories/$STORY"
load "one article (JSON)" "/api/v1/articles/$ARTICLE"
load "50th entity's stories (JSON)" "/api/v1/entities/${TYPICAL%% *}/stories"
load "entity lookup (JSON)" "/api/v1/entities?q=bank"
load "search (JSON)" "/api/v1/search?q=oil+prices"
load "search page (HTML)" "/search?q=oil+prices"
# Last: its queue of slow requests outlives the run (a store call finishes after its timeout).
load "most named entity's stories" "/api/v1/entities/${TOP%% *}/stories"
