package dev.mmgcn.profile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One epoch's profile.
 *
 * @param trainSeconds  the training part of the epoch, sampling included, evaluation not
 * @param seconds       time per phase
 * @param steps         training steps taken
 * @param callsPerStep  backend calls per step by kernel, over the training loop (sampling and progress reads included)
 * @param nanosPerStep  host nanoseconds per step by kernel; empty on a backend whose calls are not timed
 * @param evalCalls     backend calls of the evaluation
 */
public record EpochProfile(int epoch, double trainSeconds, Map<Profiler.Phase, Double> seconds, int steps,
                           Map<Call, Double> callsPerStep, Map<Call, Double> nanosPerStep, long evalCalls) {

    static EpochProfile of(int epoch, double trainSeconds, Map<Profiler.Phase, Double> seconds, int steps, CountingKernels c) {
        Map<Call, Double> calls = new EnumMap<>(Call.class);
        Map<Call, Double> nanos = new EnumMap<>(Call.class);
        long eval = 0;
        double per = Math.max(steps, 1);
        for (Call call : Call.values()) {
            long n = 0, ns = 0;
            for (Profiler.Phase p : Profiler.Phase.values()) {
                if (p.training()) {
                    n += c.count(p, call);
                    ns += c.nanos(p, call);
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
            }
        }
        return new EpochProfile(epoch, trainSeconds, seconds, steps, calls, nanos, eval);
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
        return m;
    }

    private static String count(double perStep) {
        return perStep == Math.rint(perStep) ? Long.toString((long) perStep) : String.format(Locale.ROOT, "%.2f", perStep);
    }
}
