package dev.mmgcn.cuda;

import java.util.function.Supplier;

/**
 * Whether a CUDA backend records replayable regions as graphs, decided once when it opens, and the
 * capture probe behind that decision. Apart from {@link CudaKernels} so that both run without a GPU
 * (a fake {@link GraphRecorder.Driver}).
 *
 * <ul>
 *   <li>Asked for explicitly ({@code --cuda-graphs on}, {@code -Dmmgcn.cuda.graphs=on} or
 *       {@code MMGCN_CUDA_GRAPHS=1}): graphs need the fused path and a device whose stream capture works;
 *       otherwise the backend does not open, with the reason.</li>
 *   <li>By default ({@link CudaSwitches#GRAPHS_DEFAULT}): on only when the fused path is on and a probe
 *       capture (one kernel captured, instantiated, launched and waited for) works; otherwise off, with
 *       a one-line note naming the call that refused.</li>
 *   <li>Off: no probe, no note.</li>
 * </ul>
 */
final class GraphSetup {
    private GraphSetup() {
    }

    /** on: record graphs; note: "" or the one line saying why they are off by default. */
    record Decision(boolean on, String note) {
    }

    /**
     * @param given   the explicit setting (null: not given, the default applies)
     * @param refusal runs the probe capture: "" when it worked, else the failed call and its status
     */
    static Decision decide(boolean fused, Boolean given, boolean fallback, Supplier<String> refusal) {
        boolean wanted = given != null ? given : fallback;
        if (!wanted) return new Decision(false, "");
        if (!fused) {
            if (given != null) CudaSwitches.requireCompatible(false, true);
            return new Decision(false, "CUDA graphs off: the fused path is off (" + CudaSwitches.FUSED_PROPERTY
                    + "), and the unfused Adam step synchronises every step");
        }
        String why = refusal.get();
        if (why.isEmpty()) return new Decision(true, "");
        if (given != null) {
            throw new CudaException("CUDA graphs were asked for (--cuda-graphs on) but stream capture does not work here: " + why
                    + "; run with --cuda-graphs off");
        }
        return new Decision(false, "CUDA graphs off: stream capture does not work here: " + why);
    }

    /** {@link #decide} for the device of {@code rt}: the probe captures one fill kernel into scratch allocated beforehand. */
    static Decision forDevice(CudaRuntime rt, boolean fused, Boolean given) {
        return decide(fused, given, CudaSwitches.GRAPHS_DEFAULT, () -> {
            long target = rt.scratch(Float.BYTES); // allocated before the capture: allocation is not capturable
            return refusal(new CudaGraphDriver(rt), () -> rt.launchFlat(rt.args(Kernel.FILL).ptr(target).i64(1).f32(0f), 1),
                    rt::synchronizeAndCheck);
        });
    }

    /**
     * Captures {@code work} (one kernel) into a graph, instantiates, launches it and runs {@code after}
     * (a wait for the stream), destroying what was made; "" when all of it worked, else the message of the
     * first failure (a {@link CudaException} names the call and its status). Never throws a RuntimeException.
     */
    static <G> String refusal(GraphRecorder.Driver<G> driver, Runnable work, Runnable after) {
        try {
            driver.beginCapture();
        } catch (RuntimeException e) {
            return e.getMessage();
        }
        try {
            work.run();
        } catch (RuntimeException e) {
            try {
                G partial = driver.endCapture();
                if (partial != null) driver.destroy(partial);
            } catch (RuntimeException ended) {
                // the capture is over either way; the first failure is the reason
            }
            return e.getMessage();
        }
        G graph;
        try {
            graph = driver.endCapture();
        } catch (RuntimeException e) {
            return e.getMessage();
        }
        try {
            driver.launch(graph);
            after.run();
            return "";
        } catch (RuntimeException e) {
            return e.getMessage();
        } finally {
            try {
                driver.destroy(graph);
            } catch (RuntimeException ignored) {
                // a failure to destroy the probe graph does not change the answer
            }
        }
    }
}
