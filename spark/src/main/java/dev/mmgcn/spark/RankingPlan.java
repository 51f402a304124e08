package dev.mmgcn.spark;

import java.io.Serializable;
import java.util.Locale;

/**
 * How a job cuts the work: users per block (one Spark task each), whether the item table is broadcast or
 * cut into blocks cross-joined with the user blocks, and the tile shape each task scores at a time.
 *
 * @param broadcast      true: every executor gets the whole item table once; false: item blocks of
 *                       {@code itemBlock} rows, each user block ranked against each (ALS-style cross join)
 *                       and the per-block top-K lists merged per user
 * @param reason         why the items are broadcast or blocked, for the log line
 */
public record RankingPlan(int k, int blockUsers, boolean broadcast, int itemBlock, int userTile, int itemTile, String reason)
        implements Serializable {

    /** Bytes a task may carry: Spark warns about tasks above 1000 KiB. */
    static final long TASK_BYTES = 900L << 10;

    public enum ItemMode { AUTO, BROADCAST, BLOCKS }

    /**
     * @param blockUsers     users per block, or 0 to size blocks to about {@link #TASK_BYTES} and at least
     *                       4 blocks per core
     * @param broadcastMaxMb the largest item table broadcast in {@link ItemMode#AUTO}
     * @param itemBlock      items per block when blocked, or 0 for about 64 MB of representations per block
     */
    public static RankingPlan of(int k, int users, int items, int dim, long bytesPerUser, int parallelism, int blockUsers,
                                 ItemMode mode, long broadcastMaxMb, int itemBlock, int userTile, int itemTile) {
        long tableBytes = 4L * items * dim;
        boolean broadcast;
        String reason;
        String size = mb(tableBytes);
        switch (mode) {
            case BROADCAST -> {
                broadcast = true;
                reason = "item table " + size + " broadcast (--items broadcast)";
            }
            case BLOCKS -> {
                broadcast = false;
                reason = "item table " + size + " cut into blocks (--items blocks)";
            }
            default -> {
                broadcast = tableBytes <= broadcastMaxMb << 20;
                reason = broadcast
                        ? "item table " + size + " broadcast (at most " + broadcastMaxMb + " MB is)"
                        : "item table " + size + " is over the broadcast limit of " + broadcastMaxMb + " MB: cut into blocks and cross-joined with the user blocks";
            }
        }
        int ib = itemBlock > 0 ? itemBlock : (int) Math.max(1, Math.min(items, (64L << 20) / (4L * dim)));
        int bu = blockUsers;
        if (bu <= 0) {
            long bySize = Math.max(64, TASK_BYTES / Math.max(1, bytesPerUser));
            long byCores = Math.max(1, (users + 4L * parallelism - 1) / (4L * parallelism));
            bu = (int) Math.max(1, Math.min(bySize, byCores));
        }
        return new RankingPlan(k, bu, broadcast, Math.min(ib, items), userTile, itemTile, reason);
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
