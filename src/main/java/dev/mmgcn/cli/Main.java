package dev.mmgcn.cli;

import dev.mmgcn.data.DataException;
import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.Kernels;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/** {@code mmgcn-engine <command> [options]}: one clear line and a non-zero exit on bad input, never a stack trace. */
public final class Main {
    static final String USAGE = """
            usage: mmgcn-engine <command> [options]     (./mmgcn <command> runs it with SIMD enabled)

            commands:
              train       train MMGCN and report Precision/Recall/NDCG/MAP/hit at the best validation epoch
              evaluate    evaluate a checkpoint on a dataset split
              recommend   top-K items for given users from a checkpoint (seen items excluded)
              export      write a checkpoint's user and item embeddings as .npy
              generate    write a synthetic dataset in MMRec format
              info        Java version, kernel backend, vector width, threads, GPU
              bench       time the kernels and a training step on this machine

            `<command> --help` lists a command's options.
            """;

    private Main() {
    }

    public static void main(String[] args) {
        java.util.Optional<java.util.List<String>> child = Relaunch.command(Relaunch.Self.current(), args);
        if (child.isPresent()) {
            int code = Relaunch.run(child.get());
            if (code >= 0) System.exit(code);
        }
        int code = run(args, System.out, System.err);
        System.out.flush();
        if (code != 0) System.exit(code);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (args[0]) {
                case "train" -> TrainCommand.run(rest, out);
                case "info" -> InfoCommand.run(rest, out);
                case "evaluate" -> EvaluateCommand.run(rest, out);
                case "recommend" -> RecommendCommand.run(rest, out);
                case "export" -> ExportCommand.run(rest, out);
                case "generate" -> GenerateCommand.run(rest, out);
                case "bench" -> BenchCommand.run(rest, out);
                default -> {
                    err.println("error: unknown command '" + args[0] + "' (commands: train, evaluate, recommend, export, "
                            + "generate, info, bench; see --help)");
                    yield 2;
                }
            };
        } catch (Args.UsageException | DataException e) {
            return fail(err, e, 2);
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            return fail(err, e, 1);
        }
    }

    /** One line for the user; the stack trace only when MMGCN_DEBUG is set, for bug reports. */
    private static int fail(PrintStream err, Exception e, int code) {
        err.println("error: " + e.getMessage());
        if (System.getenv("MMGCN_DEBUG") != null) e.printStackTrace(err);
        return code;
    }

    /** The backend chosen by --device (default: the best CPU backend), with --threads applied first. */
    static Kernels kernels(Args a) {
        if (a.has("threads")) {
            int t = a.getInt("threads", 0);
            if (t < 1) throw new Args.UsageException("--threads must be at least 1, got " + t);
            System.setProperty("mmgcn.threads", Integer.toString(t));
        }
        try {
            return Backends.byName(a.get("device", "cpu"));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
    }

    static String describe(Kernels k) {
        String s = k.name();
        if (k.name().equals("vector")) {
            s += " (" + InfoCommand.vectorDescription() + ", "
                    + Integer.getInteger("mmgcn.threads", Runtime.getRuntime().availableProcessors()) + " threads)";
        }
        return s;
    }
}
