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
#   fused.log      step fused:     issue 14's UNVERIFIED CUDA path (MMGCN_CUDA_FUSED=1: fused kernels, device-side Adam
#                                  step, async int copy, event clock): the same JUnit suites, then the smoke training
#                                  with the switch on (and once with MMGCN_CUDA_GRAPHS=1 too) against the smoke step's
#                                  --device cpu runs
#   fused/         the fused runs' metrics.jsonl and summary.json
#   bench.log      step bench:     SelfCheck --bench: device, driver, cuSPARSE algorithm, timings of the big products
#   memcheck.log   step memcheck:  compute-sanitizer memcheck over CudaBackendTest and the CUDA parity tests, with the
#                                  fused switch on (the verified path was memchecked on the first GPU run)
#   profile.log    step profile:   train --profile epochs on --device cuda with the switches off, fused on, fused+graphs
#                                  on, and cpu,
#                                  then bench --profile off and on (issue 14: calls and syncs per step, phase times)
#   racecheck.log  step racecheck: compute-sanitizer racecheck over the top-K tests (shared-memory races)
#
# The whole script ends within five minutes: each step has a time cap, and the sanitizer steps, which come
# last, get only what is left of the budget. The exit status: 0 when junit, smoke and fused pass; 1 when junit or
# smoke (the verified path) fails; 2 when only fused fails (keep its switch off, read fused.log).
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
    parity_suites 2>&1 | tee "$OUT/junit.log"
    return "${PIPESTATUS[0]}"
}

parity_suites() {
    junit --details=tree --select-class dev.mmgcn.kernels.KernelParityTest --select-class dev.mmgcn.cuda.CudaBackendTest \
        --select-class dev.mmgcn.model.ForwardOracleTest --select-class dev.mmgcn.optim.AdamByHandTest \
        --select-class dev.mmgcn.kernels.FusedKernelParityTest
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
        exit $status # the group runs in a subshell (a pipeline): its status, not a variable, comes back
    } 2>&1 | tee "$OUT/smoke.log"
    return "${PIPESTATUS[0]}"
}

# issue 14's unverified CUDA path, switched on for this step only (CudaSwitches: MMGCN_CUDA_FUSED=1). Passing it is
# what allows flipping CudaSwitches.FUSED_DEFAULT (native/README.md). On a dry run the switch has no effect.
step_fused() {
    local status=0
    export MMGCN_CUDA_FUSED=1
    {
        echo "== the parity suites with MMGCN_CUDA_FUSED=1"
        if [ ! -f "$CONSOLE" ] || [ ! -d target/test-classes ]; then
            echo "carry .device/junit-console.jar and target/test-classes (native/prepare-device.sh)"; status=4
        else
            parity_suites || status=1
        fi
        local reference=cpu dut=cuda
        [ "$DEVICE" = cpu ] && reference=scalar && dut=cpu
        # the two smoke configurations with the fused path, then the defaults with CUDA graphs as well
        for config in "defaults:0:" "max-element-sum:0:--aggregation max --combination element --fusion sum" "defaults:1:"; do
            local name=${config%%:*} rest=${config#*:}
            local graphs=${rest%%:*} flags=${rest#*:}
            local dir=/tmp/mmgcn-fused/$name-$dut-graphs$graphs ref=/tmp/mmgcn-smoke/$name-$reference
            rm -rf "$dir"
            export MMGCN_CUDA_GRAPHS=$graphs
            echo "== MMGCN_CUDA_FUSED=1 MMGCN_CUDA_GRAPHS=$graphs train --synthetic tiny --epochs 3 --patience 0 --device $dut $flags"
            # shellcheck disable=SC2086
            "${JAVA[@]}" -jar "$JAR" train --synthetic tiny --epochs 3 --patience 0 --seed 11 --device "$dut" $flags \
                --out "$dir" 2>&1 | tail -4 || status=1
            mkdir -p "$OUT/fused/$name-$dut-graphs$graphs"
            cp "$dir"/metrics.jsonl "$dir"/summary.json "$OUT/fused/$name-$dut-graphs$graphs/" 2>/dev/null || status=1
            if [ ! -f "$ref/metrics.jsonl" ]; then
                echo "== (the smoke step's $reference run is missing; running it)"
                # shellcheck disable=SC2086
                MMGCN_CUDA_FUSED=0 MMGCN_CUDA_GRAPHS=0 "${JAVA[@]}" -jar "$JAR" train --synthetic tiny --epochs 3 --patience 0 --seed 11 \
                    --device "$reference" $flags --out "$ref" 2>&1 | tail -2 || status=1
            fi
            echo "== $name: fused (graphs $graphs) $dut against $reference (losses within 2e-3 relative, valid recall@20 within 0.05)"
            compare_runs loss 2e-3 0 "$dir/metrics.jsonl" "$ref/metrics.jsonl" || status=1
            compare_runs recall@20 0 0.05 "$dir/metrics.jsonl" "$ref/metrics.jsonl" || status=1
            if [ -f "/tmp/mmgcn-smoke/$name-$dut/metrics.jsonl" ]; then
                echo "== $name: fused (graphs $graphs) $dut against the switch-off $dut run (information only; 1e-4 relative)"
                compare_runs loss 1e-4 0 "$dir/metrics.jsonl" "/tmp/mmgcn-smoke/$name-$dut/metrics.jsonl" || true
            fi
        done
        exit $status # the group runs in a subshell (a pipeline): its status, not a variable, comes back
    } 2>&1 | tee "$OUT/fused.log"
    return "${PIPESTATUS[0]}"
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
        # "$DEVICE" with issue 14's switches off (the verified path), fused on, fused and graphs on; then the CPU
        for run in "$DEVICE:0:0" "$DEVICE:1:0" "$DEVICE:1:1" "cpu:0:0"; do
            local dev=${run%%:*} rest=${run#*:}
            local fused=${rest%%:*} graphs=${rest#*:}
            [ "$DEVICE" = cpu ] && [ "$run" != "cpu:0:0" ] && continue # a dry run: the CPU once
            local dir=/tmp/mmgcn-profile/$dev-fused$fused-graphs$graphs
            rm -rf "$dir"
            echo "== MMGCN_CUDA_FUSED=$fused MMGCN_CUDA_GRAPHS=$graphs train ${data[*]} --epochs $epochs --patience 0 --profile --device $dev"
            MMGCN_CUDA_FUSED=$fused MMGCN_CUDA_GRAPHS=$graphs "${JAVA[@]}" -jar "$JAR" train "${data[@]}" --epochs $epochs --patience 0 --device "$dev" \
                --profile --out "$dir" 2>&1 | grep -E '^(profile|  |epoch|backend)'
        done
        if [ "$DEVICE" = cuda ]; then
            for fused in 0 1; do
                echo "== MMGCN_CUDA_FUSED=$fused bench --backends cuda --profile --synthetic tiny --epochs 2"
                MMGCN_CUDA_FUSED=$fused "${JAVA[@]}" -jar "$JAR" bench --backends cuda --seconds 0.2 --profile --synthetic tiny \
                    --epochs 2 2>&1 | grep -E '^(profile|  )'
            done
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
    MMGCN_CUDA_FUSED=1 sanitize memcheck --select-class dev.mmgcn.cuda.CudaBackendTest --select-class dev.mmgcn.kernels.KernelParityTest \
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
    export -f "step_$name" junit parity_suites epochs_of compare_runs sanitizer sanitize
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
run_step fused 100
run_step profile 60
run_step bench 40
run_step memcheck 90
run_step racecheck 60

echo "== summary ($SECONDS s)"
cat "$summary"
# the verified path decides pass/fail; the fused path, unverified until this passes, gets its own status
if ! grep -q '^junit: exit 0$' "$summary" || ! grep -q '^smoke: exit 0$' "$summary"; then exit 1; fi
if ! grep -q '^fused: exit 0$' "$summary"; then
    echo "the fused CUDA path (MMGCN_CUDA_FUSED=1) FAILED: keep CudaSwitches.FUSED_DEFAULT off; see fused.log"
    exit 2
fi
echo "the fused CUDA path passed: see native/README.md for flipping CudaSwitches.FUSED_DEFAULT"
