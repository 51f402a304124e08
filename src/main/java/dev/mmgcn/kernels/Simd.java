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

    static FloatVector load(MemorySegment s, long index) {
        return FloatVector.fromMemorySegment(S, s, index * Float.BYTES, NATIVE);
    }

    static void store(FloatVector v, MemorySegment s, long index) {
        v.intoMemorySegment(s, index * Float.BYTES, NATIVE);
    }

    static IntVector loadInts(MemorySegment s, long index) {
        return IntVector.fromMemorySegment(I, s, index * Integer.BYTES, NATIVE);
    }

    static void storeInts(IntVector v, MemorySegment s, long index) {
        v.intoMemorySegment(s, index * Integer.BYTES, NATIVE);
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

    /**
     * The sum of the lanes of {@code v}, as a fixed tree of lane-wise additions. {@code reduceLanes(ADD)} is
     * not used for anything that must be reproducible: on JDK 25 its C2 intrinsic adds the lanes in another
     * order than the interpreter and C1 do, so a result would depend on whether the JIT had compiled the
     * loop yet, and with it on the thread count.
     */
    static float sumLanes(FloatVector v) {
        for (int half = L / 2; half > 0; half /= 2) v = v.add(v.slice(half));
        return v.lane(0);
    }

    /** Rows per part so that each part holds about {@link #GRAIN} elements of a row-major matrix. */
    static int rowGrain(int cols) {
        return Math.max(1, GRAIN / Math.max(cols, 1));
    }
}
