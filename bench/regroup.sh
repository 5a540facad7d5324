#!/bin/sh
# Time and peak memory of `storyline regroup` over a large store.
#
#   bench/regroup.sh [COUNT]          (default 100000; 1000000 for the million-article figure)
#
# Builds (once per COUNT) a SQLite store of COUNT articles with
# crates/pipeline/examples/bench_store.rs: the grouping features of Reuters-21578 (dated) and the
# Multi-News validation articles (undated, first replay only), replayed a year apart with their
# own ids and copy fingerprints, grouped as an ingest groups them. The features come from
# bench_grouping's cache (made on the first run: about a minute of analysis). Then times a full
# `storyline regroup` (every day, undated articles too) on a copy of that store with
# /usr/bin/time -v (wall time, peak RSS). Needs ../shared; everything is written under
# ${BENCH_DIR:-/tmp/storyline-bench}.
#
# The store takes about 4 KB an article on disk (1,000,000 articles: about 4 GB); building it
# runs at about 850 articles/s on the 2-core development machine.
set -eu
cd "$(dirname "$0")/.."
count=${1:-100000}
dir=${BENCH_DIR:-/tmp/storyline-bench}
shared=../shared/data
mkdir -p "$dir"
features="$dir/features.jsonl"
store="$dir/regroup-$count.db"

cargo build --release -q -p storyline --bin storyline
cargo build --release -q -p storyline-eval --example bench_grouping
cargo build --release -q -p storyline-pipeline --example bench_store
if [ ! -s "$features" ]; then
    STORYLINE_FEATURES_CACHE="$features" target/release/examples/bench_grouping \
        "$shared/bench/reuters21578" "$shared/summaries/multinews_val.jsonl"
fi
if [ ! -s "$store" ]; then
    rm -f "$store" "$store-wal" "$store-shm"
    target/release/examples/bench_store "$store" "$features" "$count"
fi
# Regroup a copy, so every run starts from the same store.
work="$dir/regroup-work.db"
rm -f "$work" "$work-wal" "$work-shm"
sqlite3 "$store" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null 2>&1 || true
for suffix in "" -wal -shm; do
    if [ -e "$store$suffix" ]; then cp "$store$suffix" "$work$suffix"; fi
done
/usr/bin/time -v target/release/storyline --db "$work" regroup 2>"$dir/regroup-time.txt"
grep -E "regrouped|Elapsed|Maximum resident|User time|System time" "$dir/regroup-time.txt"
