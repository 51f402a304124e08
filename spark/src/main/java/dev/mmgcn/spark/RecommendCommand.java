package dev.mmgcn.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code recommend}: the top-K items of every user as Parquet ({@code user, rank, item, score}, the users' and items' own ids). */
@Command(name = "recommend", mixinStandardHelpOptions = true,
        description = "Ranks every item for every user of a checkpoint on Spark and writes the top K as Parquet: user, rank, "
                + "item, score (the users' and items' own ids; rank 1 = best), one file per block of users, rows in user order. "
                + "The users' training items are left out unless --include-seen.")
public final class RecommendCommand implements Callable<Integer> {
    /** The output's columns. */
    public static final StructType SCHEMA = new StructType()
            .add("user", DataTypes.StringType, false)
            .add("rank", DataTypes.IntegerType, false)
            .add("item", DataTypes.StringType, false)
            .add("score", DataTypes.FloatType, false);

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "checkpoint written by train (best.ckpt)")
    Path checkpoint;

    @Option(names = "--out", paramLabel = "DIR", description = "Parquet folder to create (a local path or any Hadoop file system URI); must not exist")
    String out;

    @Option(names = "--k", paramLabel = "N", defaultValue = "10", description = "items per user (default ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--include-seen", description = "keep the users' training items in the ranking")
    boolean includeSeen;

    @Option(names = "--limit-users", paramLabel = "N", defaultValue = "0", description = "rank only the first N users (benchmarks)")
    int limitUsers;

    @Option(names = "--count-only", description = "rank and count the rows, write nothing (benchmarks: the ranking alone)")
    boolean countOnly;

    @Mixin
    SparkOptions options;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        options.check();
        if (k < 1) throw new CliException("--k must be at least 1, got " + k);
        if (limitUsers < 0) throw new CliException("--limit-users must not be negative, got " + limitUsers);
        if (out == null && !countOnly) throw new CliException("--out DIR is required (or --count-only)");
        if (out != null && countOnly) throw new CliException("--count-only writes nothing: drop --out");
        OutputFolder folder = out == null ? null : OutputFolder.prepare(out, new Configuration());
        long t0 = System.nanoTime();
        ModelInput model = ModelInput.read(checkpoint);
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        int n = limitUsers > 0 ? Math.min(limitUsers, model.users()) : model.users();
        int[] users = new int[n];
        for (int u = 0; u < n; u++) users[u] = u;
        int kk = Math.min(k, model.items());
        JobSession.line(o, "checkpoint", String.format(Locale.ROOT, "%s: %,d users, %,d items, width %d (read in %.1f s)",
                checkpoint, model.users(), model.items(), model.dim(), loadSeconds));
        try (JobSession js = new JobSession("mmgcn recommend", options.master)) {
            long bytesPerUser = UserBlock.bytesPerUser(model.dim(), includeSeen ? 0 : model.seenPerUser(), 16, 0);
            RankingPlan plan = options.plan(kk, model, n, bytesPerUser, js.slots());
            RankingJob job = new RankingJob(js.sc, model, plan);
            List<UserBlock> blocks = job.blocks(users, !includeSeen, true, null);
            Broadcast<Ids> itemIds = js.sc.broadcast(Ids.of(model.itemIds()));
            long t1 = System.nanoTime();
            JavaRDD<Row> rows = job.rank(blocks).flatMap(t -> rows(t._1(), t._2(), itemIds.value()).iterator());
            long written;
            if (countOnly) {
                written = rows.count();   // the ranking and the rows, without Spark SQL's planning and the Parquet writer
            } else {
                Dataset<Row> df = js.spark.createDataFrame(rows, SCHEMA);
                folder.write(temp -> df.write().parquet(temp)); // a failed rename keeps the whole result, and says where
                written = js.spark.read().parquet(folder.target()).count();
            }
            double seconds = (System.nanoTime() - t1) / 1e9;
            JobSession.line(o, "spark", String.format(Locale.ROOT, "%s; %,d user blocks of at most %,d users; %s; kernels %s",
                    js.describe(), blocks.size(), plan.blockUsers(), plan.reason(), String.join(", ", job.backends())));
            JobSession.line(o, "ranked", String.format(Locale.ROOT, "%,d users x %,d items, top %d, %s, in %.2f s: %,.0f users/s",
                    n, model.items(), kk, includeSeen ? "training items kept" : "training items left out", seconds, n / seconds));
            JobSession.line(o, countOnly ? "counted" : "wrote", String.format(Locale.ROOT, "%,d rows%s", written,
                    countOnly ? " (nothing written)" : " to " + folder.target() + " (user, rank, item, score)"));
        }
        return 0;
    }

    /** A block's output rows: for each user in order, its ranked items best first; masked (−∞) entries are not recommendations. */
    static List<Row> rows(UserBlock labels, TopLists lists, Ids items) {
        List<Row> out = new ArrayList<>(labels.size() * lists.k());
        for (int r = 0; r < labels.size(); r++) {
            for (int j = 0; j < lists.filled(r); j++) {
                float s = lists.score(r, j);
                if (s == Float.NEGATIVE_INFINITY) break;
                out.add(RowFactory.create(labels.ids()[r], j + 1, items.get(lists.item(r, j)), s));
            }
        }
        return out;
    }
}
