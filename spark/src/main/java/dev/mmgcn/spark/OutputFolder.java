package dev.mmgcn.spark;

import dev.mmgcn.io.AtomicFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * A job's output folder, on any file system Hadoop reaches (a local path, hdfs://, …), written the way
 * {@link AtomicFile} writes a file: Spark writes into a hidden sibling folder
 * {@code .<name>.<random>.mmgcn-tmp}, which is renamed to the target only when every task has committed.
 * A failed or killed job leaves the target absent, never half-written. Before any work: an existing target is
 * refused (nothing is overwritten), the parent must be a folder this process can create and write files in
 * (checked with a probe file), and hidden folders of this target left by a killed earlier job are removed.
 * When the final rename fails the result is kept in the hidden folder, and the error says where.
 */
final class OutputFolder {
    private final FileSystem fs;
    private final Path target, temp;

    private OutputFolder(FileSystem fs, Path target, Path temp) {
        this.fs = fs;
        this.target = target;
        this.temp = temp;
    }

    /** Checks {@code out} and its parent, removes stale temporaries of it, and picks the temporary folder. */
    static OutputFolder prepare(String out, Configuration conf) {
        Path target;
        FileSystem fs;
        try {
            target = new Path(out);
            fs = target.getFileSystem(conf);
            target = fs.makeQualified(target);
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException("--out: " + out + ": " + e.getMessage());
        }
        try {
            if (fs.exists(target)) throw new CliException("--out: " + out + " already exists; give a new folder (nothing is overwritten)");
            Path parent = target.getParent();
            if (parent != null && fs.exists(parent) && !fs.getFileStatus(parent).isDirectory()) {
                throw new CliException("--out: " + parent + " is not a folder");
            }
            if (parent != null) probe(fs, parent);
            removeStale(fs, parent, target.getName());
            String name = "." + target.getName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + AtomicFile.TEMP_SUFFIX;
            return new OutputFolder(fs, target, new Path(parent, name));
        } catch (IOException e) {
            throw CliException.io("--out: " + out + ": " + reason(e));
        }
    }

    /** The parent exists (made if missing) and a file can be created in it: a read-only place fails here, not in every task. */
    private static void probe(FileSystem fs, Path parent) throws IOException {
        if (!fs.exists(parent) && !fs.mkdirs(parent)) throw new IOException("cannot create the folder " + parent);
        Path probe = new Path(parent, ".mmgcn-probe." + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + AtomicFile.TEMP_SUFFIX);
        fs.create(probe, false).close();
        fs.delete(probe, false);
    }

    /** Hidden folders of this target a killed driver left ({@code .<name>.<hex>.mmgcn-tmp}); nothing else is touched. */
    private static void removeStale(FileSystem fs, Path parent, String name) throws IOException {
        if (parent == null || !fs.exists(parent)) return;
        Pattern ours = Pattern.compile(Pattern.quote("." + name + ".") + "[0-9a-f]+" + Pattern.quote(AtomicFile.TEMP_SUFFIX));
        for (FileStatus s : fs.listStatus(parent)) {
            if (s.isDirectory() && ours.matcher(s.getPath().getName()).matches()) fs.delete(s.getPath(), true);
        }
    }

    /** Where Spark writes. */
    String temp() { return temp.toString(); }

    String target() { return target.toString(); }

    /** The job's writing step. */
    interface Writer {
        void write(String folder) throws Exception;
    }

    /**
     * Runs {@code writer} into the temporary folder and renames it to the target. A failed write removes the
     * temporary folder (nothing is left half-written); a failed rename keeps it — the result is whole — and the
     * exception (exit 4) names where it is.
     */
    void write(Writer writer) throws Exception {
        try {
            writer.write(temp());
        } catch (Exception e) {
            abort();
            throw e;
        }
        commit();
    }

    /** Renames the finished temporary folder to the target; on failure the result stays where it is, and the error says so. */
    void commit() {
        try {
            if (fs.exists(target)) {
                throw CliException.io("--out: " + target + " appeared while the job ran; the result is kept in " + temp
                        + " (rename it yourself, or run again with a new --out)");
            }
            if (!fs.rename(temp, target)) {
                throw CliException.io("--out: could not rename " + temp + " to " + target + "; the result is kept in " + temp);
            }
        } catch (IOException e) {
            throw CliException.io("--out: could not rename " + temp + " to " + target + " (" + reason(e) + "); the result is kept in " + temp);
        }
    }

    /** Removes the temporary folder after a failed write. */
    void abort() {
        try {
            fs.delete(temp, true);
        } catch (IOException ignored) {
            // best effort: its name marks it as ours, and the next job with this --out removes it
        }
    }

    static String reason(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
