package dev.mmgcn.cli;

import dev.mmgcn.api.LoadOptions;
import dev.mmgcn.api.MmgcnModel;
import dev.mmgcn.api.Recommendation;
import dev.mmgcn.api.ScoredItem;
import dev.mmgcn.api.Seen;
import dev.mmgcn.io.AtomicFile;
import dev.mmgcn.settings.Threads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code recommend}: top-K items per user from a checkpoint alone (the Java API's {@link MmgcnModel}), in the users' and items' own ids. */
@Command(name = "recommend", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Prints user, rank, item, score as TSV, best first, in the users' and items' own ids (as written in the",
                "training data's files). Reads the checkpoint only, no dataset: it holds each user's training items, which are",
                "left out unless --include-seen is given. The same lists as serve's GET /recommend. --out writes the file",
                "atomically: a reader, or a kill, never sees a partial file."},
        footer = {"", Main.EXIT_CODES})
final class RecommendCommand implements Callable<Integer> {
    /** Users ranked per call of the model: bounds the memory of --all-users and paces the progress line. */
    static final int CHUNK = 4096;

    @ParentCommand
    MmgcnCommand top;

    @Option(names = "--checkpoint", paramLabel = "FILE", order = 1, description = "checkpoint written by train (<run folder>/best.ckpt)")
    Path checkpoint;

    @Option(names = "--users", paramLabel = "LIST", order = 2, description = "comma-separated user ids, as in the training data")
    String users;

    @Option(names = "--users-file", paramLabel = "FILE", order = 3, description = "user ids, one per line")
    Path usersFile;

    @Option(names = "--all-users", order = 4, description = "recommend for every user the model knows, in its order")
    boolean allUsers;

    @Option(names = "--k", paramLabel = "N", order = 5, description = "items per user (default 10)")
    Integer k;

    @Option(names = "--include-seen", order = 6, description = "do not leave out the user's training items")
    boolean includeSeen;

    @Option(names = "--out", paramLabel = "FILE", order = 7,
            description = "write the TSV here (atomically; a regular file) instead of to stdout; - is stdout")
    Path out;

    @Option(names = "--overwrite", order = 8, description = "replace --out when it exists")
    boolean overwrite;

    @Option(names = "--threads", paramLabel = "N", order = 9, description = "threads that rank (default: all cores; at most " + Threads.PER_CORE + " per core)")
    Integer threads;

    @Override
    public Integer call() throws IOException {
        UserList.checkOptions(users, usersFile, allUsers);
        int topK = k == null ? 10 : k;
        if (topK < 1) throw Failure.usage("--k must be at least 1, got " + topK);
        if (threads != null && Threads.problem(threads) != null) throw Failure.usage("--threads " + Threads.problem(threads));
        if (out != null && out.toString().equals("-")) {
            if (overwrite) throw Failure.usage("--overwrite applies to a file; --out - writes to standard output");
            out = null;
        }
        if (out != null) {
            OutputFile.regularOrAbsent("--out", out, "to write into it on purpose, write to standard output (--out -, or no --out)"
                    + " and redirect that");
            OutputFile.file("--out", out);
            OutputFile.refuseExisting("--out", overwrite, out);
        }
        LoadOptions options = threads == null ? LoadOptions.defaults() : new LoadOptions(threads);
        try (Progress progress = Progress.forStderr(top.err)) {
            progress.startOpen("loading " + checkpoint, null);
            try (MmgcnModel model = CheckpointFile.model(CheckpointFile.check(checkpoint), options)) {
                progress.finish();
                int items = model.info().items();
                if (topK > items) { // as evaluate and train do with a cut-off: a top-N list of every item
                    top.err.printf(Locale.ROOT, "note: --k %d is more than the %,d items the checkpoint knows: clamped to %d%n", topK, items, items);
                }
                int listed = Math.min(topK, items);
                List<String> ids = UserList.resolve(users, usersFile, allUsers, model);
                Seen seen = includeSeen ? Seen.INCLUDE : Seen.EXCLUDE;
                progress.start("recommending", ids.size(), "users");
                if (out != null) {
                    AtomicFile.write(out, os -> writeTsv(os, model, ids, listed, seen, progress));
                } else {
                    writeTsv(top.out, model, ids, listed, seen, progress);
                }
                progress.finish();
            }
        }
        return 0;
    }

    /** The TSV, a chunk of users at a time; a user who has seen every other item gets fewer than k rows. */
    private static void writeTsv(OutputStream os, MmgcnModel model, List<String> ids, int k, Seen seen, Progress progress) throws IOException {
        Writer w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16);
        w.write("user\trank\titem\tscore\n");
        for (int from = 0; from < ids.size(); from += CHUNK) {
            int to = Math.min(ids.size(), from + CHUNK);
            for (Recommendation r : model.recommend(ids.subList(from, to), k, seen)) {
                List<ScoredItem> items = r.items();
                for (int j = 0; j < items.size(); j++) {
                    w.write(r.user() + "\t" + (j + 1) + "\t" + items.get(j).item() + "\t" + String.format(Locale.ROOT, "%.6f", items.get(j).score()) + "\n");
                }
            }
            w.flush();
            if (os instanceof java.io.PrintStream stdout) StandardOutput.check(stdout); // stop at a full disk or closed pipe
            progress.update(to, null);
        }
        w.flush();
    }
}
