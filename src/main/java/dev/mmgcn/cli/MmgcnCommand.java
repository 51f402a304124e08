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
        footer = {"", "The launcher ./mmgcn also runs (not this jar):",
                "  test                      the test suite (the engine's, then spark/'s), as CI runs it",
                "  build                     builds target/mmgcn-engine.jar",
                "  spark-recommend           all-user top-K on Apache Spark (spark/; the first one builds it)",
                "  spark-evaluate            full-ranking evaluation on Spark",
                "  spark-generate-catalogue  a random model of any shape, for Spark benchmarks",
                "", Main.EXIT_CODES})
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
        err.println("error: no command given (commands: train, evaluate, recommend, serve, export, convert, generate, info, bench, sweep, compare, report;"
                + " ./mmgcn also runs test, build and spark-recommend, spark-evaluate, spark-generate-catalogue; see --help)");
        return Failure.USAGE;
    }
}
