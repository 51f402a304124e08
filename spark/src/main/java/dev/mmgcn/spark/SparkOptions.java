package dev.mmgcn.spark;

import picocli.CommandLine.Option;

/** Options every Spark job takes: where it runs and how it cuts the work. */
public final class SparkOptions {
    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master, e.g. local[2] (default: spark-submit's --master, else local[*])")
    String master;

    @Option(names = "--block-users", paramLabel = "N", defaultValue = "0",
            description = "users per task (default: about 1 MB of representations per task, at least 4 tasks per core)")
    int blockUsers;

    @Option(names = "--items", paramLabel = "MODE", defaultValue = "auto",
            description = "auto | broadcast | blocks: broadcast the item table to every executor, or cut it into blocks cross-joined with the user blocks (auto: broadcast up to --broadcast-max-mb)")
    RankingPlan.ItemMode items;

    @Option(names = "--broadcast-max-mb", paramLabel = "MB", defaultValue = "512",
            description = "largest item table --items auto broadcasts (default ${DEFAULT-VALUE})")
    long broadcastMaxMb;

    @Option(names = "--item-block", paramLabel = "N", defaultValue = "0",
            description = "items per block when blocked (default: about 64 MB of representations)")
    int itemBlock;

    @Option(names = "--user-tile", paramLabel = "N", defaultValue = "256",
            description = "users scored per GEMM inside a task (default ${DEFAULT-VALUE})")
    int userTile;

    @Option(names = "--item-tile", paramLabel = "N", defaultValue = "8192",
            description = "items scored per GEMM inside a task (default ${DEFAULT-VALUE}); a task's scores are user tile x item tile floats")
    int itemTile;

    /** The master URLs Spark 4 knows: local[N|*][,F], local-cluster[N,C,M], spark://, yarn, k8s://. */
    private static final java.util.regex.Pattern MASTER = java.util.regex.Pattern.compile(
            "local(\\[(\\d+|\\*)(,\\d+)?\\])?|local-cluster\\[\\d+, *\\d+, *\\d+\\]|spark://\\S+|yarn|k8s://\\S+");

    void check() {
        if (master != null && !MASTER.matcher(master.strip()).matches()) {
            throw new CliException("--master: '" + master + "' is not a Spark master URL (local, local[N], local[*], spark://HOST:PORT, yarn, k8s://…)");
        }
        if (blockUsers < 0) throw new CliException("--block-users must be at least 1 (or 0 for automatic), got " + blockUsers);
        if (broadcastMaxMb < 0) throw new CliException("--broadcast-max-mb must not be negative, got " + broadcastMaxMb);
        if (itemBlock < 0) throw new CliException("--item-block must be at least 1 (or 0 for automatic), got " + itemBlock);
        if (userTile < 1) throw new CliException("--user-tile must be at least 1, got " + userTile);
        if (itemTile < 1) throw new CliException("--item-tile must be at least 1, got " + itemTile);
    }

    RankingPlan plan(int k, ModelInput m, int users, long bytesPerUser, int parallelism) {
        return RankingPlan.of(k, users, m.items(), m.dim(), bytesPerUser, parallelism, blockUsers, items, broadcastMaxMb, itemBlock,
                userTile, itemTile);
    }
}
