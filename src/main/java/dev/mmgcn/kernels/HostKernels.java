package dev.mmgcn.kernels;

import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.Device;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;

import java.lang.foreign.MemorySegment;

import static dev.mmgcn.kernels.Checks.sameSize;

/**
 * What the CPU backends ({@link ScalarKernels}, {@link VectorKernels}) share: their memory is the host's,
 * so a transfer is a plain copy, a CSR upload only builds the cached transpose, and a scalar is read in
 * place.
 */
interface HostKernels extends Kernels {

    @Override
    default Device device() { return Device.HOST; }

    @Override
    default Scope newScope() { return new HostScope(); }

    @Override
    default void upload(Tensor host, Tensor dst) { hostCopy(host, dst); }

    @Override
    default void download(Tensor src, Tensor hostDst) { hostCopy(src, hostDst); }

    @Override
    default void upload(IntTensor host, IntTensor dst) { hostCopy(host, dst); }

    @Override
    default void download(IntTensor src, IntTensor hostDst) { hostCopy(src, hostDst); }

    @Override
    default CsrMatrix upload(CsrMatrix host, Scope scope) {
        host.transpose();
        return host;
    }

    @Override
    default float readScalar(Tensor t) { return t.getFlat(0); }

    private static void hostCopy(Tensor src, Tensor dst) {
        sameSize(src, dst);
        MemorySegment.copy(src.segment(), 0, dst.segment(), 0, src.size() * Float.BYTES);
    }

    private static void hostCopy(IntTensor src, IntTensor dst) {
        if (src.size() != dst.size()) throw new IllegalArgumentException("sizes differ: " + src.shape() + " vs " + dst.shape());
        MemorySegment.copy(src.segment(), 0, dst.segment(), 0, src.size() * Integer.BYTES);
    }
}
