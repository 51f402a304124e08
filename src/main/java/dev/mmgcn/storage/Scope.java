package dev.mmgcn.storage;

/**
 * Owns buffers and frees them all at once on {@link #close()}: a model's parameters, a tape's
 * workspace, a dataset's features. Buffers come back zero-filled.
 */
public interface Scope extends AutoCloseable {
    Device device();

    Tensor floats(int rows, int cols);

    IntTensor ints(int rows, int cols);

    @Override
    void close();
}
