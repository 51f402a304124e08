package dev.mmgcn.spark;

import dev.mmgcn.storage.Device;
import dev.mmgcn.storage.Tensor;
import org.apache.spark.broadcast.Broadcast;

import java.lang.foreign.Arena;

/**
 * The broadcast item table as an off-heap tensor the kernels read, made once per executor JVM and shared
 * by its concurrent tasks (the kernels only read it). A later broadcast replaces it; the old memory is
 * freed by the garbage collector once no task holds it.
 */
final class ItemTables {
    private static String key;
    private static Tensor table;

    private ItemTables() {
    }

    /**
     * Keyed by the application and the broadcast id: ids restart at 0 in a new SparkContext, so within one JVM that
     * runs several jobs in turn (tests, a notebook) a bare id would hand a job the previous job's items.
     */
    static synchronized Tensor of(Broadcast<ItemBlock> items) {
        org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
        String k = (env == null ? "" : env.conf().get("spark.app.id", "")) + "#" + items.id();
        if (!k.equals(key)) {
            ItemBlock b = items.value();
            Tensor t = new Tensor(Arena.ofAuto().allocate(Math.max(4L, 4L * b.rows().length), 64), Device.HOST, b.count(), b.dim());
            t.copyFrom(b.rows());
            table = t;
            key = k;
        }
        return table;
    }

    /** A tensor over a block's rows, for one task (cross-joined blocks). */
    static Tensor copy(ItemBlock b) {
        Tensor t = new Tensor(Arena.ofAuto().allocate(Math.max(4L, 4L * b.rows().length), 64), Device.HOST, b.count(), b.dim());
        t.copyFrom(b.rows());
        return t;
    }
}
