package dev.mmgcn.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The console output of a run, kept for its {@code train.log}: {@link #out} and {@link #err} print to the
 * console and to this log alike (progress frames are not part of it). {@link #save} writes everything so
 * far through the run folder, atomically, so the log on disk is always whole up to its last save.
 */
final class RunLog {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final PrintStream out;
    private final PrintStream err;

    RunLog(PrintStream console, PrintStream consoleErr) {
        this(console, consoleErr, "");
    }

    /** A log that continues {@code earlier} (a resumed run's train.log). */
    RunLog(PrintStream console, PrintStream consoleErr, String earlier) {
        buffer.writeBytes(earlier.getBytes(StandardCharsets.UTF_8));
        this.out = new PrintStream(new Tee(console, buffer), true, StandardCharsets.UTF_8);
        this.err = new PrintStream(new Tee(consoleErr, buffer), true, StandardCharsets.UTF_8);
    }

    PrintStream out() { return out; }

    PrintStream err() { return err; }

    synchronized String text() {
        out.flush();
        err.flush();
        return buffer.toString(StandardCharsets.UTF_8);
    }

    void save(RunFolder folder) throws IOException {
        folder.write(RunFolder.LOG, text());
    }

    private final class Tee extends OutputStream {
        private final OutputStream console;
        private final OutputStream copy;

        Tee(OutputStream console, OutputStream copy) {
            this.console = console;
            this.copy = copy;
        }

        @Override
        public void write(int b) throws IOException {
            synchronized (RunLog.this) {
                console.write(b);
                copy.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            synchronized (RunLog.this) {
                console.write(b, off, len);
                copy.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            console.flush();
        }
    }
}
