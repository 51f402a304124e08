package dev.mmgcn.spark;

import dev.mmgcn.data.DataFingerprint;
import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.DatasetWriter;
import dev.mmgcn.data.IdMap;
import dev.mmgcn.data.MmrecLoader;
import dev.mmgcn.data.SeenItems;
import dev.mmgcn.data.SyntheticGenerator;
import dev.mmgcn.data.TrainingRecord;
import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.kernels.ScalarKernels;
import dev.mmgcn.layers.ParameterStore;
import dev.mmgcn.model.Mmgcn;
import dev.mmgcn.model.MmgcnConfig;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.train.Checkpoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;

/** Small models written as checkpoints, for the tests. */
final class Fixtures {
    private Fixtures() {
    }

    /**
     * A synthetic dataset written in MMRec format with ids unlike the indices (users "u<7i+3>", items
     * "item-<i>-x"), reloaded through the MMRec loader, and an MMGCN of width 16 on it (initial parameters:
     * the ranking is the model's forward pass, which is all these tests need) saved as a checkpoint that
     * records the folder, as {@code train} does.
     */
    static void mmrecModel(Path dataDir, Path checkpoint) throws Exception {
        try (Dataset g = SyntheticGenerator.generate(SyntheticGenerator.TINY.withSize(150, 110, 3300), 5)) {
            List<String> u = new ArrayList<>(), i = new ArrayList<>();
            for (int x = 0; x < g.numUsers(); x++) u.add("u" + (7 * x + 3));
            for (int x = 0; x < g.numItems(); x++) i.add("item-" + x + "-x");
            try (Dataset named = new Dataset("fixture", g.numUsers(), g.numItems(), g.train(), g.valid(), g.test(), g.modalities(), null,
                    IdMap.of(u), IdMap.of(i))) {
                DatasetWriter.writeMmrec(named, dataDir);
            }
        }
        Kernels k = Backends.cpu();
        try (Dataset d = MmrecLoader.load(dataDir).dataset();
             Mmgcn m = new Mmgcn(MmgcnConfig.defaults().withEmbeddingDim(16), k, d.numUsers(), d.numItems(), d.modalities(), d.train(), 11L);
             Tape tape = new Tape(k); Scope s = k.newScope()) {
            Tensor r = s.floats(d.numUsers() + d.numItems(), 16);
            m.computeRepresentation(tape, r);
            Properties h = new Properties();
            h.setProperty("data.data", dataDir.toAbsolutePath().toString());
            h.setProperty("data.users", Integer.toString(d.numUsers()));
            h.setProperty("data.items", Integer.toString(d.numItems()));
            Checkpoint.capture(m.parameters(), r, h, TrainingRecord.of(d)).write(checkpoint);
        }
    }

    /**
     * Random representations with many exact ties: items 1, 2 and 3 repeat item 0's row (and so on in
     * groups of four), user 0's row is all zeros (every score 0: its list is decided by the tie rule
     * alone), and user 1 has seen all items but 3.
     */
    static void tiedModel(Path checkpoint, int users, int items, int dim, long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] itemRows = new float[items][dim];
        for (int i = 0; i < items; i++) {
            for (int c = 0; c < dim; c++) itemRows[i][c] = i % 4 == 0 ? (float) (rnd.nextDouble() - 0.5) : itemRows[i - i % 4][c];
        }
        int[] ptr = new int[users + 1];
        List<Integer> seen = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            for (int i = 0; i < items; i++) {
                boolean s = u == 1 ? i >= 3 : rnd.nextInt(10) == 0;
                if (s) seen.add(i);
            }
            ptr[u + 1] = seen.size();
        }
        try (HostScope host = new HostScope(); ParameterStore none = new ParameterStore(new ScalarKernels())) {
            Tensor rep = host.floats(users + items, dim);
            for (int u = 0; u < users; u++) for (int c = 0; c < dim; c++) rep.set(u, c, u == 0 ? 0f : (float) (rnd.nextDouble() - 0.5));
            for (int i = 0; i < items; i++) for (int c = 0; c < dim; c++) rep.set(users + i, c, itemRows[i][c]);
            TrainingRecord record = new TrainingRecord(new DataFingerprint(Map.of("users", "" + users, "items", "" + items)),
                    IdMap.range(users, 0), IdMap.range(items, 1000), new SeenItems(users, items, ptr, seen.stream().mapToInt(x -> x).toArray()));
            Checkpoint.capture(none, rep, new Properties(), record).write(checkpoint);
        }
    }
}
