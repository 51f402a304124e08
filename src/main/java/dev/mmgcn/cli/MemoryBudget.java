package dev.mmgcn.cli;

import dev.mmgcn.model.DataShape;
import dev.mmgcn.model.ModelConfig;
import dev.mmgcn.model.ModelMemory;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a training run will allocate, estimated from the data's shape and the settings before anything
 * is allocated, and compared with what the machine has: a run that cannot fit is refused with the
 * numbers instead of dying in an {@link OutOfMemoryError} (or being killed by the OS) minutes later.
 *
 * <p>The terms follow the engine's buffers: the model's own (features, graphs, parameters, a step's
 * activations: each model config answers for them, {@link ModelConfig#memory}), parameters' gradients and
 * both Adam moments, activations' gradients, the epoch plan, the representation, and the rankers' score
 * blocks (at most 4096 users × items, 256 MB) with their masks. Tensors live outside the Java heap; the
 * Java heap holds the interaction arrays. {@code MemoryBudgetTest} checks the estimate against the memory
 * a real run takes.
 */
final class MemoryBudget {
    private static final long FLOAT = 4;
    private static final long BLOCK_FLOATS = 1L << 26;

    /** Bytes per part, in order; {@code offHeap} and {@code heap} sum them by where they live. */
    record Estimate(Map<String, Long> parts, long offHeap, long heap) {
        long total() { return offHeap > Long.MAX_VALUE / 2 || heap > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : offHeap + heap; }

        String breakdown() {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, Long> e : parts.entrySet()) {
                if (!sb.isEmpty()) sb.append(", ");
                sb.append(e.getKey()).append(' ').append(human(e.getValue()));
            }
            return sb.toString();
        }
    }

    private MemoryBudget() {
    }

    /**
     * A training run of {@code model} on data of shape {@code s}: the model's own buffers ({@link ModelConfig#memory}),
     * each parameter with its gradient and both Adam moments, each activation with its gradient, and what every
     * model has alike: the representation, the epoch plan, the rankers' score blocks (which the model's scratch,
     * if any, never coexists with) and the interaction arrays on the Java heap.
     */
    static Estimate training(DataShape s, ModelConfig model, int batch, int maxK) {
        ModelMemory m = model.memory(s, batch);
        Map<String, Long> parts = tensors(s, model, m, batch, maxK, epochPlan(s, s.batchRows(batch)));
        double offHeap = 0;
        for (long v : parts.values()) offHeap += v;
        double n = s.nodes();
        // the Java heap: interaction arrays (3 splits), de-duplicated training pairs and their codes, sampler rows
        double heap = s.allPairs() * 8.0 + s.trainPairs() * 24.0 + n * 8 + m.heapBytes();
        parts.put("Java heap arrays", bytes(heap));
        return new Estimate(parts, bytes(offHeap), bytes(heap));
    }

    /**
     * What the CUDA backend's GPU memory must hold for the same run ({@code --device cuda}): every tensor
     * of {@link #training} lives on the device (the model's own buffers as the model answers for them,
     * parameters with gradients and Adam moments, activations with gradients, the representation, the
     * rankers' blocks), the epoch plan's device half, and the CUDA buffers beside the tensors: the cuSPARSE
     * SpMM workspace (bounded by one direction of the model's graphs, {@code graphBytes / 2}), and
     * {@link #CUDA_BUFFERS} for cuBLAS's workspace, the top-K spill area, scratch and the recorded CUDA
     * graphs. Heap arrays stay on the host and are {@link #training}'s. {@code offHeap} is the GPU total.
     * An estimate (unverified on a device): the CUDA context itself is already out of the free memory it is
     * compared with.
     */
    static Estimate device(DataShape s, ModelConfig model, int batch, int maxK) {
        ModelMemory m = model.memory(s, batch);
        Map<String, Long> parts = tensors(s, model, m, batch, maxK, (5.0 * s.trainPairs() + 5 * s.batchRows(batch)) * FLOAT);
        parts.put("cuSPARSE workspace", bytes(m.graphBytes() / 2));
        parts.put("cuBLAS workspace, top-K spill, scratch and CUDA graphs", CUDA_BUFFERS);
        double total = 0;
        for (long v : parts.values()) total += v;
        return new Estimate(parts, bytes(total), 0);
    }

    /** cuBLAS's workspace (32 MiB on Hopper), the top-K spill bound (32 MiB), scratch, staging and graphs' nodes. */
    static final long CUDA_BUFFERS = 96L << 20;

    /** The tensors every backend allocates for a run, by part (the epoch plan's bytes given: host and device differ). */
    private static Map<String, Long> tensors(DataShape s, ModelConfig model, ModelMemory m, int batch, int maxK, double plan) {
        double n = s.nodes();
        double d = model.embeddingDim();
        double block = Math.max(1, Math.min(Math.min(4096, s.users()), Math.floor((double) BLOCK_FLOATS / Math.max(1, s.items()))));
        double ranking = 2 * (block * s.items() * FLOAT + block * maxK * 8 + s.trainPairs() * 4.0 + s.users() * 4.0);
        Map<String, Long> parts = new LinkedHashMap<>();
        parts.put("features", bytes(m.featureBytes()));
        parts.put("graph", bytes(m.graphBytes()));
        parts.put("parameters, gradients and Adam moments", bytes(m.parameters() * FLOAT * 4));
        parts.put("activations and their gradients", bytes(m.activations() * FLOAT * 2));
        parts.put("representation", bytes(2 * n * d * FLOAT));
        parts.put("epoch plan", bytes(plan));
        parts.put("ranking blocks", bytes(Math.max(ranking, m.scratchBytes())));
        return parts;
    }

    /** A GPU's memory as its driver reports it once the backend is open (the context already taken out). */
    record DeviceLimits(long free, long total) {
        /**
         * The CUDA backend's {@code deviceMemory()} ({free, total} bytes), read by name since the command line
         * does not depend on the cuda package; null for any other backend.
         */
        static DeviceLimits of(dev.mmgcn.kernels.Kernels k) {
            if (!k.name().equals("cuda")) return null;
            try {
                if (k.getClass().getMethod("deviceMemory").invoke(k) instanceof long[] v && v.length == 2) return new DeviceLimits(v[0], v[1]);
            } catch (ReflectiveOperationException e) {
                return null;
            }
            return null;
        }
    }

    /** Refuses a CUDA run whose tensors and buffers ({@link #device}) exceed the GPU's free memory, with the numbers. */
    static void checkDevice(Estimate e, DeviceLimits l, String reduce) {
        if (e.offHeap() > l.free()) {
            throw Failure.memory("this run needs about " + human(e.offHeap()) + " of GPU memory, but the GPU has " + human(l.free())
                    + " free of " + human(l.total()) + " (" + e.breakdown() + "); " + reduce);
        }
    }

    /**
     * The epoch plan: users, positives and negatives on the host, their step-by-step layout (users,
     * positive and negative rows, positive and negative items) on the host and on the backend, and the
     * step's copy of its indices.
     */
    private static double epochPlan(DataShape s, double batch) {
        return (13.0 * s.trainPairs() + 5 * batch) * 4;
    }

    private static long bytes(double v) {
        return v >= Long.MAX_VALUE / 2.0 ? Long.MAX_VALUE / 2 : (long) Math.ceil(v);
    }

    /**
     * Before any feature file is read: the features alone, as float32 twice over (the dataset's and the
     * model's copy), must fit the machine. Only the .npy headers are read.
     */
    static void checkFeatures(List<Path> files, Limits l) {
        double bytes = 0;
        StringBuilder which = new StringBuilder();
        for (Path f : files) {
            long elements;
            try {
                elements = dev.mmgcn.data.Npy.header(f).elementCount();
            } catch (RuntimeException e) {
                continue; // the loader reports a bad header with its own message
            }
            bytes += 2.0 * elements * FLOAT;
            which.append(which.isEmpty() ? "" : ", ").append(f.getFileName()).append(' ').append(human(elements * FLOAT));
        }
        if (bytes > l.physical()) {
            throw Failure.memory("the feature files need about " + human(bytes(bytes)) + " as float32 (the data's copy and the model's: "
                    + which + "), but this machine has " + human(l.physical()) + "; use fewer modalities (--modalities) or a machine with more memory");
        }
    }

    /** The memory this process may use: physical (or container) memory for tensors, and the JVM heap limit. */
    record Limits(long physical, long available, long heap) {
        static Limits current() {
            long physical = Long.MAX_VALUE;
            try {
                var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                physical = os.getTotalMemorySize();
            } catch (ClassCastException | LinkageError ignored) {
                // not HotSpot: no physical limit known
            }
            return new Limits(physical, available(physical), Runtime.getRuntime().maxMemory());
        }

        /** MemAvailable from /proc/meminfo (what can be had without swapping), else the physical size. */
        private static long available(long physical) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                    if (line.startsWith("MemAvailable:")) {
                        String[] p = line.substring(13).trim().split("\\s+");
                        return Math.min(physical, Long.parseLong(p[0]) * 1024);
                    }
                }
            } catch (Exception ignored) {
                // fall through
            }
            return physical;
        }
    }

    /**
     * Refuses the run when it cannot fit: the tensors and heap together above physical memory, or the
     * heap arrays above the JVM's heap limit. Returns a warning line (or null) when it fits the machine
     * but not what is free right now.
     */
    static String check(Estimate e, Limits l, String reduce) {
        if (e.heap() > l.heap() * 0.9) {
            throw Failure.memory("this run needs about " + human(e.heap()) + " of Java heap for its interaction arrays, but the JVM may use "
                    + human(l.heap()) + ": raise it with MMGCN_JAVA_OPTS=-Xmx… (" + e.breakdown() + ")");
        }
        if (e.total() > l.physical()) {
            throw Failure.memory("this run needs about " + human(e.total()) + " of memory, but this machine has " + human(l.physical())
                    + " (" + e.breakdown() + "); " + reduce);
        }
        if (e.total() > l.available()) {
            return "warning: this run needs about " + human(e.total()) + " of memory and " + human(l.available())
                    + " is free now; it may swap or be stopped by the system (" + e.breakdown() + ")";
        }
        return null;
    }

    static String human(long bytes) {
        if (bytes < 1024) return bytes + " B";
        double v = bytes;
        String[] units = {"KB", "MB", "GB", "TB", "PB"};
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, units[u]);
    }

    static String gb(long bytes) {
        return human(bytes);
    }
}
