package dev.mmgcn.spark;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A command's failure as its one line and exit code (README's table): a {@link CliException} as it says; a
 * file-system failure anywhere in the cause chain (Spark wraps them) 4; running out of memory 5; anything else an
 * internal error (1), still one line — Spark's own exceptions run to hundreds of lines of trace.
 */
record Failure(int code, String message) {
    static Failure of(Throwable ex) {
        if (ex instanceof CliException c) return new Failure(c.exitCode(), c.getMessage());
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return new Failure(5, "out of memory (" + t.getMessage() + "): give the driver more with MMGCN_SPARK_HEAP (default 4g)");
            }
            if (t instanceof IOException || t instanceof UncheckedIOException) return new Failure(CliException.IO, firstLine(t));
        }
        return new Failure(1, "internal error: " + ex.getClass().getSimpleName() + ": " + firstLine(ex)
                + " (this is a bug, or Spark failed; run again with MMGCN_DEBUG=1 for the stack trace)");
    }

    private static String firstLine(Throwable t) {
        String m = t.getMessage();
        if (m == null) return t.getClass().getSimpleName();
        String line = m.strip().lines().findFirst().orElse(m);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
