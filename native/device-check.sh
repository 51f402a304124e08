#!/usr/bin/env bash
# The CUDA backend's check on the GPU machine. Run from the project root there, through the device
# tool's `run` (the exact call is in native/README.md); prepare the carried files here first with
# native/prepare-device.sh. Everything it prints is also saved under $OUT:
#
#   env.txt        nvidia-smi, the Java runtime, the CUDA libraries the loader sees
#   selfcheck.log  every kernel and one training epoch against the scalar reference (SelfCheck), then timings (--bench)
#   junit.log      CudaBackendTest, KernelParityTest and FusedKernelParityTest through the JUnit console launcher
#   memcheck.log   SelfCheck (kernels only) under compute-sanitizer memcheck (out-of-bounds, misaligned accesses)
#   racecheck.log  SelfCheck under compute-sanitizer racecheck (shared-memory races, e.g. in topK)
#   summary.txt    one line per step with its exit status
#
# Steps are bounded with timeouts so that the whole script ends within about five minutes; the
# sanitizer steps come last, so a slow sanitizer never hides the main results.
set -uo pipefail
OUT=${OUT:-/tmp/mmgcn-device-check}
mkdir -p "$OUT"
summary="$OUT/summary.txt"
: >"$summary"
step() { echo "$1: exit $2" | tee -a "$summary"; }

if [ ! -f .device/jre.tar.xz ]; then
    echo "no .device/jre.tar.xz: run ../shared/device/make-jre.sh and native/prepare-device.sh here, and carry .device" | tee -a "$summary"
    exit 3
fi
tar xJf .device/jre.tar.xz -C /tmp && export JAVA_HOME=/tmp/jre PATH=/tmp/jre/bin:$PATH

{
    echo "== nvidia-smi"; nvidia-smi 2>&1
    echo "== java"; java -version 2>&1
    echo "== CUDA libraries on the loader path"; ldconfig -p | grep -E 'libcuda\.so|libcublas\.so|libcublasLt\.so|libcusparse\.so|libnvJitLink' 2>&1
} | tee "$OUT/env.txt"

JAVA=(java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)
JAR=target/mmgcn-engine.jar

echo "== SelfCheck"
timeout 180 "${JAVA[@]}" -cp "$JAR" dev.mmgcn.check.SelfCheck --require-gpu --bench 2>&1 | tee "$OUT/selfcheck.log"
step selfcheck "${PIPESTATUS[0]}"

if [ -f .device/junit-console.jar ] && [ -d target/test-classes ]; then
    echo "== JUnit: CudaBackendTest, KernelParityTest, FusedKernelParityTest"
    timeout 180 "${JAVA[@]}" -jar .device/junit-console.jar execute --disable-banner --disable-ansi-colors \
        --details=tree --class-path "target/test-classes:$JAR" --scan-class-path target/test-classes \
        --include-classname '.*(CudaBackendTest|KernelParityTest|FusedKernelParityTest)' 2>&1 | tee "$OUT/junit.log"
    step junit "${PIPESTATUS[0]}"
else
    step junit "skipped (carry .device/junit-console.jar and target/test-classes)"
fi

sanitizer=$(command -v compute-sanitizer || ls /usr/local/cuda*/bin/compute-sanitizer 2>/dev/null | head -1)
if [ -n "$sanitizer" ]; then
    for tool in memcheck racecheck; do
        echo "== compute-sanitizer --tool $tool"
        timeout 90 "$sanitizer" --tool "$tool" --print-limit 20 --error-exitcode 9 \
            "${JAVA[@]}" -cp "$JAR" dev.mmgcn.check.SelfCheck --require-gpu --no-training >"$OUT/$tool.log" 2>&1
        rc=$?
        grep -E "^(PASS|FAIL)|ERROR SUMMARY|Invalid|Race|hazard" "$OUT/$tool.log" | head -20
        step "$tool" "$rc"
    done
else
    step sanitizers "skipped (no compute-sanitizer)"
fi

echo "== summary"
cat "$summary"
# the main result decides the exit status
grep -q '^selfcheck: exit 0$' "$summary"
