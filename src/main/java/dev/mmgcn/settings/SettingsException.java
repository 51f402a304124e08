package dev.mmgcn.settings;

/** A setting that cannot be used, with a message naming the flag or file it came from: a usage error. */
public final class SettingsException extends RuntimeException {
    public SettingsException(String message) {
        super(message);
    }

    public SettingsException(String message, Throwable cause) {
        super(message, cause);
    }
}
