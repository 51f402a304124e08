package dev.mmgcn.io;

/** Quoting user input in messages: at most {@value #MAX} characters, so one bad line cannot flood a terminal. */
public final class Quote {
    public static final int MAX = 200;

    private Quote() {
    }

    /** {@code s} itself when short; else its first {@value #MAX} characters, "…" and the full length. */
    public static String clip(String s) {
        if (s.length() <= MAX) return s;
        return s.substring(0, MAX) + "… (" + s.length() + " characters)";
    }
}
