package dev.mmgcn.settings;

/**
 * The one rule for every {@code --threads} (train, sweep, evaluate, bench, recommend, serve; options and config
 * files alike): at least 1 and at most {@value #PER_CORE} per core of this machine. More threads than that only
 * contend for the same cores; a mistyped 100000 once started ~9,400 threads and printed nothing for minutes.
 */
public final class Threads {
    /** Threads allowed per available core. */
    public static final int PER_CORE = 8;

    private Threads() {
    }

    /** The most threads a command may ask for here. */
    public static int max() {
        return PER_CORE * Runtime.getRuntime().availableProcessors();
    }

    /** Null when {@code n} is allowed, else the reason, e.g. "must be at most 16 (8 per core, 2 cores here), got 100000". */
    public static String problem(long n) {
        if (n < 1) return "must be at least 1, got " + n;
        int max = max();
        if (n > max) {
            int cores = Runtime.getRuntime().availableProcessors();
            return "must be at most " + max + " (" + PER_CORE + " per core, " + cores + (cores == 1 ? " core" : " cores") + " here), got " + n;
        }
        return null;
    }
}
