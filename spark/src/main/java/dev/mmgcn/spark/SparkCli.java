package dev.mmgcn.spark;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.io.PrintWriter;

/**
 * {@code mmgcn-spark <command>}: the engine's ranking on Apache Spark. Every failure ends with one
 * {@code error:} line and the exit code of the engine's table (README: 2 usage, 3 input data, 4 file system,
 * 5 memory, 1 internal), as the engine's CLI does; {@code MMGCN_DEBUG=1} adds the stack trace.
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
            Failure f = Failure.of(ex);
            e.println("error: " + f.message());
            if (System.getenv("MMGCN_DEBUG") != null) ex.printStackTrace(e);
            return f.code();
        });
        int code = cl.execute(args);
        o.flush();
        e.flush();
        return code;
    }
}
