#!/usr/bin/env bash
# The distributed mode (NATS JetStream work stream, stateless workers, one committer) on this
# machine, on the first N (default 10,000) Reuters-21578 records split into inputs of 100:
#
#   1. one process (`storyline ingest --threads 1|2`) into SQLite and into PostgreSQL;
#   2. workers (1, 2, 3) and the committer running together into PostgreSQL, and 2 workers into
#      SQLite: wall time until every input is committed, articles/s, peak memory of each process;
#      the 3-worker store's `export` and `stories --json` are compared with the one-process
#      SQLite store's (they must be equal: inputs are committed in the order they were published);
#   3. the committer's own ceiling: the workers run first, then the committer alone, into
#      PostgreSQL and into SQLite;
#   4. stream lag under a sustained publish rate: one input of 100 records every 1/RATE*100 s for
#      60 s (RATE, default 150 articles/s) with 1 worker and the committer, the committer's lag
#      (inputs published and not committed) sampled every second.
#
#   bench/distributed.sh [REUTERS_DIR]      (default ../shared/data/bench/reuters21578)
#   env: N (records), RATE (articles/s for step 4), STORYLINE_BENCH_POSTGRES (a server URL,
#        default postgres://postgres@127.0.0.1:5432/test: a database of the bench's own is
#        created there and dropped at the end)
#
# The NATS server is one of the bench's own (`nats-server -js` on a free port, its store in a
# temporary directory), so the bench leaves no streams behind. Release build. The machine is
# noisy: compare rows within one run.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${1:-../shared/data/bench/reuters21578}"
N="${N:-10000}"
RATE="${RATE:-150}"
PG_ADMIN="${STORYLINE_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/test}"
BIN=target/release/storyline
OUT="$(mktemp -d)"
PGDB="storyline_bench_$$"
PG="${PG_ADMIN%/*}/$PGDB"
NATS_PID=
cleanup() {
    jobs -p | xargs -r kill 2>/dev/null || true
    [ -n "$NATS_PID" ] && kill "$NATS_PID" 2>/dev/null || true
    psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$OUT"
}
trap cleanup EXIT

cargo build --release --locked --quiet
python3 bench/reuters_jsonl.py "$DATA" "$OUT/reuters.jsonl"
mkdir "$OUT/in"
head -n "$N" "$OUT/reuters.jsonl" | split -l 100 -d -a 4 --additional-suffix=.jsonl - "$OUT/in/r"
INPUTS=$(ls "$OUT/in" | wc -l)
psql -q "$PG_ADMIN" -c "CREATE DATABASE $PGDB" >/dev/null

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
nats-server -a 127.0.0.1 -p "$PORT" -js -sd "$OUT/nats" > /dev/null 2>&1 &
NATS_PID=$!
for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
NATS="nats://127.0.0.1:$PORT"

now() { date +%s.%N; }
rate() { echo "$N / $1" | bc -l | xargs printf '%.0f'; }
mib() { echo "$1 / 1024" | bc -l | xargs printf '%.0f'; }

# A storyline process in the background under /usr/bin/time: NAME ARGS...
start() {
    local name=$1; shift
    /usr/bin/time -f "%e %M" -o "$OUT/$name.time" "$BIN" "$@" > "$OUT/$name.out" 2> "$OUT/$name.err" &
    echo $! > "$OUT/$name.pid"
}
# SIGTERM to the storyline process (the child of time), then wait (in this shell: it is its child).
stop() {
    local name=$1 tpid child
    tpid=$(cat "$OUT/$name.pid")
    child=$(pgrep -P "$tpid" || true)
    if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null || true; fi
    wait "$tpid" || { cat "$OUT/$name.err" >&2; return 1; }
}
peak() { mib "$(tail -n 1 "$OUT/$1.time" | cut -d' ' -f2)"; } # NAME: its peak MiB
status() { # DB STREAM FIELD (committer_lag, inputs_last, ...)
    "$BIN" --db "$1" status --from "$2" --json | python3 -c "import json,sys; print(json.load(sys.stdin)['stream']['$3'])"
}
wait_committed() { # DB STREAM
    while [ "$(status "$1" "$2" committer_lag)" != 0 ]; do sleep 0.3; done
}

rows=()
# 1. One process.
for threads in 1 2; do
    for store in sqlite postgres; do
        if [ "$store" = sqlite ]; then db="$OUT/one$threads.db"; else db="$PG?schema=one$threads"; fi
        /usr/bin/time -f "%e %M" -o "$OUT/t" "$BIN" --db "$db" ingest "$OUT/in" --threads "$threads" --no-index > /dev/null
        read -r wall rss < <(tail -n 1 "$OUT/t")
        rows+=("one process, $threads thread(s), $store|$wall|$(rate "$wall")|$(mib "$rss")")
    done
done

# 2. Workers and the committer together.
distributed() { # WORKERS STORE(sqlite|postgres) NAME
    local n=$1 store=$2 name=$3 db stream t0 t1 peaks=() i
    if [ "$store" = sqlite ]; then db="$OUT/$name.db"; else db="$PG?schema=$name"; fi
    stream="$NATS?prefix=$name"
    "$BIN" --db "$db" status > /dev/null # creates the store before the processes share it
    local p0; p0=$(now)
    "$BIN" ingest "$OUT/in" --to "$stream" > /dev/null 2>&1
    publish=$(echo "$(now) - $p0" | bc -l)
    t0=$(now)
    for i in $(seq 1 "$n"); do start "$name-w$i" worker --from "$stream"; done
    start "$name-c" --db "$db" committer --from "$stream"
    wait_committed "$db" "$stream"
    if [ "$name" = d3 ]; then
        size=$(psql -tA "$PG" -c "SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'd3' AND c.relkind = 'r'")
    fi
    t1=$(now)
    for i in $(seq 1 "$n"); do stop "$name-w$i"; peaks+=("$(peak "$name-w$i")"); done
    stop "$name-c"
    local cpeak; cpeak=$(peak "$name-c")
    local wall; wall=$(echo "$t1 - $t0" | bc -l)
    rows+=("$n worker(s) + committer, $store|$(printf '%.1f' "$wall")|$(rate "$wall")|workers ${peaks[*]}, committer $cpeak")
    printf 'published %s inputs (%s records) in %.1f s\n' "$INPUTS" "$N" "$publish" > "$OUT/publish.txt"
    LAST_DB=$db
}
distributed 1 postgres d1
distributed 2 postgres d2
distributed 2 sqlite d2s
distributed 3 postgres d3
"$BIN" --db "$LAST_DB" export --format jsonl > "$OUT/d3.export"
"$BIN" --db "$OUT/one2.db" export --format jsonl > "$OUT/one.export"
"$BIN" --db "$LAST_DB" stories --json --limit 1000000 > "$OUT/d3.stories"
"$BIN" --db "$OUT/one2.db" stories --json --limit 1000000 > "$OUT/one.stories"
if cmp -s "$OUT/d3.export" "$OUT/one.export" && cmp -s "$OUT/d3.stories" "$OUT/one.stories"; then
    equal="equal"
else
    equal="DIFFERENT ($(diff "$OUT/d3.export" "$OUT/one.export" | grep -c '^<') export lines differ)"
fi

# 3. The committer alone, everything prepared already.
ceiling() { # STORE NAME
    local store=$1 name=$2 db stream
    if [ "$store" = sqlite ]; then db="$OUT/$name.db"; else db="$PG?schema=$name"; fi
    stream="$NATS?prefix=$name"
    "$BIN" ingest "$OUT/in" --to "$stream" > /dev/null 2>&1
    start "$name-w1" worker --from "$stream" --until-idle
    start "$name-w2" worker --from "$stream" --until-idle
    wait "$(cat "$OUT/$name-w1.pid")" "$(cat "$OUT/$name-w2.pid")"
    /usr/bin/time -f "%e %M" -o "$OUT/t" "$BIN" --db "$db" committer --from "$stream" --until-idle > /dev/null 2>&1
    read -r wall rss < <(tail -n 1 "$OUT/t")
    # --until-idle waits one idle pull (1 s) before it stops.
    wall=$(echo "$wall - 1" | bc -l)
    rows+=("committer alone, $store|$(printf '%.1f' "$wall")|$(rate "$wall")|$(mib "$rss")")
}
ceiling postgres c1
ceiling sqlite c1s

# 4. Lag under a sustained publish rate.
stream="$NATS?prefix=lag"
db="$PG?schema=lag"
period=$(echo "100 / $RATE" | bc -l)
"$BIN" --db "$db" status > /dev/null
start lag-w1 worker --from "$stream"
start lag-c --db "$db" committer --from "$stream"
: > "$OUT/lag.samples"
sampler() {
    while :; do
        status "$db" "$stream" committer_lag >> "$OUT/lag.samples" 2>/dev/null || true
        sleep 1
    done
}
p0=$(now)
i=0
for f in "$OUT"/in/*.jsonl; do
    "$BIN" ingest "$f" --to "$stream" > /dev/null 2>&1
    [ "$i" = 0 ] && { sampler & SAMPLER=$!; }
    i=$((i + 1))
    [ "$i" -ge 60 ] || [ "$(echo "$(now) - $p0 > 60" | bc)" = 1 ] && break
    sleep "$(echo "$p0 + $i * $period - $(now)" | bc -l | awk '{print ($1 > 0) ? $1 : 0}')"
done
published_for=$(echo "$(now) - $p0" | bc -l)
d0=$(now)
wait_committed "$db" "$stream"
drain=$(echo "$(now) - $d0" | bc -l)
kill "$SAMPLER" 2>/dev/null || true
stop lag-w1; stop lag-c
wpeak=$(peak lag-w1); cpeak=$(peak lag-c)
lag_stats=$(sort -n "$OUT/lag.samples" | awk '{s += $1; a[NR] = $1} END {printf "mean %.1f, median %d, max %d inputs", s / NR, a[int((NR + 1) / 2)], a[NR]}')

echo
cat "$OUT/publish.txt"
echo "Reuters-21578, first $N records in $INPUTS inputs of 100, $(nproc) cores"
printf '%-44s %8s %10s  %s\n' run "wall s" "records/s" "peak MiB"
for row in "${rows[@]}"; do
    IFS='|' read -r label wall r peak <<< "$row"
    printf '%-44s %8.1f %10s  %s\n' "$label" "$wall" "$r" "$peak"
done
echo "3 workers + committer (PostgreSQL) vs one process (SQLite): export and stories $equal; PostgreSQL store (tables, indexes, TOAST): $size for $N records"
printf 'sustained publish, %s articles/s for %.0f s (%d inputs), 1 worker + committer: committer lag %s; drained %.1f s after the last publish; peak worker %s MiB, committer %s MiB\n' \
    "$RATE" "$published_for" "$i" "$lag_stats" "$drain" "$wpeak" "$cpeak"
