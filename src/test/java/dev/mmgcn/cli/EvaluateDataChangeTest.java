package dev.mmgcn.cli;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.LoadResult;
import dev.mmgcn.data.MmrecLoader;
import dev.mmgcn.data.Npy;
import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.Mmgcn;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.mmgcn.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A feature file replaced by a same-shape file with other values: {@code evaluate} warns, naming the
 * modality, and reports the metrics the new data give — a brute-force ranking of the representation
 * recomputed from the new features, not the stored one — while {@code recommend} (the stored
 * representation and training items) is unaffected.
 */
class EvaluateDataChangeTest {
    @TempDir
    Path dir;

    @Test
    void changedFeaturesAreNamedAndEvaluatedAsTheyAreNow() throws Exception {
        TrainedModel m = TrainedModel.fresh(dir);
        String ck = m.checkpoint.toString();
        String[] recommend = {"recommend", "--checkpoint", ck, "--all-users", "--k", "10"};
        String before = run(recommend).out();
        CliTest.Outcome same = run("evaluate", "--checkpoint", ck);
        assertEquals(0, same.code(), same.err());
        assertFalse(same.err().contains("warning"), "the data it was trained on: " + same.err());
        double[] stored = bruteForce(new CheckpointOracle(m.checkpoint).rep, m, null);
        assertEquals(stored[0], metric(same.out(), "recall@20"), 5e-5, "unchanged data: the stored representation's numbers");
        assertEquals(stored[1], metric(same.out(), "ndcg@20"), 5e-5);

        Path visual = m.data.resolve("visual_feat.npy");
        try (HostScope h = new HostScope()) {
            Tensor f = Npy.readFloats(visual, h);
            Tensor g = h.floats(f.rows(), f.cols());
            for (int r = 0; r < f.rows(); r++) for (int c = 0; c < f.cols(); c++) g.set(r, c, f.get(f.rows() - 1 - r, c)); // rows reversed
            Npy.writeFloats(visual, g);
        }
        CliTest.Outcome changed = run("evaluate", "--checkpoint", ck);
        assertEquals(0, changed.code(), changed.err());
        assertTrue(changed.err().contains("warning: the data differ from those the checkpoint was trained on: the visual features changed (same size "),
                changed.err());
        assertFalse(changed.err().contains("textual"), "only the visual features changed: " + changed.err());

        double[] now = bruteForce(null, m, Checkpoint.read(m.checkpoint));
        assertEquals(now[0], metric(changed.out(), "recall@20"), 5e-5, "the new data's numbers");
        assertEquals(now[1], metric(changed.out(), "ndcg@20"), 5e-5);
        assertTrue(Math.abs(now[0] - stored[0]) + Math.abs(now[1] - stored[1]) > 1e-3,
                "the changed features change the ranking (else this test could not tell): " + now[1] + " vs " + stored[1]);

        assertEquals(before, run(recommend).out(), "recommend uses the stored representation and training items");
    }

    private static double metric(String out, String name) {
        String row = out.lines().filter(l -> l.startsWith(name + " ")).findFirst().orElseThrow(() -> new AssertionError(name + " in " + out));
        return Double.parseDouble(row.trim().split("\\s+")[1]);
    }

    /**
     * Test recall@20 and NDCG@20 by brute force: every item ranked by ⟨user, item⟩ in double precision, training
     * items left out, users without test items skipped. The representation is {@code rep}, or the one computed
     * from the data on disk now with the checkpoint's parameters.
     */
    private static double[] bruteForce(double[][] rep, TrainedModel m, Checkpoint ck) {
        LoadResult loaded = MmrecLoader.load(m.data);
        try (Dataset d = loaded.dataset().withModalities(List.of(ckModalities(m)))) { // takes over the loaded buffers
            if (rep == null) rep = representation(d, ck);
            int users = d.numUsers(), items = d.numItems();
            List<Set<Integer>> train = sets(users, d.train().users(), d.train().items());
            List<Set<Integer>> test = sets(users, d.test().users(), d.test().items());
            double recall = 0, ndcg = 0;
            int counted = 0;
            for (int u = 0; u < users; u++) {
                if (test.get(u).isEmpty()) continue;
                counted++;
                List<Integer> ranked = new ArrayList<>();
                for (int i = 0; i < items; i++) if (!train.get(u).contains(i)) ranked.add(i);
                double[] s = new double[items];
                for (int i : ranked) for (int c = 0; c < rep[u].length; c++) s[i] += rep[u][c] * rep[users + i][c];
                ranked.sort((a, b) -> Double.compare(s[b], s[a]));
                int hits = 0;
                double dcg = 0, idcg = 0;
                for (int j = 0; j < Math.min(20, ranked.size()); j++) {
                    if (test.get(u).contains(ranked.get(j))) {
                        hits++;
                        dcg += 1 / (Math.log(j + 2) / Math.log(2));
                    }
                }
                for (int j = 0; j < Math.min(20, test.get(u).size()); j++) idcg += 1 / (Math.log(j + 2) / Math.log(2));
                recall += (double) hits / test.get(u).size();
                ndcg += dcg / idcg;
            }
            return new double[] {recall / counted, ndcg / counted};
        }
    }

    private static String[] ckModalities(TrainedModel m) {
        try {
            return Checkpoint.read(m.checkpoint).get("data.used_modalities").split(",");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static double[][] representation(Dataset d, Checkpoint ck) {
        Kernels k = Backends.cpu();
        try (Mmgcn model = new Mmgcn((dev.mmgcn.model.MmgcnConfig) ck.info().model(), k, d.numUsers(), d.numItems(), d.modalities(), d.train(), 0L);
             Tape tape = new Tape(k); Scope s = k.newScope(); HostScope h = new HostScope()) {
            ck.restore(model.parameters());
            Tensor r = s.floats(d.numUsers() + d.numItems(), model.dim());
            model.computeRepresentation(tape, r);
            Tensor host = h.floats(r.rows(), r.cols());
            k.download(r, host);
            double[][] out = new double[r.rows()][r.cols()];
            for (int i = 0; i < r.rows(); i++) for (int c = 0; c < r.cols(); c++) out[i][c] = host.get(i, c);
            return out;
        } finally {
            k.close();
        }
    }

    private static List<Set<Integer>> sets(int users, int[] u, int[] i) {
        List<Set<Integer>> out = new ArrayList<>();
        for (int k = 0; k < users; k++) out.add(new HashSet<>());
        for (int k = 0; k < u.length; k++) out.get(u[k]).add(i[k]);
        return out;
    }
}
