package dev.mmgcn.profile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.mmgcn.kernels.Ceilings;

/**
 * One epoch's profile.
 *
 * @param trainSeconds  the training part of the epoch, sampling included, evaluation not
 * @param seconds       time per phase
 * @param steps         training steps taken
 * @param callsPerStep  backend calls per step by kernel, over the training loop (sampling and progress reads included)
 * @param nanosPerStep  host nanoseconds per step by kernel; empty on a backend whose calls are not timed
 * @param evalCalls     backend calls of the evaluation
 * @param flopsPerStep  FLOPs per step by kernel, from the calls' shapes ({@link Work})
 * @param bytesPerStep  bytes moved per step by kernel, from the calls' shapes
 * @param ceilings      the machine's probed peak FLOP rate and bandwidth for this backend; null when it has no probe
 */
public record EpochProfile(int epoch, double trainSeconds, Map<Profiler.Phase, Double> seconds, int steps,
                           Map<Call, Double> callsPerStep, Map<Call, Double> nanosPerStep, long evalCalls,
                           Map<Call, Double> flopsPerStep, Map<Call, Double> bytesPerStep, Ceilings ceilings) {

    static EpochProfile of(int epoch, double trainSeconds, Map<Profiler.Phase, Double> seconds, int steps, CountingKernels c,
                           Ceilings ceilings) {
        Map<Call, Double> calls = new LinkedHashMap<>();
        Map<Call, Double> nanos = new LinkedHashMap<>();
        Map<Call, Double> flops = new LinkedHashMap<>();
        Map<Call, Double> bytes = new LinkedHashMap<>();
        long eval = 0;
        double per = Math.max(steps, 1);
        for (Call call : Call.values()) {
            long n = 0, ns = 0;
            double f = 0, b = 0;
            for (Profiler.Phase p : Profiler.Phase.values()) {
                if (p.training()) {
                    n += c.count(p, call);
                    ns += c.nanos(p, call);
                    f += c.flops(p, call);
                    b += c.bytes(p, call);
                } else {
                    eval += c.count(p, call);
                }
            }
            // outside any phase but inside the epoch's training loop: the loss reads for the progress callback
            n += c.count(null, call);
            ns += c.nanos(null, call);
            if (n > 0) {
                calls.put(call, n / per);
                if (c.timed()) nanos.put(call, ns / per);
                flops.put(call, f / per);
                bytes.put(call, b / per);
            }
        }
        return new EpochProfile(epoch, trainSeconds, seconds, steps, calls, nanos, eval, flops, bytes, ceilings);
    }

    /** The roofline's kernel families: what a step spends its FLOPs and bytes on. */
    public enum Family {
        GEMM("gemm"), SPARSE("sparse (spmm, segment max, gather/scatter)"), ROWS("element-wise and row"), OPTIMISER("optimiser");

        final String label;

        Family(String label) {
            this.label = label;
        }
    }

    /** FLOPs of one training step, every kernel together. */
    public double flopsPerStepTotal() {
        return flopsPerStep.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** The epoch's FLOP floor: all its FLOPs at the probed peak; NaN without ceilings. */
    public double flopFloorSeconds() {
        return ceilings == null ? Double.NaN : flopsPerStepTotal() * steps / (ceilings.gflops() * 1e9);
    }

    /**
     * The epoch's roofline floor on this machine: every step's kernels at the probed ceilings (each kernel's
     * FLOPs at peak or its bytes at the streaming bandwidth, whichever takes longer), summed; NaN without
     * ceilings.
     */
    public double floorSeconds() {
        if (ceilings == null) return Double.NaN;
        double s = 0;
        for (Call c : flopsPerStep.keySet()) s += ceilings.floorSeconds(flopsPerStep.get(c), bytesPerStep.get(c));
        return s * steps;
    }

    /** The roofline lines: the ceilings, each family's rate beside them, and the epoch against its floor. */
    /** A family's rate this far above a probed ceiling says the probe, not the kernel, was off. */
    private static final double ABOVE = 1.1;

    List<String> rooflineLines() {
        if (ceilings == null || nanosPerStep.isEmpty()) return List.of();
        List<String> out = new ArrayList<>();
        out.add("profile  roofline: this machine " + ceilings);
        StringBuilder line = new StringBuilder("profile  per step:");
        String sep = " ";
        boolean aboveCeiling = false;
        for (Family f : Family.values()) {
            double fl = 0, by = 0, ns = 0;
            for (Call c : flopsPerStep.keySet()) {
                if (Costs.of(c).family() != f) continue;
                fl += flopsPerStep.get(c);
                by += bytesPerStep.get(c);
                ns += nanosPerStep.getOrDefault(c, 0.0);
            }
            if (ns == 0) continue;
            double sec = ns / 1e9;
            line.append(sep).append(String.format(Locale.ROOT, "%s %.2f GFLOP, %.0f MB in %.1f ms = %.1f GFLOP/s (%.0f%% of peak), %.1f GB/s (%.0f%%)",
                    f.label, fl / 1e9, by / 1e6, ns / 1e6, fl / sec / 1e9, 100 * fl / sec / 1e9 / ceilings.gflops(),
                    by / sec / 1e9, 100 * by / sec / 1e9 / ceilings.gbPerSecond()));
            aboveCeiling |= fl / sec / 1e9 > ABOVE * ceilings.gflops() || by / sec / 1e9 > ABOVE * ceilings.gbPerSecond();
            out.add(line.toString());
            line = new StringBuilder("profile     ");
            sep = " ";
        }
        double flopFloor = flopFloorSeconds(), floor = floorSeconds();
        out.add(String.format(Locale.ROOT, "profile  epoch: %.1f GFLOP in %d steps, trained in %.3f s: %.2f× its FLOP floor (%.3f s at peak), "
                        + "%.2f× its roofline floor (%.3f s: each kernel at the slower of peak and bandwidth)",
                flopsPerStepTotal() * steps / 1e9, steps, trainSeconds, trainSeconds / flopFloor, flopFloor, trainSeconds / floor, floor));
        if (aboveCeiling) {
            out.add("profile  note: a kernel family ran faster than the probed ceiling, so the probe was slowed by other work on the CPU "
                    + "when it ran: the ceilings, percentages and floors above are too low; profile again on a quiet machine");
        }
        return out;
    }

    /** Backend calls per training step, every kernel together. */
    public double totalCallsPerStep() {
        return callsPerStep.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** Host synchronisations per step: reads back (readScalar, download), which on a device wait for the queue. */
    public double hostReadsPerStep() {
        return callsPerStep.entrySet().stream().filter(e -> e.getKey().synchronising()).mapToDouble(Map.Entry::getValue).sum();
    }

    public double uploadsPerStep() {
        return callsPerStep.entrySet().stream().filter(e -> e.getKey().transfer()).mapToDouble(Map.Entry::getValue).sum();
    }

    /** Training time no phase accounts for: the loop itself, progress callbacks. */
    public double otherSeconds() {
        double sum = 0;
        for (Map.Entry<Profiler.Phase, Double> e : seconds.entrySet()) if (e.getKey().training()) sum += e.getValue();
        return Math.max(0, trainSeconds - sum);
    }

    /** Human-readable lines, each starting with "profile". */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "profile  epoch %d: train %.3f s =", epoch, trainSeconds));
        String sep = " ";
        for (Profiler.Phase p : Profiler.Phase.values()) {
            if (!p.training()) continue;
            s.append(String.format(Locale.ROOT, "%s%s %.3f", sep, p.label(), seconds.get(p)));
            sep = " + ";
        }
        s.append(String.format(Locale.ROOT, " + other %.3f | eval %.3f s (%d backend calls)", otherSeconds(),
                seconds.get(Profiler.Phase.EVALUATION), evalCalls));
        out.add(s.toString());
        out.add(String.format(Locale.ROOT, "profile  per step (%d steps): %.1f backend calls, %.2f host reads, %.2f uploads%s",
                steps, totalCallsPerStep(), hostReadsPerStep(), uploadsPerStep(),
                nanosPerStep.isEmpty() ? " (calls are queued on this backend: counted, not timed)" : ""));
        List<Call> order = new ArrayList<>(callsPerStep.keySet());
        if (nanosPerStep.isEmpty()) order.sort(Comparator.comparing((Call c) -> callsPerStep.get(c)).reversed());
        else order.sort(Comparator.comparing((Call c) -> nanosPerStep.get(c)).reversed());
        StringBuilder line = new StringBuilder("profile  kernels per step:");
        int onLine = 0;
        for (Call c : order) {
            String item = nanosPerStep.isEmpty()
                    ? String.format(Locale.ROOT, " %s ×%s", c.method(), count(callsPerStep.get(c)))
                    : String.format(Locale.ROOT, " %s ×%s %.2f ms", c.method(), count(callsPerStep.get(c)), nanosPerStep.get(c) / 1e6);
            if (onLine == 6) {
                out.add(line.toString());
                line = new StringBuilder("profile     ");
                onLine = 0;
            }
            line.append(onLine == 0 ? "" : ",").append(item);
            onLine++;
        }
        out.add(line.toString());
        out.addAll(rooflineLines());
        return out;
    }

    /** The profile as a JSON-ready map (for metrics files). */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("train_seconds", trainSeconds);
        for (Map.Entry<Profiler.Phase, Double> e : seconds.entrySet()) m.put(e.getKey().label() + "_seconds", e.getValue());
        m.put("other_seconds", otherSeconds());
        m.put("steps", steps);
        m.put("calls_per_step", totalCallsPerStep());
        m.put("host_reads_per_step", hostReadsPerStep());
        m.put("uploads_per_step", uploadsPerStep());
        m.put("gflop_per_step", flopsPerStepTotal() / 1e9);
        if (ceilings != null) {
            m.put("peak_gflops", ceilings.gflops());
            m.put("stream_gb_per_s", ceilings.gbPerSecond());
            m.put("flop_floor_seconds", flopFloorSeconds());
            m.put("roofline_floor_seconds", floorSeconds());
        }
        return m;
    }

    private static String count(double perStep) {
        return perStep == Math.rint(perStep) ? Long.toString((long) perStep) : String.format(Locale.ROOT, "%.2f", perStep);
    }
}
