package dev.mmgcn.tape;

import dev.mmgcn.storage.Tensor;

import java.util.List;

/**
 * Parameters packed into one flat value buffer and one flat gradient buffer, so that one multi-tensor
 * optimiser call ({@code optim.Adam}) updates them all. {@code layers.ParameterStore} is the
 * implementation; the interface lives beside {@link Var} so that neither the optimiser nor the layers
 * depend on the other.
 */
public interface FlatParameters {

    /**
     * Every parameter in two flat buffers: parameter i is {@code sizes[i]} floats at element
     * {@code offsets[i]} of both; the gaps between them stay zero, values and gradients alike.
     */
    record Flat(Tensor values, Tensor grads, long[] offsets, long[] sizes) {
        /** Elements from the start of parameter {@code from} to the end of parameter {@code to - 1}. */
        public long span(int from, int to) {
            return offsets[to - 1] + sizes[to - 1] - offsets[from];
        }
    }

    /** The flat layout, packing the parameters on the first call. */
    Flat flat();

    /** Whether {@link #flat()} has packed the parameters. */
    boolean packed();

    /** The parameters in layout order. */
    List<Var> all();
}
