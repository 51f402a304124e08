#!/usr/bin/env bash
# The GPU check: the one place the CUDA backend is verified on a GPU machine. Run from the project root
# there through the device tool's `run` (the exact call is in native/README.md); prepare the carried files
# here first with native/prepare-device.sh. Everything it prints is also saved under $OUT:
#
#   summary.txt    one line per step: its name and exit status (read this first)
#   env.txt        step env:       nvidia-smi, the Java runtime, the CUDA libraries the loader sees
#   junit.log      step junit:     KernelParityTest, CudaBackendTest, ForwardOracleTest, AdamByHandTest through
#                                  the JUnit console, with the CUDA backend required (-Dmmgcn.expect.backends=vector,cuda)
#   smoke.log      step smoke:     `train` on the tiny synthetic set with --device cuda and with --device cpu,
#                                  two configurations, per-epoch losses and valid recall@20 compared
#   smoke/         the runs' metrics.jsonl and summary.json
#   bench.log      step bench:     SelfCheck --bench: device, driver, cuSPARSE algorithm, timings of the big products
#   memcheck.log   step memcheck:  compute-sanitizer memcheck over CudaBackendTest and the CUDA parity tests
#   profile.log    step profile:   train --profile epochs on --device cuda and cpu, then bench --profile (issue 14)
#   racecheck.log  step racecheck: compute-sanitizer racecheck over the top-K tests (shared-memory races)
#
# The whole script ends within five minutes: each step has a time cap, and the sanitizer steps, which come
# last, get only what is left of the budget. The exit status is that of the junit and smoke steps.
#
# A dry run on a machine without a GPU (to check the script itself): MMGCN_CHECK_DEVICE=cpu bash
# native/device-check.sh, with $JAVA_HOME a JDK 25 when there is no .device/jre.tar.xz; then the junit step
# expects no CUDA and the smoke step compares --device scalar with --device cpu.
#
# To add a step: write a function step_NAME that logs to "$OUT/NAME.log" and returns its status, and call
# it with `run_step NAME CAP_SECONDS` in the list at the bottom.
set -uo pipefail
OUT=${OUT:-/tmp/mmgcn-device-check}
DEVICE=${MMGCN_CHECK_DEVICE:-cuda}
BUDGET=${MMGCN_CHECK_BUDGET:-290}
mkdir -p "$OUT"
summary="$OUT/summary.txt"
: >"$summary"
JAR=target/mmgcn-engine.jar
CONSOLE=.device/junit-console.jar

# ---- the Java runtime ----------------------------------------------------------------------------------
if [ -f .device/jre.tar.xz ]; then
    tar xJf .device/jre.tar.xz -C /tmp && export JAVA_HOME=/tmp/jre PATH=/tmp/jre/bin:$PATH
elif [ "$DEVICE" = cpu ] && [ -x "${JAVA_HOME:-}/bin/java" ]; then
    export PATH=$JAVA_HOME/bin:$PATH
else
    echo "no .device/jre.tar.xz: run ../shared/device/make-jre.sh and native/prepare-device.sh here, and carry .device" | tee -a "$summary"
    exit 3
fi
JAVA=(java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)
if [ "$DEVICE" = cuda ]; then EXPECT=vector,cuda; else EXPECT=vector; fi

# ---- steps ---------------------------------------------------------------------------------------------
step_env() {
    {
        echo "== nvidia-smi"; nvidia-smi 2>&1
        echo "== java"; java -version 2>&1
        echo "== CUDA libraries on the loader path"; ldconfig -p | grep -E 'libcuda\.so|libcublas\.so|libcublasLt\.so|libcusparse\.so|libnvJitLink' 2>&1
    } | tee "$OUT/env.txt"
    return 0
}

# the JUnit console over the given selectors; SkipReport (in the test classes) lists every skip with its reason
junit() {
    "${JAVA[@]}" -Dmmgcn.expect.backends=$EXPECT -jar "$CONSOLE" execute --disable-banner --disable-ansi-colors \
        --class-path "target/test-classes:$JAR" "$@"
}

step_junit() {
    if [ ! -f "$CONSOLE" ] || [ ! -d target/test-classes ]; then
        echo "carry .device/junit-console.jar and target/test-classes (native/prepare-device.sh)" | tee "$OUT/junit.log"
        return 4
    fi
    junit --details=tree --select-class dev.mmgcn.kernels.KernelParityTest --select-class dev.mmgcn.cuda.CudaBackendTest \
        --select-class dev.mmgcn.model.ForwardOracleTest --select-class dev.mmgcn.optim.AdamByHandTest \
        --select-class dev.mmgcn.kernels.FusedKernelParityTest 2>&1 | tee "$OUT/junit.log"
    return "${PIPESTATUS[0]}"
}

# values of one field, one per epoch, from a metrics.jsonl ("loss", or "recall@20" inside "valid")
epochs_of() {
    case "$2" in
        loss) sed -n 's/.*"loss":\([^,}]*\).*/\1/p' "$1" ;;
        *) sed -n 's/.*"valid":{[^}]*"'"$2"'":\([^,}]*\).*/\1/p' "$1" ;;
    esac
}

# compare FIELD of two runs epoch by epoch: |a − b| ≤ rel·|b| + abs
compare_runs() {
    local field=$1 rel=$2 abs=$3 a=$4 b=$5
    paste <(epochs_of "$a" "$field") <(epochs_of "$b" "$field") | awk -v f="$field" -v rel="$rel" -v abs="$abs" '
        { d = $1 - $2; if (d < 0) d = -d; m = $2 < 0 ? -$2 : $2; ok = d <= rel * m + abs; n++
          printf "  epoch %d %s: %s vs %s  |diff| %.3g  %s\n", n, f, $1, $2, d, ok ? "ok" : "FAIL"; if (!ok) bad++ }
        END { if (n == 0) { print "  no epochs read"; exit 1 } exit bad > 0 }'
}

step_smoke() {
    local reference=cpu
    [ "$DEVICE" = cpu ] && reference=scalar
    [ "$DEVICE" = cpu ] && DEVICE_UNDER_TEST=cpu || DEVICE_UNDER_TEST=cuda
    local status=0
    {
        for config in "defaults:" "max-element-sum:--aggregation max --combination element --fusion sum"; do
            local name=${config%%:*} flags=${config#*:}
            for dev in "$DEVICE_UNDER_TEST" "$reference"; do
                local dir=/tmp/mmgcn-smoke/$name-$dev
                rm -rf "$dir"
                echo "== train --synthetic tiny --epochs 3 --patience 0 --device $dev $flags"
                # shellcheck disable=SC2086
                "${JAVA[@]}" -jar "$JAR" train --synthetic tiny --epochs 3 --patience 0 --seed 11 --device "$dev" $flags \
                    --out "$dir" 2>&1 | tail -4 || status=1
                mkdir -p "$OUT/smoke/$name-$dev"
                cp "$dir"/metrics.jsonl "$dir"/summary.json "$OUT/smoke/$name-$dev/" 2>/dev/null || status=1
            done
            echo "== $name: $DEVICE_UNDER_TEST against $reference (losses within 2e-3 relative, valid recall@20 within 0.05)"
            compare_runs loss 2e-3 0 "/tmp/mmgcn-smoke/$name-$DEVICE_UNDER_TEST/metrics.jsonl" "/tmp/mmgcn-smoke/$name-$reference/metrics.jsonl" || status=1
            compare_runs recall@20 0 0.05 "/tmp/mmgcn-smoke/$name-$DEVICE_UNDER_TEST/metrics.jsonl" "/tmp/mmgcn-smoke/$name-$reference/metrics.jsonl" || status=1
        done
    } 2>&1 | tee "$OUT/smoke.log"
    return $status
}

step_bench() {
    local flags=(--bench)
    [ "$DEVICE" = cuda ] && flags+=(--require-gpu)
    "${JAVA[@]}" -cp "$JAR" dev.mmgcn.check.SelfCheck "${flags[@]}" 2>&1 | tee "$OUT/bench.log"
    return "${PIPESTATUS[0]}"
}

# issue 14: where a training epoch's time goes on the device, and what a step asks of it (train --profile:
# seconds per phase, backend calls, host reads and uploads per step, calls per kernel). Observational: the
# step passes when both runs finish and print their profile lines; the numbers are for reading.
step_profile() {
    local status=0 data=(--synthetic tiktok) epochs=2
    [ "$DEVICE" = cpu ] && data=(--synthetic tiny)
    {
        for dev in "$DEVICE" cpu; do
            local dir=/tmp/mmgcn-profile/$dev
            rm -rf "$dir"
            echo "== train ${data[*]} --epochs $epochs --patience 0 --profile --device $dev"
            "${JAVA[@]}" -jar "$JAR" train "${data[@]}" --epochs $epochs --patience 0 --device "$dev" --profile \
                --out "$dir" 2>&1 | grep -E '^(profile|  |epoch|backend)'
        done
        if [ "$DEVICE" = cuda ]; then
            echo "== bench --backends cuda --profile --synthetic tiny --epochs 2"
            "${JAVA[@]}" -jar "$JAR" bench --backends cuda --seconds 0.2 --profile --synthetic tiny --epochs 2 2>&1 | grep -E '^(profile|  )'
        fi
    } 2>&1 | tee "$OUT/profile.log"
    grep -q '^profile  epoch' "$OUT/profile.log" || status=1
    return $status
}

sanitizer() {
    command -v compute-sanitizer || ls /usr/local/cuda*/bin/compute-sanitizer 2>/dev/null | head -1
}

# compute-sanitizer TOOL over the JUnit console with the given selectors
sanitize() {
    local tool=$1; shift
    local s; s=$(sanitizer)
    if [ -z "$s" ] || [ "$DEVICE" != cuda ]; then
        echo "skipped: no compute-sanitizer (or a dry run)" | tee "$OUT/$tool.log"
        return 0
    fi
    "$s" --tool "$tool" --print-limit 20 --error-exitcode 9 --target-processes all \
        "${JAVA[@]}" -Dmmgcn.expect.backends=$EXPECT -jar "$CONSOLE" execute --disable-banner --disable-ansi-colors \
        --details=summary --class-path "target/test-classes:$JAR" "$@" >"$OUT/$tool.log" 2>&1
    local rc=$?
    grep -E "ERROR SUMMARY|Invalid|Race|hazard|tests (successful|failed|aborted)" "$OUT/$tool.log" | head -20
    return $rc
}

step_memcheck() {
    sanitize memcheck --select-class dev.mmgcn.cuda.CudaBackendTest --select-class dev.mmgcn.kernels.KernelParityTest \
        --select-class dev.mmgcn.kernels.FusedKernelParityTest
}

step_racecheck() {
    sanitize racecheck --select-method 'dev.mmgcn.cuda.CudaBackendTest#topKMatchesTheReference' \
        --select-method 'dev.mmgcn.kernels.KernelParityTest#topKMatchesReference(dev.mmgcn.kernels.Kernels)' \
        --select-method 'dev.mmgcn.kernels.KernelParityTest#topKTiesGoToTheLowerColumn(dev.mmgcn.kernels.Kernels)'
}

# ---- the run -------------------------------------------------------------------------------------------
# run_step NAME CAP: runs step_NAME for at most CAP seconds, and never past the script's budget
run_step() {
    local name=$1 cap=$2 left=$((BUDGET - SECONDS))
    [ "$left" -lt "$cap" ] && cap=$left
    if [ "$cap" -lt 15 ]; then
        echo "$name: skipped (the ${BUDGET}s budget is spent)" | tee -a "$summary"
        return
    fi
    echo "== step $name (at most ${cap}s)"
    export -f "step_$name" junit epochs_of compare_runs sanitizer sanitize
    export OUT DEVICE EXPECT JAR CONSOLE summary
    export JAVA_STR="${JAVA[*]}"
    timeout "$cap" bash -c 'JAVA=($JAVA_STR); step_'"$name"
    local rc=$?
    [ "$rc" = 124 ] && echo "$name: timed out after ${cap}s" | tee -a "$summary"
    echo "$name: exit $rc" | tee -a "$summary"
}

run_step env 15
run_step junit 120
run_step smoke 75
run_step bench 40
run_step profile 45
run_step memcheck 90
run_step racecheck 60

echo "== summary ($SECONDS s)"
cat "$summary"
# the main results decide the exit status
grep -q '^junit: exit 0$' "$summary" && grep -q '^smoke: exit 0$' "$summary"
