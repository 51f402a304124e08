package dev.mmgcn.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Every file the engine writes goes through here: the content is written to a temporary file in the
 * target's folder ({@code .<name>.<random>.mmgcn-tmp}), forced to disk, and renamed over the target.
 * A crash, a kill or a full disk at any moment leaves either the old file or the new one under the
 * target's name, never a partial one. Temporaries left by a killed process are recognised by their
 * suffix and removed by {@link #removeStale} at the next run.
 *
 * <p>Only a regular file (or a new name) is ever replaced: a target that is a symbolic link, a named pipe,
 * a device or a socket is refused, since the rename would put a regular file in its place.
 *
 * <p>New files get mode 0644; a replaced file keeps its mode. Failures are rethrown
 * as an {@link IOException} whose message names the path and the reason.
 */
public final class AtomicFile {
    /** The suffix of our temporaries; nothing else is ever deleted by {@link #removeStale}. */
    public static final String TEMP_SUFFIX = ".mmgcn-tmp";

    private static final Set<PosixFilePermission> DEFAULT_MODE = PosixFilePermissions.fromString("rw-r--r--");

    /** Writes the body of a file. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFile() {
    }

    /** Writes {@code target} atomically with {@code body}; the folder must exist. */
    public static void write(Path target, Body body) throws IOException {
        Path dir = parent(target);
        if (Files.isDirectory(target)) throw new IOException("cannot write " + target + ": it is a folder");
        String special = FileKinds.special(target);
        if (special != null) {
            // a rename would replace the device, pipe or link itself with a regular file
            throw new IOException("cannot write " + target + ": it is " + special + ", not a regular file; nothing was written");
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException("cannot write " + target + ": " + (Files.exists(dir) ? dir + " is not a folder" : "folder " + dir + " does not exist"));
        }
        Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + TEMP_SUFFIX);
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream os = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), 1 << 20)) {
                body.writeTo(os);
                os.flush();
                ch.force(true);
            }
            setMode(tmp, target);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
            syncFolder(dir);
        } catch (FileSystemException e) {
            throw new IOException("cannot write " + target + ": " + reason(e), e);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("cannot write ")) throw e;
            throw new IOException("cannot write " + target + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the suffix lets the next run remove it
                }
            }
        }
    }

    /** Writes {@code text} as UTF-8, atomically. */
    public static void writeString(Path target, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(target, out -> out.write(bytes));
    }

    /** Removes our temporaries ({@code *.mmgcn-tmp}) left in {@code dir} by a killed run; returns how many. */
    public static int removeStale(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + TEMP_SUFFIX)) {
            for (Path p : ds) {
                if (Files.isRegularFile(p) && Files.deleteIfExists(p)) n++;
            }
        }
        return n;
    }

    /**
     * Removes the temporaries a killed writer of {@code target} left beside it ({@code .<name>.*.mmgcn-tmp});
     * returns how many. Unlike {@link #removeStale}, other files' temporaries in the folder are left alone,
     * so a command writing one file into a shared folder does not disturb another writing there.
     */
    public static int removeStaleFor(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) return 0;
        String prefix = "." + target.getFileName() + ".";
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + TEMP_SUFFIX)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (!name.startsWith(prefix) || name.length() <= prefix.length() + TEMP_SUFFIX.length()) continue;
                String random = name.substring(prefix.length(), name.length() - TEMP_SUFFIX.length());
                if (random.matches("[0-9a-f]+") && Files.isRegularFile(p) && Files.deleteIfExists(p)) n++;
            }
        }
        return n;
    }

    /** The reason in a file-system exception, without the path it repeats. */
    public static String reason(FileSystemException e) {
        if (e instanceof NoSuchFileException) return "no such file or folder";
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof FileAlreadyExistsException) return "it already exists";
        if (e instanceof NotDirectoryException) return "a part of the path is not a folder";
        String r = e.getReason();
        return r != null ? r : e.getClass().getSimpleName();
    }

    private static Path parent(Path target) {
        Path abs = target.toAbsolutePath();
        Path p = abs.getParent();
        if (p == null) throw new IllegalArgumentException("cannot write " + target + ": no parent folder");
        return p;
    }

    private static void setMode(Path tmp, Path target) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
        if (view == null) return;
        Set<PosixFilePermission> mode = Files.exists(target)
                ? Files.getPosixFilePermissions(target) : DEFAULT_MODE;
        view.setPermissions(mode);
    }

    private static void syncFolder(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not every file system lets a folder be opened for sync; the rename itself is atomic
        }
    }
}
