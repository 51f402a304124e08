package dev.mmgcn.data;

/**
 * Bad input data: the message names the file, and the line or field where that makes sense, so the
 * command line can print it as is and exit non-zero.
 */
public final class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
