package dev.mmgcn.cuda;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bookkeeping of {@code Kernels.replayable} as CUDA graphs, apart from the driver so that it can be
 * tested without a GPU: per key, the first run runs the calls normally (it may allocate: the tape sizes
 * its buffers, cuSPARSE its workspace); the second runs them under stream capture, instantiates the
 * recording and launches it (captured work does not execute while capturing); every later run only
 * launches the recording, and the calls' Java code does not run. A failure while recording ends the
 * capture, destroys whatever was recorded and rethrows, naming the key.
 *
 * @param <G> the driver's handle of an instantiated recording
 */
final class GraphRecorder<G> implements AutoCloseable {

    /** The stream-capture calls of a device: begin, end + instantiate, launch, destroy. */
    interface Driver<G> {
        void beginCapture();

        /** Ends the capture and instantiates it; throws (naming the call and status) when the capture was invalidated. */
        G endCapture();

        void launch(G graph);

        void destroy(G graph);
    }

    private static final class Entry<G> {
        int runs;
        G graph;
    }

    private final Driver<G> driver;
    private final Map<Object, Entry<G>> keys = new HashMap<>();
    private boolean capturing;

    GraphRecorder(Driver<G> driver) {
        this.driver = driver;
    }

    void run(Object key, Runnable calls) {
        if (capturing) throw new IllegalStateException("replayable regions do not nest (key " + key + ")");
        Entry<G> e = keys.computeIfAbsent(key, k -> new Entry<>());
        if (e.graph != null) {
            driver.launch(e.graph);
            e.runs++;
            return;
        }
        if (e.runs == 0) {
            calls.run();
            e.runs = 1;
            return;
        }
        driver.beginCapture();
        capturing = true;
        G graph;
        try {
            calls.run();
        } catch (RuntimeException | Error failure) {
            capturing = false;
            try {
                G partial = driver.endCapture();
                if (partial != null) driver.destroy(partial);
            } catch (RuntimeException ended) {
                failure.addSuppressed(ended);
            }
            throw failure;
        }
        capturing = false;
        try {
            graph = driver.endCapture();
        } catch (RuntimeException ended) {
            throw new IllegalStateException("recording the replayable region " + key + " as a CUDA graph failed; "
                    + "its calls were captured, not run (turn graphs off: -D" + CudaSwitches.GRAPHS_PROPERTY + "=off): "
                    + ended.getMessage(), ended);
        }
        e.graph = graph;
        e.runs++;
        driver.launch(graph);
    }

    /** Whether a capture is under way (marks and other stream calls must not be recorded into it). */
    boolean capturing() {
        return capturing;
    }

    /** How often {@code key} has run or been replayed. */
    int runs(Object key) {
        Entry<G> e = keys.get(key);
        return e == null ? 0 : e.runs;
    }

    boolean recorded(Object key) {
        Entry<G> e = keys.get(key);
        return e != null && e.graph != null;
    }

    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        for (Entry<G> e : keys.values()) {
            if (e.graph == null) continue;
            try {
                driver.destroy(e.graph);
            } catch (RuntimeException x) {
                failures.add(x);
            }
            e.graph = null;
        }
        keys.clear();
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            for (int i = 1; i < failures.size(); i++) first.addSuppressed(failures.get(i));
            throw first;
        }
    }
}
