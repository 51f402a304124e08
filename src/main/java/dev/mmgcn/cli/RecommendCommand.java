package dev.mmgcn.cli;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.GraphBuilder;
import dev.mmgcn.eval.Ranker;
import dev.mmgcn.io.AtomicFile;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.settings.Settings;
import dev.mmgcn.settings.TrainSettings;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.train.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code recommend}: top-K items per user from a checkpoint's representations, training items excluded. */
@Command(name = "recommend", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Prints user, rank, item, score as TSV. Training items are excluded (the dataset recorded in the",
                "checkpoint is reloaded to find them) unless --include-seen is given. --out writes the file atomically:",
                "a reader, or a kill, never sees a partial file."},
        footer = {"", Main.EXIT_CODES})
final class RecommendCommand extends DataCommand implements Callable<Integer> {
    @Option(names = "--users", paramLabel = "LIST", order = 2, description = "comma-separated user ids")
    String users;

    @Option(names = "--users-file", paramLabel = "FILE", order = 3, description = "user ids, one per line")
    Path usersFile;

    @Option(names = "--all-users", order = 4, description = "recommend for every user")
    boolean allUsers;

    @Option(names = "--k", paramLabel = "N", order = 5, description = "items per user (default 10)")
    Integer k;

    @Option(names = "--include-seen", order = 6, description = "do not exclude the user's training items")
    boolean includeSeen;

    @Option(names = "--out", paramLabel = "FILE", order = 7, description = "write the TSV here (atomically) instead of to stdout")
    Path out;

    @Override
    public Integer call() throws IOException {
        int given = (users != null ? 1 : 0) + (usersFile != null ? 1 : 0) + (allUsers ? 1 : 0);
        if (given != 1) throw Failure.usage("give exactly one of --users, --users-file or --all-users");
        int topK = k == null ? 10 : k;
        if (topK < 1) throw Failure.usage("--k must be at least 1, got " + topK);
        if (usersFile != null) {
            if (!Files.exists(usersFile)) throw Failure.usage("--users-file: " + usersFile + " does not exist");
            if (Files.isDirectory(usersFile)) throw Failure.usage("--users-file: " + usersFile + " is a folder, not a file");
        }
        if (out != null) OutputFile.file("--out", out);
        Checkpoint ck = CheckpointFile.read(checkpoint);
        int numUsers = CheckpointFile.intEntry(ck, "data.users");
        int numItems = CheckpointFile.intEntry(ck, "data.items");
        if (topK > numItems) throw Failure.usage("--k " + topK + " is more than the " + numItems + " items the checkpoint knows");
        int[] userIds = userIds(numUsers);
        Settings s = settings(ck);
        if (!includeSeen) DataLoading.check(dev.mmgcn.settings.DataSpec.of(s), s);
        Kernels kernels = Backend.open(s.get(TrainSettings.DEVICE), s.get(TrainSettings.THREADS));
        try (HostScope host = new HostScope(); Scope scope = kernels.newScope(); Progress progress = Progress.forStderr(top.err)) {
            CsrMatrix seen = null;
            if (!includeSeen) {
                progress.startOpen("loading the training items to exclude", null);
                try (Dataset data = dataset(ck, s, top.err)) {
                    seen = GraphBuilder.userItems(host, numUsers, numItems, data.train());
                }
                progress.finish();
            }
            if (!ck.has(Checkpoint.REPRESENTATION)) throw Failure.data("--checkpoint " + checkpoint + " has no representation tensor", null);
            float[] rep = ck.tensor(Checkpoint.REPRESENTATION);
            int[] shape = ck.shape(Checkpoint.REPRESENTATION);
            if (shape[0] != numUsers + numItems) {
                throw Failure.data("--checkpoint " + checkpoint + ": representation has " + shape[0] + " rows for " + numUsers + " users + "
                        + numItems + " items", null);
            }
            Tensor hostRep = host.floats(shape[0], shape[1]);
            hostRep.copyFrom(rep);
            Tensor r = scope.floats(shape[0], shape[1]);
            kernels.upload(hostRep, r);
            try (Ranker ranker = new Ranker(kernels, userIds, numItems, seen, topK, 4096)) {
                Tensor userRows = r.rowSlice(0, numUsers);
                Tensor itemRows = r.rowSlice(numUsers, numUsers + numItems);
                progress.start("recommending", userIds.length, "users");
                if (out != null) {
                    AtomicFile.write(out, os -> writeTsv(os, ranker, userRows, itemRows, progress));
                } else {
                    writeTsv(top.out, ranker, userRows, itemRows, progress);
                }
                progress.finish();
            }
        } finally {
            kernels.close();
        }
        return 0;
    }

    private static void writeTsv(OutputStream os, Ranker ranker, Tensor userRows, Tensor itemRows, Progress progress) throws IOException {
        Writer w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16);
        w.write("user\trank\titem\tscore\n");
        try {
            ranker.rank(userRows, itemRows, (pos, user, items, scores) -> {
                try {
                    for (int j = 0; j < items.length; j++) {
                        if (scores[j] == Float.NEGATIVE_INFINITY) break; // the user has seen everything else
                        w.write(String.format(Locale.ROOT, "%d\t%d\t%d\t%.6f%n", user, j + 1, items[j], scores[j]));
                    }
                    progress.update(pos + 1, null);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        w.flush();
    }

    private int[] userIds(int numUsers) throws IOException {
        if (allUsers) {
            int[] all = new int[numUsers];
            for (int u = 0; u < numUsers; u++) all[u] = u;
            return all;
        }
        List<int[]> ids = new ArrayList<>(); // {id, line}
        String source;
        if (users != null) {
            source = "--users";
            for (String t : users.split(",")) {
                if (t.isBlank()) continue;
                ids.add(new int[] {parseUser(t.trim(), source, numUsers), 0});
            }
        } else {
            source = "--users-file " + usersFile;
            List<String> lines;
            try {
                lines = Files.readAllLines(usersFile);
            } catch (java.nio.charset.MalformedInputException e) {
                throw Failure.data(source + ": not UTF-8 text", e);
            } catch (IOException e) {
                throw Failure.io(source + ": " + FileErrors.describe(e), e);
            }
            for (int i = 0; i < lines.size(); i++) {
                String t = lines.get(i).trim();
                if (!t.isEmpty()) ids.add(new int[] {parseUser(t, source + " line " + (i + 1), numUsers), i + 1});
            }
        }
        if (ids.isEmpty()) throw Failure.usage(source + " lists no users");
        return ids.stream().mapToInt(a -> a[0]).toArray();
    }

    private static int parseUser(String token, String where, int numUsers) {
        int u;
        try {
            u = Integer.parseInt(token);
        } catch (NumberFormatException e) {
            throw Failure.usage(where + ": '" + dev.mmgcn.io.Quote.clip(token) + "' is not a user id");
        }
        if (u < 0 || u >= numUsers) throw Failure.usage(where + ": user " + u + " is outside [0, " + numUsers + ")");
        return u;
    }
}
