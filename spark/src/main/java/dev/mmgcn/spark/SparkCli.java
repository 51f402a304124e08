package dev.mmgcn.spark;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * {@code mmgcn-spark <command>}: the engine's ranking on Apache Spark. Bad input ends with one
 * {@code error:} line and a non-zero exit (2 for usage and data, 1 for I/O), as the engine's CLI does;
 * {@code MMGCN_DEBUG=1} adds the stack trace.
 */
@Command(name = "mmgcn-spark", mixinStandardHelpOptions = true, version = "mmgcn-spark 0.1.0",
        description = "All-user top-K and full-ranking evaluation of a trained MMGCN checkpoint on Apache Spark.",
        subcommands = {RecommendCommand.class, EvaluateCommand.class, CatalogueCommand.class})
public final class SparkCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "give a command: recommend, evaluate or generate-catalogue (see --help)");
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs a command; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new SparkCli());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        PrintWriter o = new PrintWriter(out, true), e = new PrintWriter(err, true);
        cl.setOut(o);
        cl.setErr(e);
        cl.setParameterExceptionHandler((ex, a) -> {
            e.println("error: " + ex.getMessage());
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            int code = ex instanceof CliException ce ? ce.exitCode()
                    : ex instanceof IOException || ex instanceof UncheckedIOException ? 1 : -1;
            if (code < 0) {
                e.println("error: " + ex);
                ex.printStackTrace(e);
                return 1;
            }
            e.println("error: " + ex.getMessage());
            if (System.getenv("MMGCN_DEBUG") != null) ex.printStackTrace(e);
            return code;
        });
        int code = cl.execute(args);
        o.flush();
        e.flush();
        return code;
    }
}
