#!/usr/bin/env bash
# Storyline's HTML main-text extraction beside trafilatura (Python), on the same pages, scored by
# the same code (`storyline eval html`, which adds a row per STORYLINE_EVAL_HTML_COMPARE file).
#
#   bench/html_vs_trafilatura.sh [DATA_DIR]      (default: ../shared/data/html)
#
# Creates a virtual environment under $BENCH_VENV (default: target/bench-venv), installs
# trafilatura there, extracts every page with it (timing it), builds Storyline in release mode
# and prints both rows side by side with both speeds. Needs python3 (with venv) and network
# access to PyPI the first time.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${1:-../shared/data/html}"
VENV="${BENCH_VENV:-target/bench-venv}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade pip
    "$VENV/bin/pip" install --quiet trafilatura
fi
"$VENV/bin/python" - "$DATA" "$OUT/trafilatura.json" <<'PY'
import gzip, json, pathlib, sys, time
import trafilatura
data, out = pathlib.Path(sys.argv[1]), sys.argv[2]
gold = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
pages = {}
for p in sorted((data / "pages").iterdir()):
    key = p.name.split(".")[0]
    if key in gold:
        raw = gzip.decompress(p.read_bytes()) if p.name.endswith(".gz") else p.read_bytes()
        pages[key] = raw.decode("utf-8", errors="replace")
t0, c0 = time.perf_counter(), time.process_time()
pred = {}
for key, html in pages.items():
    text = trafilatura.extract(html, url=gold[key].get("url")) or ""
    pred[key] = {"articleBody": text}
secs, cpu = time.perf_counter() - t0, time.process_time() - c0
json.dump(pred, open(out, "w", encoding="utf-8"))
print(f"trafilatura {trafilatura.__version__}: {len(pages)} pages, {len(pages)/secs:.1f} pages/s (one thread, wall clock), {len(pages)/cpu:.1f} pages/s per core (CPU time)", file=sys.stderr)
PY
cargo build --release --quiet
BIN="${CARGO_TARGET_DIR:-target}/release/storyline"
STORYLINE_EVAL_HTML_COMPARE="trafilatura=$OUT/trafilatura.json" "$BIN" eval html --data "$DATA"
