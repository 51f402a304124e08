package dev.mmgcn.train;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.SyntheticGenerator;
import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.Mmgcn;
import dev.mmgcn.model.MmgcnConfig;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training never wraps a Java array in a {@code MemorySegment}. The first heap segment a JVM meets loads a
 * second implementation of the interface ({@code jdk.internal.foreign.HeapMemorySegmentImpl}), and every
 * method C2 had compiled assuming one is thrown away: on TikTok, about a hundred — every kernel among them —
 * in the middle of the first backward pass, where the depth-split weight-gradient GEMM kept its partial
 * sums in a {@code float[]}. A child JVM logs its class loads while it runs that GEMM and a short training
 * run of every kind of step; the log must not name a heap segment class.
 */
class OneSegmentKindTest {

    /** The child: a depth-split GEMM (Xᵀ·dY with k = 2048 rows) and two epochs of MMGCN on the tiny set. */
    public static void main(String[] args) {
        Kernels k = Backends.cpu();
        try (Scope s = k.newScope()) {
            Tensor x = s.floats(2048, 64), dy = s.floats(2048, 32), dw = s.floats(64, 32);
            k.fill(x, 0.5f);
            k.fill(dy, 0.25f);
            k.gemm(true, false, 1f, x, dy, 0f, dw);
            if (k.readScalar(dw.rowSlice(0, 1)) != 2048 * 0.125f) throw new AssertionError("wrong GEMM result");
        }
        TrainConfig tc = TrainConfig.defaults().withEpochs(2);
        try (Dataset data = SyntheticGenerator.generate(SyntheticGenerator.TINY, 3);
             Mmgcn model = new Mmgcn(MmgcnConfig.defaults(), k, data.numUsers(), data.numItems(), data.modalities(), data.train(), tc.seed());
             Trainer t = new Trainer(model, data, tc, k)) {
            t.fit(new Trainer.Listener() { }, null);
        }
        System.out.println("child done");
    }

    @Test
    void trainingLoadsNoHeapSegmentClass() throws IOException, InterruptedException {
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx512m",
                "-Xlog:class+load=info:stdout", "-cp", System.getProperty("java.class.path"), OneSegmentKindTest.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child finished");
        assertEquals(0, p.exitValue(), out.lines().filter(l -> !l.contains("source:")).reduce("", (a, b) -> a + b + "\n"));
        assertTrue(out.contains("child done"), "the child ran to its end");
        List<String> heap = out.lines().filter(l -> l.contains("HeapMemorySegmentImpl")).toList();
        assertTrue(heap.isEmpty(), "a heap MemorySegment was made while training:\n" + String.join("\n", heap));
    }
}
