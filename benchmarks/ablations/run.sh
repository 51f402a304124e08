#!/usr/bin/env bash
# Issue 25 ablations: each VARIANT.yaml here is one sweep grid (the variant's settings, seeds 2024, 7, 42),
# run through `sweep` on a dataset; each sweep's folder gets leaderboard.tsv (mean ± std over the seeds).
#
#   benchmarks/ablations/run.sh DATA OUT VARIANT...     e.g.
#   benchmarks/ablations/run.sh ../shared/data/tiktok /tmp/abl-runs/tiktok mmgcn-defaults mmgcn-lr-0.0005
#
# MMGCN_JAR picks the jar (default target/mmgcn-engine.jar; copy it elsewhere to rebuild during a run),
# MMGCN_THREADS the threads per trial (default 1: same numbers for any thread count, so two sweeps can share
# two cores). A sweep folder that exists is continued (finished trials are skipped).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="$1"; out="$2"; shift 2
jar="${MMGCN_JAR:-$root/target/mmgcn-engine.jar}"
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
mkdir -p "$out"
for v in "$@"; do
  echo "== $v: $(date -u +%H:%M:%S)"
  nice -n 10 "$java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -jar "$jar" sweep \
    --data "$data" --threads "${MMGCN_THREADS:-1}" --grid "$here/$v.yaml" --out "$out/$v" --quiet \
    > "$out/$v.log" 2>&1 || echo "!! $v failed: see $out/$v.log"
  tail -n 8 "$out/$v.log"
done
