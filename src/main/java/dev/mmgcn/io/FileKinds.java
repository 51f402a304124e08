package dev.mmgcn.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What kind of file a path is, without following a symbolic link: the engine writes only regular files
 * (through a temporary and a rename), and reads its inputs only from regular files, so a named pipe, a
 * device, a socket or a link where one was expected is said by name instead of being replaced by a
 * regular file (a rename over {@code /dev/full} turns the device into a file) or read until the heap is
 * full ({@code /dev/zero}) or forever (a pipe no one writes).
 */
public final class FileKinds {
    private FileKinds() {
    }

    /**
     * Null when {@code path} does not exist or is a regular file (or a folder: the callers say that case
     * themselves); otherwise what it is, e.g. "a named pipe (FIFO)", "a character device", "a symbolic link
     * to /x".
     */
    public static String special(Path path) {
        return special(path, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * For an input: what the path leads to when it is not a regular file (a link to a regular file is fine to
     * read), e.g. "a character device" for {@code /dev/zero}; null for a regular file, a folder or no file.
     */
    public static String specialInput(Path path) {
        return special(path, new LinkOption[0]);
    }

    private static String special(Path path, LinkOption... options) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class, options);
        } catch (IOException e) {
            return null; // absent (or unreadable: the write or read reports that with its own reason)
        }
        if (a.isRegularFile() || a.isDirectory()) return null;
        if (a.isSymbolicLink()) {
            try {
                return "a symbolic link to " + Files.readSymbolicLink(path);
            } catch (IOException | UnsupportedOperationException e) {
                return "a symbolic link";
            }
        }
        return switch (mode(path, options) & 0170000) {
            case 0010000 -> "a named pipe (FIFO)";
            case 0020000 -> "a character device";
            case 0060000 -> "a block device";
            case 0140000 -> "a socket";
            default -> "not a regular file";
        };
    }

    /** The file type bits of {@code st_mode}, or 0 where the platform does not expose them. */
    private static int mode(Path path, LinkOption... options) {
        try {
            return (Integer) Files.getAttribute(path, "unix:mode", options);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return 0;
        }
    }
}
