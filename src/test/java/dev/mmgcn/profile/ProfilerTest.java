package dev.mmgcn.profile;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.SyntheticGenerator;
import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.Mmgcn;
import dev.mmgcn.model.MmgcnConfig;
import dev.mmgcn.train.TrainConfig;
import dev.mmgcn.train.Trainer;
import org.junit.jupiter.api.Test;

import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.Device;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class ProfilerTest {

    /**
     * Every method of Kernels, called on the counting backend, reaches the backend's own method and only it
     * (a default run over counted primitives would count the decomposition, and the backend's fused kernel
     * would never run), and is counted once as its {@link Call}, or not at all where it is no kernel.
     */
    @Test
    void countingForwardsEveryMethodToTheBackendsOwnAndCountsEachKernelOnce() throws Exception {
        List<Method> seen = new ArrayList<>();
        Kernels recorder = (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class}, (proxy, m, args) -> {
            if (m.getDeclaringClass() == Object.class) return m.getName().equals("toString") ? "recorder" : m.getName().equals("hashCode") ? 0 : false;
            seen.add(m);
            if (m.getName().equals("replayable")) ((Runnable) args[1]).run();
            if (m.getName().equals("device")) return Device.HOST;
            Class<?> r = m.getReturnType();
            return r == float.class ? 0f : r == boolean.class ? false : r == int.class ? 0 : null;
        });
        CountingKernels counting = new CountingKernels(recorder);
        try (HostScope s = new HostScope()) {
            for (Method m : Kernels.class.getMethods()) {
                if (Modifier.isStatic(m.getModifiers())) continue;
                Object[] args = new Object[m.getParameterCount()];
                for (int i = 0; i < args.length; i++) args[i] = argument(m.getParameterTypes()[i], s);
                seen.clear();
                long before = total(counting);
                m.invoke(counting.get(), args);
                assertEquals(List.of(m), seen, "the backend's own " + m.getName() + ", nothing else");
                Call c = Call.of(m);
                assertEquals(c == null ? before : before + 1, total(counting), m.toString());
                assertEquals(c != null, !Call.UNCOUNTED.contains(m.getName()), m.toString());
                if (c != null) assertTrue(counting.count(null, c) > 0, m.toString());
            }
        }
    }

    private static Object argument(Class<?> type, HostScope s) {
        if (type == Tensor.class) return s.floats(2, 2);
        if (type == IntTensor.class) return s.ints(2, 1);
        if (type == CsrMatrix.class) return CsrMatrix.of(s, 2, 2, new int[] {0, 1, 2}, new int[] {0, 1}, new float[] {1f, 1f});
        if (type == Scope.class) return s;
        if (type == Runnable.class) return (Runnable) () -> { };
        if (type == float.class) return 0f;
        if (type == int.class) return 1;
        if (type == boolean.class) return false;
        if (type == Object.class) return "key";
        throw new AssertionError("no test argument of type " + type);
    }

    private static long total(CountingKernels c) {
        long n = 0;
        for (Call call : Call.values()) n += c.count(null, call);
        return n;
    }

    /** Every kernel has its FLOPs and bytes in Costs, but for these, which move data or mask without arithmetic to speak of. */
    @Test
    void everyKernelButTheFreeOnesHasItsCost() {
        Set<String> free = Set.of("upload", "download", "upload(csr)", "readScalar", "maskScores");
        for (Call c : Call.values()) assertEquals(!free.contains(c.method()), Costs.priced(c), c + ": a row in Costs, or argued free here");
        assertDoesNotThrow(Costs::check);
        assertThrows(IllegalArgumentException.class, () -> Call.named("noSuchKernel"));
    }

    /**
     * A backend that runs each replayable key's calls the first time and skips them afterwards, as a CUDA
     * graph replay skips the Java code (the training it does is nonsense; only the counts matter here).
     */
    private static final class Replaying extends dev.mmgcn.kernels.PrimitivesOnly {
        final java.util.Map<Object, Integer> runs = new java.util.HashMap<>();
        int replays;

        Replaying(Kernels k) {
            super(k);
        }

        @Override
        public void replayable(Object key, Runnable calls) {
            // run a key twice (the first run may allocate), then replay it
            if (runs.merge(key, 1, Integer::sum) <= 2) calls.run();
            else replays++;
        }
    }

    @Test
    void callsPerStepStayRightWhenTheBackendReplays() {
        try (Dataset data = SyntheticGenerator.generate(SyntheticGenerator.TINY, 5)) {
            List<EpochProfile> plain = new ArrayList<>();
            train(new dev.mmgcn.kernels.PrimitivesOnly(Backends.cpu()), data, Profiler.on(plain::add));
            Replaying replaying = new Replaying(Backends.cpu());
            List<EpochProfile> replayed = new ArrayList<>();
            train(replaying, data, Profiler.on(replayed::add));
            assertTrue(replaying.replays > 0, "full batches after the first were replayed");
            assertEquals(plain.get(1).callsPerStep(), replayed.get(1).callsPerStep());
        }
    }

    /** Validation at epoch ends only: a validation inside an epoch reads the loss too, and this test counts a step's own reads. */
    private static final TrainConfig TC = new TrainConfig(2, 256, 5e-3f, 1e-4f, 0f, 99L, 0, "recall@20", new int[] {20})
            .withEvalEvery(Integer.MAX_VALUE);

    private static Trainer.Result train(Kernels k, Dataset data, Profiler profiler) {
        try (Mmgcn model = new Mmgcn(MmgcnConfig.defaults(), k, data.numUsers(), data.numItems(), data.modalities(), data.train(), 99L);
             Trainer t = new Trainer(model, data, TC, k, profiler)) {
            return t.fit(new Trainer.Listener() {
            }, null);
        }
    }

    @Test
    void profilingChangesNothingAndCountsWhatAStepDoes() {
        Kernels k = Backends.cpu();
        try (Dataset data = SyntheticGenerator.generate(SyntheticGenerator.TINY, 5)) {
            Trainer.Result plain = train(k, data, Profiler.off());
            List<EpochProfile> profiles = new ArrayList<>();
            Trainer.Result profiled = train(k, data, Profiler.on(profiles::add));
            for (int e = 0; e < 2; e++) {
                assertEquals(plain.history().get(e).loss(), profiled.history().get(e).loss(), "the same computation, counted");
                assertEquals(plain.history().get(e).valid().asMap(), profiled.history().get(e).valid().asMap());
            }
            assertEquals(2, profiles.size());
            EpochProfile p = profiles.get(1);
            int steps = (int) Math.ceil(data.train().size() / 256.0); // TINY has no repeated pairs
            assertEquals(steps, p.steps());
            assertEquals(1.0, p.callsPerStep().get(Call.named("adamStep")), "one multi-tensor Adam call per step");
            assertEquals(1.0 / steps, p.uploadsPerStep(), 1e-12, "the plan's one upload per epoch, nothing per step");
            assertEquals(1.0, p.callsPerStep().get(Call.named("copy(ints)")), "the step's triples: one copy backend to backend");
            assertEquals(1.0, p.callsPerStep().get(Call.named("bprLoss")));
            assertFalse(p.callsPerStep().containsKey(Call.named("topK")), "ranking belongs to evaluation");
            assertTrue(p.evalCalls() > 0);
            // the loss is read after the first step, every ceil(steps/10) steps and at the end
            int every = Math.max(1, (steps + 9) / 10);
            int reads = 0;
            for (int done = 1; done <= steps; done++) if (done == 1 || done % every == 0 || done == steps) reads++;
            assertEquals((double) reads / steps, p.hostReadsPerStep(), 1e-12);
            double phases = 0;
            for (Profiler.Phase ph : Profiler.Phase.values()) if (ph.training()) phases += p.seconds().get(ph);
            assertTrue(phases <= p.trainSeconds() + 1e-6, phases + " s of phases in " + p.trainSeconds() + " s");
            assertTrue(p.seconds().get(Profiler.Phase.FORWARD) > 0 && p.seconds().get(Profiler.Phase.BACKWARD) > 0);
            assertFalse(p.nanosPerStep().isEmpty(), "host backends are timed per call");
            assertTrue(p.lines().get(0).startsWith("profile  epoch 2: train "), p.lines().get(0));
        }
    }

    /**
     * The roofline's arithmetic against the formulas by hand: a GEMM, an SpMM and an axpby made inside one
     * step, on a backend whose ceilings are given (2 GFLOP/s, 4 GB/s); their FLOPs, compulsory bytes, the
     * epoch's FLOP floor and its roofline floor (each call at the slower of the two ceilings).
     */
    @Test
    void rooflineCountsEachCallsWorkFromItsShapes() {
        dev.mmgcn.kernels.Ceilings roof = new dev.mmgcn.kernels.Ceilings(2.0, 4.0, "given");
        Kernels inner = new dev.mmgcn.kernels.PrimitivesOnly(new dev.mmgcn.kernels.ScalarKernels()) {
            @Override
            public dev.mmgcn.kernels.Ceilings ceilings() { return roof; }
        };
        List<EpochProfile> out = new ArrayList<>();
        Profiler profiler = Profiler.on(out::add);
        Kernels k = profiler.wrap(inner);
        try (dev.mmgcn.storage.Scope s = k.newScope()) {
            int m = 30, kk = 20, n = 10;
            var a = s.floats(m, kk);
            var b = s.floats(kk, n);
            var c = s.floats(m, n);
            // a 4-node ring graph, stored both ways: 8 entries
            var g = dev.mmgcn.data.GraphBuilder.bipartite(new dev.mmgcn.storage.HostScope(), 2, 2,
                    new dev.mmgcn.data.Interactions(new int[] {0, 0, 1, 1}, new int[] {0, 1, 0, 1}), dev.mmgcn.data.GraphBuilder.Weights.MEAN);
            var x = s.floats(4, 6);
            var y = s.floats(4, 6);
            profiler.epochStarted();
            profiler.begin(Profiler.Phase.FORWARD);
            k.gemm(false, false, 1f, a, b, 1f, c);                 // beta 1: C read and written
            k.spmm(g, x, 0f, y);
            k.axpby(0.5f, y, 0.5f, x);
            profiler.end(Profiler.Phase.FORWARD);
            profiler.stepDone();
            EpochProfile p = profiler.epochDone(1, profiler.mark());
            double gemmFlops = 2.0 * m * kk * n, gemmBytes = 4.0 * (m * kk + kk * n + 2 * m * n);
            double spmmFlops = 2.0 * 8 * 6, spmmBytes = 4.0 * (2 * 8 + 5 + 4 * 6 + 4 * 6);
            double axpbyFlops = 3.0 * 24, axpbyBytes = 4.0 * 3 * 24;
            assertEquals(gemmFlops, p.flopsPerStep().get(Call.named("gemm")));
            assertEquals(gemmBytes, p.bytesPerStep().get(Call.named("gemm")));
            assertEquals(spmmFlops, p.flopsPerStep().get(Call.named("spmm")));
            assertEquals(spmmBytes, p.bytesPerStep().get(Call.named("spmm")));
            assertEquals(axpbyBytes, p.bytesPerStep().get(Call.named("axpby")));
            assertEquals(gemmFlops + spmmFlops + axpbyFlops, p.flopsPerStepTotal());
            assertEquals((gemmFlops + spmmFlops + axpbyFlops) / 2e9, p.flopFloorSeconds(), 1e-18);
            double floor = Math.max(gemmFlops / 2e9, gemmBytes / 4e9) + Math.max(spmmFlops / 2e9, spmmBytes / 4e9)
                    + Math.max(axpbyFlops / 2e9, axpbyBytes / 4e9);
            assertEquals(floor, p.floorSeconds(), 1e-18);
            assertTrue(String.join("\n", p.lines()).contains("profile  roofline: this machine 2.0 GFLOP/s, 4.0 GB/s (given)"), String.join("\n", p.lines()));
        }
    }

    /**
     * A family measured faster than the probed ceiling means the probe ran slowed (the machine was busy when
     * it ran): the roofline lines say so instead of printing rates above 100 % as if they were real.
     */
    @Test
    void aRateAboveTheProbedCeilingIsFlaggedAsAProbeDisturbed() {
        dev.mmgcn.kernels.Ceilings roof = new dev.mmgcn.kernels.Ceilings(2.0, 4.0, "given");
        Call gemm = Call.named("gemm");
        java.util.function.DoubleFunction<String> lines = nanos -> String.join("\n", new EpochProfile(1, 1.0,
                java.util.Map.of(), 1, java.util.Map.of(gemm, 1.0), java.util.Map.of(gemm, nanos), 0,
                java.util.Map.of(gemm, 2e9), java.util.Map.of(gemm, 1e9), roof).rooflineLines());
        String fast = lines.apply(0.5e9); // 4 GFLOP/s against a 2 GFLOP/s ceiling
        assertTrue(fast.contains("(200% of peak)") && fast.contains("faster than the probed ceiling"), fast);
        String plain = lines.apply(2e9); // 1 GFLOP/s, 0.5 GB/s: inside both ceilings
        assertTrue(plain.contains("(50% of peak)") && !plain.contains("probed ceiling"), plain);
        String bandwidth = lines.apply(0.2e9); // 10 GFLOP/s and 5 GB/s: both above
        assertTrue(bandwidth.contains("faster than the probed ceiling"), bandwidth);
    }
}
