package dev.mmgcn.kernels;

import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;

import java.util.Random;

/** One parity test's host scope, the backend's scope, a seeded generator, and the copies between them. */
final class KernelRun implements AutoCloseable {
    final Kernels k;
    final Scope host = new HostScope();
    final Scope dev;
    final Random rnd;

    KernelRun(Kernels k, long seed) {
        this.k = k;
        this.dev = k.newScope();
        this.rnd = new Random(seed);
    }

    Tensor up(Tensor h) {
        Tensor d = dev.floats(h.rows(), h.cols());
        k.upload(h, d);
        return d;
    }

    IntTensor up(IntTensor h) {
        IntTensor d = dev.ints(h.rows(), h.cols());
        k.upload(h, d);
        return d;
    }

    CsrMatrix up(CsrMatrix h) {
        return k.upload(h, dev);
    }

    float[] down(Tensor d) {
        Tensor h = host.floats(d.rows(), d.cols());
        k.download(d, h);
        return h.toArray();
    }

    int[] down(IntTensor d) {
        IntTensor h = host.ints(d.rows(), d.cols());
        k.download(d, h);
        return h.toArray();
    }

    Tensor copy(Tensor h) {
        return RandomTensors.copy(host, h);
    }

    @Override
    public void close() {
        dev.close();
        host.close();
    }
}
