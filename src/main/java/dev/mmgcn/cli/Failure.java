package dev.mmgcn.cli;

/**
 * A command that cannot go on, with the one line the user sees and the exit code that says which
 * kind of problem it is (see {@link Main#EXIT_CODES} and README's table).
 */
final class Failure extends RuntimeException {
    static final int INTERNAL = 1;
    static final int USAGE = 2;
    static final int DATA = 3;
    static final int IO = 4;
    static final int MEMORY = 5;
    static final int DIVERGED = 6;

    private final int exitCode;

    Failure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() { return exitCode; }

    /** A flag, a flag combination, or a config file is wrong; nothing was done. */
    static Failure usage(String message) {
        return new Failure(USAGE, message, null);
    }

    /** A dataset, checkpoint or list file holds something the command cannot use. */
    static Failure data(String message, Throwable cause) {
        return new Failure(DATA, message, cause);
    }

    /** The file system refused: cannot read, create or write a path. */
    static Failure io(String message, Throwable cause) {
        return new Failure(IO, message, cause);
    }

    /** The run would not fit in memory (checked before allocating), or ran out. */
    static Failure memory(String message) {
        return new Failure(MEMORY, message, null);
    }
}
