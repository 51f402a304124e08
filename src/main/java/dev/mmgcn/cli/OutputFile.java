package dev.mmgcn.cli;

import dev.mmgcn.io.AtomicFile;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks for a command's output file or folder, before any work: errors name the flag, the path and the reason. */
final class OutputFile {
    private OutputFile() {
    }

    /** {@code --out FILE}: not a folder; its folder exists (or is created) and is writable; stale temporaries of it removed. */
    static Path file(String flag, Path file) {
        if (Files.isDirectory(file)) throw Failure.usage(flag + ": " + file + " is a folder; give a file name, e.g. " + file.resolve("recs.tsv"));
        regularOrAbsent(flag, file);
        Path dir = file.toAbsolutePath().getParent();
        folder(flag, dir);
        try {
            AtomicFile.removeStaleFor(file);
        } catch (IOException e) {
            throw Failure.io(flag + ": cannot clean up " + dir + ": " + FileErrors.reason(e), e);
        }
        return file;
    }

    /** {@code --out DIR}: a folder (created if missing, with its parents) that can be written. */
    static Path folder(String flag, Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw Failure.usage(flag + ": " + dir + " is a file, not a folder");
        if (!Files.exists(dir)) {
            Path p = dir.toAbsolutePath();
            while (p != null && !Files.exists(p)) p = p.getParent();
            if (p != null && !Files.isDirectory(p)) throw Failure.usage(flag + ": cannot create " + dir + ": " + p + " is a file, not a folder");
            create(flag, dir);
        }
        requireWritable(flag, dir);
        return dir;
    }

    /** Creates {@code dir} and its parents; a failure is a message naming {@code flag}. */
    static void create(String flag, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (FileSystemException e) {
            throw Failure.io(flag + ": cannot create the folder " + dir + ": " + FileErrors.reason(e), e);
        } catch (IOException e) {
            throw Failure.io(flag + ": cannot create the folder " + dir + ": " + e.getMessage(), e);
        }
    }

    static void requireWritable(String flag, Path dir) {
        if (!Files.isWritable(dir)) throw Failure.io(flag + ": " + dir + ": permission denied (cannot write there)", null);
    }

    /**
     * Refuses to replace files a user already has: unless {@code overwrite}, any existing target is a usage error naming
     * the flag, the file (the first few when several) and {@code --overwrite}.
     */
    static void refuseExisting(String flag, boolean overwrite, Path... targets) {
        for (Path t : targets) regularOrAbsent(flag, t);
        if (overwrite) return;
        java.util.List<Path> existing = java.util.Arrays.stream(targets).filter(Files::exists).toList();
        if (existing.isEmpty()) return;
        String names = existing.size() == 1 ? existing.getFirst().toString()
                : existing.stream().limit(3).map(Path::toString).collect(java.util.stream.Collectors.joining(", "))
                        + (existing.size() > 3 ? " and " + (existing.size() - 3) + " more" : "");
        throw Failure.usage(flag + ": " + names + (existing.size() == 1 ? " exists" : " exist") + "; pass --overwrite to replace "
                + (existing.size() == 1 ? "it" : "them"));
    }

    /**
     * An output that exists must be a regular file: written through a temporary and a rename, a symbolic link,
     * a named pipe or a device would be replaced by a regular file ({@code --overwrite} included), so it is
     * refused before any work, naming what it is.
     */
    static void regularOrAbsent(String flag, Path target) {
        regularOrAbsent(flag, target, "give the path of a regular file");
    }

    static void regularOrAbsent(String flag, Path target, String hint) {
        String special = dev.mmgcn.io.FileKinds.special(target);
        if (special == null) return;
        throw Failure.usage(flag + ": " + target + " is " + special + ", not a regular file, and is never replaced by one; " + hint);
    }

    /** Removes stale temporaries of these files (left by a killed earlier run). */
    static void clean(String flag, Path... targets) {
        for (Path t : targets) {
            try {
                AtomicFile.removeStaleFor(t);
            } catch (IOException e) {
                throw Failure.io(flag + ": cannot clean up beside " + t + ": " + FileErrors.reason(e), e);
            }
        }
    }
}
