package dev.mmgcn.spark;

/**
 * Bad input or usage, reported as one {@code error:} line, with the exit code of the engine's table (README):
 * 2 usage (an option, or a combination of them), 3 input data (a checkpoint, dataset or pairs file that cannot be
 * used as it is), 4 file system (a path that cannot be read, created or written).
 */
public final class CliException extends RuntimeException {
    public static final int USAGE = 2, DATA = 3, IO = 4;

    private final int exitCode;

    /** A usage error (exit 2). */
    public CliException(String message) {
        this(message, USAGE);
    }

    public CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    /** Input data that cannot be used as it is (exit 3). */
    static CliException data(String message) {
        return new CliException(message, DATA);
    }

    /** A path the file system will not let us read, create or write (exit 4). */
    static CliException io(String message) {
        return new CliException(message, IO);
    }

    public int exitCode() { return exitCode; }
}
