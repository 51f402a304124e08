package dev.mmgcn.apitest;

import dev.mmgcn.api.MmgcnModel;
import dev.mmgcn.api.ModelInfo;
import dev.mmgcn.api.Recommendation;
import dev.mmgcn.api.ScoredItem;
import dev.mmgcn.api.Seen;
import dev.mmgcn.api.UnknownIdException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * dev.mmgcn.api through its public types only (this package sees nothing else of it), against a
 * brute-force oracle: every score in double precision from the representation as captured, training
 * items from the dataset, ties by lower index.
 */
class PublicApiTest {
    static Path dir;
    static Path file;
    static ModelFixture fx;
    static MmgcnModel model;

    @BeforeAll
    static void setUp() throws Exception {
        dir = Files.createTempDirectory("api-test");
        file = dir.resolve("best.ckpt");
        fx = new ModelFixture(file, 60, 45, 700);
        model = MmgcnModel.load(file);
    }

    @AfterAll
    static void tearDown() throws IOException {
        model.close();
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The oracle's top-k item indices for user u. */
    static List<Integer> oracle(int u, int k, boolean excludeSeen) {
        return IntStream.range(0, fx.items).boxed()
                .filter(i -> !excludeSeen || !fx.seen.get(u).contains(i))
                .sorted(Comparator.comparingDouble((Integer i) -> -fx.score(u, i)).thenComparingInt(i -> i))
                .limit(k).toList();
    }

    static int itemIndex(String id) {
        return (Integer.parseInt(id.substring(5)) - 7) / 3;
    }

    /** Same length; position by position the oracle scores agree (a near-tie may swap two items), and each score is right. */
    static void assertRanking(int u, List<Integer> expected, List<ScoredItem> got) {
        assertEquals(expected.size(), got.size(), "user " + u);
        for (int j = 0; j < got.size(); j++) {
            int i = itemIndex(got.get(j).item());
            assertEquals(fx.score(u, expected.get(j)), fx.score(u, i), 1e-5, "user " + u + " rank " + j);
            assertEquals(fx.score(u, i), got.get(j).score(), 1e-5, "score of " + got.get(j).item());
        }
    }

    @Test
    void recommendMatchesBruteForceInTheUsersIds() {
        for (int u = 0; u < fx.users; u++) {
            List<ScoredItem> r = model.recommend(ModelFixture.user(u), 10);
            assertRanking(u, oracle(u, 10, true), r);
            for (ScoredItem s : r) assertFalse(fx.seen.get(u).contains(itemIndex(s.item())), "seen item recommended");
            assertRanking(u, oracle(u, 7, false), model.recommend(ModelFixture.user(u), 7, Seen.INCLUDE));
        }
        assertTrue(fx.seen.stream().anyMatch(s -> !s.isEmpty()), "the fixture has training items to exclude");
    }

    @Test
    void kIsCheckedAndCappedAndSeenItemsShortenTheList() {
        assertThrows(IllegalArgumentException.class, () -> model.recommend(ModelFixture.user(0), 0));
        assertEquals(fx.items, model.recommend(ModelFixture.user(0), 1000, Seen.INCLUDE).size());
        int u = 3;
        assertEquals(fx.items - fx.seen.get(u).size(), model.recommend(ModelFixture.user(u), 1000).size(),
                "only unseen items come back, however large k is");
    }

    @Test
    void batchEqualsOneByOne() {
        List<String> ids = new ArrayList<>();
        for (int u = fx.users - 1; u >= 0; u -= 2) ids.add(ModelFixture.user(u));
        ids.add(ModelFixture.user(5)); // a repeat is answered twice
        List<Recommendation> batch = model.recommend(ids, 12);
        assertEquals(ids.size(), batch.size());
        for (int p = 0; p < ids.size(); p++) {
            assertEquals(ids.get(p), batch.get(p).user());
            List<ScoredItem> one = model.recommend(ids.get(p), 12);
            assertEquals(one.stream().map(ScoredItem::item).toList(), batch.get(p).items().stream().map(ScoredItem::item).toList());
            for (int j = 0; j < one.size(); j++) assertEquals(one.get(j).score(), batch.get(p).items().get(j).score(), 1e-6f);
        }
        assertEquals(List.of(), model.recommend(List.of(), 5));
    }

    @Test
    void scoreIsTheRankedScore() {
        List<String> items = List.of(ModelFixture.item(4), ModelFixture.item(0), ModelFixture.item(44), ModelFixture.item(4));
        List<ScoredItem> s = model.score(ModelFixture.user(9), items);
        assertEquals(items, s.stream().map(ScoredItem::item).toList());
        for (ScoredItem x : s) assertEquals(fx.score(9, itemIndex(x.item())), x.score(), 1e-5);
        ScoredItem best = model.recommend(ModelFixture.user(9), 1, Seen.INCLUDE).getFirst();
        assertEquals(best.score(), model.score(ModelFixture.user(9), List.of(best.item())).getFirst().score(),
                "score and recommend use the same product");
    }

    @Test
    void similarItemsByCosineWithoutItself() {
        for (int i = 0; i < fx.items; i++) {
            int a = i;
            List<Integer> expected = IntStream.range(0, fx.items).boxed().filter(j -> j != a)
                    .sorted(Comparator.comparingDouble((Integer j) -> -fx.cosine(a, j)).thenComparingInt(j -> j)).limit(5).toList();
            List<ScoredItem> got = model.similarItems(ModelFixture.item(i), 5);
            assertEquals(5, got.size());
            for (int j = 0; j < 5; j++) {
                int g = itemIndex(got.get(j).item());
                assertNotEquals(i, g);
                assertEquals(fx.cosine(i, expected.get(j)), fx.cosine(i, g), 1e-5);
                assertEquals(fx.cosine(i, g), got.get(j).score(), 1e-5);
            }
        }
        assertEquals(fx.items - 1, model.similarItems(ModelFixture.item(0), 1000).size());
    }

    @Test
    void unknownIdsAreNamed() {
        UnknownIdException e = assertThrows(UnknownIdException.class, () -> model.recommend("user-999", 3));
        assertEquals("user", e.kind());
        assertEquals(List.of("user-999"), e.ids());
        assertEquals("unknown user 'user-999'", e.getMessage());
        e = assertThrows(UnknownIdException.class, () -> model.recommend(List.of("user-1", "nobody", "user-2", "x"), 3));
        assertEquals(List.of("nobody", "x"), e.ids());
        e = assertThrows(UnknownIdException.class, () -> model.score("user-1", List.of("item-7", "item-8")));
        assertEquals("item", e.kind());
        assertEquals(List.of("item-8"), e.ids());
        assertThrows(UnknownIdException.class, () -> model.similarItems("7", 3), "internal indices are not ids");
        assertThrows(UnknownIdException.class, () -> model.recommend((String) null, 3));
        assertTrue(model.hasUser("user-59"));
        assertFalse(model.hasUser("user-60"));
        assertTrue(model.hasItem("item-139"));
        assertEquals("item-10", model.itemIds().get(1));
        assertEquals(fx.users, model.userIds().size());
    }

    @Test
    void infoDescribesTheModel() {
        ModelInfo i = model.info();
        assertEquals(fx.users, i.users());
        assertEquals(fx.items, i.items());
        assertEquals(16, i.dimension());
        assertEquals(2, i.formatVersion());
        assertEquals("16", i.settings().get("model.dim"));
        assertEquals(fx.fingerprint, i.dataFingerprint());
        assertEquals(file, i.file());
    }

    @Test
    void concurrentCallersGetTheSameAnswers() throws Exception {
        List<List<ScoredItem>> expected = new ArrayList<>();
        for (int u = 0; u < fx.users; u++) expected.add(model.recommend(ModelFixture.user(u), 8));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                fs.add(pool.submit(() -> {
                    for (int n = 0; n < 300; n++) {
                        int u = (seed * 31 + n * 7) % fx.users;
                        assertEquals(expected.get(u), model.recommend(ModelFixture.user(u), 8));
                        if (n % 10 == 0) assertEquals(List.of(expected.get(u)), model.recommend(List.of(ModelFixture.user(u)), 8)
                                .stream().map(Recommendation::items).toList());
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void loadsWithoutPrintingAndClosedModelsRefuseCalls() throws Exception {
        PrintStream err = System.err, out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        MmgcnModel m;
        try {
            System.setErr(new PrintStream(captured, true));
            System.setOut(new PrintStream(captured, true));
            m = MmgcnModel.load(file);
            m.recommend(ModelFixture.user(1), 3);
            m.similarItems(ModelFixture.item(1), 3);
        } finally {
            System.setErr(err);
            System.setOut(out);
        }
        assertEquals("", captured.toString(), "nothing printed on load or query");
        m.close();
        m.close();
        assertThrows(IllegalStateException.class, () -> m.recommend(ModelFixture.user(1), 3));
    }

    @Test
    void damagedOrMissingFilesAreRefusedWithTheirName() throws Exception {
        byte[] good = Files.readAllBytes(file);
        Path bad = dir.resolve("bad.ckpt");
        good[good.length - 3] ^= 1;
        Files.write(bad, good);
        IOException e = assertThrows(IOException.class, () -> MmgcnModel.load(bad));
        assertTrue(e.getMessage().startsWith(bad.toString()) && e.getMessage().contains("damaged"), e.getMessage());
        e = assertThrows(IOException.class, () -> MmgcnModel.load(dir.resolve("nope.ckpt")));
        assertTrue(e.getMessage().contains("nope.ckpt"), e.getMessage());
    }
}
