package dev.mmgcn.kernels;

import java.util.Optional;

/**
 * Picks a kernel backend by name. The Vector API backend is loaded reflectively: its classes refer to
 * {@code jdk.incubator.vector}, which a plain {@code java -jar} does not resolve, and loading them
 * there would fail with a linkage error instead of falling back.
 */
public final class Backends {
    private static final String VECTOR_CLASS = "dev.mmgcn.kernels.VectorKernels";
    private static final String CUDA_CLASS = "dev.mmgcn.cuda.CudaKernels";

    public static final String SIMD_HINT =
            "SIMD kernels are off: the JVM was started without jdk.incubator.vector; "
                    + "run through ./mmgcn or add `--add-modules jdk.incubator.vector` to enable them";

    private Backends() {
    }

    public static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** The fastest CPU backend this JVM can run; prints the SIMD hint once to stderr when it falls back. */
    public static Kernels cpu() {
        Optional<Kernels> vector = vector();
        if (vector.isPresent()) return vector.get();
        System.err.println("note: " + SIMD_HINT);
        return new ScalarKernels();
    }

    public static Optional<Kernels> vector() {
        if (!vectorModulePresent()) return Optional.empty();
        try {
            Class.forName(VECTOR_CLASS);
        } catch (ClassNotFoundException e) {
            return Optional.empty();
        }
        return Optional.of(instantiate(VECTOR_CLASS));
    }

    /** The Vector API backend with its own pool of {@code threads} (the caller included), or empty without the module. */
    public static Optional<Kernels> vector(int threads) {
        if (threads < 1) throw new IllegalArgumentException("thread count must be at least 1, got " + threads);
        if (!vectorModulePresent()) return Optional.empty();
        try {
            return Optional.of((Kernels) Class.forName(VECTOR_CLASS).getConstructor(int.class).newInstance(threads));
        } catch (ClassNotFoundException e) {
            return Optional.empty();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create backend " + VECTOR_CLASS, e);
        }
    }

    /**
     * The CUDA backend, or empty with the reason it is unavailable (no driver, no device, missing
     * libraries) in {@code reason[0]} when {@code reason} is given.
     */
    public static Optional<Kernels> cuda(String[] reason) {
        try {
            Class<?> c = Class.forName(CUDA_CLASS);
            Object probe = c.getMethod("probe").invoke(null);
            if (probe instanceof String why && !why.isEmpty()) {
                if (reason != null) reason[0] = why;
                return Optional.empty();
            }
            return Optional.of((Kernels) c.getConstructor().newInstance());
        } catch (ClassNotFoundException e) {
            if (reason != null) reason[0] = "this build has no CUDA backend";
            return Optional.empty();
        } catch (ReflectiveOperationException | LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (reason != null) reason[0] = "CUDA backend failed to start: " + cause.getMessage();
            return Optional.empty();
        }
    }

    /**
     * Resolves a {@code --device}/backend name: {@code scalar}, {@code vector}, {@code cpu} (best CPU),
     * {@code cuda}, or {@code auto} (CUDA when usable, else the best CPU backend with a one-line reason).
     */
    public static Kernels byName(String name) {
        switch (name) {
            case "scalar":
                return new ScalarKernels();
            case "vector":
                return vector().orElseThrow(() -> new IllegalArgumentException(SIMD_HINT));
            case "cpu":
                return cpu();
            case "cuda": {
                String[] why = new String[1];
                return cuda(why).orElseThrow(() -> new IllegalArgumentException("--device cuda: " + why[0]));
            }
            case "auto": {
                String[] why = new String[1];
                Optional<Kernels> gpu = cuda(why);
                if (gpu.isPresent()) return gpu.get();
                System.err.println("note: using the CPU (" + why[0] + ")");
                return cpu();
            }
            default:
                throw new IllegalArgumentException("unknown device '" + name + "': expected cpu, cuda, auto, scalar or vector");
        }
    }

    private static Kernels instantiate(String className) {
        try {
            return (Kernels) Class.forName(className).getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create backend " + className, e);
        }
    }
}
