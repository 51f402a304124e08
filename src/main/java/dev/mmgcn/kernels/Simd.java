package dev.mmgcn.kernels;

import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/** The species and the element-indexed loads and stores every SIMD kernel shares. */
final class Simd {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Ints with as many lanes as {@link #S}, so that a float comparison mask can steer an index vector. */
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    static final int L = S.length();
    static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    /** Elements per part below which a kernel stays on the calling thread: handing work over costs microseconds. */
    static final int GRAIN = 1 << 15;

    private Simd() {
    }

    static float get(MemorySegment s, long index) {
        return s.getAtIndex(Tensor.FLOAT, index);
    }

    static void set(MemorySegment s, long index, float v) {
        s.setAtIndex(Tensor.FLOAT, index, v);
    }

    static int getInt(MemorySegment s, long index) {
        return s.getAtIndex(IntTensor.INT, index);
    }

    static void setInt(MemorySegment s, long index, int v) {
        s.setAtIndex(IntTensor.INT, index, v);
    }

    /*
     * Two rules for the vector kernels, both learnt by measurement:
     *  - Lane sums use a fixed tree of lane-wise additions (v = v + v.slice(half), halving), never
     *    reduceLanes(ADD): on JDK 25 its C2 intrinsic adds the lanes in another order than the interpreter
     *    and C1 do, so a result would depend on whether the JIT had compiled the loop yet.
     *  - No FloatVector crosses a method boundary (no vector parameters, no vector helpers): a call C2 does
     *    not inline boxes the vector on the heap, which made a TikTok training step allocate 240 MB.
     */

    /** Rows per part so that each part holds about {@link #GRAIN} elements of a row-major matrix. */
    static int rowGrain(int cols) {
        return Math.max(1, GRAIN / Math.max(cols, 1));
    }
}
