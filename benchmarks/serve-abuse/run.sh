#!/usr/bin/env bash
# Issue 21's load test of `serve` (BENCHMARKS.md, "Serving under hostile clients"):
#
#   benchmarks/serve-abuse/run.sh JAR CHECKPOINT LABEL [ServeAbuse options]
#
# starts `java --add-modules jdk.incubator.vector -jar JAR serve --checkpoint CHECKPOINT --threads 2` as its own
# process on a free loopback port, runs ServeAbuse.java against it (8 normal clients, 50 slow uploaders and 16
# greedy batch clients for 60 s by default), then prints the server's resident memory after loading and at its peak
# (VmRSS, VmHWM from /proc), whether it is still alive, and its log lines of refusals; and stops it (SIGTERM).
# The same JVM flags for every JAR, so that two builds (e.g. bbc70f0's and this one) compare.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$1"; ckpt="$2"; label="$3"; shift 3
java="${MMGCN_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
log="$(mktemp /tmp/serve-abuse-XXXXXX.log)"
MMGCN_NO_RELAUNCH=1 "$java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -jar "$jar" \
  serve --checkpoint "$ckpt" --port "$port" --threads 2 2>"$log" >/dev/null &
pid=$!
for _ in $(seq 1 300); do grep -q "serving " "$log" && break; sleep 0.1; done
sleep 2
rss_loaded=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
echo "== $label: $(basename "$jar"), pid $pid, port $port; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$java" "$here/ServeAbuse.java" --port "$port" "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if kill -0 "$pid" 2>/dev/null; then
  echo "server rss after loading $((rss_loaded / 1024)) MB, peak (VmHWM) $(( $(awk '/VmHWM/ {print $2}' /proc/$pid/status) / 1024 )) MB; alive"
  kill -TERM "$pid"; wait "$pid" || true
else
  wait "$pid" || true
  echo "server rss after loading $((rss_loaded / 1024)) MB; the server DIED during the test"
fi
echo "server log: $(grep -c . "$log") lines; refusals by kind (the first of each second as it happened, the rest counted):"
# a refusal's own line ("serving: refused 408 ...", "serving: no answer ..."), or a count ("serving: and 57 more refused 408 ...")
sed -nE 's/.*serving: (refused [0-9]+|no answer).*/\1/p' "$log" | sort | uniq -c | sed 's/^/  one line each: /' || true
sed -nE 's/.*serving: and ([0-9]+) more (refused [0-9]+|requests the client left).*/\1 \2/p' "$log" \
  | awk '{k=$2" "$3; if ($2=="requests") k="no answer"; n[k]+=$1} END {for (k in n) print "  counted in summary lines: " n[k] " " k}' || true
grep -vE "refused|no answer|and [0-9]+ more|^serving |^stopped" "$log" | head -5 | sed 's/^/  other: /' || true
rm -f "$log"
