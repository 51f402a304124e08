package dev.mmgcn.cuda;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whether CUDA graphs are on, and the probe capture that decides the default, without a GPU: a fake
 * driver that refuses at a chosen call, as a device without working stream capture would.
 */
class GraphSetupTest {

    /** Logs calls; throws at the call named in {@code refuse}, with a CUDA status as the real driver would. */
    private static final class Driver implements GraphRecorder.Driver<String> {
        final List<String> log = new ArrayList<>();
        String refuse = "";

        private void maybeRefuse(String call) {
            log.add(call);
            if (call.equals(refuse)) throw new CudaException(call, 801, "CUDA_ERROR_NOT_SUPPORTED");
        }

        @Override public void beginCapture() { maybeRefuse("cuStreamBeginCapture"); }

        @Override public String endCapture() {
            maybeRefuse("cuStreamEndCapture");
            return "g";
        }

        @Override public void launch(String graph) { maybeRefuse("cuGraphLaunch"); }

        @Override public void destroy(String graph) { log.add("destroy"); }
    }

    @Test
    void theProbeCapturesLaunchesWaitsAndCleansUp() {
        Driver d = new Driver();
        String why = GraphSetup.refusal(d, () -> d.log.add("kernel"), () -> d.log.add("sync"));
        assertEquals("", why);
        assertEquals(List.of("cuStreamBeginCapture", "kernel", "cuStreamEndCapture", "cuGraphLaunch", "sync", "destroy"), d.log);
    }

    @Test
    void theProbeNamesTheCallThatRefused() {
        for (String call : List.of("cuStreamBeginCapture", "cuStreamEndCapture", "cuGraphLaunch")) {
            Driver d = new Driver();
            d.refuse = call;
            String why = GraphSetup.refusal(d, () -> { }, () -> { });
            assertEquals(call + " failed: CUDA_ERROR_NOT_SUPPORTED (801)", why);
            assertEquals(!call.equals("cuStreamBeginCapture") && !call.equals("cuStreamEndCapture"), d.log.contains("destroy"),
                    call + ": a graph made is destroyed");
        }
        Driver d = new Driver();
        String why = GraphSetup.refusal(d, () -> { throw new CudaException("cuLaunchKernel", 900, "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED"); }, () -> { });
        assertEquals("cuLaunchKernel failed: CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED (900)", why);
        assertEquals(List.of("cuStreamBeginCapture", "cuStreamEndCapture", "destroy"), d.log, "the capture is ended and its graph destroyed");
    }

    @Test
    void byDefaultGraphsAreOnOnlyWhereCaptureWorksElseOffWithOneLine() {
        assertEquals(new GraphSetup.Decision(true, ""), GraphSetup.decide(true, null, true, () -> ""));
        GraphSetup.Decision off = GraphSetup.decide(true, null, true, () -> "cuStreamBeginCapture failed: CUDA_ERROR_NOT_SUPPORTED (801)");
        assertFalse(off.on());
        assertEquals("CUDA graphs off: stream capture does not work here: cuStreamBeginCapture failed: CUDA_ERROR_NOT_SUPPORTED (801)", off.note());
        assertFalse(off.note().contains("\n"));
        GraphSetup.Decision unfused = GraphSetup.decide(false, null, true, () -> { throw new AssertionError("no probe without the fused path"); });
        assertFalse(unfused.on());
        assertTrue(unfused.note().startsWith("CUDA graphs off: the fused path is off"), unfused.note());
        // the default as it stands (off until a device run verifies graphs): no probe, no note
        assertEquals(new GraphSetup.Decision(false, ""), GraphSetup.decide(true, null, CudaSwitches.GRAPHS_DEFAULT,
                () -> { throw new AssertionError("no probe while the default is off"); }));
    }

    @Test
    void askedForExplicitlyTheyAreOnOrTheBackendDoesNotOpen() {
        assertEquals(new GraphSetup.Decision(true, ""), GraphSetup.decide(true, true, false, () -> ""));
        assertEquals(new GraphSetup.Decision(false, ""), GraphSetup.decide(true, false, true, () -> { throw new AssertionError("no probe when off"); }));
        CudaException e = assertThrows(CudaException.class,
                () -> GraphSetup.decide(true, true, false, () -> "cuStreamEndCapture failed: CUDA_ERROR_STREAM_CAPTURE_INVALIDATED (901)"));
        assertTrue(e.getMessage().contains("cuStreamEndCapture failed: CUDA_ERROR_STREAM_CAPTURE_INVALIDATED (901)"), e.getMessage());
        assertTrue(e.getMessage().contains("--cuda-graphs off"), e.getMessage());
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class, () -> GraphSetup.decide(false, true, false, () -> ""));
        assertTrue(f.getMessage().contains(CudaSwitches.FUSED_PROPERTY), f.getMessage());
    }
}
