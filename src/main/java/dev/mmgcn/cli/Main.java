package dev.mmgcn.cli;

import dev.mmgcn.data.DataException;
import dev.mmgcn.settings.SettingsException;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * {@code mmgcn-engine <command> [options]}: one clear {@code error:} line and a documented exit code
 * on bad input, never a stack trace unless {@code MMGCN_DEBUG} is set.
 */
public final class Main {
    /** The exit codes, as README's table lists them. */
    static final String EXIT_CODES = """
            Exit codes:
              0  success
              1  internal error (a bug: please report it with MMGCN_DEBUG=1 set)
              2  usage: an option, a combination of options, or a config file is wrong; nothing was done
              3  input data: a dataset, checkpoint or list file cannot be used as it is
              4  file system: a path cannot be read, created or written (permissions, a full disk, a file for a folder)
              5  memory: the run would not fit (checked before allocating) or ran out
              6  training diverged (the loss became infinite or NaN)
            """;

    private Main() {
    }

    public static void main(String[] args) {
        Optional<List<String>> child = Relaunch.command(Relaunch.Self.current(), args);
        if (child.isPresent()) {
            int code = Relaunch.run(child.get());
            if (code >= 0) System.exit(code);
        }
        Relaunch.watchParent();
        // a failure in a worker thread is one line too (the command's own handler reports the failure it causes)
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            System.err.println("error: in thread " + thread.getName() + ": " + e);
            debug(System.err, e);
        });
        StandardOutput out = StandardOutput.open(); // keeps why a write failed, for the exit-4 line
        System.setOut(out);
        int code = run(args, out, System.err);
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = commandLine(new MmgcnCommand(out, err, args));
        cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("error: " + UsageMessages.of(ex));
            debug(err, ex);
            return Failure.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> fail(err, ex));
        cl.setExpandAtFiles(false); // ArgumentFiles expands them, refusing a file that includes itself
        int code;
        try {
            code = cl.execute(ArgumentFiles.expand(args));
        } catch (Throwable t) { // picocli hands most failures to the handlers; this catches the rest
            code = fail(err, t);
        }
        if (code != 0) {
            out.flush();
            return code;
        }
        try {
            StandardOutput.check(out); // a full disk or a closed pipe behind stdout is a failure, not a success
        } catch (Failure f) {
            return fail(err, f);
        }
        return 0;
    }

    static CommandLine commandLine(MmgcnCommand top) {
        CommandLine cl = new CommandLine(top);
        cl.setUsageHelpWidth(110);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        CommandList.install(cl);
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommand() instanceof TrainCommand) TrainCommand.addSettingOptions(sub.getCommandSpec());
            if (sub.getCommand() instanceof SweepCommand) SweepCommand.addSettingOptions(sub.getCommandSpec());
            if (sub.getCommand() instanceof DataCommand dc) dc.addDataOptions(sub.getCommandSpec());
            if (sub.getCommand() instanceof BenchCommand) BenchCommand.addDataOptions(sub.getCommandSpec());
        }
        return cl;
    }

    /** One line for the user and the exit code of the problem's kind; the stack trace only with MMGCN_DEBUG. */
    static int fail(PrintStream err, Throwable t) {
        int code;
        String message;
        if (t instanceof Failure f) {
            code = f.exitCode();
            message = f.getMessage();
        } else if (t instanceof SettingsException || t instanceof CommandLine.ParameterException) {
            code = Failure.USAGE;
            message = t instanceof CommandLine.ParameterException p ? UsageMessages.of(p) : t.getMessage();
        } else if (t instanceof DataException && (t.getCause() instanceof IOException || t.getCause() instanceof UncheckedIOException)) {
            code = Failure.IO; // a loader or writer that could not read or write, not bad content
            message = t.getMessage() == null ? FileErrors.describe(t.getCause()) : FileErrors.hintLast(t.getMessage());
        } else if (t instanceof DataException) {
            code = Failure.DATA;
            message = t.getMessage();
        } else if (t instanceof IOException || t instanceof UncheckedIOException) {
            code = Failure.IO;
            message = FileErrors.describe(t instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : t);
        } else if (t instanceof OutOfMemoryError) {
            code = Failure.MEMORY;
            message = "out of memory (" + t.getMessage() + "); the JVM may use " + MemoryBudget.gb(Runtime.getRuntime().maxMemory())
                    + " of heap: give it more with MMGCN_JAVA_OPTS=-Xmx…, or reduce --dim, --batch or the data";
        } else if (t instanceof IllegalArgumentException || t instanceof IllegalStateException) {
            code = Failure.INTERNAL;
            message = t.getMessage();
        } else {
            code = Failure.INTERNAL;
            message = "internal error: " + t + " (this is a bug; run again with MMGCN_DEBUG=1 for the stack trace and report it)";
        }
        err.println("error: " + (message == null ? t.getClass().getSimpleName() : message));
        debug(err, t);
        return code;
    }

    private static void debug(PrintStream err, Throwable t) {
        if (System.getenv("MMGCN_DEBUG") != null) t.printStackTrace(err);
    }
}
