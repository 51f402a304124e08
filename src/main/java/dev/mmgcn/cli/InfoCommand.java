package dev.mmgcn.cli;

import dev.mmgcn.kernels.Backends;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code info}: what this JVM and machine give the engine. */
@Command(name = "info", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Prints the Java version, kernel backends, SIMD width, threads and GPU.")
final class InfoCommand implements Callable<Integer> {
    @ParentCommand
    MmgcnCommand top;

    @Override
    public Integer call() {
        PrintStream out = top.out;
        Runtime rt = Runtime.getRuntime();
        out.println("mmgcn-engine " + Version.get());
        out.println("java         " + System.getProperty("java.vm.name") + " " + Runtime.version() + " (" + System.getProperty("java.home") + ")");
        out.println("os           " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        out.printf("cpu          %d cores available, max heap %,d MB%n", rt.availableProcessors(), rt.maxMemory() >> 20);
        if (Backends.vector().isPresent()) {
            out.println("simd         Vector API on: " + vectorDescription());
            out.println("             (the incubating module jdk.incubator.vector; the JVM warns 'Using incubator modules' when it is");
            out.println("             added by hand, and ./mmgcn and java -jar keep that line out of the output)");
            out.println("cpu backend  vector (" + Backend.plural(Backend.threads(), "thread") + ")");
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

    /** Asks the SIMD backend through reflection, so this class loads without the incubator module. */
    static String vectorDescription() {
        try {
            return (String) Class.forName("dev.mmgcn.kernels.VectorKernels").getMethod("simdDescription").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return "width unknown (" + e + ")";
        }
    }

    /** The Vector API backend's width in bits in this JVM, or 0 when it cannot run here. */
    static int vectorBits() {
        try {
            return (int) Class.forName("dev.mmgcn.kernels.VectorKernels").getMethod("vectorBits").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return 0;
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
