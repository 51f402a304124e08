package dev.mmgcn.kernels;

import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;

/**
 * Scratch tensors for a fused kernel's default implementation: consecutive pieces of the backend's
 * {@link ScratchSpace} when it keeps one, else of a buffer from its newScope() for the call.
 */
final class Scratch implements AutoCloseable {
    private final Tensor buffer;
    private final Scope owned;
    private long used;

    /** @param floats the most this call will take */
    Scratch(Kernels k, long floats) {
        if (k instanceof ScratchSpace space) {
            buffer = space.scratch(floats);
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
