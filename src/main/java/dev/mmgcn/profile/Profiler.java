package dev.mmgcn.profile;

import dev.mmgcn.kernels.BackendClock;
import dev.mmgcn.kernels.Kernels;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code --profile}: where an epoch's time goes (sampling and upload, forward, backward, optimiser,
 * evaluation) and what a training step asks of the backend (calls per kernel, host reads, uploads).
 *
 * <p>Phases are timed with marks on the backend's own timeline ({@link Kernels#clock()}), resolved only
 * at the end of the epoch: on a host backend that is the host clock; a device backend that records
 * events for its marks gets device times without a synchronisation inside a step. Calls are counted
 * by the {@link CountingKernels} that {@link #wrap} puts in front of the backend.
 *
 * <p>{@link #off()} does nothing and wraps nothing, so code can call it unconditionally.
 */
public final class Profiler {

    /** Parts of an epoch. */
    public enum Phase {
        SAMPLING("sampling"), FORWARD("forward"), BACKWARD("backward"), OPTIMISER("optimiser"), EVALUATION("eval");

        final String label;

        Phase(String label) {
            this.label = label;
        }

        public String label() { return label; }

        /** Phases of a training step (and its epoch's sampling), as opposed to evaluation. */
        public boolean training() { return this != EVALUATION; }
    }

    private static final Profiler OFF = new Profiler(null);

    private final Consumer<EpochProfile> sink;
    private CountingKernels counter;
    private dev.mmgcn.kernels.Ceilings ceilings;
    private BackendClock clock = BackendClock.HOST;
    private long[] marks = new long[256];
    private int[] phases = new int[128];
    private int spans;
    private Phase open;
    private long openMark;
    private long epochStart;
    private int steps;

    private Profiler(Consumer<EpochProfile> sink) {
        this.sink = sink;
    }

    public static Profiler off() { return OFF; }

    /** A profiler that hands each epoch's profile to {@code sink}. */
    public static Profiler on(Consumer<EpochProfile> sink) {
        return new Profiler(java.util.Objects.requireNonNull(sink));
    }

    public boolean enabled() { return sink != null; }

    /** The backend to compute on: {@code k} itself when off, else a counting wrapper around it. Call once. */
    public Kernels wrap(Kernels k) {
        if (!enabled()) return k;
        if (counter != null) throw new IllegalStateException("a profiler wraps one backend");
        counter = new CountingKernels(k);
        clock = k.clock();
        ceilings = k.ceilings(); // probed here, before the first epoch, so the probe's half second is in no phase
        return counter.get();
    }

    public void epochStarted() {
        if (!enabled()) return;
        counter.reset();
        spans = 0;
        steps = 0;
        open = null;
        epochStart = clock.mark();
    }

    public void begin(Phase p) {
        if (!enabled()) return;
        if (open != null) end(open);
        open = p;
        openMark = clock.mark();
        counter.phase(p);
    }

    public void end(Phase p) {
        if (!enabled() || open != p) return;
        long endMark = clock.mark();
        if (spans == phases.length) {
            phases = Arrays.copyOf(phases, spans * 2);
            marks = Arrays.copyOf(marks, spans * 4);
        }
        phases[spans] = p.ordinal();
        marks[2 * spans] = openMark;
        marks[2 * spans + 1] = endMark;
        spans++;
        open = null;
        counter.phase(null);
    }

    public void stepDone() {
        if (enabled()) steps++;
    }

    /**
     * Ends the epoch: resolves every mark (on a device, waits for the backend to reach the last one),
     * hands the profile to the sink and returns it; null when off.
     *
     * @param trainEnd the mark (from {@link #mark()}) where training ended and evaluation began, so that
     *                 "other" counts only the training part's unattributed time
     */
    public EpochProfile epochDone(int epoch, long trainEnd) {
        if (!enabled()) return null;
        if (open != null) end(open);
        Map<Phase, Double> seconds = new EnumMap<>(Phase.class);
        for (Phase p : Phase.values()) seconds.put(p, 0.0);
        for (int i = 0; i < spans; i++) {
            Phase p = Phase.values()[phases[i]];
            seconds.merge(p, clock.seconds(marks[2 * i], marks[2 * i + 1]), Double::sum);
        }
        double train = clock.seconds(epochStart, trainEnd);
        clock.reset();
        EpochProfile profile = EpochProfile.of(epoch, train, seconds, steps, counter, ceilings);
        sink.accept(profile);
        return profile;
    }

    /** A mark on the profiled backend's timeline (0 when off). */
    public long mark() {
        return enabled() ? clock.mark() : 0L;
    }
}
