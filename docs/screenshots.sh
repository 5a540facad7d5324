#!/usr/bin/env bash
# The README's screenshots (docs/front-page.png, docs/story-page.png, docs/front-page-phone.png):
# the bundled invented collection (`storyline demo`) plus two invented follow-up reports
# (docs/screenshots/followups.jsonl, a later story of the Keldhaven strike's storyline), served
# and shot in headless Chromium (Debian: `apt-get install chromium`).
#
#   docs/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
BIN="$PWD/target/release/storyline"
WORK="$(mktemp -d)"
PORT="${SCREENSHOT_PORT:-18191}"
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT
(cd "$WORK" && "$BIN" --db demo.db demo >/dev/null && "$BIN" --db demo.db ingest "$OLDPWD/docs/screenshots/followups.jsonl" >/dev/null)
"$BIN" --db "$WORK/demo.db" serve --addr "127.0.0.1:$PORT" >/dev/null 2>&1 &
SERVER=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 50); do curl -fs "$BASE/api/v1/stories?limit=1" >/dev/null 2>&1 && break; sleep 0.2; done
STORY=$(curl -fs "$BASE/api/v1/stories?sort=size&limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["stories"][0]["id"])')
shot() { # FILE WIDTHxHEIGHT PATH
    chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
        --user-data-dir="$WORK/profile" --hide-scrollbars --window-size="$2" \
        --screenshot="$PWD/docs/$1" "$BASE$3" >/dev/null 2>&1
    echo "docs/$1"
}
shot front-page.png 1000,760 /
shot story-page.png 1000,1100 "/stories/$STORY"
shot front-page-phone.png 390,844 /
