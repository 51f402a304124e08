package dev.mmgcn.spark;

import dev.mmgcn.data.DataFingerprint;
import dev.mmgcn.data.IdMap;
import dev.mmgcn.data.SeenItems;
import dev.mmgcn.data.TrainingRecord;
import dev.mmgcn.kernels.ScalarKernels;
import dev.mmgcn.layers.ParameterStore;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.train.Checkpoint;
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
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code generate-catalogue}: a checkpoint of a given shape written straight from random representations,
 * for benchmarking the ranking at sizes no dataset here has (e.g. 1 M users × 100 k items). Each user's and
 * item's representation has independent N(0, 1/d) entries, so scores are of order one; each user gets
 * {@code --seen} distinct training items drawn uniformly. Ids are the indices. Deterministic in the seed.
 */
@Command(name = "generate-catalogue", mixinStandardHelpOptions = true,
        description = "Writes a checkpoint of random user and item representations and random training items (benchmarks).")
public final class CatalogueCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--users", required = true, paramLabel = "N") int users;
    @Option(names = "--items", required = true, paramLabel = "N") int items;
    @Option(names = "--dim", paramLabel = "D", defaultValue = "64", description = "width (default ${DEFAULT-VALUE})") int dim;
    @Option(names = "--seen", paramLabel = "N", defaultValue = "20", description = "training items per user (default ${DEFAULT-VALUE})") int seen;
    @Option(names = "--seed", paramLabel = "N", defaultValue = "1") long seed;
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "checkpoint file to create") Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        if (users < 1 || items < 1 || dim < 1) throw new CliException("--users, --items and --dim must be at least 1");
        if (seen < 0 || seen >= items) throw new CliException("--seen must be in [0, " + items + "), got " + seen);
        if ((long) (users + (long) items) * dim * 4 > Integer.MAX_VALUE) {
            throw new CliException("(users + items) x dim x 4 bytes must stay under 2 GB, the largest tensor a checkpoint holds");
        }
        EvaluateCommand.checkNewFile(out);
        long t0 = System.nanoTime();
        int[] ptr = new int[users + 1];
        int[] seenItems = new int[Math.multiplyExact(users, seen)];
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        SplittableRandom rnd = new SplittableRandom(seed);
        try (HostScope host = new HostScope(); ParameterStore none = new ParameterStore(new ScalarKernels())) {
            Tensor rep = host.floats(users + items, dim);
            float sd = (float) (1 / Math.sqrt(dim));
            float[] row = new float[dim];
            for (int r = 0; r < users + items; r++) {
                for (int c = 0; c < dim; c++) row[c] = (float) gaussian(rnd) * sd;
                for (int c = 0; c < dim; c++) rep.setFlat((long) r * dim + c, row[c]);
            }
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
            TrainingRecord record = new TrainingRecord(new DataFingerprint(parts), IdMap.range(users, 0), IdMap.range(items, 0),
                    new SeenItems(users, items, ptr, seenItems));
            Properties header = new Properties();
            header.setProperty("data.users", Integer.toString(users));
            header.setProperty("data.items", Integer.toString(items));
            header.setProperty("model.dim", Integer.toString(dim));
            header.setProperty("catalogue.generator", "mmgcn-spark generate-catalogue: N(0, 1/d) representations, uniform training items");
            header.setProperty("catalogue.seed", Long.toString(seed));
            header.setProperty("catalogue.seen_per_user", Integer.toString(seen));
            Checkpoint.capture(none, rep, header, record).write(out);
        }
        o.printf(Locale.ROOT, "wrote %s: %,d users x %,d items, width %d, %d training items per user (%.1f s)%n",
                out, users, items, dim, seen, (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /** A standard normal draw (Box–Muller, one of the pair). */
    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
