#!/usr/bin/env bash
# Builds mmgcn-engine (installed into the local Maven repository, tests skipped) and the benchmarks
# jar with JDK 25, then runs JMH with every argument passed through, e.g.
#
#   benchmarks/run.sh -l                                   # list the benchmarks
#   benchmarks/run.sh Sgemm -p shape=512x512x512 -rf json -rff sgemm.json
#   benchmarks/run.sh --vector-bits 256 Sgemm              # AVX2's 256-bit code, also on an AVX-512 CPU
#
# --vector-bits 512|256|128|native (must come first; default native) sets every fork's SIMD width
# (-XX:UseAVX=2 -XX:MaxVectorSize=32 for 256, -XX:MaxVectorSize=16 for 128); the run prints which.
# 512 on a CPU without AVX-512 gives that CPU's widest, which the fork's "# backend vector" line shows.
#
# The launcher leaves out the cuda benchmarks where no GPU is usable and the openblas ones where
# libopenblas.so.0 is missing, printing why. Set SKIP_BUILD=1 to reuse the jar already built.
# BENCH_JAVA_OPTS goes to the launcher JVM, and JMH hands it on to every fork (e.g.
# BENCH_JAVA_OPTS=-Dmmgcn.openblas=/opt/openblas/lib/libopenblas.so).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
export JAVA_HOME="${MMGCN_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if [ ! -x "$JAVA_HOME/bin/java" ]; then
  echo "run.sh: no JDK at $JAVA_HOME (set MMGCN_JDK to a JDK 25)" >&2
  exit 1
fi
# Maven itself still touches sun.misc.Unsafe; keep JDK 25 from warning about it on every build.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
jar="$here/target/benchmarks.jar"

# Maven 3.8 prints colour resets even in batch mode; strip them so logs of a run stay plain text.
mvn_quiet() { mvn -B -q --no-transfer-progress -Dstyle.color=never "$@" 2>&1 | sed 's/\x1b\[[0-9;]*m//g'; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn_quiet -f "$root/pom.xml" install -DskipTests
  mvn_quiet -f "$here/pom.xml" clean package
fi

# The launcher JVM only probes for CUDA and OpenBLAS; the benchmark forks get their flags from @Fork.
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  ${BENCH_JAVA_OPTS:-} -cp "$jar" dev.mmgcn.bench.Launcher "$@"
