package dev.mmgcn.cuda;

import dev.mmgcn.kernels.BackendClock;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;

import java.util.ArrayList;
import java.util.List;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;

/**
 * {@code --profile}'s marks as CUDA events on the backend's stream: a pool created on demand and reused
 * after {@link #reset()}, so a steady epoch creates none. {@link #mark()} records the next event
 * ({@code cuEventRecord}, asynchronous) and returns its index; {@link #seconds} waits for the later event
 * ({@code cuEventSynchronize}) and reads {@code cuEventElapsedTime} (milliseconds, about 0.5 µs
 * resolution per the driver documentation). The profiler resolves marks only at the end of an epoch, so
 * marks add no host synchronisation inside a step. While a replayable region is being recorded as a CUDA
 * graph, marks are not recorded (a span touching one is 0 s); replays have no marks inside at all.
 * Unverified on a GPU: used only with the fused switch on.
 */
final class CudaClock implements BackendClock {
    /** What mark() returns while a replayable region is being recorded: a span of 0 s. */
    static final long NOT_RECORDED = -1;

    private final CudaRuntime rt;
    private final GraphRecorder<?> graphs;
    private final List<CUevent> pool = new ArrayList<>();
    private int next;

    CudaClock(CudaRuntime rt, GraphRecorder<?> graphs) {
        this.rt = rt;
        this.graphs = graphs;
    }

    @Override
    public long mark() {
        rt.requireOpen();
        // an event recorded under stream capture becomes a graph node, not a timestamp
        if (graphs != null && graphs.capturing()) return NOT_RECORDED;
        if (next == pool.size()) {
            CUevent e = new CUevent();
            // timing enabled (no CU_EVENT_DISABLE_TIMING); the default flag spins in cuEventSynchronize
            CudaRuntime.check("cuEventCreate", cuEventCreate(e, CUevent_flags.CU_EVENT_DEFAULT));
            pool.add(e);
        }
        CUevent e = pool.get(next);
        CudaRuntime.check("cuEventRecord(mark " + next + ")", cuEventRecord(e, rt.stream()));
        return next++;
    }

    @Override
    public double seconds(long from, long to) {
        rt.requireOpen();
        if (from == NOT_RECORDED || to == NOT_RECORDED) return 0;
        CUevent a = event(from);
        CUevent b = event(to);
        CudaRuntime.check("cuEventSynchronize(mark " + to + ")", cuEventSynchronize(b));
        float[] ms = new float[1];
        CudaRuntime.check("cuEventElapsedTime(mark " + from + ", mark " + to + ")", cuEventElapsedTime(ms, a, b));
        return ms[0] / 1e3;
    }

    private CUevent event(long mark) {
        if (mark < 0 || mark >= next) {
            throw new IllegalArgumentException("mark " + mark + " was not handed out since the last reset (" + next + " were)");
        }
        return pool.get((int) mark);
    }

    @Override
    public void reset() {
        next = 0;
    }

    /** Marks handed out since the last reset, and events created in all. */
    int marks() {
        return next;
    }

    int events() {
        return pool.size();
    }

    void close() {
        RuntimeException first = null;
        for (int i = 0; i < pool.size(); i++) {
            try {
                CudaRuntime.check("cuEventDestroy(event " + i + ")", cuEventDestroy(pool.get(i)));
            } catch (RuntimeException e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
        }
        pool.clear();
        next = 0;
        if (first != null) throw first;
    }
}
