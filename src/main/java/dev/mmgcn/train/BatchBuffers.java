package dev.mmgcn.train;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.Batch;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;

/** Host staging and backend copies of one BPR batch's indices, reused every step. */
final class BatchBuffers implements AutoCloseable {
    private final Kernels kernels;
    private final int numUsers;
    private final HostScope host = new HostScope();
    private final Scope scope;
    private final IntTensor[] hostT = new IntTensor[5];
    private final IntTensor[] dev = new IntTensor[5];
    private final Batch batch;

    BatchBuffers(Kernels kernels, int numUsers, int capacity) {
        this.kernels = kernels;
        this.numUsers = numUsers;
        this.scope = kernels.newScope();
        for (int t = 0; t < 5; t++) {
            hostT[t] = host.ints(capacity, 1);
            dev[t] = scope.ints(capacity, 1);
        }
        this.batch = new Batch(dev[0], dev[1], dev[2], dev[3], dev[4]);
    }

    void resize(int n) {
        for (int t = 0; t < 5; t++) {
            hostT[t].reshape(n, 1);
            dev[t].reshape(n, 1);
        }
    }

    /** Row r of the batch: user u, positive item p, negative item q (0-based item ids). */
    void set(int r, int u, int p, int q) {
        hostT[0].setFlat(r, u);
        hostT[1].setFlat(r, numUsers + p);
        hostT[2].setFlat(r, numUsers + q);
        hostT[3].setFlat(r, p);
        hostT[4].setFlat(r, q);
    }

    Batch upload() {
        for (int t = 0; t < 5; t++) kernels.upload(hostT[t], dev[t]);
        return batch;
    }

    @Override
    public void close() {
        scope.close();
        host.close();
    }
}
