package dev.mmgcn.cuda;

import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.Device;
import dev.mmgcn.storage.OffHeapMatrix;
import jcuda.Pointer;

/**
 * The parameter block of one launch, built in order and checked against {@link Kernel#signature}:
 * {@code cuLaunchKernel} takes an array of pointers to the argument values and cannot tell a float
 * from an int, so a mismatch would otherwise run with garbage instead of failing. A tensor becomes a
 * pointer only through {@link #pointer}, which refuses host memory: the same check guards the arguments
 * of a launch and those handed to cuBLAS, cuSPARSE or a copy.
 */
final class KernelArgs {
    private final Kernel kernel;
    private final Pointer[] slots;
    private int count;

    KernelArgs(Kernel kernel) {
        this.kernel = kernel;
        this.slots = new Pointer[kernel.signature.length()];
    }

    /** The device address of {@code m}; a host buffer is refused, naming {@code what}. */
    static long pointer(OffHeapMatrix m, String what) {
        if (m.device() != Device.CUDA) {
            throw new IllegalArgumentException(what + " is a " + m.device() + " tensor; the cuda backend needs it uploaded to the GPU");
        }
        return m.address();
    }

    /** {@code m} itself when it lives on the GPU; a host matrix is refused, naming {@code what}. */
    static CsrMatrix onGpu(CsrMatrix m, String what) {
        if (m.device() != Device.CUDA) {
            throw new IllegalArgumentException(what + " " + m + " is on the host; upload it with this backend first");
        }
        return m;
    }

    private void expect(char type) {
        if (count >= slots.length || kernel.signature.charAt(count) != type) {
            throw new IllegalStateException("argument " + count + " of " + kernel.entry + " is '" + type
                    + "' but the signature is " + kernel.signature);
        }
    }

    KernelArgs ptr(long address) {
        expect('P');
        slots[count++] = Pointer.to(new long[]{address});
        return this;
    }

    /** A tensor's device address (a host tensor is refused). */
    KernelArgs ptr(OffHeapMatrix m) {
        return ptr(pointer(m, "argument " + count + " of " + kernel.entry));
    }

    KernelArgs i64(long v) {
        expect('L');
        slots[count++] = Pointer.to(new long[]{v});
        return this;
    }

    KernelArgs i32(int v) {
        expect('I');
        slots[count++] = Pointer.to(new int[]{v});
        return this;
    }

    KernelArgs f32(float v) {
        expect('F');
        slots[count++] = Pointer.to(new float[]{v});
        return this;
    }

    KernelArgs f64(double v) {
        expect('D');
        slots[count++] = Pointer.to(new double[]{v});
        return this;
    }

    Kernel kernel() {
        return kernel;
    }

    /** The {@code kernelParams} pointer for {@code cuLaunchKernel}; every parameter must be set. */
    Pointer toParams() {
        if (count != slots.length) {
            throw new IllegalStateException(kernel.entry + " takes " + slots.length + " arguments, got " + count);
        }
        return Pointer.to(slots);
    }
}
