package dev.mmgcn.cli;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.GraphBuilder;
import dev.mmgcn.eval.Ranker;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.train.Checkpoint;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code recommend}: top-K items per user from a checkpoint's representations, training items excluded. */
final class RecommendCommand {
    private RecommendCommand() {
    }

    static Args options() {
        Args a = new Args("recommend")
                .option("checkpoint", "FILE", "checkpoint written by train (required)")
                .option("users", "LIST", "comma-separated user ids")
                .option("users-file", "FILE", "user ids, one per line")
                .flag("all-users", "recommend for every user")
                .option("k", "N", "items per user (default 10)")
                .flag("include-seen", "do not exclude the user's training items")
                .option("out", "FILE", "write TSV (user, rank, item, score) here instead of stdout")
                .option("device", "DEV", "cpu | cuda | auto | scalar | vector (default cpu)")
                .option("threads", "N", "CPU worker threads")
                .flag("help", "show this help");
        return DataOptions.declare(a);
    }

    static int run(String[] argv, PrintStream out) throws IOException {
        Args a = options().parse(argv);
        if (a.flag("help")) {
            out.println("usage: mmgcn-engine recommend --checkpoint FILE (--users 1,2 | --users-file F | --all-users) [options]\n\n"
                    + "Prints user, rank, item, score as TSV. Training items are excluded (the dataset recorded in the checkpoint\n"
                    + "is reloaded to find them) unless --include-seen is given.\n\n" + a.help());
            return 0;
        }
        Checkpoint ck = CheckpointData.read(a);
        int numUsers = Integer.parseInt(ck.get("data.users"));
        int numItems = Integer.parseInt(ck.get("data.items"));
        int[] users = users(a, numUsers);
        int k = a.getInt("k", 10);
        if (k < 1 || k > numItems) throw new Args.UsageException("--k must be between 1 and " + numItems + ", got " + k);
        Kernels kernels = Main.kernels(a);
        try (HostScope host = new HostScope(); Scope scope = kernels.newScope()) {
            CsrMatrix seen = null;
            if (!a.flag("include-seen")) {
                try (Dataset data = CheckpointData.dataset(ck, a, options(), argv)) {
                    seen = GraphBuilder.userItems(host, numUsers, numItems, data.train());
                }
            }
            float[] rep = ck.tensor(Checkpoint.REPRESENTATION);
            int[] shape = ck.shape(Checkpoint.REPRESENTATION);
            Tensor hostRep = host.floats(shape[0], shape[1]);
            hostRep.copyFrom(rep);
            Tensor r = scope.floats(shape[0], shape[1]);
            kernels.upload(hostRep, r);
            Writer w = a.has("out")
                    ? Files.newBufferedWriter(Path.of(a.get("out", null)), StandardCharsets.UTF_8)
                    : new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            try (Ranker ranker = new Ranker(kernels, users, numItems, seen, k, 4096)) {
                w.write("user\trank\titem\tscore\n");
                ranker.rank(r.rowSlice(0, numUsers), r.rowSlice(numUsers, numUsers + numItems), (pos, user, items, scores) -> {
                    try {
                        for (int j = 0; j < items.length; j++) {
                            if (scores[j] == Float.NEGATIVE_INFINITY) break; // the user has seen everything else
                            w.write(String.format(Locale.ROOT, "%d\t%d\t%d\t%.6f%n", user, j + 1, items[j], scores[j]));
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } finally {
                w.flush();
                if (a.has("out")) w.close();
            }
        } finally {
            kernels.close();
        }
        return 0;
    }

    private static int[] users(Args a, int numUsers) throws IOException {
        int given = (a.has("users") ? 1 : 0) + (a.has("users-file") ? 1 : 0) + (a.flag("all-users") ? 1 : 0);
        if (given != 1) throw new Args.UsageException("give exactly one of --users, --users-file or --all-users");
        List<String> tokens = new ArrayList<>();
        String source;
        if (a.flag("all-users")) {
            int[] all = new int[numUsers];
            for (int u = 0; u < numUsers; u++) all[u] = u;
            return all;
        } else if (a.has("users")) {
            source = "--users";
            for (String t : a.get("users", "").split(",")) if (!t.isBlank()) tokens.add(t.trim());
        } else {
            Path f = Path.of(a.get("users-file", null));
            source = f.toString();
            if (!Files.exists(f)) throw new Args.UsageException("--users-file: " + f + " does not exist");
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++) {
                String t = lines.get(i).trim();
                if (!t.isEmpty()) tokens.add(t + "\u0000" + (i + 1));
            }
        }
        int[] out = new int[tokens.size()];
        for (int i = 0; i < out.length; i++) {
            String[] parts = tokens.get(i).split("\u0000");
            String where = parts.length > 1 ? source + " line " + parts[1] : source;
            try {
                out[i] = Integer.parseInt(parts[0]);
            } catch (NumberFormatException e) {
                throw new Args.UsageException(where + ": '" + parts[0] + "' is not a user id");
            }
            if (out[i] < 0 || out[i] >= numUsers) {
                throw new Args.UsageException(where + ": user " + out[i] + " is outside [0, " + numUsers + ")");
            }
        }
        if (out.length == 0) throw new Args.UsageException(source + " lists no users");
        return out;
    }
}
