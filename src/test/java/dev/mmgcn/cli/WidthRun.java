package dev.mmgcn.cli;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * The child JVM of {@link VectorWidthTest}: trains the three models on the tiny synthetic set into
 * {@code <out>/<model>}, one CLI command after another in one JVM (a JVM per command would triple the
 * test's time). Exits with the first non-zero code, or 0.
 */
public final class WidthRun {
    private WidthRun() {
    }

    static String[][] commands(Path out) {
        return new String[][] {
                {"train", "--synthetic", "tiny", "--epochs", "2", "--out", out.resolve("mmgcn").toString()},
                {"train", "--model", "lightgcn", "--synthetic", "tiny", "--epochs", "1", "--out", out.resolve("lightgcn").toString()},
                {"train", "--model", "freedom", "--synthetic", "tiny", "--epochs", "1", "--out", out.resolve("freedom").toString()},
        };
    }

    public static void main(String[] args) {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        for (String[] command : commands(Path.of(args[0]))) {
            int code = Main.run(command, quiet, System.err);
            if (code != 0) System.exit(code);
        }
        System.exit(0);
    }
}
