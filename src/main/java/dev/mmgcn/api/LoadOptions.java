package dev.mmgcn.api;

/**
 * How {@link MmgcnModel#load(java.nio.file.Path, LoadOptions)} sets a model up.
 *
 * @param batchThreads threads for batch calls ({@link MmgcnModel#recommend(java.util.List, int)}); single-user
 *                     calls always run on the calling thread, so that concurrent callers use the cores
 */
public record LoadOptions(int batchThreads) {
    public LoadOptions {
        if (batchThreads < 1) throw new IllegalArgumentException("batchThreads must be at least 1, got " + batchThreads);
    }

    /** One batch thread per available processor. */
    public static LoadOptions defaults() {
        return new LoadOptions(Runtime.getRuntime().availableProcessors());
    }

    public LoadOptions withBatchThreads(int n) {
        return new LoadOptions(n);
    }
}
