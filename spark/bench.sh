#!/usr/bin/env bash
# Users ranked per second by the Spark job (local[1], local[2]) against the single-process Java API
# (MmgcnModel.recommend over the same users, 1 and 2 kernel threads), run interleaved — each round runs
# all four, one JVM each — so that the load of a shared machine falls on all of them alike. Prints one
# line per run: users/s of the ranking alone (the job's own timer; Spark's --count-only ranks and counts
# the rows without writing them), the JVM's peak resident memory (the executor's, in local mode), wall
# time and CPU time (user + system, all threads) of the whole process (JVM and Spark start-up included),
# and the load average when it started. CPU time is what a run costs whatever else the machine is doing.
#
#   spark/bench.sh CHECKPOINT [ROUNDS=3] [USERS=all] [K=10] [EXTRA SPARK OPTIONS…]
#
# Build first (./mmgcn spark-recommend --help does). Heaps are 4 GB.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ck="$1"; rounds="${2:-3}"; users="${3:-0}"; k="${4:-10}"; shift $(( $# < 4 ? $# : 4 ))
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
cp="$here/target/mmgcn-spark.jar:$(cat "$here/target/spark-classpath.txt")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
limit=(); [ "$users" != 0 ] && limit=(--limit-users "$users")

run() {
  local label="$1"; shift
  local load; load="$(cut -d' ' -f1 /proc/loadavg)"
  SPARK_LOCAL_IP=127.0.0.1 /usr/bin/time -f "%M %e %U %S" -o "$tmp/time" "$java" @"$here/jvm.options" -Xmx4g \
    -Dlog4j2.configurationFile="$here/log4j2.properties" -cp "$cp" "$@" > "$tmp/out" 2> "$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
  local rate; rate="$(sed -n 's/^ranked .*: \([0-9,]*\) users\/s$/\1/p' "$tmp/out" | tr -d ,)"
  read -r rss wall user sys < "$tmp/time"
  printf '%-18s round %s  %9s users/s  peak RSS %5d MB  wall %6.1f s  CPU %6.1f s  load %s\n' "$label" "$round" "$rate" $((rss / 1024)) \
    "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$load"
}

for round in $(seq 1 "$rounds"); do
  run "single, 1 thread" dev.mmgcn.spark.bench.AllUsersBaseline "$ck" "$k" 1 "$users"
  run "spark local[1]" dev.mmgcn.spark.SparkCli recommend --checkpoint "$ck" --count-only --master 'local[1]' --k "$k" "${limit[@]}" "$@"
  run "single, 2 threads" dev.mmgcn.spark.bench.AllUsersBaseline "$ck" "$k" 2 "$users"
  run "spark local[2]" dev.mmgcn.spark.SparkCli recommend --checkpoint "$ck" --count-only --master 'local[2]' --k "$k" "${limit[@]}" "$@"
done
