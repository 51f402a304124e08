package dev.mmgcn.train;

import dev.mmgcn.data.BagOfWords;
import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.Interactions;
import dev.mmgcn.data.LoadResult;
import dev.mmgcn.data.MmgcnLoader;
import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.Mmgcn;
import dev.mmgcn.model.MmgcnConfig;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.tape.Var;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** MMGCN trained with a bag-of-words modality: on generated data where only the words can rank cold items, and on the authors' toy TikTok files. */
class WordBagTrainingTest {
    static final int USERS = 240, ITEMS = 60, WARM = 40, CLUSTERS = 4, VOCAB = 48;

    /**
     * Items fall into 4 clusters, each with its own 12 words (an item has 5 of them); user u likes
     * cluster u % 4 and trains on 8 of its 10 warm items. Items 40..59 (5 per cluster) never occur in
     * training — each user's test item is one of their cluster's — so only their words can place
     * them. {@code shuffled}: the bags are permuted across items, so the words say nothing.
     */
    static Dataset clustered(boolean shuffled) {
        SplittableRandom rng = new SplittableRandom(31);
        List<int[]> train = new ArrayList<>(), valid = new ArrayList<>(), test = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            int c = u % CLUSTERS;
            List<Integer> warm = new ArrayList<>(), cold = new ArrayList<>();
            for (int i = c; i < ITEMS; i += CLUSTERS) (i < WARM ? warm : cold).add(i);
            java.util.Collections.shuffle(warm, new java.util.Random(rng.nextLong()));
            for (int t = 0; t < 8; t++) train.add(new int[] {u, warm.get(t)});
            valid.add(new int[] {u, warm.get(8)});
            test.add(new int[] {u, cold.get(rng.nextInt(cold.size()))});
        }
        int[] owner = new int[ITEMS];
        for (int i = 0; i < ITEMS; i++) owner[i] = i;
        if (shuffled) {
            for (int i = ITEMS - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1), t = owner[i];
                owner[i] = owner[j];
                owner[j] = t;
            }
        }
        HostScope scope = new HostScope();
        int per = 5;
        int[] items = new int[ITEMS * per], words = new int[ITEMS * per];
        float[] vals = new float[ITEMS * per];
        for (int i = 0; i < ITEMS; i++) {
            int c = owner[i] % CLUSTERS;
            for (int w = 0; w < per; w++) {
                items[i * per + w] = i;
                words[i * per + w] = c * (VOCAB / CLUSTERS) + rng.nextInt(VOCAB / CLUSTERS);
                vals[i * per + w] = 1f / per;
            }
        }
        CsrMatrix m = CsrMatrix.fromCoo(scope, ITEMS, VOCAB, items, words, vals);
        BagOfWords bag = new BagOfWords("textual", m, items.length, items.length, 0);
        return new Dataset("clustered", USERS, ITEMS, split(train), split(valid), split(test), List.of(), List.of(bag), scope);
    }

    static Interactions split(List<int[]> pairs) {
        return new Interactions(pairs.stream().mapToInt(p -> p[0]).toArray(), pairs.stream().mapToInt(p -> p[1]).toArray());
    }

    /**
     * Trains MMGCN on the words alone and returns the fraction of users whose test item is among the
     * top 5 of the 20 cold items by the trained representation (each user's cluster has 5 cold items;
     * a random order gets 25 %).
     */
    static double coldTop5(boolean shuffled, float[][] wordTableMoved) {
        Kernels k = Backends.cpu();
        // negatives from trained items only: cold items are not pushed down, their scores come from their words
        TrainConfig tc = new TrainConfig(12, 128, 1e-2f, 1e-4f, 0f, 5L, 0, "recall@10", new int[] {10},
                NegativeSampler.Pool.TRAIN_ITEMS);
        float[][] rep = new float[1][];
        try (Dataset data = clustered(shuffled);
             Mmgcn model = new Mmgcn(MmgcnConfig.defaults().withEmbeddingDim(16).withWordDim(16), k, USERS, ITEMS, List.of(),
                     data.wordModalities(), data.train(), 3);
             Trainer t = new Trainer(model, data, tc, k)) {
            Var table = model.parameters().get("textual.word_embedding");
            float[] before = table.value().toArray();
            t.fit(new Trainer.Listener() {
            }, (best, m, r) -> rep[0] = r.toArray());
            if (wordTableMoved != null) wordTableMoved[0] = new float[] {distance(before, table.value().toArray())};
            int d = 16, hits = 0;
            float[] r = rep[0];
            for (int u = 0; u < USERS; u++) {
                int target = data.test().items()[u];
                double own = dot(r, u, USERS + target, d);
                int above = 0;
                for (int i = WARM; i < ITEMS; i++) if (i != target && dot(r, u, USERS + i, d) > own) above++;
                if (above < 5) hits++;
            }
            return hits / (double) USERS;
        }
    }

    static double dot(float[] r, int a, int b, int d) {
        double s = 0;
        for (int c = 0; c < d; c++) s += (double) r[a * d + c] * r[b * d + c];
        return s;
    }

    static float distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return (float) Math.sqrt(s);
    }

    @Test
    void wordsRankColdItemsOnlyWhenTheyCarryTheClusters() {
        float[][] moved = new float[1][];
        double informative = coldTop5(false, moved);
        double shuffled = coldTop5(true, null);
        System.out.println("word-bag cold items in the top 5 of 20: informative " + informative + ", shuffled " + shuffled);
        assertTrue(moved[0][0] > 0.1f, "the word table is trained: moved by " + moved[0][0]);
        // a random order puts the test item in the top 5 of 20 for 25 % of users (seen: 0.675 vs 0.146)
        assertTrue(informative > 0.5, "with cluster words, a user's cold item ranks among their cluster's: " + informative);
        assertTrue(shuffled < 0.4, "shuffled words carry nothing: " + shuffled);
        assertTrue(informative > shuffled + 0.3, "informative " + informative + " vs shuffled " + shuffled);
    }

    @Test
    void trainsOnTheAuthorsToyTikTokFiles() throws Exception {
        Path dir = Path.of("../shared/data/mmgcn-toy/tiktok");
        assumeTrue(Files.isDirectory(dir), "shared toy data not present");
        Kernels k = Backends.cpu();
        try (LoadResult loaded = MmgcnLoader.load(dir, "toy-tiktok", MmgcnLoader.guess(dir))) {
            Dataset data = loaded.dataset();
            assertEquals(1, data.wordModalities().size(), "the toy TikTok text is a bag of word ids");
            BagOfWords bag = data.wordModalities().getFirst();
            TrainConfig tc = new TrainConfig(2, 512, 1e-3f, 1e-4f, 0f, 8L, 0, "recall@20", new int[] {20});
            try (Mmgcn model = new Mmgcn(MmgcnConfig.defaults().withEmbeddingDim(32), k, data.numUsers(), data.numItems(),
                    data.modalities(), data.wordModalities(), data.train(), 2);
                 Trainer t = new Trainer(model, data, tc, k)) {
                assertTrue(model.modalityNames().contains(bag.name()), "the bag is one of the model's branches");
                Var table = model.parameters().get(bag.name() + ".word_embedding");
                assertEquals(bag.vocabulary(), table.rows());
                assertEquals(MmgcnConfig.DEFAULT_WORD_DIM, table.cols());
                float[] before = table.value().toArray();
                Trainer.Result r = t.fit(new Trainer.Listener() {
                }, null);
                assertTrue(Double.isFinite(r.history().get(1).loss()));
                assertTrue(r.history().get(1).loss() < r.history().get(0).loss(), "the loss falls");
                assertTrue(distance(before, table.value().toArray()) > 0, "the word embeddings are trained");
            }
        }
    }
}
