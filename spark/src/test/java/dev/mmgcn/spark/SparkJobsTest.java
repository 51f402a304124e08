package dev.mmgcn.spark;

import dev.mmgcn.api.MmgcnModel;
import dev.mmgcn.api.Recommendation;
import dev.mmgcn.api.ScoredItem;
import dev.mmgcn.api.Seen;
import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.MmrecLoader;
import dev.mmgcn.eval.Evaluator;
import dev.mmgcn.eval.RankingMetrics;
import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.train.Checkpoint;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The Spark jobs on local[2] against the single-machine results on the same checkpoints: the Parquet top-K
 * row for row against the Java API's {@code recommend} over all users, the metrics against the engine's
 * {@code Evaluator}. One Spark session serves every test (the commands reuse an active session).
 */
class SparkJobsTest {
    @TempDir
    static Path dir;
    static Path data, model, tied;
    static SparkSession spark;

    @BeforeAll
    static void setUp() throws Exception {
        data = dir.resolve("data");
        model = dir.resolve("model.ckpt");
        tied = dir.resolve("tied.ckpt");
        Fixtures.mmrecModel(data, model);
        Fixtures.tiedModel(tied, 61, 47, 8, 4);
        spark = SparkRun.session("mmgcn tests", "local[2]");
    }

    @AfterAll
    static void tearDown() {
        if (spark != null) spark.stop();
    }

    record Result(int code, String out, String err) {
    }

    static Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = SparkCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Result ok(String... args) {
        Result r = cli(args);
        assertEquals(0, r.code, () -> "exit code of " + String.join(" ", args) + "\n" + r.out + r.err);
        return r;
    }

    /** The single-machine reference: the Java API's blocked recommend over every user, as (user, rank, item, score) rows. */
    static List<String> reference(Path checkpoint, int k, Seen seen) throws Exception {
        List<String> rows = new ArrayList<>();
        try (MmgcnModel m = MmgcnModel.load(checkpoint)) {
            for (Recommendation r : m.recommend(m.userIds(), k, seen)) {
                int rank = 1;
                for (ScoredItem s : r.items()) rows.add(r.user() + "\t" + rank++ + "\t" + s.item() + "\t" + Float.floatToIntBits(s.score()));
            }
        }
        return rows;
    }

    /** The Parquet output, file by file in name order (the blocks in user order), each file's rows in order. */
    static List<String> parquet(Path out) throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(out)) {
            files = s.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no Parquet files in " + out);
        List<String> rows = new ArrayList<>();
        for (Path f : files) {
            for (Row r : spark.read().parquet(f.toString()).collectAsList()) {
                rows.add(r.getString(0) + "\t" + r.getInt(1) + "\t" + r.getString(2) + "\t" + Float.floatToIntBits(r.getFloat(3)));
            }
        }
        return rows;
    }

    @Test
    void broadcastTopKEqualsTheJavaApiRowForRow() throws Exception {
        Path out = dir.resolve("recs-broadcast");
        Path killed = Files.createDirectories(dir.resolve(".recs-broadcast.5eed.mmgcn-tmp")); // a killed driver's, empty
        Result r = ok("recommend", "--checkpoint", model.toString(), "--out", out.toString(), "--k", "7", "--block-users", "40");
        assertFalse(Files.exists(killed), "a later run removes what a killed one left for the same --out");
        assertTrue(r.out.contains("broadcast"), r.out);
        assertTrue(r.out.contains("kernels vector"), "the tasks ran the Vector API kernels: " + r.out);
        List<String> expected = reference(model, 7, Seen.EXCLUDE);
        assertEquals(expected, parquet(out), "row for row, in output order, scores bit for bit");
        assertTrue(expected.getFirst().startsWith("u3\t1\titem-"), "the users' and items' own ids: " + expected.getFirst());
        assertEquals(List.of("rank", "item", "score", "user").stream().sorted().toList(),
                Stream.of(spark.read().parquet(out.toString()).columns()).sorted().toList());
    }

    @Test
    void blockedItemsGiveTheSameRows() throws Exception {
        Path out = dir.resolve("recs-blocks");
        Result r = ok("recommend", "--checkpoint", model.toString(), "--out", out.toString(), "--k", "7", "--items", "blocks",
                "--item-block", "23", "--block-users", "33", "--user-tile", "5", "--item-tile", "6");
        assertTrue(r.out.contains("cut into blocks"), r.out);
        assertEquals(reference(model, 7, Seen.EXCLUDE), parquet(out));
    }

    @Test
    void tiesAndSeenItemsResolveAsOnOneMachine() throws Exception {
        for (String mode : new String[] {"broadcast", "blocks"}) {
            Path out = dir.resolve("tied-" + mode);
            ok("recommend", "--checkpoint", tied.toString(), "--out", out.toString(), "--k", "6", "--items", mode, "--item-block", "10",
                    "--block-users", "9", "--item-tile", "7");
            List<String> got = parquet(out), expected = reference(tied, 6, Seen.EXCLUDE);
            assertEquals(expected, got, mode);
            // user 0 scores every item 0: its list is its first six unseen items, by the tie rule alone (ids offset by 1000)
            var seen0 = Checkpoint.read(tied).trainingRecord().seen();
            List<String> first6 = new ArrayList<>();
            for (int i = 0; first6.size() < 6; i++) if (!seen0.contains(0, i)) first6.add(Integer.toString(1000 + i));
            assertEquals(first6, got.stream().filter(s -> s.startsWith("0\t")).map(s -> s.split("\t")[2]).toList());
            // user 1 has seen every item but the first three: exactly those three rows
            assertEquals(List.of("1000", "1001", "1002"),
                    got.stream().filter(s -> s.startsWith("1\t")).map(s -> s.split("\t")[2]).sorted().toList());
        }
        Path all = dir.resolve("tied-with-seen");
        ok("recommend", "--checkpoint", tied.toString(), "--out", all.toString(), "--k", "6", "--include-seen", "--block-users", "13");
        assertEquals(reference(tied, 6, Seen.INCLUDE), parquet(all));
    }

    /** The engine's single-machine evaluation of the checkpoint's representations on a split of its dataset. */
    static RankingMetrics singleMachine(String split, int[] ks) throws Exception {
        Checkpoint ck = Checkpoint.read(model);
        int[] shape = ck.shape(Checkpoint.REPRESENTATION);
        Kernels k = Backends.cpu();
        try (Dataset d = MmrecLoader.load(data).dataset(); HostScope h = new HostScope();
             Evaluator ev = new Evaluator(k, d.numUsers(), d.numItems(), d.train(), split.equals("test") ? d.test() : d.valid(), ks)) {
            Tensor r = h.floats(shape[0], shape[1]);
            r.copyFrom(ck.tensor(Checkpoint.REPRESENTATION));
            return ev.evaluate(r.rowSlice(0, d.numUsers()), r.rowSlice(d.numUsers(), shape[0]));
        } finally {
            k.close();
        }
    }

    static Map<String, Double> metrics(Result r) {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        boolean table = false;
        for (String line : r.out.lines().toList()) {
            if (line.startsWith("metric ")) {
                table = true;
                continue;
            }
            if (table) {
                String[] f = line.trim().split("\\s+");
                out.put(f[0], Double.parseDouble(f[1]));
            }
        }
        return out;
    }

    @Test
    void evaluationEqualsTheEvaluator() throws Exception {
        for (String split : new String[] {"test", "valid"}) {
            Path json = dir.resolve("metrics-" + split + ".json");
            Result r = ok("evaluate", "--checkpoint", model.toString(), "--split", split, "--ks", "5,10,20", "--block-users", "17",
                    "--out", json.toString());
            RankingMetrics expected = singleMachine(split, new int[] {5, 10, 20});
            assertTrue(expected.get("recall@20") > 0, "a ranking that finds something: the comparison is not between zeros");
            Map<String, Double> printed = metrics(r);
            assertEquals(expected.asMap().keySet(), printed.keySet());
            var written = new tools.jackson.databind.ObjectMapper().readTree(json.toFile());
            for (var e : expected.asMap().entrySet()) {
                assertEquals(e.getValue(), printed.get(e.getKey()), 5e-7, split + " " + e.getKey() + " as printed");
                assertEquals(e.getValue(), written.get("metrics").get(e.getKey()).asDouble(), 1e-12, split + " " + e.getKey() + " in the JSON");
            }
            assertEquals(expected.users(), written.get("users_evaluated").asInt());
            assertEquals(expected.skipped(), written.get("users_skipped").asInt());
        }
    }

    @Test
    void blockedEvaluationAndHeldOutPairsFilesAgree() throws Exception {
        RankingMetrics expected = singleMachine("test", new int[] {10, 20, 50});
        // the test split as a TSV of own ids, and as Parquet
        List<String> lines = new ArrayList<>(List.of("item\tuser\tlabel"));
        try (Dataset d = MmrecLoader.load(data).dataset()) {
            for (int e = 0; e < d.test().size(); e++) {
                lines.add(d.itemIds().external(d.test().items()[e]) + "\t" + d.userIds().external(d.test().users()[e]) + "\t2");
            }
        }
        Path tsv = dir.resolve("test-pairs.tsv");
        Files.write(tsv, lines);
        Path pq = dir.resolve("test-pairs.parquet");
        spark.read().option("sep", "\t").option("header", "true").csv(tsv.toString()).write().parquet(pq.toString());
        List<Result> runs = List.of(
                ok("evaluate", "--checkpoint", model.toString(), "--items", "blocks", "--item-block", "31", "--block-users", "23", "--item-tile", "9"),
                ok("evaluate", "--checkpoint", model.toString(), "--pairs", tsv.toString()),
                ok("evaluate", "--checkpoint", model.toString(), "--pairs", pq.toString(), "--items", "blocks", "--item-block", "50"));
        for (Result r : runs) {
            Map<String, Double> got = metrics(r);
            for (var e : expected.asMap().entrySet()) assertEquals(e.getValue(), got.get(e.getKey()), 5e-7, e.getKey() + "\n" + r.out);
        }

        // an id the model does not know, in a Parquet file: one line naming the file, the row and the id
        Path bad = dir.resolve("bad-pairs.parquet");
        spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create("u3", "item-0-x"), org.apache.spark.sql.RowFactory.create("u4", "item-1-x")),
                new org.apache.spark.sql.types.StructType().add("user", "string").add("item", "string")).coalesce(1).write().parquet(bad.toString());
        Result r = cli("evaluate", "--checkpoint", model.toString(), "--pairs", bad.toString());
        assertEquals(3, r.code, "an id the model does not know is input data (README: exit 3)");
        assertEquals("error: " + bad + " row 2: user 'u4' is not one of the model's 150 users", r.err.strip());
    }
}
