package dev.mmgcn.runs;

import dev.mmgcn.io.AtomicFile;
import dev.mmgcn.io.FolderLock;
import dev.mmgcn.settings.SettingsException;
import dev.mmgcn.settings.TrainSettings;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link SweepPlan}'s trials one after another, each a normal run folder inside the sweep folder.
 * Order: every trial checked by the runner (data, paths) before anything is written; the folder
 * created and {@code sweep.json} written; then each trial, skipping those whose folder holds a complete
 * summary.json and running again those a kill or failure left unfinished (the runner may continue one
 * from its saved state, or clear its folder and start it again);
 * {@code leaderboard.tsv} is rewritten after every trial and the table printed at the end.
 */
public final class Sweep {
    public static final String LEADERBOARD = "leaderboard.tsv";

    /** Runs one trial; the command layer supplies it (it is a train run). */
    public interface TrialRunner {
        /** Checks a trial's settings the way training would before any work; throws with the usual message. */
        void check(TrainSettings settings);

        /**
         * Trains into {@code dir}; {@code earlier}: the folder holds an unfinished earlier attempt, which the
         * runner continues (train --resume) or clears and starts again.
         * Returns null on success, or the one-line reason a trial failed in a way that should not stop
         * the sweep (it diverged, it does not fit in memory); other failures are thrown.
         */
        String run(Trial trial, Path dir, boolean earlier) throws IOException;
    }

    /** How the sweep went: trials run now, skipped as finished earlier, and failed. */
    public record Outcome(int ran, int skipped, List<String> failed, Leaderboard leaderboard) {
    }

    private final SweepPlan plan;
    private final Path dir;
    private final String flag;
    private final String version;

    public Sweep(SweepPlan plan, Path dir, String flag, String version) {
        this.plan = plan;
        this.dir = dir;
        this.flag = flag;
        this.version = version;
    }

    /** Before any work: the folder is new, empty, or holds this same sweep. */
    public void checkFolder() throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new SettingsException(flag + ": " + dir + " is a file; a sweep needs a folder");
        Path json = dir.resolve(SweepPlan.FILE);
        if (Files.exists(json)) {
            plan.checkSame(json, flag);
        } else if (SweepPlan.nonEmpty(dir)) {
            throw new SettingsException(flag + ": " + dir + " is not empty and holds no " + SweepPlan.FILE
                    + ": it is not a sweep's folder; choose a new folder");
        }
    }

    public Outcome run(TrialRunner runner, PrintStream out) throws IOException {
        checkFolder();
        for (Trial t : plan.trials()) runner.check(t.settings());
        Files.createDirectories(dir);
        try (FolderLock lock = lock()) {
            checkFolder(); // again, now that no other process can change it
            return runLocked(runner, out);
        }
    }

    /** One sweep at a time in a folder: a second {@code sweep --out S} would train the same trials; it is refused, naming the first. */
    private FolderLock lock() throws IOException {
        try {
            return FolderLock.acquire(dir, "mmgcn-engine sweep " + dir);
        } catch (FolderLock.Held h) {
            throw new SettingsException(flag + ": " + dir + " is in use by " + h.holder() + "; two sweeps cannot run in one folder:"
                    + " wait for it to end (or stop it), or choose another folder");
        }
    }

    private Outcome runLocked(TrialRunner runner, PrintStream out) throws IOException {
        boolean resumed = Files.exists(dir.resolve(SweepPlan.FILE));
        if (!resumed) AtomicFile.writeString(dir.resolve(SweepPlan.FILE), RunJson.pretty(plan.toMap(version)));
        int n = plan.trials().size();
        out.printf("sweep    %d trial%s into %s, selected by valid %s%s%n", n, n == 1 ? "" : "s", dir, plan.metric(),
                resumed ? " (continuing: finished trials are skipped)" : "");
        int ran = 0, skipped = 0;
        List<String> failed = new ArrayList<>();
        for (Trial t : plan.trials()) {
            Path trialDir = t.dir(dir);
            String head = "trial " + t.index() + "/" + n + "  " + t.name();
            if (RunInfo.isFinished(trialDir)) {
                out.println(head + ": finished earlier, skipped");
                skipped++;
                continue;
            }
            boolean earlier = SweepPlan.nonEmpty(trialDir);
            out.println(head + (earlier ? ": unfinished earlier, run again (from its last.ckpt when it has one)" : ""));
            String failure = runner.run(t, trialDir, earlier);
            ran++;
            if (failure != null) {
                failed.add(t.name() + ": " + failure);
                out.println(head + ": failed: " + failure);
            } else if (RunInfo.isFinished(trialDir)) {
                RunInfo r = RunInfo.read(trialDir);
                out.printf(java.util.Locale.ROOT, "%s: valid %s %.4f at epoch %d, test %.4f (popularity %.4f, item-only %.4f)%n", head,
                        plan.metric(), r.metric("valid", plan.metric()), r.bestEpoch(), r.metric("test", plan.metric()),
                        r.popularity("valid", plan.metric()), r.itemOnly(plan.metric()));
            }
            AtomicFile.writeString(dir.resolve(LEADERBOARD), Leaderboard.of(dir, plan.trials(), plan.metric()).tsv());
        }
        Leaderboard board = Leaderboard.of(dir, plan.trials(), plan.metric());
        AtomicFile.writeString(dir.resolve(LEADERBOARD), board.tsv());
        out.println();
        out.printf("leaderboard (valid %s, best first; test metrics at each run's best valid epoch; mean ± std over seeds)%n", plan.metric());
        out.print(board.table().text());
        for (String note : board.notes()) out.println("warning: " + note);
        out.println("written  " + dir.resolve(LEADERBOARD));
        return new Outcome(ran, skipped, failed, board);
    }
}
