package dev.mmgcn.train;

import dev.mmgcn.data.DataFingerprint;
import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.IdMap;
import dev.mmgcn.data.Interactions;
import dev.mmgcn.data.Modality;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Checkpoint v2: every part survives the trip, any changed byte is refused, version 1 gets a clear answer. */
class CheckpointTest {

    /** 3 users and 4 items with their own ids, one 2-d modality, 5 training pairs (one repeated). */
    static Dataset handMade(Scope scope) {
        Tensor f = scope.floats(4, 2);
        f.copyFrom(new float[] {1, 0, 0, 1, 1, 1, 0.5f, -1});
        Interactions train = new Interactions(new int[] {0, 0, 1, 2, 0}, new int[] {1, 3, 0, 2, 1});
        Interactions valid = new Interactions(new int[] {1}, new int[] {3});
        return new Dataset("hand", 3, 4, train, valid, Interactions.empty(), List.of(new Modality("visual", f)), scope,
                IdMap.of(List.of("alice", "bob", "čarol")), IdMap.of(List.of("i-10", "i-20", "i-30", "i-40")));
    }

    /** A checkpoint of two parameters with known values and a 7×2 representation, with the hand-made record. */
    static Checkpoint small(Dataset d) {
        Kernels k = new ScalarKernels();
        try (ParameterStore p = new ParameterStore(k); HostScope h = new HostScope()) {
            p.create("a", 2, 3, t -> { for (int i = 0; i < 6; i++) t.setFlat(i, i + 0.25f); });
            p.create("b.bias", 1, 2, t -> { t.setFlat(0, -1f); t.setFlat(1, 3e-8f); });
            Tensor rep = h.floats(7, 2);
            for (int i = 0; i < 14; i++) rep.setFlat(i, (float) Math.sin(i));
            Properties header = new Properties();
            header.setProperty("model.dim", "2");
            header.setProperty("note", "ünïcode = and : and \"quotes\"");
            return Checkpoint.capture(p, rep, header, TrainingRecord.of(d));
        }
    }

    @Test
    void everyPartSurvivesTheTrip(@TempDir Path dir) throws Exception {
        try (Dataset d = handMade(new HostScope())) {
            Path f = dir.resolve("m.ckpt");
            small(d).write(f);
            Checkpoint ck = Checkpoint.read(f);
            assertEquals("2", ck.get("model.dim"));
            assertEquals("ünïcode = and : and \"quotes\"", ck.get("note"));
            assertEquals(Set.of("model.dim", "note"), ck.header().stringPropertyNames(), "only the settings are settings");
            assertArrayEquals(new float[] {0.25f, 1.25f, 2.25f, 3.25f, 4.25f, 5.25f}, ck.tensor("a"));
            assertArrayEquals(new int[] {2, 3}, ck.shape("a"));
            assertArrayEquals(new float[] {-1f, 3e-8f}, ck.tensor("b.bias"));
            assertEquals((float) Math.sin(13), ck.tensor(Checkpoint.REPRESENTATION)[13]);
            TrainingRecord r = ck.trainingRecord();
            assertEquals(DataFingerprint.of(d), r.fingerprint());
            assertEquals("čarol", r.userIds().external(2));
            assertEquals(3, r.itemIds().index("i-40"));
            assertEquals(-1, r.itemIds().index("i-50"));
            // seen items, by hand: alice {20, 40}, bob {10}, čarol {30}; the repeated pair counts once, valid is not seen
            assertArrayEquals(new int[] {1, 3}, r.seen().itemsOf(0));
            assertArrayEquals(new int[] {0}, r.seen().itemsOf(1));
            assertArrayEquals(new int[] {2}, r.seen().itemsOf(2));
            assertFalse(r.seen().contains(1, 3));
        }
    }

    @Test
    void flippingAnyByteIsRefused(@TempDir Path dir) throws Exception {
        try (Dataset d = handMade(new HostScope())) {
            Path f = dir.resolve("m.ckpt");
            small(d).write(f);
            byte[] good = Files.readAllBytes(f);
            for (int pos = 0; pos < good.length; pos++) {
                byte[] bad = good.clone();
                bad[pos] ^= 0x10;
                Files.write(f, bad);
                int at = pos;
                IOException e = assertThrows(IOException.class, () -> Checkpoint.read(f), "changed byte " + at + " accepted");
                assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
            }
        }
    }

    @Test
    void aCapturedModelRoundTripsAndRefusesSampledFlips(@TempDir Path dir) throws Exception {
        Kernels k = Backends.cpu();
        MmgcnConfig mc = MmgcnConfig.defaults().withEmbeddingDim(8);
        // a few dozen users keep the file small enough to rewrite thousands of times
        try (Dataset d = SyntheticGenerator.generate(SyntheticGenerator.TINY.withSize(40, 30, 400), 11);
             Mmgcn m = new Mmgcn(mc, k, d.numUsers(), d.numItems(), d.modalities(), d.train(), 5L);
             Tape tape = new Tape(k); Scope s = k.newScope(); HostScope h = new HostScope()) {
            Tensor rep = s.floats(d.numUsers() + d.numItems(), 8);
            m.computeRepresentation(tape, rep);
            Tensor hostRep = h.floats(rep.rows(), rep.cols());
            k.download(rep, hostRep);
            Path f = dir.resolve("best.ckpt");
            Properties header = new Properties();
            header.setProperty("train.best_epoch", "3");
            Checkpoint.capture(m.parameters(), rep, header, TrainingRecord.of(d)).write(f);
            Checkpoint ck = Checkpoint.read(f);
            assertArrayEquals(hostRep.toArray(), ck.tensor(Checkpoint.REPRESENTATION));
            assertEquals(m.parameters().all().size() + 1, ck.tensorNames().size());
            try (HostScope hh = new HostScope()) {
                for (var p : m.parameters().all()) assertArrayEquals(m.parameters().read(p, hh), ck.tensor(p.name()), p.name());
            }
            // the seen items are exactly the distinct training pairs (brute force)
            Set<Long> pairs = new HashSet<>();
            for (int e = 0; e < d.train().size(); e++) pairs.add((long) d.train().users()[e] * d.numItems() + d.train().items()[e]);
            int count = 0;
            for (int u = 0; u < d.numUsers(); u++) {
                for (int i = 0; i < d.numItems(); i++) {
                    boolean seen = ck.trainingRecord().seen().contains(u, i);
                    assertEquals(pairs.contains((long) u * d.numItems() + i), seen);
                    if (seen) count++;
                }
            }
            assertEquals(pairs.size(), count);

            byte[] good = Files.readAllBytes(f);
            long n = ByteBuffer.wrap(good, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            Random rnd = new Random(3);
            for (int t = 0; t < 8 + n + 400; t++) {
                int pos = t < 8 + n ? t : (int) (8 + n + rnd.nextLong(good.length - 8 - n));
                byte[] bad = good.clone();
                bad[pos] ^= (byte) (1 << rnd.nextInt(8));
                Files.write(f, bad);
                assertThrows(IOException.class, () -> Checkpoint.read(f), "changed byte " + pos + " accepted");
            }
        }
    }

    @Test
    void extraTensorsNeedNoFormatChange(@TempDir Path dir) throws Exception {
        try (Dataset d = handMade(new HostScope())) {
            Path f = dir.resolve("last.ckpt");
            small(d).withTensor("adam.m.a", new float[] {1, 2, 3, 4, 5, 6}, 2, 3).withInts("sampler.state", new int[] {7, 8}, 2).write(f);
            Checkpoint ck = Checkpoint.read(f);
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, ck.tensor("adam.m.a"));
            assertArrayEquals(new int[] {7, 8}, ck.ints("sampler.state"));
            assertArrayEquals(new int[] {2}, ck.intShape("sampler.state"));
            assertThrows(IllegalArgumentException.class, () -> ck.withInts("seen.items", new int[0], 0));
            Properties bad = new Properties();
            bad.setProperty("fingerprint.train", "x");
            assertThrows(IllegalArgumentException.class, () -> new Checkpoint(bad, new java.util.LinkedHashMap<>(), new java.util.LinkedHashMap<>()));
        }
    }

    /** The version-1 layout, written here by hand: "MMGCNCK1", header, tensors. */
    static byte[] version1(Properties header, String name, float[] values, int rows, int cols) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write("MMGCNCK1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        java.io.StringWriter w = new java.io.StringWriter();
        header.store(w, null);
        byte[] h = w.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(h.length);
        out.write(h);
        out.writeInt(1);
        out.writeUTF(name);
        out.writeInt(rows);
        out.writeInt(cols);
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        out.write(b.array());
        out.flush();
        return bytes.toByteArray();
    }

    @Test
    void versionOneIsRefusedWithAWayOutAndConverts(@TempDir Path dir) throws Exception {
        Properties h = new Properties();
        h.setProperty("data.users", "3");
        h.setProperty("data.items", "4");
        Path v1 = dir.resolve("old.ckpt");
        Files.write(v1, version1(h, "representation", new float[] {1, 2, 3, 4, 5, 6, 7}, 7, 1));
        IOException e = assertThrows(IOException.class, () -> Checkpoint.read(v1));
        assertTrue(e.getMessage().contains("version-1") && e.getMessage().contains("re-train") && e.getMessage().contains("convert"), e.getMessage());
        try (Dataset d = handMade(new HostScope())) {
            Path v2 = dir.resolve("new.ckpt");
            Checkpoint.convertVersion1(v1, d, v2);
            Checkpoint ck = Checkpoint.read(v2);
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7}, ck.tensor("representation"));
            assertEquals("4", ck.get("data.items"));
            assertEquals("bob", ck.trainingRecord().userIds().external(1));
        }
    }

    @Test
    void otherFilesAndVersionsAreNamed(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.safetensors");
        dev.mmgcn.io.TensorFile.write(f, java.util.Map.of("format", Checkpoint.FORMAT, "format.version", "3"), List.of());
        IOException e = assertThrows(IOException.class, () -> Checkpoint.read(f));
        assertTrue(e.getMessage().contains("version 3") && e.getMessage().contains("newer"), e.getMessage());
        dev.mmgcn.io.TensorFile.write(f, java.util.Map.of("what", "else"), List.of());
        e = assertThrows(IOException.class, () -> Checkpoint.read(f));
        assertTrue(e.getMessage().contains("not an mmgcn-engine checkpoint"), e.getMessage());
        e = assertThrows(IOException.class, () -> Checkpoint.read(dir.resolve("missing.ckpt")));
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
    }
}
