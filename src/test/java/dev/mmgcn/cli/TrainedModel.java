package dev.mmgcn.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A model trained by the CLI on the tiny synthetic set, with the users' and items' own ids given in
 * MMRec mapping files ({@code usér-<7i+3>}, {@code ítem-<11i+5>}: not the indices, not ASCII), so that
 * every output can be checked for speaking them. {@link #withoutData()} is one such model per test JVM
 * whose data folder has been deleted; {@link #fresh} trains a private one for tests that change its data.
 */
final class TrainedModel {
    final Path data;
    final Path checkpoint;
    final int users, items;

    private TrainedModel(Path data, Path checkpoint, int users, int items) {
        this.data = data;
        this.checkpoint = checkpoint;
        this.users = users;
        this.items = items;
    }

    static String user(int index) { return "usér-" + (7 * index + 3); }

    static String item(int index) { return "ítem-" + (11 * index + 5); }

    /** Generates the data in {@code dir/data} with id mapping files and trains one epoch into {@code dir/run}. */
    static TrainedModel fresh(Path dir) {
        try {
            Path data = dir.resolve("data");
            CliTest.Outcome g = CliTest.run("generate", "--preset", "tiny", "--out", data.toString());
            assertEquals(0, g.code(), g.err());
            int users = 0, items = 0;
            List<String> rows = Files.readAllLines(data.resolve("tiny.inter"));
            for (String row : rows.subList(1, rows.size())) {
                String[] f = row.split("\t");
                users = Math.max(users, Integer.parseInt(f[0]) + 1);
                items = Math.max(items, Integer.parseInt(f[1]) + 1);
            }
            List<String> u = new ArrayList<>(List.of("user_name\tuserID")), i = new ArrayList<>(List.of("asin\titemID"));
            for (int k = 0; k < users; k++) u.add(user(k) + "\t" + k);
            for (int k = 0; k < items; k++) i.add(item(k) + "\t" + k);
            Files.write(data.resolve("u_id_mapping.tsv"), u);
            Files.write(data.resolve("i_id_mapping.tsv"), i);
            Path run = dir.resolve("run");
            CliTest.Outcome t = CliTest.run("train", "--data", data.toString(), "--epochs", "1", "--dim", "8", "--batch", "1024", "--out", run.toString());
            assertEquals(0, t.code(), t.err());
            return new TrainedModel(data, run.resolve("best.ckpt"), users, items);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TrainedModel withoutData;

    /** One trained model per test JVM whose dataset folder is gone (removed again when the JVM exits). */
    static synchronized TrainedModel withoutData() {
        if (withoutData == null) {
            try {
                Path dir = Files.createTempDirectory("mmgcn-nodata-");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
                TrainedModel m = fresh(dir);
                delete(m.data);
                withoutData = m;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return withoutData;
    }

    static void delete(Path dir) {
        if (!Files.exists(dir)) return;
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
