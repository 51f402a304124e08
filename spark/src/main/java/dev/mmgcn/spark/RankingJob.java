package dev.mmgcn.spark;

import dev.mmgcn.storage.Tensor;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.CollectionAccumulator;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The distributed ranking both jobs share: user blocks built on the driver and parallelised one per task,
 * ranked by {@link BlockRanker} against the broadcast item table, or — when the table is too large to
 * broadcast — against each item block of a cross join, the per-block lists merged per user block by
 * {@link TopLists#merge} (a bounded top-K per user, as Spark MLlib's {@code ALSModel.recommendForAll}).
 * Nothing of size users × items is ever formed.
 */
public final class RankingJob {
    private final JavaSparkContext sc;
    private final ModelInput model;
    private final RankingPlan plan;
    private final CollectionAccumulator<String> backends;

    public RankingJob(JavaSparkContext sc, ModelInput model, RankingPlan plan) {
        this.sc = sc;
        this.model = model;
        this.plan = plan;
        this.backends = sc.sc().collectionAccumulator("mmgcn kernels");
    }

    /** Cuts {@code users} (global indices, output order) into blocks with their rows, seen items, ids and held-out items. */
    public List<UserBlock> blocks(int[] users, boolean excludeSeen, boolean withIds, HeldOut held) {
        List<UserBlock> out = new ArrayList<>();
        int dim = model.dim();
        for (int b = 0, from = 0; from < users.length; b++, from += plan.blockUsers()) {
            int to = Math.min(users.length, from + plan.blockUsers());
            int[] idx = java.util.Arrays.copyOfRange(users, from, to);
            int[] seenPtr = null, seenItems = null, heldPtr = null, heldItems = null;
            if (excludeSeen) {
                int[][] csr = rows(model.seen().rowPtr(), model.seen().items(), idx);
                seenPtr = csr[0];
                seenItems = csr[1];
            }
            if (held != null) {
                int[][] csr = rows(held.positives().rowPtr(), held.positives().items(), idx);
                heldPtr = csr[0];
                heldItems = csr[1];
            }
            String[] ids = null;
            if (withIds) {
                ids = new String[idx.length];
                for (int r = 0; r < idx.length; r++) ids[r] = model.userIds().external(idx[r]);
            }
            out.add(new UserBlock(b, idx, dim, model.userRows(idx), seenPtr, seenItems, ids, heldPtr, heldItems));
        }
        return out;
    }

    private static int[][] rows(int[] ptr, int[] col, int[] users) {
        int[] p = new int[users.length + 1];
        for (int r = 0; r < users.length; r++) p[r + 1] = p[r] + ptr[users[r] + 1] - ptr[users[r]];
        int[] c = new int[p[users.length]];
        for (int r = 0; r < users.length; r++) System.arraycopy(col, ptr[users[r]], c, p[r], p[r + 1] - p[r]);
        return new int[][] {p, c};
    }

    /** Each block (without its rows: {@link UserBlock#labels()}) with its users' top-K lists, in block order per partition. */
    public JavaRDD<Tuple2<UserBlock, TopLists>> rank(List<UserBlock> blocks) {
        JavaRDD<UserBlock> users = sc.parallelize(blocks, Math.max(1, blocks.size()));
        RankingPlan p = plan;
        CollectionAccumulator<String> seenBackends = backends;
        if (plan.broadcast()) {
            Broadcast<ItemBlock> items = sc.broadcast(model.itemBlock(0, model.items()));
            return users.map(b -> {
                Tensor table = ItemTables.of(items);
                try (BlockRanker r = BlockRanker.create(p.k(), p.userTile(), p.itemTile())) {
                    seenBackends.add(r.backend());
                    return new Tuple2<>(b.labels(), r.rank(b, table, 0));
                }
            });
        }
        List<ItemBlock> itemBlocks = new ArrayList<>();
        for (int from = 0; from < model.items(); from += plan.itemBlock()) {
            itemBlocks.add(model.itemBlock(from, Math.min(model.items(), from + plan.itemBlock())));
        }
        JavaRDD<ItemBlock> items = sc.parallelize(itemBlocks, itemBlocks.size());
        JavaPairRDD<Integer, TopLists> merged = users.cartesian(items).mapToPair(pair -> {
            try (BlockRanker r = BlockRanker.create(p.k(), p.userTile(), p.itemTile())) {
                seenBackends.add(r.backend());
                ItemBlock ib = pair._2();
                return new Tuple2<>(pair._1().index(), r.rank(pair._1(), ItemTables.copy(ib), ib.first()));
            }
        }).reduceByKey(TopLists::merge, Math.max(1, blocks.size()));
        JavaPairRDD<Integer, UserBlock> labels = users.mapToPair(b -> new Tuple2<>(b.index(), b.labels()));
        return labels.join(merged).sortByKey().values();
    }

    /** The kernels the tasks ran on ("vector", "scalar"), once the job has run. */
    public Set<String> backends() {
        return new TreeSet<>(backends.value());
    }

    public RankingPlan plan() { return plan; }
}
