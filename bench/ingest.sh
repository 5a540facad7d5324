#!/usr/bin/env bash
# End-to-end ingest throughput: Storyline (parse, clean, NER, dates, quotes, events, copies,
# stories, SQLite store) with 1 thread and with every core, beside the Python reference pipeline
# (../shared/bench/reference_pipeline: regex tokens + MinHash/LSH + TF-IDF clustering, no NER) on
# the same records, in one run (the machine is noisy: compare ratios within a run).
#
#   bench/ingest.sh [REUTERS_DIR [TIMELINE17_DIR]]
#       (defaults: ../shared/data/bench/reuters21578, ../shared/data/timelines/timeline17)
#
# Then the same on the Timeline17 input documents (every `*/InputDocs/*/*` file: about 1,100 real
# articles of ~6 KB, far longer than Reuters' wire stories): Storyline ingests the files, 1 thread
# and every core; the reference reads them as JSON Lines (bench/timeline17_jsonl.py).
#
# Reuters-21578's SGML is turned into the JSON Lines records `storyline ingest` reads (title,
# dateline date, body); the reference reads the same JSONL. Prints wall time, articles/s, CPU
# time (user + system: steadier than wall time on a shared machine) and peak memory of each
# whole process. The reference's virtual environment goes to $BENCH_VENV
# (default target/bench-venv; needs PyPI the first time).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${1:-../shared/data/bench/reuters21578}"
T17="${2:-../shared/data/timelines/timeline17}"
REF=../shared/bench/reference_pipeline
VENV="${BENCH_VENV:-target/bench-venv}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

python3 bench/reuters_jsonl.py "$DATA" "$OUT/reuters.jsonl"

cargo build --release --locked --quiet
measure() { # LABEL COMMAND…: wall seconds and peak RSS of the whole process
    # (exit status 1 is accepted when ALLOW_FAILED=1: some inputs failed, e.g. empty files)
    local label=$1; shift
    local status=0
    /usr/bin/time -f "%e %M %U %S" -o "$OUT/time" "$@" > "$OUT/stdout" 2> "$OUT/stderr" || status=$?
    if [ "$status" -ne 0 ] && { [ "$status" -ne 1 ] || [ "${ALLOW_FAILED:-0}" != 1 ]; }; then
        cat "$OUT/stderr" >&2; return 1
    fi
    # time(1) writes "Command exited with non-zero status N" above the figures.
    read -r wall rss user sys < <(tail -n 1 "$OUT/time")
    echo "$label|$wall|$rss|$(echo "$user + $sys" | bc -l)"
}
rows=()
for threads in 1 "$(nproc)"; do
    rm -rf "$OUT"/s.db*
    rows+=("$(measure "storyline ingest, $threads thread(s)" \
        target/release/storyline --db "$OUT/s.db" ingest "$OUT/reuters.jsonl" --threads "$threads" --json)")
    stored=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['ingested'])" "$OUT/stdout")
done
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet -r "$REF/requirements.txt"
fi
rows+=("$(measure "reference pipeline (Python, no NER)" "$VENV/bin/python" "$REF/run.py" "$OUT/reuters.jsonl")")
records=$(wc -l < "$OUT/reuters.jsonl")


t17_rows=()
t17_records=0
if [ -d "$T17" ]; then
    mapfile -t t17_dirs < <(find "$T17" -mindepth 2 -maxdepth 2 -name InputDocs -type d | sort)
    t17_records=$(find "${t17_dirs[@]}" -type f | wc -l)
    for threads in 1 "$(nproc)"; do
        rm -rf "$OUT"/t.db*
        # 18 of the files are empty: reported as failed inputs, exit status 1.
        t17_rows+=("$(ALLOW_FAILED=1 measure "storyline ingest, $threads thread(s)" \
            target/release/storyline --db "$OUT/t.db" ingest "${t17_dirs[@]}" --threads "$threads" --json)")
    done
    python3 bench/timeline17_jsonl.py "$T17" "$OUT/t17.jsonl"
    t17_rows+=("$(measure "reference pipeline (Python, no NER)" "$VENV/bin/python" "$REF/run.py" "$OUT/t17.jsonl")")
fi

table() { # TITLE RECORDS ROW…
    local title=$1 n=$2; shift 2
    echo
    echo "$title"
    printf '%-40s %8s %12s %8s %10s\n' pipeline "wall s" "records/s" "CPU s" "peak MiB"
    for row in "$@"; do
        IFS='|' read -r label wall rss cpu <<< "$row"
        printf '%-40s %8.1f %12.0f %8.1f %10.0f\n' "$label" "$wall" "$(echo "$n / $wall" | bc -l)" "$cpu" "$(echo "$rss / 1024" | bc -l)"
    done
}
table "Reuters-21578: $records records ($stored stored by Storyline; the rest are exact copies or refused), $(nproc) cores" "$records" "${rows[@]}"
if [ "${#t17_rows[@]}" -gt 0 ]; then
    table "Timeline17 input documents: $t17_records files" "$t17_records" "${t17_rows[@]}"
fi
