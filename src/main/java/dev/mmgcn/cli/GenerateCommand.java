package dev.mmgcn.cli;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.DatasetWriter;
import dev.mmgcn.data.SyntheticGenerator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/** {@code generate}: write a synthetic dataset in MMRec format, loadable with {@code train --data}. */
final class GenerateCommand {
    private GenerateCommand() {
    }

    static int run(String[] argv, PrintStream out) throws IOException {
        Args a = new Args("generate")
                .option("out", "DIR", "destination folder (required)")
                .option("preset", "NAME", "default, tiny, movielens, tiktok or kwai (default: default)")
                .option("seed", "N", "generator seed (default " + DataOptions.DEFAULT_DATA_SEED + ")")
                .option("users", "N", "override the preset's user count")
                .option("items", "N", "override the preset's item count")
                .option("interactions", "N", "override the preset's interaction count")
                .option("name", "NAME", "dataset name, i.e. NAME.inter (default: the preset's)")
                .flag("help", "show this help")
                .parse(argv);
        if (a.flag("help")) {
            out.println("usage: mmgcn-engine generate --out DIR [options]\n\nWrites NAME.inter and <modality>_feat.npy files.\n\n" + a.help());
            return 0;
        }
        String dir = a.get("out", null);
        if (dir == null) throw new Args.UsageException("--out DIR is required");
        SyntheticGenerator.Spec spec = SyntheticGenerator.preset(a.get("preset", "default"));
        try {
            spec = spec.withSize(a.getInt("users", spec.users()), a.getInt("items", spec.items()),
                    a.getInt("interactions", spec.interactions()));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        if (a.has("name")) spec = spec.withName(a.get("name", null));
        long t0 = System.nanoTime();
        try (Dataset d = SyntheticGenerator.generate(spec, a.getLong("seed", Long.parseLong(DataOptions.DEFAULT_DATA_SEED)))) {
            Map<String, Path> files = DatasetWriter.writeMmrec(d, Path.of(dir));
            out.println(d.summary());
            out.printf("wrote %s/%s.inter and %s in %.1f s%n", dir, d.name(), files.values(), (System.nanoTime() - t0) / 1e9);
            out.println("train on it with: ./mmgcn train --data " + dir);
        }
        return 0;
    }
}
