package dev.mmgcn.cli;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.DatasetWriter;
import dev.mmgcn.data.SyntheticGenerator;
import dev.mmgcn.settings.DataSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code generate}: write a synthetic dataset in MMRec format, loadable with {@code train --data}. */
@Command(name = "generate", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Writes NAME.inter and <modality>_feat.npy files (MMRec format) of a synthetic dataset, each atomically."},
        footer = {"", Main.EXIT_CODES})
final class GenerateCommand implements Callable<Integer> {
    @ParentCommand
    MmgcnCommand top;

    @Option(names = "--out", paramLabel = "DIR", order = 1, description = "destination folder (required)")
    Path out;

    @Option(names = "--preset", paramLabel = "NAME", order = 2, description = "default, tiny, movielens, tiktok or kwai (default: default)")
    String preset;

    @Option(names = "--seed", paramLabel = "N", order = 3, description = "generator seed (default " + DataSpec.DEFAULT_DATA_SEED + ")")
    Long seed;

    @Option(names = "--users", paramLabel = "N", order = 4, description = "override the preset's user count")
    Integer users;

    @Option(names = "--items", paramLabel = "N", order = 5, description = "override the preset's item count")
    Integer items;

    @Option(names = "--interactions", paramLabel = "N", order = 6, description = "override the preset's interaction count")
    Integer interactions;

    @Option(names = "--name", paramLabel = "NAME", order = 7, description = "dataset name, i.e. NAME.inter (default: the preset's)")
    String name;

    @Option(names = "--overwrite", order = 8, description = "replace the dataset files already in --out")
    boolean overwrite;

    @Override
    public Integer call() {
        if (out == null) throw Failure.usage("--out DIR is required");
        SyntheticGenerator.Spec spec;
        try {
            spec = SyntheticGenerator.preset(preset == null ? "default" : preset);
        } catch (IllegalArgumentException e) {
            throw Failure.usage("--preset: " + e.getMessage());
        }
        positive("--users", users, 1);
        positive("--items", items, 2);
        positive("--interactions", interactions, 1);
        try {
            spec = spec.withSize(users != null ? users : spec.users(), items != null ? items : spec.items(),
                    interactions != null ? interactions : spec.interactions());
        } catch (IllegalArgumentException e) {
            throw Failure.usage("--users/--items/--interactions: " + e.getMessage());
        }
        if (name != null) {
            if (name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
                throw Failure.usage("--name must be a plain file name (no folders, not starting with a dot), got '" + name + "'");
            }
            spec = spec.withName(name);
        }
        if ((long) spec.users() * spec.items() < spec.interactions()) {
            throw Failure.usage(String.format(Locale.ROOT, "--interactions %,d is more than %,d users × %,d items can hold",
                    spec.interactions(), spec.users(), spec.items()));
        }
        List<Path> targets = new ArrayList<>();
        targets.add(out.resolve(spec.name() + ".inter"));
        for (String m : spec.modalities().keySet()) targets.add(out.resolve(m + "_feat.npy"));
        if (Files.isDirectory(out)) OutputFile.refuseExisting("--out", overwrite, targets.toArray(Path[]::new));
        OutputFile.folder("--out", out);
        OutputFile.clean("--out", targets.toArray(Path[]::new));
        long t0 = System.nanoTime();
        try (Dataset d = SyntheticGenerator.generate(spec, seed == null ? DataSpec.DEFAULT_DATA_SEED : seed)) {
            Map<String, Path> files = DatasetWriter.writeMmrec(d, out);
            top.out.println(d.summary());
            top.out.printf(Locale.ROOT, "wrote %s and %s in %.1f s%n", out.resolve(d.name() + ".inter"), files.values(), (System.nanoTime() - t0) / 1e9);
            long written = (long) d.train().size() + d.valid().size() + d.test().size();
            if (interactions != null && written != spec.interactions()) {
                top.err.printf(Locale.ROOT, "note: wrote %,d interactions, %.1f %% %s than --interactions %,d: the generator draws each user's "
                                + "count from a long-tailed distribution, rounds it and caps it at half the items (%,d), so the total is near "
                                + "the request, not equal to it%n", written, 100.0 * Math.abs(written - spec.interactions()) / spec.interactions(),
                        written < spec.interactions() ? "fewer" : "more", spec.interactions(), spec.items() / 2);
            }
            if (d.valid().size() == 0 || d.test().size() == 0) {
                top.err.println("note: the data has no " + (d.valid().size() == 0 && d.test().size() == 0 ? "valid and no test" : d.valid().size() == 0 ? "valid" : "test")
                        + " interactions: only users with 3 or more interactions hold some out (raise --items or --interactions); training on it "
                        + "has no validation to select and stop by" + (d.test().size() == 0 ? " and no test metrics" : ""));
                top.out.println("train on it (without held-out interactions) with: ./mmgcn train --data " + out);
            } else {
                top.out.println("train on it with: ./mmgcn train --data " + out);
            }
        }
        return 0;
    }

    private static void positive(String flag, Integer v, int min) {
        if (v != null && v < min) throw Failure.usage(flag + " must be at least " + min + ", got " + v);
    }
}
