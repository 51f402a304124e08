package dev.mmgcn.cli;

import dev.mmgcn.io.AtomicFile;
import dev.mmgcn.runs.HtmlReport;
import dev.mmgcn.runs.RunInfo;
import dev.mmgcn.runs.RunSet;
import dev.mmgcn.runs.SvgChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code report}: one self-contained HTML page with a run's (or a sweep's) settings, summary and curves. The logic is {@link HtmlReport}. */
@Command(name = "report", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Writes one self-contained HTML page with a run's settings, summary and training curves, and each",
                "figure as an SVG file beside it (<page>-loss.svg, <page>-valid.svg) for a paper. The page has no scripts,",
                "fonts or links to fetch (it opens offline); its figures show the loss and the validation metric with the",
                "item-only check and the popularity ranking. For a sweep folder: the leaderboard with the popularity",
                "ranking, and each configuration's curves as the mean over its seeds with a ± std band."},
        footer = {"", Main.EXIT_CODES})
final class ReportCommand implements Callable<Integer> {
    @ParentCommand
    MmgcnCommand top;

    @Parameters(paramLabel = "RUN", arity = "1", description = "a run folder or a sweep folder")
    Path run;

    @Option(names = "--out", paramLabel = "FILE", description = "the page to write (default RUN/report.html; the figures go beside it); existing files are replaced only with --overwrite")
    Path out;

    @Option(names = "--overwrite", description = "replace an existing --out file (RUN/report.html is always rewritten)")
    boolean overwrite;

    @Override
    public Integer call() throws IOException {
        Path target = out != null ? out : run.resolve("report.html");
        String name = target.getFileName().toString();
        String stem = name.toLowerCase(java.util.Locale.ROOT).endsWith(".html") ? name.substring(0, name.length() - 5) : name;
        OutputFile.regularOrAbsent(out != null ? "--out" : "report", target);
        if (out != null) {
            if (Files.isDirectory(out)) throw Failure.usage("--out: " + out + " is a folder; give the HTML file to write");
            if (Files.exists(out) && !overwrite) throw Failure.usage("--out: " + out + " exists; pass --overwrite to replace it, or choose another name");
        }
        List<RunInfo> runs = RunSet.expand(List.of(run)); // checks the folder before anything is written
        String generated = "written by mmgcn-engine " + Version.get() + " (revision " + Version.revision() + ") at " + OffsetDateTime.now();
        HtmlReport.Page page = RunSet.isSweep(run) ? HtmlReport.forSweep(run, generated, stem) : HtmlReport.forRun(runs.getFirst(), generated, stem);
        if (out != null && !overwrite) {
            for (String f : page.figures().keySet()) {
                Path p = target.resolveSibling(f);
                if (Files.exists(p)) throw Failure.usage("--out: the figure file " + p + " exists; pass --overwrite to replace it, or choose another name");
            }
        }
        for (Map.Entry<String, SvgChart> f : page.figures().entrySet()) AtomicFile.writeString(target.resolveSibling(f.getKey()), f.getValue().file());
        AtomicFile.writeString(target, page.html());
        top.out.println("written  " + target + " and its figures " + String.join(", ", page.figures().keySet()));
        return 0;
    }
}
