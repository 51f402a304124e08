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
 * <p>A recording holds the device addresses its calls used. Two things retire recordings:
 * <ul>
 *   <li>{@link #invalidate()}: every recording is destroyed and every key starts over (runs, then is
 *       recorded again). The runtime's growable buffers (scratch, the cuSPARSE workspace) call it when they
 *       move, after waiting for the stream and before freeing the old buffer, so no recording is ever
 *       launched against freed memory ({@link GrowableBuffer}).</li>
 *   <li>Versions: a key that is a {@link List} of two or more elements whose last is an {@link Integer}
 *       (the trainer's {@code (batch size, graphVersion)}) is of that version. When a key of another
 *       version than the last one seen runs, the entries of every other version are dropped and their
 *       recordings destroyed: FREEDOM moves to a new pruned graph each epoch, and the old graph's
 *       recordings would otherwise be kept, one set per epoch, until close.</li>
 * </ul>
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
    /** The key being recorded, for messages. */
    private Object capturingKey;
    /** The version of the last versioned key that ran (see the class comment); null before one has. */
    private Integer version;

    GraphRecorder(Driver<G> driver) {
        this.driver = driver;
    }

    void run(Object key, Runnable calls) {
        if (capturing) throw new IllegalStateException("replayable regions do not nest (key " + key + ")");
        Integer v = versionOf(key);
        if (v != null && !v.equals(version)) {
            if (version != null) evictAllBut(v);
            version = v;
        }
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
        capturingKey = key;
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
                    + "its calls were captured, not run (turn graphs off: --cuda-graphs off, or -D" + CudaSwitches.GRAPHS_PROPERTY + "=off): "
                    + ended.getMessage(), ended);
        }
        e.graph = graph;
        e.runs++;
        driver.launch(graph);
    }

    /** A key's version: the last element of a list key of two or more whose last is an Integer; else null. */
    static Integer versionOf(Object key) {
        if (key instanceof List<?> l && l.size() >= 2 && l.get(l.size() - 1) instanceof Integer v) return v;
        return null;
    }

    /** Drops the entries of versioned keys of another version than {@code keep}, destroying their recordings. */
    private void evictAllBut(Integer keep) {
        List<RuntimeException> failures = new ArrayList<>();
        var it = keys.entrySet().iterator();
        while (it.hasNext()) {
            var kv = it.next();
            Integer v = versionOf(kv.getKey());
            if (v == null || v.equals(keep)) continue;
            destroy(kv.getValue(), failures);
            it.remove();
        }
        rethrow(failures);
    }

    /**
     * Destroys every recording; each key starts over (its next run runs the calls, the one after records).
     * Refused while recording: a buffer that moves under capture would be in the recording at its old address.
     */
    void invalidate() {
        if (capturing) {
            throw new IllegalStateException("a device buffer grew while the replayable region " + capturingKey
                    + " was being recorded as a CUDA graph; turn graphs off (--cuda-graphs off, or -D" + CudaSwitches.GRAPHS_PROPERTY + "=off)");
        }
        destroyAll();
    }

    /** Destroys every recording and forgets every key; failures are rethrown after all were tried. */
    private void destroyAll() {
        List<RuntimeException> failures = new ArrayList<>();
        for (Entry<G> e : keys.values()) destroy(e, failures);
        keys.clear();
        rethrow(failures);
    }

    /** How many executable recordings are held. */
    int recordings() {
        int n = 0;
        for (Entry<G> e : keys.values()) if (e.graph != null) n++;
        return n;
    }

    private void destroy(Entry<G> e, List<RuntimeException> failures) {
        if (e.graph == null) return;
        try {
            driver.destroy(e.graph);
        } catch (RuntimeException x) {
            failures.add(x);
        }
        e.graph = null;
    }

    private static void rethrow(List<RuntimeException> failures) {
        if (failures.isEmpty()) return;
        RuntimeException first = failures.get(0);
        for (int i = 1; i < failures.size(); i++) first.addSuppressed(failures.get(i));
        throw first;
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
        version = null;
        destroyAll();
    }
}
