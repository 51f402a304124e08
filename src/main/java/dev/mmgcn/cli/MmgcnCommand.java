package dev.mmgcn.cli;

import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/** The top command: its subcommands, {@code --help} and {@code --version}; the streams every command prints to. */
@Command(name = "mmgcn-engine", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        synopsisSubcommandLabel = "<command>",
        description = {"MMGCN (multi-modal graph convolution network) recommender: train, evaluate, recommend, serve.",
                "./mmgcn <command> runs it with SIMD enabled; `<command> --help` lists a command's options.",
                "@FILE anywhere reads more arguments from FILE (one or more per line)."},
        subcommands = {TrainCommand.class, EvaluateCommand.class, RecommendCommand.class, ServeCommand.class, ExportCommand.class,
                ConvertCommand.class, GenerateCommand.class, InfoCommand.class, BenchCommand.class,
                SweepCommand.class, CompareCommand.class, ReportCommand.class},
        footer = {"", Main.EXIT_CODES})
final class MmgcnCommand implements Callable<Integer> {
    final PrintStream out;
    final PrintStream err;
    /** The arguments as the user gave them (before @file expansion), for run records. */
    final String[] args;

    MmgcnCommand(PrintStream out, PrintStream err, String[] args) {
        this.out = out;
        this.err = err;
        this.args = args.clone();
    }

    @Override
    public Integer call() {
        err.println("error: no command given (commands: train, evaluate, recommend, serve, export, convert, generate, info, bench, sweep, compare, report; see --help)");
        return Failure.USAGE;
    }
}
