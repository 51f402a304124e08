package dev.mmgcn.cli;

import dev.mmgcn.kernels.Backends;

import java.io.PrintStream;
import java.util.List;

/** {@code info}: what this JVM and machine give the engine. */
final class InfoCommand {
    private InfoCommand() {
    }

    static int run(String[] argv, PrintStream out) {
        Args a = new Args("info").flag("help", "show this help").parse(argv);
        if (a.flag("help")) {
            out.println("usage: mmgcn-engine info\n\nPrints the Java version, kernel backends, SIMD width, threads and GPU.");
            return 0;
        }
        Runtime rt = Runtime.getRuntime();
        out.println("mmgcn-engine " + version());
        out.println("java         " + System.getProperty("java.vm.name") + " " + Runtime.version() + " (" + System.getProperty("java.home") + ")");
        out.println("os           " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        out.printf("cpu          %d cores available, max heap %,d MB%n", rt.availableProcessors(), rt.maxMemory() >> 20);
        if (Backends.vector().isPresent()) {
            out.println("simd         Vector API on: " + vectorDescription());
            out.println("cpu backend  vector (" + Integer.getInteger("mmgcn.threads", rt.availableProcessors()) + " threads)");
        } else {
            out.println("simd         off — " + Backends.SIMD_HINT);
            out.println("cpu backend  scalar (single-threaded reference)");
        }
        String reason = cudaReason();
        if (reason.isEmpty()) {
            out.println("gpu          CUDA backend available");
            for (String line : cudaLines()) out.println("             " + line);
        } else {
            out.println("gpu          none usable: " + reason);
        }
        return 0;
    }

    static String version() {
        String v = InfoCommand.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }

    /** Asks the SIMD backend through reflection, so this class loads without the incubator module. */
    static String vectorDescription() {
        try {
            return (String) Class.forName("dev.mmgcn.kernels.VectorKernels").getMethod("simdDescription").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return "width unknown (" + e + ")";
        }
    }

    private static String cudaReason() {
        try {
            Object r = Class.forName("dev.mmgcn.cuda.CudaKernels").getMethod("probe").invoke(null);
            return r == null ? "" : r.toString();
        } catch (ReflectiveOperationException | LinkageError e) {
            return "CUDA backend unavailable (" + e + ")";
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> cudaLines() {
        try {
            return (List<String>) Class.forName("dev.mmgcn.cuda.CudaInfo").getMethod("lines").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return List.of("details unavailable: " + e);
        }
    }
}
