#!/usr/bin/env bash
# Looks at `mmgcn report` in a real browser: makes a small sweep (2 learning rates × 2 seeds on the tiny
# synthetic set, 3 epochs: about a minute on 2 cores) and one run of it, writes their reports, and takes
# headless-Chromium screenshots of each page and of each figure file beside it, for a person to look at
# (the tests check the SVG's numbers; only a look tells whether a figure reads well).
#
#   src/build/report-in-browser.sh [OUT_DIR]       # default: a new folder under /tmp; prints the PNGs' paths
#
# Needs Chromium (Debian: apt-get install -y chromium). As root it runs with --no-sandbox. Nothing is fetched:
# the pages are self-contained and Chromium's network services are switched off.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$(mktemp -d /tmp/mmgcn-report-XXXXXX)}"
mkdir -p "$out"
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [ -z "$browser" ]; then
  echo "report-in-browser: needs Chromium (Debian: apt-get install -y chromium)" >&2
  exit 2
fi

sweep="$out/sweep"
if [ ! -f "$sweep/leaderboard.tsv" ]; then
  "$root/mmgcn" sweep --synthetic tiny --epochs 3 --dim 16 --batch 1024 --grid lr=0.01,0.001 --grid seed=1,2 --out "$sweep" --quiet
fi
"$root/mmgcn" report "$sweep"
run="$sweep/lr=0.01_seed=1"
"$root/mmgcn" report "$run"

shot() { # FILE PNG WIDTH HEIGHT
  local profile; profile="$(mktemp -d)"
  local sandbox=(); [ "$(id -u)" = 0 ] && sandbox=(--no-sandbox)
  "$browser" --headless "${sandbox[@]}" --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$profile" \
    --screenshot="$2" --window-size="$3,$4" "file://$1" >/dev/null 2>&1
  rm -rf "$profile"
  [ -s "$2" ] || { echo "report-in-browser: no screenshot of $1" >&2; exit 1; }
  echo "$2"
}

shot "$sweep/report.html" "$out/sweep-report.png" 1200 2200
shot "$sweep/report-valid.svg" "$out/sweep-valid-figure.png" 660 420
shot "$run/report.html" "$out/run-report.png" 1200 1800
shot "$run/report-valid.svg" "$out/run-valid-figure.png" 660 420
