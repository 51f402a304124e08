package dev.mmgcn.spark;

import dev.mmgcn.eval.RankingMetrics;
import dev.mmgcn.io.AtomicFile;
import org.apache.spark.sql.Row;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code evaluate}: full-ranking Precision/Recall/NDCG/MAP/hit@K of a checkpoint on a held-out split, the
 * ranking distributed over user blocks and the metrics reduced with the engine's {@link RankingMetrics}:
 * each task sums its users with {@link RankingMetrics#addUser}, the driver merges the partial sums in block
 * order. The numbers are the single-machine {@code Evaluator}'s on the same representations.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluates a checkpoint by full ranking on Spark: every item is ranked for every user with held-out items, "
                + "the user's training items left out, and Precision/Recall/NDCG/MAP/hit at each K reported as the engine's "
                + "evaluate does (users without held-out items are skipped and counted).")
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "checkpoint written by train (best.ckpt)")
    Path checkpoint;

    static final class Source {
        @Option(names = "--split", paramLabel = "SPLIT", description = "valid | test of the dataset recorded in the checkpoint (default test)")
        String split;

        @Option(names = "--pairs", paramLabel = "FILE", description = "held-out (user, item) pairs in the data's own ids: a TSV with a header naming user and item, or Parquet (a .parquet file or folder) with columns user and item")
        String pairs;
    }

    @ArgGroup(exclusive = true)
    Source source;

    @Option(names = "--data", paramLabel = "DIR", description = "with --split: the dataset folder, when it is no longer where the checkpoint says")
    Path data;

    @Option(names = "--ks", paramLabel = "LIST", split = ",", defaultValue = "10,20,50", description = "cut-offs (default ${DEFAULT-VALUE})")
    int[] ks;

    @Option(names = "--out", paramLabel = "FILE", description = "also write the metrics as JSON here (a new file)")
    Path out;

    @Mixin
    SparkOptions options;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        options.check();
        for (int k : ks) if (k < 1) throw new CliException("--ks: cut-offs must be at least 1, got " + k);
        String pairs = source == null ? null : source.pairs;
        String split = source == null || source.split == null ? "test" : source.split;
        if (pairs != null && data != null) throw new CliException("--data goes with --split, not with --pairs");
        if (!split.equals("valid") && !split.equals("test")) throw new CliException("--split must be valid or test, got '" + split + "'");
        if (out != null) checkNewFile(out);
        long t0 = System.nanoTime();
        ModelInput model = ModelInput.read(checkpoint);
        boolean parquet = pairs != null && (pairs.endsWith(".parquet") || Files.isDirectory(Path.of(pairs)));
        HeldOut held = pairs == null ? HeldOut.fromDataset(model, split, data) : parquet ? null : HeldOut.fromTsv(model, Path.of(pairs));
        int[] cut = Arrays.stream(ks).map(k -> Math.min(k, model.items())).toArray();
        int topK = Arrays.stream(cut).max().orElseThrow();
        try (JobSession js = new JobSession("mmgcn evaluate", options.master)) {
            if (parquet) held = readParquetPairs(js, model, pairs);
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            int[] users = evaluated(held);
            JobSession.line(o, "checkpoint", String.format(Locale.ROOT, "%s: %,d users, %,d items, width %d", checkpoint, model.users(), model.items(), model.dim()));
            JobSession.line(o, "held out", String.format(Locale.ROOT, "%s: %,d users evaluated, %,d without held-out items skipped (read in %.1f s)",
                    held.source(), users.length, model.users() - users.length, loadSeconds));
            double heldPerUser = users.length == 0 ? 0 : held.positives().items().length / (double) users.length;
            long bytesPerUser = UserBlock.bytesPerUser(model.dim(), model.seenPerUser(), 0, heldPerUser);
            RankingPlan plan = options.plan(topK, model, users.length, bytesPerUser, js.slots());
            RankingJob job = new RankingJob(js.sc, model, plan);
            List<UserBlock> blocks = job.blocks(users, true, false, held);
            long t1 = System.nanoTime();
            RankingMetrics total = new RankingMetrics(cut);
            for (int s = users.length; s < model.users(); s++) total.skip();
            List<RankingMetrics> parts = job.rank(blocks).map(t -> metrics(t._1(), t._2(), cut)).collect();
            for (RankingMetrics m : parts) total.merge(m);
            double seconds = (System.nanoTime() - t1) / 1e9;
            JobSession.line(o, "spark", String.format(Locale.ROOT, "%s; %,d user blocks of at most %,d users; %s; kernels %s",
                    js.describe(), blocks.size(), plan.blockUsers(), plan.reason(), String.join(", ", job.backends())));
            JobSession.line(o, "ranked", String.format(Locale.ROOT, "%,d users x %,d items in %.2f s: %,.0f users/s",
                    users.length, model.items(), seconds, users.length / seconds));
            o.printf(Locale.ROOT, "%-14s %12s%n", "metric", "value");
            for (Map.Entry<String, Double> e : total.asMap().entrySet()) o.printf(Locale.ROOT, "%-14s %12.6f%n", e.getKey(), e.getValue());
            if (out != null) writeJson(out, model, held, total);
        }
        return 0;
    }

    /** One block's partial metrics: each user's ranked list (all top-K entries, as Evaluator passes them) against its held-out items. */
    static RankingMetrics metrics(UserBlock labels, TopLists lists, int[] ks) {
        RankingMetrics m = new RankingMetrics(ks);
        for (int r = 0; r < labels.size(); r++) {
            int[] ranked = lists.itemsOf(r);
            m.addUser(ranked, ranked.length, Arrays.copyOfRange(labels.heldItems(), labels.heldPtr()[r], labels.heldPtr()[r + 1]));
        }
        return m;
    }

    private static int[] evaluated(HeldOut held) {
        int[] out = new int[held.evaluatedUsers()];
        int w = 0;
        for (int u = 0; u < held.positives().numUsers(); u++) if (held.positives().count(u) > 0) out[w++] = u;
        return out;
    }

    private static HeldOut readParquetPairs(JobSession js, ModelInput model, String pairs) {
        org.apache.spark.sql.Dataset<Row> df;
        try {
            df = js.spark.read().parquet(pairs);
        } catch (Exception e) {
            throw CliException.data("--pairs: cannot read " + pairs + " as Parquet: " + e.getMessage().lines().findFirst().orElse(""));
        }
        List<String> cols = Arrays.asList(df.columns());
        if (!cols.contains("user") || !cols.contains("item")) throw CliException.data("--pairs: " + pairs + " has columns " + cols + "; it needs user and item");
        List<String[]> rows = new ArrayList<>();
        for (Row r : df.selectExpr("CAST(user AS STRING)", "CAST(item AS STRING)").collectAsList()) {
            if (r.isNullAt(0) || r.isNullAt(1)) throw CliException.data("--pairs: " + pairs + " row " + (rows.size() + 1) + " has an empty user or item");
            rows.add(new String[] {r.getString(0), r.getString(1)});
        }
        return HeldOut.fromPairs(model, pairs, rows);
    }

    static void checkNewFile(Path out) {
        if (Files.exists(out)) throw new CliException("--out: " + out + " already exists; give a new file (nothing is overwritten)");
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) throw new CliException("--out: folder " + parent + " does not exist");
    }

    private static void writeJson(Path out, ModelInput model, HeldOut held, RankingMetrics m) throws java.io.IOException {
        JsonMapper json = JsonMapper.builder().build();
        ObjectNode root = json.createObjectNode();
        root.put("checkpoint", model.file().toString());
        root.put("held_out", held.source());
        root.put("users_evaluated", m.users());
        root.put("users_skipped", m.skipped());
        ObjectNode metrics = root.putObject("metrics");
        m.asMap().forEach(metrics::put);
        byte[] bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        AtomicFile.write(out, s -> s.write(bytes));
    }
}
