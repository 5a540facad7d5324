#!/usr/bin/env bash
# The analysis rows of issue 14 (super-linear time, memory per input byte), on generated inputs:
# quotations in one paragraph, nested <div>s, one long unpunctuated sentence, a paragraph with
# stray quote marks, news-like articles up to 16 MB. Each row runs at 1×, 2×, 4× and 8× its base
# size (`crates/pipeline/examples/hostile_analysis.rs` generates and analyses the input), printing
# the time of reading the input, of the slowest analysis step and of the whole analysis, the
# peak memory of the analysis (above what was resident before it) per input byte, the process's
# peak (GNU time), and the growth of reading + analysis per doubling (≈ 2 is linear).
#
#   bench/analysis.sh [ROW[:BASE]…]   ROW: quotes divs sentence stray article (default: all);
#                                     BASE overrides the row's 1× size
#
# Every run is bounded by `timeout` (TIMEOUT seconds, default 300). Release build.
set -uo pipefail
cd "$(dirname "$0")/.."
TIMEOUT="${TIMEOUT:-300}"
cargo build --release -q -p storyline-pipeline --example hostile_analysis || exit 2
BIN=target/release/examples/hostile_analysis
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }

# row NAME KIND BASE UNIT: KIND at BASE × 1, 2, 4, 8.
row() {
    local name="$1" kind="$2" base="$3" unit="$4" prev=""
    echo "== $name"
    printf '%-12s %10s %9s %9s %9s %-22s %9s %8s %9s %7s\n' size bytes parse analyse total slowest peak_MB B/byte proc_MB growth
    for k in 1 2 4 8; do
        local n=$((base * k))
        /usr/bin/time -f "%M" -o "$WORK/time" timeout "$TIMEOUT" "$BIN" "$kind" "$n" >"$WORK/out" 2>"$WORK/err"
        local code=$?
        local out
        out="$(cat "$WORK/out")"
        if [ "$code" != 0 ] || [ -z "$out" ]; then
            [ "$code" = 124 ] && echo "$n $unit: TIMED OUT after ${TIMEOUT}s" || { echo "$n $unit: exit $code"; tail -3 "$WORK/err"; }
            break
        fi
        local analyse total slowest kb growth=""
        analyse="$(field analyse "$out")"
        # Growth is of the whole: reading the input (the HTML parser for nested <div>s) and its
        # analysis.
        total="$(python3 -c "print(f'{$(field parse "$out") + $analyse:.3f}')")"
        slowest="$(tr ' ' '\n' <<<"$out" | grep -E '^t_(sentences|entities|times|quotes|events)=[0-9.]+$' | sort -t= -k2 -g | tail -1)"
        kb="$(tail -n 1 "$WORK/time")"
        [ -n "$prev" ] && growth="$(python3 -c "print(f'{max($total,0.001)/max($prev,0.001):.2f}')")"
        printf '%-12s %10s %9s %9s %9s %-22s %9s %8s %9s %7s\n' "$n $unit" "$(field bytes "$out")" \
            "$(field parse "$out")" "$analyse" "$total" "$slowest" "$(field peak_mb "$out")" \
            "$(field bytes_per_byte "$out")" "$((kb / 1024))" "$growth"
        echo "  $out" >>"$WORK/all"
        prev="$total"
    done
}

rows="${*:-quotes divs sentence stray article}"
for r in $rows; do
    b="${r#*:}"
    [ "$b" = "$r" ] && b=""
    case "${r%%:*}" in
    quotes) row "quotations in one paragraph" quotes "${b:-1000}" quotes ;;
    divs) row "nested <div>s" divs "${b:-12500}" deep ;;
    sentence) row "one unpunctuated sentence" sentence "${b:-125000}" words ;;
    stray) row "one paragraph with stray quote marks" stray "${b:-100}" kB ;;
    article) row "news-like article" article "${b:-2000}" kB ;;
    *) echo "unknown row $r" >&2 ;;
    esac
done
echo "== every run"
cat "$WORK/all" 2>/dev/null
