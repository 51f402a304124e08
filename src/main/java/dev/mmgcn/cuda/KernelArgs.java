package dev.mmgcn.cuda;

import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Tensor;
import jcuda.Pointer;

/**
 * The parameter block of one launch, built in order and checked against {@link Kernel#signature}:
 * {@code cuLaunchKernel} takes an array of pointers to the argument values and cannot tell a float
 * from an int, so a mismatch would otherwise run with garbage instead of failing.
 */
final class KernelArgs {
    private final Kernel kernel;
    private final Pointer[] slots;
    private int count;

    KernelArgs(Kernel kernel) {
        this.kernel = kernel;
        this.slots = new Pointer[kernel.signature.length()];
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

    KernelArgs ptr(Tensor t) {
        return ptr(t.address());
    }

    KernelArgs ptr(IntTensor t) {
        return ptr(t.address());
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
