package dev.mmgcn.cli;

import dev.mmgcn.model.DataShape;
import dev.mmgcn.model.ModelConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The memory the commands that load a checkpoint need, known before they allocate it, as {@link MemoryBudget}
 * knows a training run's: reading a checkpoint (recommend, serve, export, evaluate, convert) and rebuilding its
 * model to evaluate it. A file or a model that cannot fit is refused with the numbers (exit 5) instead of an
 * attempt that fails part-way (evaluate on a header claiming {@code model.dim = 100000000} tried to allocate 200 GB).
 */
final class LoadBudget {
    /**
     * Java heap per byte of checkpoint while it is read: the file's bytes, the arrays made from them (both held
     * until the read ends), and the ids as strings with their index, for which one more file's worth is allowed.
     */
    static final int HEAP_PER_BYTE = 3;

    private LoadBudget() {
    }

    /** Refuses, before any byte is read, a checkpoint whose reading cannot fit the JVM's heap. */
    static void checkpoint(Path file, MemoryBudget.Limits limits) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            return; // the read itself reports what is wrong with the file
        }
        long need = size > Long.MAX_VALUE / HEAP_PER_BYTE ? Long.MAX_VALUE : size * HEAP_PER_BYTE;
        if (need > limits.heap() * 0.9) {
            throw Failure.memory("--checkpoint: " + file + " (" + MemoryBudget.human(size) + ") needs about " + MemoryBudget.human(need)
                    + " of Java heap to be read (its tensors as bytes and as arrays, its ids as strings), but the JVM may use "
                    + MemoryBudget.human(limits.heap()) + ": raise it with MMGCN_JAVA_OPTS=-Xmx… (nothing was read)");
        }
    }

    /**
     * Evaluating a model rebuilt from a checkpoint: the training estimate of the same model and data without what
     * only training has — each parameter once (no gradient, no Adam moments), each activation without its gradient,
     * no epoch plan — plus the checkpoint's arrays, which stay on the heap meanwhile.
     */
    static MemoryBudget.Estimate evaluation(DataShape shape, ModelConfig config, int maxK, long checkpointBytes) {
        MemoryBudget.Estimate t = MemoryBudget.training(shape, config, 1, maxK);
        Map<String, Long> parts = new LinkedHashMap<>();
        double offHeap = 0;
        for (Map.Entry<String, Long> e : t.parts().entrySet()) {
            String name = e.getKey();
            long v = e.getValue();
            switch (name) {
                case "parameters, gradients and Adam moments" -> put(parts, "parameters", v / 4);
                case "activations and their gradients" -> put(parts, "activations", v / 2);
                case "epoch plan", "Java heap arrays" -> { }
                default -> put(parts, name, v);
            }
        }
        for (long v : parts.values()) offHeap += v;
        long heap = saturatingAdd(t.heap(), checkpointBytes);
        parts.put("Java heap arrays and the checkpoint", heap);
        return new MemoryBudget.Estimate(parts, (long) Math.min(offHeap, Long.MAX_VALUE / 2.0), heap);
    }

    private static void put(Map<String, Long> parts, String name, long v) {
        parts.put(name, v);
    }

    private static long saturatingAdd(long a, long b) {
        long s = a + b;
        return ((a ^ s) & (b ^ s)) < 0 ? Long.MAX_VALUE / 2 : s;
    }
}
