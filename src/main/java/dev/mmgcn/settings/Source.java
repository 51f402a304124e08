package dev.mmgcn.settings;

import java.nio.file.Path;

/**
 * Where a setting's value came from, so that a message can point there: {@code --epochs} for the
 * command line, {@code run.yaml: epochs} for a config file, {@code epochs (checkpoint runs/x/best.ckpt)}
 * for a recorded run.
 *
 * @param description a short phrase naming the source
 * @param file        the file, for a config file; null otherwise
 */
public record Source(String description, Path file, boolean commandLine) {
    public static final Source DEFAULT = new Source("default", null, false);
    public static final Source COMMAND_LINE = new Source("command line", null, true);
    /** A default that a run decided for itself (the model's layer count, the data's validation interval, the machine's cores). */
    public static final Source RESOLVED = new Source("default, resolved for the run", null, false);

    public static Source file(Path file) {
        return new Source(file.toString(), file, false);
    }

    /** Any other origin: a recorded checkpoint, a sweep grid. */
    public static Source of(String description) {
        return new Source(description, null, false);
    }

    /** A value a run recorded (a checkpoint's settings), not one a person gave now: see {@link #recorded()}. */
    public static Source recorded(String where) {
        return new Source("recorded in " + where, null, false);
    }

    /** True for a value read back from a record: a path in it that is gone is the file system's problem, not a wrong option. */
    public boolean recorded() {
        return description.startsWith("recorded in ");
    }

    /** How a message names {@code key} as it came from here. */
    public String where(Key<?> key) {
        if (commandLine) return key.option();
        if (file != null) return file + ": " + key.name();
        if (this == DEFAULT || this == RESOLVED) return key.option() + " (default)";
        return key.name() + " (" + description + ")";
    }

    @Override
    public String toString() {
        return description;
    }
}
