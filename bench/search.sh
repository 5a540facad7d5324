#!/usr/bin/env bash
# Search index build rate and query latency on Reuters-21578 (crates/search/examples/bench_search.rs):
# the records are stored (without analysis) in a fresh SQLite store, the index is built from
# scratch, 1,000 more articles are caught up, and a fixed set of queries runs 50 times each
# through SearchIndex::search (BM25, snippets, facets, stories read from the store).
#
#   bench/search.sh [REUTERS_DIR] [LIMIT]     (default: ../shared/data/bench/reuters21578, all)
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${1:-../shared/data/bench/reuters21578}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
python3 bench/reuters_jsonl.py "$DATA" "$OUT/reuters.jsonl"
cargo run --release --locked --quiet -p storyline-search --example bench_search -- "$OUT/reuters.jsonl" ${2:+"$2"}
