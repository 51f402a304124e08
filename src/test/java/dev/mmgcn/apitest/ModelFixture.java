package dev.mmgcn.apitest;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.IdMap;
import dev.mmgcn.data.SyntheticGenerator;
import dev.mmgcn.data.TrainingRecord;
import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.Mmgcn;
import dev.mmgcn.model.MmgcnConfig;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.train.Checkpoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * Writes a checkpoint of a small MMGCN (random initial parameters: enough to test ranking) on synthetic
 * data whose users are "user-<i>" and items "item-<3i+7>", and keeps what a brute-force oracle needs:
 * the representation as captured and the training pairs from the dataset itself.
 */
public final class ModelFixture {
    public final int users, items, dim;
    public final float[][] rep;
    public final List<Set<Integer>> seen = new ArrayList<>();
    public final String fingerprint;

    public ModelFixture(Path file, int users, int items, int interactions) throws Exception {
        Kernels k = Backends.cpu();
        MmgcnConfig mc = MmgcnConfig.defaults().withEmbeddingDim(16);
        List<String> u = new ArrayList<>(), i = new ArrayList<>();
        for (int x = 0; x < users; x++) u.add("user-" + x);
        for (int x = 0; x < items; x++) i.add("item-" + (3 * x + 7));
        try (Dataset g = SyntheticGenerator.generate(SyntheticGenerator.TINY.withSize(users, items, interactions), 21);
             Dataset d = new Dataset(g.name(), g.numUsers(), g.numItems(), g.train(), g.valid(), g.test(), g.modalities(), null,
                     IdMap.of(u), IdMap.of(i));
             Mmgcn m = new Mmgcn(mc, k, users, items, d.modalities(), d.train(), 9L);
             Tape tape = new Tape(k); Scope s = k.newScope(); HostScope h = new HostScope()) {
            this.users = d.numUsers();
            this.items = d.numItems();
            this.dim = 16;
            Tensor r = s.floats(users + items, dim);
            m.computeRepresentation(tape, r);
            Tensor host = h.floats(r.rows(), r.cols());
            k.download(r, host);
            rep = new float[users + items][dim];
            for (int row = 0; row < users + items; row++) for (int c = 0; c < dim; c++) rep[row][c] = host.get(row, c);
            for (int x = 0; x < users; x++) seen.add(new HashSet<>());
            for (int e = 0; e < d.train().size(); e++) seen.get(d.train().users()[e]).add(d.train().items()[e]);
            Properties header = new Properties();
            header.setProperty("model.dim", "16");
            TrainingRecord record = TrainingRecord.of(d);
            fingerprint = record.fingerprint().digest();
            Checkpoint.capture(m.parameters(), r, header, record).write(file);
        }
    }

    public static String user(int u) { return "user-" + u; }

    public static String item(int i) { return "item-" + (3 * i + 7); }

    /** ⟨user u, item i⟩ in double precision. */
    public double score(int u, int i) {
        double s = 0;
        for (int c = 0; c < dim; c++) s += (double) rep[u][c] * rep[users + i][c];
        return s;
    }

    public double cosine(int a, int b) {
        double dot = 0, na = 0, nb = 0;
        for (int c = 0; c < dim; c++) {
            dot += (double) rep[users + a][c] * rep[users + b][c];
            na += (double) rep[users + a][c] * rep[users + a][c];
            nb += (double) rep[users + b][c] * rep[users + b][c];
        }
        return dot / Math.sqrt(na * nb);
    }
}
