package dev.mmgcn.spark;

import dev.mmgcn.io.AtomicFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A job's output folder, on any file system Hadoop reaches (a local path, hdfs://, …), written the way
 * {@link AtomicFile} writes a file: Spark writes into a hidden sibling folder
 * {@code .<name>.<random>.mmgcn-tmp}, which is renamed to the target only when every task has committed.
 * A failed or killed job leaves the target absent, never half-written. An existing target is refused
 * before any work starts: nothing is overwritten.
 */
final class OutputFolder {
    private final FileSystem fs;
    private final Path target, temp;

    private OutputFolder(FileSystem fs, Path target, Path temp) {
        this.fs = fs;
        this.target = target;
        this.temp = temp;
    }

    /** Checks that {@code out} does not exist and that its parent is a folder (created when missing). */
    static OutputFolder prepare(String out, Configuration conf) {
        try {
            Path target = new Path(out);
            FileSystem fs = target.getFileSystem(conf);
            target = fs.makeQualified(target);
            if (fs.exists(target)) throw new CliException("--out: " + out + " already exists; give a new folder (nothing is overwritten)");
            Path parent = target.getParent();
            if (parent != null && fs.exists(parent) && !fs.getFileStatus(parent).isDirectory()) {
                throw new CliException("--out: " + parent + " is not a folder");
            }
            String name = "." + target.getName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + AtomicFile.TEMP_SUFFIX;
            return new OutputFolder(fs, target, new Path(parent, name));
        } catch (IOException e) {
            throw new CliException("--out: " + out + ": " + e.getMessage(), 1);
        }
    }

    /** Where Spark writes. */
    String temp() { return temp.toString(); }

    String target() { return target.toString(); }

    /** Renames the finished temporary folder to the target. */
    void commit() throws IOException {
        if (fs.exists(target)) throw new IOException(target + " appeared while the job ran; the result stays in " + temp);
        if (!fs.rename(temp, target)) throw new IOException("could not rename " + temp + " to " + target);
    }

    /** Removes the temporary folder after a failure. */
    void abort() {
        try {
            fs.delete(temp, true);
        } catch (IOException ignored) {
            // best effort: the folder's suffix marks it as ours
        }
    }
}
