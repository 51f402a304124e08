package dev.mmgcn.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Progress on stderr, shown the way stderr can take it ({@link Terminal#progressMode()}): on a terminal
 * one line redrawn in place with a bar, the rate and the time left; elsewhere (a log file, a pipe, CI) a
 * plain line every {@value #LINE_SECONDS} seconds of a task, so a long epoch is never silent and the log
 * holds no {@code \r} frames. A task has a known total (an epoch's batches) or not (loading, evaluating:
 * then the elapsed time, and a detail such as the bytes read so far). A daemon ticker keeps both going
 * when the work itself reports nothing for a while.
 */
final class Progress implements AutoCloseable {
    static final int LINE_SECONDS = 10;
    private static final int WIDTH = 24;
    private static final int MAX_COLUMNS = 119;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream err;
    private final Terminal.Mode mode;
    private final LongSupplier clock;
    private final Thread ticker;

    private String label;
    private long total = -1;
    private String unit = "";
    private long done;
    private String detail = "";
    private Supplier<String> openDetail;
    private long startNanos;
    private long lastDraw;
    private long lastLine;
    private int drawnWidth;
    private volatile boolean closed;

    Progress(PrintStream err, Terminal.Mode mode, LongSupplier clock, boolean tick) {
        this.err = err;
        this.mode = mode;
        this.clock = clock;
        if (tick && mode != Terminal.Mode.OFF) {
            ticker = Thread.ofPlatform().daemon().name("mmgcn-progress").start(this::tickLoop);
        } else {
            ticker = null;
        }
    }

    static Progress forStderr(PrintStream err) {
        return new Progress(err, Terminal.progressMode(), System::nanoTime, true);
    }

    /** A task of {@code total} units, e.g. an epoch's batches. */
    synchronized void start(String label, long total, String unit) {
        begin(label);
        this.total = total;
        this.unit = unit;
    }

    /** A task without a count; {@code detail} (may be null) says how far it is, e.g. "540 MB of 1.2 GB read". */
    synchronized void startOpen(String label, Supplier<String> detail) {
        begin(label);
        this.openDetail = detail;
    }

    synchronized void update(long done, String detail) {
        this.done = done;
        this.detail = detail == null ? "" : detail;
        show(false);
    }

    /** Ends the current task: clears the bar (nothing is printed in line mode). */
    synchronized void finish() {
        clearBar();
        label = null;
        openDetail = null;
    }

    /** Redraws for the time that passed; called by the ticker, and by tests with their own clock. */
    synchronized void tick() {
        if (label != null) show(true);
    }

    private void begin(String label) {
        clearBar();
        this.label = label;
        this.total = -1;
        this.unit = "";
        this.done = 0;
        this.detail = "";
        this.openDetail = null;
        this.startNanos = clock.getAsLong();
        this.lastLine = startNanos;
        this.lastDraw = 0;
    }

    private void show(boolean fromTicker) {
        if (label == null || mode == Terminal.Mode.OFF) return;
        long now = clock.getAsLong();
        if (mode == Terminal.Mode.BAR) {
            boolean complete = total >= 0 && done >= total;
            if (!complete && now - lastDraw < REDRAW_NANOS) return;
            lastDraw = now;
            String s = barText(now);
            if (s.length() > MAX_COLUMNS) s = s.substring(0, MAX_COLUMNS);
            String pad = s.length() < drawnWidth ? " ".repeat(drawnWidth - s.length()) : "";
            err.print("\r" + s + pad);
            err.flush();
            drawnWidth = s.length();
        } else if (now - lastLine >= LINE_SECONDS * 1_000_000_000L) {
            lastLine = now;
            err.println(lineText(now));
            err.flush();
        }
    }

    String barText(long now) {
        double elapsed = (now - startNanos) / 1e9;
        StringBuilder sb = new StringBuilder(label);
        if (total >= 0) {
            int filled = total == 0 ? WIDTH : (int) Math.min(WIDTH, WIDTH * done / total);
            sb.append(" [").append("=".repeat(filled)).append(filled < WIDTH ? ">" + " ".repeat(WIDTH - filled - 1) : "").append("] ");
            sb.append(done).append('/').append(total);
            if (!detail.isEmpty()) sb.append("  ").append(detail);
            String rate = rate(elapsed);
            if (!rate.isEmpty()) sb.append("  ").append(rate).append("  ETA ").append(duration(eta(elapsed)));
        } else {
            String d = openDetail == null ? null : openDetail.get();
            if (d != null && !d.isEmpty()) sb.append("  ").append(d);
            sb.append("  ").append(duration(elapsed));
        }
        return sb.toString();
    }

    String lineText(long now) {
        double elapsed = (now - startNanos) / 1e9;
        StringBuilder sb = new StringBuilder(label).append(": ");
        if (total >= 0) {
            sb.append(done).append('/').append(total).append(' ').append(unit);
            if (total > 0) sb.append(String.format(Locale.ROOT, " (%d%%)", 100 * done / total));
            if (!detail.isEmpty()) sb.append(", ").append(detail);
            String rate = rate(elapsed);
            if (!rate.isEmpty()) sb.append(", ").append(rate).append(", ETA ").append(duration(eta(elapsed)));
        } else {
            String d = openDetail == null ? null : openDetail.get();
            if (d != null && !d.isEmpty()) sb.append(d).append(", ");
            sb.append(duration(elapsed)).append(" so far");
        }
        return sb.toString();
    }

    private String rate(double elapsed) {
        if (done <= 0 || elapsed <= 0) return "";
        double r = done / elapsed;
        return (r >= 10 ? String.format(Locale.ROOT, "%.0f", r) : String.format(Locale.ROOT, "%.1f", r)) + " " + unit + "/s";
    }

    private double eta(double elapsed) {
        return elapsed * (total - done) / done;
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) return s + " s";
        if (s < 3600) return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }

    private void clearBar() {
        if (mode == Terminal.Mode.BAR && drawnWidth > 0) {
            err.print("\r" + " ".repeat(drawnWidth) + "\r");
            err.flush();
            drawnWidth = 0;
        }
    }

    private void tickLoop() {
        long pause = mode == Terminal.Mode.BAR ? 250 : 1000;
        while (!closed) {
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                return;
            }
            tick();
        }
    }

    @Override
    public void close() {
        closed = true;
        if (ticker != null) ticker.interrupt();
        finish();
    }

    /** Bytes this process has read so far (Linux's /proc/self/io), or -1 where that is not known. */
    static long bytesRead() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/io"))) {
                if (line.startsWith("rchar:")) return Long.parseLong(line.substring(6).trim());
            }
        } catch (Exception ignored) {
            // not Linux, or not readable: no byte count
        }
        return -1;
    }

    /** A detail for loading {@code totalBytes} of files: "540 MB of 1.2 GB read (45%)". */
    static Supplier<String> readDetail(long totalBytes) {
        long start = bytesRead();
        if (start < 0 || totalBytes <= 0) return null;
        return () -> {
            long now = bytesRead();
            if (now < 0) return "";
            long read = Math.min(totalBytes, now - start);
            return MemoryBudget.human(read) + " of " + MemoryBudget.human(totalBytes) + " read ("
                    + (100 * read / totalBytes) + "%)";
        };
    }
}
