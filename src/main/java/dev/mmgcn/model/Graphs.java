package dev.mmgcn.model;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.Device;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Scope;

import java.util.function.Function;

/** Moving host-built sparse matrices onto a backend. */
final class Graphs {
    private Graphs() {
    }

    /**
     * Builds a CSR on the host and gives the backend's copy, owned by {@code scope}: on the CPU the
     * matrix is built straight into {@code scope} (its transpose is built there too, when first needed);
     * a device backend copies the structure and its transpose out, and the host side is freed.
     */
    static CsrMatrix upload(Kernels kernels, Scope scope, Function<Scope, CsrMatrix> build) {
        if (kernels.device() == Device.HOST) return kernels.upload(build.apply(scope), scope);
        try (HostScope host = new HostScope()) {
            return kernels.upload(build.apply(host), scope);
        }
    }

    /** A copy of a host CSR in {@code scope}, so that a model does not hold buffers its dataset owns. */
    static CsrMatrix copy(Scope scope, CsrMatrix m) {
        return CsrMatrix.of(scope, m.rows(), m.cols(), m.rowPtr().toArray(), m.colIdx().toArray(),
                m.values() == null ? null : m.values().toArray());
    }
}
