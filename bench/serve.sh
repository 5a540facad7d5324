#!/usr/bin/env bash
# HTTP load on `storyline serve`: requests/s and latency (p50, p99) at 64 concurrent connections
# for the story list, one story (its JSON, its page — the report cached by the first request),
# one article, an entity's stories and a search, measured with wrk (Debian: `apt-get install wrk`).
#
#   bench/serve.sh                       the issue's store: >= 100,000 articles (below)
#   BENCH_CORPUS=reuters bench/serve.sh  Reuters-21578 alone (about 19,000 articles; quicker)
#
# The large corpus is Reuters-21578 and the Multi-News validation articles (about 34,400 with a
# body, from ../shared/data), each also carried by three invented syndicating outlets
# (bench/serve_corpus.py: a copy per outlet, linked to its original by grouping): 137,440
# records, 131,956 stored (the rest are pages of nothing but site notices, or the same document
# twice); $BENCH_ARTICLES (default 100000) sets the least. The store and its search
# index are built once, by `storyline ingest --threads $BENCH_INGEST_THREADS` (default 2, which
# also brings the index up to date), under $BENCH_STORE (default target/bench-serve/large.db or
# reuters.db; delete it to rebuild; an existing store is reused as it is). Each endpoint gets a
# short warm-up then $BENCH_SECONDS (default 10) seconds of load from $BENCH_THREADS wrk threads
# (default 2) on $BENCH_CONNECTIONS connections (default 64). The server and wrk share the
# machine: on 2 cores the figures are a floor.
set -euo pipefail
cd "$(dirname "$0")/.."
REUTERS="${BENCH_REUTERS:-../shared/data/bench/reuters21578}"
MULTINEWS="${BENCH_MULTINEWS:-../shared/data/summaries/multinews_val.jsonl}"
CORPUS="${BENCH_CORPUS:-large}"
case "$CORPUS" in
    large) STORE="${BENCH_STORE:-target/bench-serve/large.db}" ;;
    reuters) STORE="${BENCH_STORE:-target/bench-serve/reuters.db}" ;;
    *) echo "BENCH_CORPUS: large or reuters, not $CORPUS" >&2; exit 2 ;;
esac
SECONDS_EACH="${BENCH_SECONDS:-10}"
THREADS="${BENCH_THREADS:-2}"
CONNECTIONS="${BENCH_CONNECTIONS:-64}"
PORT="${BENCH_PORT:-18080}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }

# $BENCH_BIN: another build to measure (an earlier commit's binary, say); default this tree's.
BIN="${BENCH_BIN:-target/release/storyline}"
[ -n "${BENCH_BIN:-}" ] || cargo build --release --locked --quiet
if [ ! -e "$STORE" ]; then
    mkdir -p "$(dirname "$STORE")"
    JSONL="$(mktemp -d)"
    if [ "$CORPUS" = large ]; then
        python3 bench/serve_corpus.py "$REUTERS" "$MULTINEWS" "$JSONL" "${BENCH_ARTICLES:-100000}"
    else
        python3 bench/reuters_jsonl.py "$REUTERS" "$JSONL/reuters.jsonl"
    fi
    echo "building the store: $(cat "$JSONL"/*.jsonl | wc -l) records into $STORE" >&2
    /usr/bin/time -f "ingest: %e s, %M KB peak" \
        "$BIN" --db "$STORE" ingest "$JSONL" --threads "${BENCH_INGEST_THREADS:-2}" >&2 || true
    rm -rf "$JSONL"
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
first() { # FIELD: the first listed item's FIELD
    python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[sys.argv[1]][0]["id"])' "$1"
}
STORY=$(json "/api/v1/stories?sort=size&limit=1" | first stories)
TYPICAL_STORY=$(json "/api/v1/stories?limit=1&offset=1000" | first stories)
ARTICLE=$(json "/api/v1/stories/$STORY/articles" | first articles)
entity() { # OFFSET: the id, name and number of articles of the entity at OFFSET
    json "/api/v1/entities?limit=1&offset=$1" | python3 -c 'import json,sys; e=json.load(sys.stdin)["entities"][0]; print(e["id"], e["name"], "-", e["articles"], "articles")'
}
TOP=$(entity 0)    # the most named (in Reuters: the dateline's "Reuter", in nearly every article)
TYPICAL=$(entity 50)
ARTICLES=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True).execute("SELECT COUNT(*) FROM articles").fetchone()[0])' "$STORE")
echo "store: $STORE ($ARTICLES articles); largest story $STORY" \
     "($(json "/api/v1/stories/$STORY/articles" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["articles"]))') articles)," \
     "1001st newest story $TYPICAL_STORY, article $ARTICLE; entities: $TOP; $TYPICAL"
for s in "$STORY" "$TYPICAL_STORY"; do json "/api/v1/stories/$s" >/dev/null; done # caches the reports

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
load "1001st story (JSON, cached report)" "/api/v1/stories/$TYPICAL_STORY"
load "1001st story (page)" "/stories/$TYPICAL_STORY"
load "one article (JSON)" "/api/v1/articles/$ARTICLE"
load "50th entity's stories (JSON)" "/api/v1/entities/${TYPICAL%% *}/stories"
load "entity lookup (JSON)" "/api/v1/entities?q=bank"
load "search (JSON)" "/api/v1/search?q=oil+prices"
load "search page (HTML)" "/search?q=oil+prices"
# Last: its queue of slow requests outlives the run (a store call finishes after its timeout).
load "most named entity's stories" "/api/v1/entities/${TOP%% *}/stories"
