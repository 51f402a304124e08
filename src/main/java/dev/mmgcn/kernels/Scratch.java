package dev.mmgcn.kernels;

import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;

/**
 * Scratch tensors for a fused kernel's default implementation: consecutive pieces of the caller's
 * workspace, or of a buffer from the backend's newScope() for the call when the caller gave none (or
 * one too small).
 */
final class Scratch implements AutoCloseable {
    private final Tensor buffer;
    private final Scope owned;
    private long used;

    /** @param floats the most this call will take */
    Scratch(Kernels k, Tensor workspace, long floats) {
        if (workspace != null && workspace.capacity() >= floats) {
            buffer = workspace;
            owned = null;
        } else {
            owned = k.newScope();
            buffer = owned.floats(Math.toIntExact(Math.max(floats, 1)), 1);
        }
    }

    Tensor take(int rows, int cols) {
        Tensor t = buffer.view(used, rows, cols);
        used += (long) rows * cols;
        return t;
    }

    @Override
    public void close() {
        if (owned != null) owned.close();
    }
}
