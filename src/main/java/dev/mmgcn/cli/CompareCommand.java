package dev.mmgcn.cli;

import dev.mmgcn.runs.Comparison;
import dev.mmgcn.runs.RunInfo;
import dev.mmgcn.runs.RunJson;
import dev.mmgcn.runs.RunSet;
import dev.mmgcn.runs.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code compare}: runs side by side — the settings that differ, metrics, s/epoch. The logic is {@link Comparison}. */
@Command(name = "compare", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Prints one table of runs with the settings that differ between them and their metrics.",
                "Each run's validation and test metrics are those at its best validation epoch, beside its item-only check,",
                "its epochs and seconds per epoch; the popularity ranking of the runs' data is a row of its own, and a run",
                "that does not beat it (or its item-only check) is named after the table. A sweep folder stands for its trials."},
        footer = {"", Main.EXIT_CODES})
final class CompareCommand implements Callable<Integer> {
    @ParentCommand
    MmgcnCommand top;

    @Parameters(paramLabel = "RUN", arity = "1..*", description = "run folders or sweep folders")
    List<Path> runs;

    @Option(names = "--format", paramLabel = "FMT", description = "text (aligned, the default), tsv, md or json; tsv and json keep full precision")
    String format = "text";

    @Option(names = "--metric", paramLabel = "M@K", description = "the metric shown (default: the first run's validation metric)")
    String metric;

    @Override
    public Integer call() {
        String f = format.toLowerCase(Locale.ROOT);
        if (!List.of("text", "tsv", "md", "json").contains(f)) throw Failure.usage("--format expects one of text, tsv, md, json; got '" + format + "'");
        String m = metric == null ? null : dev.mmgcn.settings.TrainSettings.METRIC.parse(checkMetric(metric));
        List<RunInfo> infos = RunSet.expand(runs);
        if (infos.isEmpty()) throw Failure.usage("no runs to compare: the sweep folder" + (runs.size() == 1 ? " " + runs.getFirst() : "s") + " hold no trial folders yet");
        Comparison c = new Comparison(infos, m);
        switch (f) {
            case "json" -> top.out.print(RunJson.pretty(c.json()));
            case "tsv" -> top.out.print(c.table(true).tsv());
            case "md" -> top.out.print(c.table(false).markdown());
            default -> {
                Table t = c.table(false);
                top.out.print(t.text());
                if (infos.size() > 1 && c.differing().isEmpty()) top.out.println("(all settings are the same in these runs)");
                for (String note : c.notes()) top.out.println("warning: " + note);
            }
        }
        return 0;
    }

    private static String checkMetric(String m) {
        try {
            dev.mmgcn.settings.TrainSettings.METRIC.parse(m);
            return m;
        } catch (IllegalArgumentException e) {
            throw Failure.usage("--metric " + e.getMessage());
        }
    }
}
