package dev.mmgcn.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Standard output as the commands write it: a {@link PrintStream}, which never throws but only raises a flag
 * ({@link PrintStream#checkError()}), so a full disk or a closed pipe behind {@code >} or {@code |} would
 * otherwise end a command with exit 0 and a cut-off result. This one also keeps the first failure's reason,
 * and {@link #check} turns a failed stream into the file-system failure of README's exit-code table (4).
 */
final class StandardOutput extends PrintStream {
    private final Recorder recorder;

    private StandardOutput(Recorder recorder) {
        super(new BufferedOutputStream(recorder, 1 << 16), true, StandardCharsets.UTF_8);
        this.recorder = recorder;
    }

    /** The process's standard output (file descriptor 1), remembering why a write failed. */
    static StandardOutput open() {
        return new StandardOutput(new Recorder(new FileOutputStream(FileDescriptor.out)));
    }

    /**
     * Flushes {@code out} and, when any write to it failed, throws the failure that says so (exit 4). Commands
     * call it after each part of a long output, so that they stop at the first failure instead of computing on.
     */
    static void check(PrintStream out) {
        out.flush();
        if (!out.checkError()) return;
        IOException why = out instanceof StandardOutput s ? s.recorder.failure : null;
        String reason = why == null ? "the stream reported an error (a full disk, or a reader that went away)"
                : FileErrors.hint(why.getMessage() == null ? why.getClass().getSimpleName() : why.getMessage());
        if (reason.startsWith("broken pipe")) reason = "broken pipe (the program reading it stopped before the end)";
        throw Failure.io("cannot write to standard output: " + reason + "; what was written is incomplete", why);
    }

    /** Passes bytes through and keeps the first exception. */
    private static final class Recorder extends FilterOutputStream {
        volatile IOException failure;

        Recorder(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw remember(e);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw remember(e);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw remember(e);
            }
        }

        private IOException remember(IOException e) {
            if (failure == null) failure = e;
            return e;
        }
    }
}
