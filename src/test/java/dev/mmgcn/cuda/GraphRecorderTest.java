package dev.mmgcn.cuda;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-key bookkeeping of replayable regions as CUDA graphs, against a fake driver that logs what a
 * stream would see: which runs execute the calls, which are captured, which only launch a recording.
 */
class GraphRecorderTest {

    /** Records the driver calls and the region's own calls in one log, as a stream would order them. */
    private static final class FakeDriver implements GraphRecorder.Driver<String> {
        final List<String> log = new ArrayList<>();
        int graphs;
        boolean invalidate;
        final List<String> live = new ArrayList<>();

        @Override public void beginCapture() { log.add("begin"); }

        @Override public String endCapture() {
            log.add("end");
            if (invalidate) throw new CudaException("cuStreamEndCapture", 901, "CUDA_ERROR_STREAM_CAPTURE_INVALIDATED");
            String g = "g" + graphs++;
            live.add(g);
            return g;
        }

        @Override public void launch(String graph) { log.add("launch " + graph); }

        @Override public void destroy(String graph) {
            log.add("destroy " + graph);
            assertTrue(live.remove(graph), graph + " destroyed twice or never made");
        }
    }

    @Test
    void firstRunRunsSecondIsRecordedAndLaunchedLaterOnesOnlyLaunch() {
        FakeDriver d = new FakeDriver();
        GraphRecorder<String> r = new GraphRecorder<>(d);
        for (int i = 0; i < 4; i++) r.run(2048, () -> d.log.add("calls"));
        assertEquals(List.of("calls", "begin", "calls", "end", "launch g0", "launch g0", "launch g0"), d.log);
        assertEquals(4, r.runs(2048));
        assertTrue(r.recorded(2048));
        assertFalse(r.capturing());
    }

    @Test
    void theShorterLastBatchGetsItsOwnRecording() {
        FakeDriver d = new FakeDriver();
        GraphRecorder<String> r = new GraphRecorder<>(d);
        for (int epoch = 0; epoch < 3; epoch++) {
            r.run(2048, () -> d.log.add("full"));
            r.run(2048, () -> d.log.add("full"));
            r.run(17, () -> d.log.add("last"));
        }
        assertEquals(List.of(
                "full", "begin", "full", "end", "launch g0", "last",
                "launch g0", "launch g0", "begin", "last", "end", "launch g1",
                "launch g0", "launch g0", "launch g1"), d.log);
        assertFalse(r.recorded(99));
        assertEquals(0, r.runs(99));
        r.close();
        assertEquals(List.of(), d.live, "close destroys every recording");
    }

    @Test
    void capturingIsVisibleOnlyWhileRecording() {
        FakeDriver d = new FakeDriver();
        GraphRecorder<String> r = new GraphRecorder<>(d);
        List<Boolean> seen = new ArrayList<>();
        for (int i = 0; i < 3; i++) r.run("k", () -> seen.add(r.capturing()));
        assertEquals(List.of(false, true), seen, "the third run is a launch: the calls do not run");
        // nesting is refused while recording
        GraphRecorder<String> r2 = new GraphRecorder<>(new FakeDriver());
        r2.run("a", () -> { });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> r2.run("a", () -> r2.run("b", () -> { })));
        assertTrue(e.getMessage().contains("do not nest"), e.getMessage());
    }

    @Test
    void aFailureInsideTheCaptureEndsItAndRethrows() {
        FakeDriver d = new FakeDriver();
        GraphRecorder<String> r = new GraphRecorder<>(d);
        r.run("k", () -> { });
        RuntimeException boom = new CudaException("cuStreamSynchronize", 900, "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED");
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> r.run("k", () -> { throw boom; }));
        assertSame(boom, thrown);
        assertEquals(List.of("begin", "end", "destroy g0"), d.log, "the capture is ended and its partial recording destroyed");
        assertFalse(r.capturing());
        assertFalse(r.recorded("k"));
    }

    @Test
    void anInvalidatedCaptureNamesTheKeyTheCallAndTheWayOut() {
        FakeDriver d = new FakeDriver();
        d.invalidate = true;
        GraphRecorder<String> r = new GraphRecorder<>(d);
        r.run(2048, () -> { });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.run(2048, () -> { }));
        assertTrue(e.getMessage().contains("replayable region 2048"), e.getMessage());
        assertTrue(e.getMessage().contains("cuStreamEndCapture"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dmmgcn.cuda.graphs=off"), e.getMessage());
        assertFalse(r.recorded(2048));
        assertFalse(d.log.stream().anyMatch(s -> s.startsWith("launch")), "nothing was launched");
    }

    /** Device memory that logs into the driver's log, so that the order of frees and graph destroys shows. */
    private static final class FakeMemory implements GrowableBuffer.Memory {
        final List<String> log;
        long next = 0x1000;

        FakeMemory(List<String> log) {
            this.log = log;
        }

        @Override public long alloc(long bytes) {
            log.add("alloc " + bytes);
            long a = next;
            next += bytes;
            return a;
        }

        @Override public void free(long address) { log.add("free " + Long.toHexString(address)); }

        @Override public void synchronize() { log.add("sync"); }
    }

    @Test
    void aGrowingBufferDropsTheRecordingsThatPointAtItBeforeFreeingIt() {
        FakeDriver d = new FakeDriver();
        GraphRecorder<String> r = new GraphRecorder<>(d);
        GrowableBuffer scratch = new GrowableBuffer(new FakeMemory(d.log), "scratch");
        scratch.beforeMove(r::invalidate);
        // the training step's scratch, recorded into g0
        for (int i = 0; i < 3; i++) r.run(2048, () -> d.log.add("calls " + Long.toHexString(scratch.ensure(64))));
        assertTrue(r.recorded(2048));
        d.log.clear();
        // a larger product outside the step (validation on the full graph) grows the buffer
        scratch.ensure(1024);
        assertEquals(List.of("sync", "destroy g0", "free 1000", "alloc 1024"), d.log,
                "the recording is destroyed after the stream is idle and before its buffer is freed");
        assertEquals(List.of(), d.live);
        assertFalse(r.recorded(2048));
        d.log.clear();
        // the key starts over: it runs against the new buffer, then is recorded again
        for (int i = 0; i < 3; i++) r.run(2048, () -> d.log.add("calls " + Long.toHexString(scratch.ensure(64))));
        assertEquals(List.of("calls 1040", "begin", "calls 1040", "end", "launch g1", "launch g1"), d.log);
    }

    @Test
    void aBufferThatGrowsWhileRecordingIsRefusedNamingTheKey() {
        FakeDriver d = new FakeDriver();
        GraphRecorder<String> r = new GraphRecorder<>(d);
        GrowableBuffer scratch = new GrowableBuffer(new FakeMemory(d.log), "scratch");
        scratch.beforeMove(r::invalidate);
        scratch.ensure(64);
        r.run("k", () -> { });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.run("k", () -> scratch.ensure(4096)));
        assertTrue(e.getMessage().contains("replayable region k"), e.getMessage());
        assertTrue(e.getMessage().contains("--cuda-graphs off"), e.getMessage());
        assertFalse(r.capturing());
        assertEquals(List.of(), d.live, "the partial recording was destroyed");
    }

    @Test
    void recordingsOfAnOlderGraphVersionAreEvicted() {
        FakeDriver d = new FakeDriver();
        GraphRecorder<String> r = new GraphRecorder<>(d);
        // FREEDOM: a new pruned graph (graphVersion) every epoch; full batches and a shorter last one
        for (int epoch = 1; epoch <= 5; epoch++) {
            for (int b = 0; b < 3; b++) r.run(List.of(2048, epoch), () -> { });
            for (int b = 0; b < 2; b++) r.run(List.of(17, epoch), () -> { });
            assertEquals(2, r.recordings(), "epoch " + epoch + ": only the current version's recordings are held");
            assertEquals(2, d.live.size(), "epoch " + epoch + ": older versions' recordings destroyed");
        }
        assertTrue(r.recorded(List.of(2048, 5)));
        assertFalse(r.recorded(List.of(2048, 4)));
        assertEquals(0, r.runs(List.of(2048, 4)), "an evicted key's entry is gone");
        // keys without a version are left alone
        r.run("plain", () -> { });
        r.run("plain", () -> { });
        r.run(List.of(2048, 6), () -> { });
        assertTrue(r.recorded("plain"));
        r.close();
        assertEquals(List.of(), d.live);
    }
}
