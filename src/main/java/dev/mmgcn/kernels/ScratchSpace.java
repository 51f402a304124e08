package dev.mmgcn.kernels;

import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;

/**
 * Scratch memory that a backend running the fused methods' {@link Kernels} defaults keeps between calls, so
 * that a training step allocates nothing once the buffer has grown to its largest call (the CUDA backend
 * with the fused switch off; a recorded CUDA graph needs the same buffers every run). A default asks for it
 * when the backend is one; any other backend gets a buffer from {@code newScope()} for the call. Calls on
 * one backend are ordered, so one buffer serves them all.
 */
public interface ScratchSpace {

    /** At least {@code floats} floats of this backend's memory, valid until the next call. */
    Tensor scratch(long floats);

    /**
     * A buffer from {@code backend}'s memory that only grows: a larger call takes a new one and the old ones
     * stay allocated (a recording may still use them) until the backend's memory is freed.
     */
    static ScratchSpace growing(Kernels backend) {
        return new ScratchSpace() {
            private Scope scope;
            private Tensor buffer;

            @Override
            public Tensor scratch(long floats) {
                if (buffer == null || buffer.capacity() < floats) {
                    if (scope == null) scope = backend.newScope();
                    buffer = scope.floats(Math.toIntExact(Math.max(floats, 1)), 1);
                }
                return buffer;
            }
        };
    }
}
