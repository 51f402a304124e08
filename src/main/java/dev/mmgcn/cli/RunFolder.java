package dev.mmgcn.cli;

import dev.mmgcn.io.AtomicFile;
import dev.mmgcn.io.FolderLock;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * A training run's folder. It is new, or empty, or (with {@code --overwrite}) an earlier run's folder
 * whose files are removed before anything is written, so every file in it describes this run: an older
 * {@code summary.json} can never sit beside a newer {@code best.ckpt}. A default name
 * ({@code runs/<data>-<yyyyMMdd-HHmmss>}, then {@code -2}, {@code -3}, … when taken) is claimed by
 * creating the folder, which only one process can do, so runs started in the same second never share
 * one. While a run writes a folder it holds its {@link FolderLock}: a second process (two {@code train --resume},
 * a {@code --overwrite} beside a running run) is refused, naming the first. Every file is written through
 * {@link AtomicFile}.
 */
final class RunFolder implements AutoCloseable {
    static final String CONFIG = "config.json";
    static final String LOG = "train.log";
    static final String METRICS = "metrics.jsonl";
    static final String CHECKPOINT = "best.ckpt";
    static final String SUMMARY = "summary.json";
    /** The state after the newest epoch, for train --resume. */
    static final String LAST = "last.ckpt";
    /** The files a run writes, in the order it first writes them. */
    static final List<String> FILES = List.of(CONFIG, LOG, METRICS, CHECKPOINT, LAST, SUMMARY);

    private final Path dir;
    private final List<String> removed;
    /** This process's hold on the folder: one run at a time writes it. */
    private final FolderLock lock;

    private RunFolder(Path dir, List<String> removed, FolderLock lock) {
        this.dir = dir;
        this.removed = removed;
        this.lock = lock;
    }

    /** The process whose leftover lock file this run took over (it was killed), or null. */
    String staleLock() { return lock.stale(); }

    /** Releases the folder (removes the lock file). */
    @Override
    public void close() {
        lock.close();
    }

    /**
     * Locks {@code dir} for this process: a second run in the same folder at the same time (two train --resume, a
     * train --overwrite beside a running one) is refused naming the first, before it changes anything.
     */
    static FolderLock lock(Path dir, String flag, String command) {
        try {
            return FolderLock.acquire(dir, command);
        } catch (FolderLock.Held h) {
            throw Failure.usage(flag + ": " + dir + " is in use by " + h.holder() + "; two runs cannot write one folder:"
                    + " wait for it to end (or stop it), or choose another folder");
        } catch (IOException e) {
            throw Failure.io(flag + ": cannot lock " + dir + ": " + FileErrors.reason(e), e);
        }
    }

    Path dir() { return dir; }

    Path file(String name) { return dir.resolve(name); }

    /** Files of an earlier run that --overwrite removed (empty otherwise). */
    List<String> removed() { return removed; }

    /** A new folder under {@code runs/} named after the data and the time. */
    static RunFolder createDefault(Path runs, String dataName, LocalDateTime now, String command) {
        String base = safe(dataName) + "-" + now.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        try {
            Files.createDirectories(runs);
        } catch (IOException e) {
            throw Failure.io("cannot create " + runs.toAbsolutePath() + " for the run folder: " + FileErrors.reason(e)
                    + "; give another place with --out DIR", e);
        }
        for (int k = 1; k < 10_000; k++) {
            Path p = runs.resolve(k == 1 ? base : base + "-" + k);
            try {
                Files.createDirectory(p);
            } catch (FileAlreadyExistsException taken) {
                continue; // another run has this name: try the next
            } catch (IOException e) {
                throw Failure.io("cannot create the run folder " + p.toAbsolutePath() + ": " + FileErrors.reason(e), e);
            }
            return new RunFolder(p, List.of(), lock(p, "run folder", command));
        }
        throw Failure.io("cannot find a free run folder name under " + runs.toAbsolutePath() + " for " + base, null);
    }

    /** An earlier run's folder that {@code train --resume} continues: its files stay, each is rewritten atomically. */
    static RunFolder resumed(Path dir, FolderLock lock) {
        try {
            AtomicFile.removeStale(dir); // temporaries of the killed run
        } catch (IOException e) {
            throw Failure.io(Resume.FLAG + ": cannot clean " + dir + ": " + FileErrors.reason(e), e);
        }
        return checkWritable(new RunFolder(dir, List.of(), lock), Resume.FLAG);
    }

    /** The folder given with {@code --out}: created, or empty, or an earlier run's with {@code overwrite}. */
    static RunFolder open(Path out, boolean overwrite, String flag, String command) {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw Failure.usage(flag + ": " + out + " is a file; the run needs a folder");
        }
        if (!Files.exists(out)) OutputFile.create(flag, out);
        OutputFile.requireWritable(flag, out);
        if (!overwrite && !entries(out, flag).isEmpty()) open(out, false, flag, (FolderLock) null); // refused: nothing is written in it
        FolderLock lock = lock(out, flag, command); // before anything in it is looked at again or removed
        try {
            return open(out, overwrite, flag, lock);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** With {@code lock} null only the refusal of a folder that is not empty, which it throws. */
    private static RunFolder open(Path out, boolean overwrite, String flag, FolderLock lock) {
        List<String> entries = entries(out, flag);
        if (entries.isEmpty()) return checkWritable(new RunFolder(out, List.of(), lock), flag);
        if (!overwrite) {
            List<String> ours = entries.stream().filter(FILES::contains).toList();
            throw Failure.usage(flag + ": " + out + " is not empty (" + preview(ours.isEmpty() ? entries : ours)
                    + "); runs never replace each other: choose a new folder, or pass --overwrite to remove "
                    + (ours.isEmpty() ? "nothing but run files from it" : "that run's files") + " first");
        }
        List<String> removed = new ArrayList<>();
        try {
            AtomicFile.removeStale(out);
            // newest first, config.json last: a kill part-way leaves an earlier state of that run, never its files without config.json
            for (String f : FILES.reversed()) if (Files.deleteIfExists(out.resolve(f))) removed.add(f);
            java.util.Collections.reverse(removed);
        } catch (IOException e) {
            throw Failure.io(flag + ": cannot remove the earlier run's files from " + out + ": " + FileErrors.reason(e), e);
        }
        return checkWritable(new RunFolder(out, List.copyOf(removed), lock), flag);
    }

    private static RunFolder checkWritable(RunFolder r, String flag) {
        if (!Files.isWritable(r.dir)) throw Failure.io(flag + ": " + r.dir + ": permission denied (cannot write there)", null);
        return r;
    }

    private static List<String> entries(Path dir, String flag) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) if (!p.getFileName().toString().equals(FolderLock.NAME)) names.add(p.getFileName().toString());
        } catch (IOException e) {
            throw Failure.io(flag + ": cannot list " + dir + ": " + FileErrors.reason(e), e);
        }
        names.sort(null);
        return names;
    }

    private static String preview(List<String> names) {
        if (names.size() <= 4) return String.join(", ", names);
        return String.join(", ", names.subList(0, 4)) + " and " + (names.size() - 4) + " more";
    }

    private static String safe(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.isEmpty() ? "data" : s;
    }

    void write(String name, String text) throws IOException {
        AtomicFile.writeString(dir.resolve(name), text);
    }
}
