package dev.mmgcn.profile;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.Device;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Counts a backend's calls against the phase the {@link Profiler} says is current. {@link #get()} is the
 * backend to compute on: a {@link Proxy} of {@link Kernels} that forwards every call to the backend's own
 * method — the fused ones included, so the backend's versions run, never the interface's defaults over
 * counted primitives — and counts it as its {@link Call}, with the FLOPs and bytes {@link Costs} gives it.
 * Nothing here names a kernel: a new {@code Kernels} method is counted as it is declared. On a host
 * backend each call is also timed with the host clock (calls finish before they return, so that is the
 * kernel's time). A device backend's calls only queue work: they are counted, not timed here; per-kernel
 * device times would come from events around each launch (see BackendClock).
 *
 * <p>The proxy costs a reflective call and the boxing of the arguments, well under a microsecond a call;
 * it is in the path only where counting is asked for ({@code --profile}, {@code bench --profile}, and the
 * one inference forward the trainer counts to size its validation schedule), never in a plain run.
 */
public final class CountingKernels implements Supplier<Kernels> {
    private static final int OUTSIDE = Profiler.Phase.values().length;

    private final Kernels k;
    private final Kernels counting;
    private final boolean timed;
    private final long[][] counts = new long[OUTSIDE + 1][Call.count()];
    private final long[][] nanos = new long[OUTSIDE + 1][Call.count()];
    private final double[][] flops = new double[OUTSIDE + 1][Call.count()];
    private final double[][] bytes = new double[OUTSIDE + 1][Call.count()];
    /** Calls each replayable key made when it last ran, per phase: added again when the backend replays it. */
    private final Map<Object, long[][]> recorded = new HashMap<>();
    /** What each Kernels method counts as; absent for the uncounted ones. */
    private final Map<Method, Call> calls = new HashMap<>();
    /** Index into counts of the current phase; the last row is "outside any phase". */
    private int phase = OUTSIDE;

    public CountingKernels(Kernels k) {
        this.k = k;
        this.timed = k.device() == Device.HOST;
        for (Method m : Kernels.class.getMethods()) {
            Call c = Call.of(m);
            if (c != null) calls.put(m, c);
        }
        this.counting = (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[]{Kernels.class}, this::invoke);
    }

    /** The backend to compute on: the counted one. */
    @Override
    public Kernels get() {
        return counting;
    }

    /** Whether calls are timed (host backends) or only counted. */
    public boolean timed() { return timed; }

    void phase(Profiler.Phase p) {
        phase = row(p);
    }

    private static int row(Profiler.Phase p) {
        return p == null ? OUTSIDE : p.ordinal();
    }

    /** Calls of {@code c} made so far in phase {@code p} (null: outside any phase). */
    public long count(Profiler.Phase p, Call c) {
        return counts[row(p)][c.index];
    }

    /** Host nanoseconds spent in {@code c} in phase {@code p}; 0 when not timed. */
    public long nanos(Profiler.Phase p, Call c) {
        return nanos[row(p)][c.index];
    }

    /** FLOPs of {@code c}'s calls so far in phase {@code p} (null: outside any phase), from their shapes ({@link Work}). */
    public double flops(Profiler.Phase p, Call c) {
        return flops[row(p)][c.index];
    }

    /** Bytes moved by {@code c}'s calls so far in phase {@code p}, from their shapes ({@link Work}). */
    public double bytes(Profiler.Phase p, Call c) {
        return bytes[row(p)][c.index];
    }

    public void reset() {
        for (long[] r : counts) Arrays.fill(r, 0);
        for (long[] r : nanos) Arrays.fill(r, 0);
        for (double[] r : flops) Arrays.fill(r, 0);
        for (double[] r : bytes) Arrays.fill(r, 0);
    }

    @Override
    public String toString() {
        return "counting " + k;
    }

    private Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
        if (m.getDeclaringClass() == Object.class) {
            return switch (m.getName()) {
                case "toString" -> k.toString();
                case "hashCode" -> System.identityHashCode(proxy);
                default -> proxy == args[0];
            };
        }
        if (m.getName().equals("replayable")) {
            replayable(args[0], (Runnable) args[1]);
            return null;
        }
        Call c = calls.get(m);
        if (c == null) return forward(m, args);
        long t0 = timed ? System.nanoTime() : 0L;
        Object result = forward(m, args);
        int i = c.index;
        counts[phase][i]++;
        if (timed) nanos[phase][i] += System.nanoTime() - t0;
        Work w = Costs.of(c).work().apply(args);
        flops[phase][i] += w.flops();
        bytes[phase][i] += w.bytes();
        return result;
    }

    private Object forward(Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(k, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * Forwards to the backend's own {@code replayable}; calls are counted where they run. When the
     * backend replays a recording instead of running them, the counts of that key's latest run (the one a
     * backend records) are added again, so calls per step stay right under replay.
     */
    private void replayable(Object key, Runnable body) {
        long[][] before = snapshot();
        boolean[] ran = new boolean[1];
        k.replayable(key, () -> {
            ran[0] = true;
            body.run();
        });
        if (ran[0]) {
            long[][] delta = snapshot();
            for (int p = 0; p < delta.length; p++) for (int c = 0; c < delta[p].length; c++) delta[p][c] -= before[p][c];
            recorded.put(key, delta);
        } else {
            long[][] delta = recorded.get(key);
            if (delta == null) throw new IllegalStateException("the backend replayed " + key + " without ever running it");
            for (int p = 0; p < counts.length; p++) for (int c = 0; c < counts[p].length; c++) counts[p][c] += delta[p][c];
        }
    }

    private long[][] snapshot() {
        long[][] copy = new long[counts.length][];
        for (int p = 0; p < counts.length; p++) copy[p] = counts[p].clone();
        return copy;
    }
}
