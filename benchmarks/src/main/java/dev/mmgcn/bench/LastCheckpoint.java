package dev.mmgcn.bench;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.SyntheticGenerator;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.Mmgcn;
import dev.mmgcn.model.MmgcnConfig;
import dev.mmgcn.optim.Adam;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.tape.Var;
import dev.mmgcn.train.TrainingState;
import dev.mmgcn.train.TrainingStateFile;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What resumability costs per epoch: the training state of a default MMGCN (width 64) copied from the
 * backend (parameters and Adam's two moments) and written as {@code last.ckpt} (checksummed, atomic:
 * temporary file, fsync, rename), on the synthetic default and the TikTok data's shape.
 */
public class LastCheckpoint extends Timed {
    @State(Scope.Benchmark)
    public static class Saved {
        @Param({"default", "tiktok"})
        public String shape;

        Dataset data;
        Kernels kernels;
        Mmgcn model;
        Adam adam;
        Path dir;
        List<Var> params;

        @Setup
        public void setUp() throws IOException {
            data = SyntheticGenerator.generate(shape.equals("tiktok") ? TrainStepTiktok.tiktokShape() : SyntheticGenerator.DEFAULT, 2024L);
            kernels = Backend.cpu("vectorAll");
            model = new Mmgcn(MmgcnConfig.defaults(), kernels, data.numUsers(), data.numItems(), data.modalities(), data.train(), 2024L);
            params = model.parameters().all();
            adam = new Adam(kernels, 1e-3f, 0f);
            Map<String, float[][]> zeros = new LinkedHashMap<>();
            for (Var p : params) zeros.put(p.name(), new float[][] {new float[p.rows() * p.cols()], new float[p.rows() * p.cols()]});
            adam.restore(1, params, zeros); // moments for every parameter, as after the first step
            dir = Files.createTempDirectory("last-ckpt-bench");
            System.out.printf("# %s: %,d parameters%n", data.summary(), model.parameters().count());
        }

        @TearDown
        public void tearDown() throws IOException {
            adam.close();
            model.close();
            kernels.close();
            data.close();
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) Files.delete(p);
            }
            Files.delete(dir);
        }
    }

    /** Capture (backend to host) and write, as Trainer's state sink and TrainRun do after every epoch. */
    @Benchmark
    public long captureAndWrite(Saved s) throws IOException {
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        try (HostScope h = new HostScope()) {
            for (Var p : s.params) {
                values.put(p.name(), s.model.parameters().read(p, h));
                shapes.put(p.name(), new int[] {p.rows(), p.cols()});
            }
        }
        TrainingState state = new TrainingState(1, 0, List.of(), null, s.adam.steps(), values, shapes, s.adam.moments(s.params), Map.of("run_id", "bench"));
        Path file = s.dir.resolve("last.ckpt");
        TrainingStateFile.write(file, state);
        return Files.size(file);
    }
}
