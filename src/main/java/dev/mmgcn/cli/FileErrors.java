package dev.mmgcn.cli;

import dev.mmgcn.io.AtomicFile;

import java.nio.file.FileSystemException;

/** File-system failures as "path: reason" lines, with a hint where the reason alone does not say what to do. */
final class FileErrors {
    private FileErrors() {
    }

    static String describe(Throwable t) {
        if (t instanceof FileSystemException f) {
            String where = f.getFile() == null ? "" : f.getFile() + (f.getOtherFile() == null ? "" : " → " + f.getOtherFile()) + ": ";
            return where + hint(AtomicFile.reason(f));
        }
        String m = t.getMessage();
        if (m == null) return t.getClass().getSimpleName();
        return hintLast(m);
    }

    /**
     * The reason alone, for messages that name the path themselves. Creating a folder where the system
     * does not allow one (in /proc, /sys) reports "no such file"; that is said as what it means.
     */
    static String reason(java.io.IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException f && f.getFile() != null) {
            java.nio.file.Path p = java.nio.file.Path.of(f.getFile()).toAbsolutePath().getParent();
            if (p != null && java.nio.file.Files.isDirectory(p)) {
                return "the system does not allow creating files or folders in " + p + " (not an ordinary folder)";
            }
        }
        if (e instanceof FileSystemException f) return hint(AtomicFile.reason(f));
        return e.getMessage() == null ? e.getClass().getSimpleName() : hintLast(e.getMessage());
    }

    /** "cannot write X: No space left on device" → the same with the reason's hint. */
    static String hintLast(String m) {
        int at = m.lastIndexOf(": ");
        return at < 0 ? hint(m) : m.substring(0, at + 2) + hint(m.substring(at + 2));
    }

    /** The OS's reason, lower-cased, with what it means for the user. */
    static String hint(String reason) {
        if (reason == null || reason.isEmpty()) return "unknown reason";
        String r = Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
        if (r.startsWith("no space left on device")) return "no space left on device (the disk is full; free space or write elsewhere)";
        if (r.startsWith("disk quota exceeded")) return "disk quota exceeded (free space or write elsewhere)";
        if (r.startsWith("read-only file system")) return "read-only file system (write elsewhere)";
        if (r.startsWith("is a directory")) return "it is a folder, not a file";
        if (r.startsWith("not a directory")) return "a part of the path is a file, not a folder";
        if (r.startsWith("operation not permitted")) return "operation not permitted (a system folder such as /proc, or missing rights)";
        if (r.startsWith("permission denied") || r.startsWith("no such file or directory") || r.startsWith("file exists")
                || r.startsWith("input/output error") || r.startsWith("too many open files") || r.startsWith("file name too long")) {
            return r;
        }
        return reason; // not an OS reason we know: as it was
    }
}
