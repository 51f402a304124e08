package dev.mmgcn.bench;

import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.kernels.ScalarKernels;
import dev.mmgcn.kernels.VectorKernels;

/**
 * Opens the kernel backend a benchmark parameter names. CPU names: {@code scalar}, {@code vector1}
 * (one thread), {@code vectorAll} (one thread per available processor) or {@code vector<k>}
 * for any other thread count, so a run can add e.g. {@code -p backend=vector8}.
 */
final class Backend {
    /** JVM flags every fork needs: SIMD kernels, and FFM/JNI downcalls (CUDA, OpenBLAS) without warnings. */
    static final String ADD_MODULES = "--add-modules";
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    /** JMH 1.37 reads field offsets through sun.misc.Unsafe; this only silences JDK 25's warning about it. */
    static final String UNSAFE_ALLOW = "--sun-misc-unsafe-memory-access=allow";

    private Backend() {
    }

    static Kernels cpu(String name) {
        if (name.equals("scalar")) return new ScalarKernels();
        if (name.equals("vectorAll")) return vector(Runtime.getRuntime().availableProcessors());
        if (name.startsWith("vector")) {
            try {
                int threads = Integer.parseInt(name.substring("vector".length()));
                if (threads >= 1) return vector(threads);
            } catch (NumberFormatException ignored) {
                // falls through to the error below
            }
        }
        throw new IllegalArgumentException("unknown CPU backend '" + name
                + "': expected scalar, vector1, vectorAll or vector<threads>");
    }

    private static Kernels vector(int threads) {
        if (!Backends.vectorModulePresent()) {
            throw new IllegalStateException("this fork has no jdk.incubator.vector; " + Backends.SIMD_HINT);
        }
        VectorKernels k = new VectorKernels(threads);
        System.out.println("# backend vector: " + k.threads() + " thread(s), " + VectorKernels.simdDescription());
        return k;
    }

    /**
     * The CUDA backend. The launcher leaves the cuda benchmarks out where this would fail, so reaching
     * the exception means the jar was run directly on a machine without a usable GPU.
     */
    static Kernels cuda() {
        String[] why = new String[1];
        return Backends.cuda(why).orElseThrow(() -> new IllegalStateException(
                "no usable GPU (" + why[0] + "); run through benchmarks/run.sh, which leaves the cuda "
                        + "benchmarks out on such a machine, or pass -e '" + Launcher.CUDA_BENCHMARKS + "'"));
    }
}
