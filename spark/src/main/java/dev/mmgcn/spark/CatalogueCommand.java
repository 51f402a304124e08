package dev.mmgcn.spark;

import dev.mmgcn.data.DataFingerprint;
import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.IdMap;
import dev.mmgcn.data.SeenItems;
import dev.mmgcn.data.SyntheticGenerator;
import dev.mmgcn.data.TrainingRecord;
import dev.mmgcn.kernels.ScalarKernels;
import dev.mmgcn.layers.ParameterStore;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.train.Checkpoint;
import dev.mmgcn.train.CheckpointHeader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code generate-catalogue}: a checkpoint of a given shape written straight from random representations,
 * for benchmarking the ranking at sizes no trained model here has (e.g. 1 M users × 100 k items). Each
 * user's and item's representation has independent N(0, 1/d) entries, so scores are of order one. The
 * users, items and training items are either given by size ({@code --users}, {@code --items}: each user gets
 * {@code --seen} distinct items drawn uniformly, ids are the indices) or are those of a synthetic dataset
 * ({@code --synthetic movielens}: its users, items, ids and training pairs, recorded so that
 * {@code evaluate --split} reloads it). Deterministic in the seeds.
 */
@Command(name = "generate-catalogue", mixinStandardHelpOptions = true,
        description = "Writes a checkpoint of random user and item representations and random training items (benchmarks).")
public final class CatalogueCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--users", paramLabel = "N", description = "users (with --items)") int users;
    @Option(names = "--items", paramLabel = "N", description = "items (with --users)") int items;
    @Option(names = "--synthetic", paramLabel = "PRESET", description = "instead: the users, items and training pairs of this synthetic dataset (default, tiny, movielens, tiktok, kwai)") String synthetic;
    @Option(names = "--data-seed", paramLabel = "N", defaultValue = "7", description = "with --synthetic: the generator's seed (default ${DEFAULT-VALUE})") long dataSeed;
    @Option(names = "--dim", paramLabel = "D", defaultValue = "64", description = "width (default ${DEFAULT-VALUE})") int dim;
    @Option(names = "--seen", paramLabel = "N", defaultValue = "20", description = "training items per user (default ${DEFAULT-VALUE})") int seen;
    @Option(names = "--seed", paramLabel = "N", defaultValue = "1") long seed;
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "checkpoint file to create") Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        if (dim < 1) throw new CliException("--dim must be at least 1, got " + dim);
        TrainingRecord given = null;
        CheckpointHeader header = new CheckpointHeader();
        if (synthetic != null) {
            if (users != 0 || items != 0) throw new CliException("--synthetic gives the users and items: drop --users and --items");
            try (Dataset d = SyntheticGenerator.generate(SyntheticGenerator.preset(synthetic), dataSeed)) {
                given = TrainingRecord.of(d);
            } catch (IllegalArgumentException e) {
                throw new CliException("--synthetic: " + e.getMessage());
            }
            users = given.numUsers();
            items = given.numItems();
            header.withDataOption("synthetic", synthetic).withDataOption("data-seed", Long.toString(dataSeed));
        } else {
            if (users < 1 || items < 1) throw new CliException("give --users and --items (at least 1 each), or --synthetic PRESET");
            if (seen < 0 || seen >= items) throw new CliException("--seen must be in [0, " + items + "), got " + seen);
        }
        if ((long) (users + (long) items) * dim * 4 > Integer.MAX_VALUE) {
            throw new CliException("(users + items) x dim x 4 bytes must stay under 2 GB, the largest tensor a checkpoint holds");
        }
        EvaluateCommand.checkNewFile(out);
        long t0 = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        try (HostScope host = new HostScope(); ParameterStore none = new ParameterStore(new ScalarKernels())) {
            Tensor rep = host.floats(users + items, dim);
            float sd = (float) (1 / Math.sqrt(dim));
            for (long x = 0; x < (long) (users + items) * dim; x++) rep.setFlat(x, (float) gaussian(rnd) * sd);
            TrainingRecord record = given != null ? given : uniform(rnd);
            header.withCounts(users, items).withModelDim(dim).withCatalogue("mmgcn-spark generate-catalogue: N(0, 1/d) representations, "
                    + (given != null ? "training items of synthetic preset " + synthetic : "uniform training items"), seed);
            Checkpoint.capture(none, rep, header.properties(), record).write(out);
            o.printf(Locale.ROOT, "wrote %s: %,d users x %,d items, width %d, %.1f training items per user (%.1f s)%n",
                    out, users, items, dim, record.seen().items().length / (double) users, (System.nanoTime() - t0) / 1e9);
        }
        return 0;
    }

    /** {@code --seen} distinct uniform items per user, with ids the indices. */
    private TrainingRecord uniform(SplittableRandom rnd) throws Exception {
        int[] ptr = new int[users + 1];
        int[] seenItems = new int[Math.multiplyExact(users, seen)];
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        int[] pick = new int[seen];
        for (int u = 0; u < users; u++) {
            int n = 0;
            while (n < seen) {
                int i = rnd.nextInt(items);
                boolean dup = false;
                for (int j = 0; j < n; j++) dup |= pick[j] == i;
                if (!dup) pick[n++] = i;
            }
            Arrays.sort(pick);
            System.arraycopy(pick, 0, seenItems, u * seen, seen);
            ptr[u + 1] = ptr[u] + seen;
            for (int i : pick) {
                buf.clear();
                md.update(buf.putInt(u).putInt(i).array());
            }
        }
        Map<String, String> parts = new LinkedHashMap<>();
        parts.put("users", Integer.toString(users));
        parts.put("items", Integer.toString(items));
        parts.put("train", seenItems.length + ":" + HexFormat.of().formatHex(md.digest()));
        return new TrainingRecord(new DataFingerprint(parts), IdMap.range(users, 0), IdMap.range(items, 0),
                new SeenItems(users, items, ptr, seenItems));
    }

    /** A standard normal draw (Box–Muller, one of the pair). */
    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
