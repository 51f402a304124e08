package dev.mmgcn.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on stderr, redrawn in place on a terminal. When stderr is not a terminal
 * (CI logs, pipes) it prints nothing, so logs hold only the per-epoch lines.
 */
final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final boolean live;
    private long lastDraw;

    ProgressBar(PrintStream out, boolean live) {
        this.out = out;
        this.live = live;
    }

    static ProgressBar forStderr() {
        return new ProgressBar(System.err, System.console() != null);
    }

    void update(String label, int done, int total, String suffix) {
        if (!live) return;
        long now = System.nanoTime();
        if (done < total && now - lastDraw < 100_000_000L) return;
        lastDraw = now;
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        String bar = "=".repeat(filled) + (filled < WIDTH ? ">" + " ".repeat(WIDTH - filled - 1) : "");
        out.print(String.format(Locale.ROOT, "\r%s [%s] %d/%d %s", label, bar, done, total, suffix));
        out.flush();
    }

    void clear() {
        if (!live) return;
        out.print("\r" + " ".repeat(100) + "\r");
        out.flush();
    }
}
