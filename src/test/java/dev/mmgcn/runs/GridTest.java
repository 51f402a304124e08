package dev.mmgcn.runs;

import dev.mmgcn.settings.SettingsException;
import dev.mmgcn.settings.Source;
import dev.mmgcn.settings.TrainSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Grids from files and inline entries, the trials they expand to, and the messages for bad grids. */
class GridTest {
    @TempDir
    Path dir;

    private Path file(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void fileGridIsTheCartesianProductWithFixedValuesHeld() throws Exception {
        Grid g = Grid.fromFile(file("grid.yaml", "lr: [0.001, 0.003]\ndim: [32, 64, 128]\nsynthetic: tiny\nseed: [1, 2]\n"));
        assertEquals(12, g.size());
        SweepPlan plan = SweepPlan.of(TrainSettings.defaults(), g);
        assertEquals(12, plan.trials().size());
        // written by hand: the first axis varies slowest, fixed values never name a trial
        List<String> expected = new java.util.ArrayList<>();
        for (String lr : List.of("0.001", "0.003")) for (String dim : List.of("32", "64", "128")) for (String seed : List.of("1", "2")) {
            expected.add("lr=" + lr + "_dim=" + dim + "_seed=" + seed);
        }
        assertEquals(expected, plan.trials().stream().map(Trial::name).toList());
        Trial t = plan.trials().get(7); // lr=0.003, dim=32, seed=2
        assertEquals("lr=0.003_dim=32_seed=2", t.name());
        assertEquals("lr=0.003_dim=32", t.group(), "seeds of one configuration share a group");
        assertEquals(0.003f, t.settings().training().learningRate());
        assertEquals(32, t.settings().model().embeddingDim());
        assertEquals(2, t.settings().training().seed());
        assertEquals("tiny", t.settings().data().synthetic());
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), plan.trials().stream().map(Trial::index).toList());
    }

    @Test
    void gridValuesGoOnTopOfTheBaseSettings() {
        TrainSettings base = TrainSettings.resolve(List.of(new dev.mmgcn.settings.Settings.Layer(Source.of("base"),
                Map.of("epochs", 3, "lr", 0.5, "synthetic", "tiny"))));
        SweepPlan plan = SweepPlan.of(base, Grid.inline("lr=0.001,0.0005"));
        assertEquals(List.of("lr=0.001", "lr=0.0005"), plan.trials().stream().map(Trial::name).toList());
        for (Trial t : plan.trials()) assertEquals(3, t.settings().training().epochs());
        assertEquals(0.0005f, plan.trials().get(1).settings().training().learningRate());
    }

    @Test
    void listValuedSettings() throws Exception {
        Grid fixed = Grid.fromFile(file("a.yaml", "ks: [10, 20]\nlr: [0.1, 0.2]\n"));
        SweepPlan p = SweepPlan.of(TrainSettings.defaults(), fixed);
        assertEquals(2, p.trials().size());
        assertArrayEquals(new int[] {10, 20}, p.trials().getFirst().settings().training().ks());
        Grid varied = Grid.fromFile(file("b.yaml", "ks: [[10, 20], [50]]\n"));
        SweepPlan q = SweepPlan.of(TrainSettings.defaults(), varied);
        assertEquals(List.of("ks=10,20", "ks=50"), q.trials().stream().map(Trial::name).toList());
        SweepPlan r = SweepPlan.of(TrainSettings.defaults(), Grid.inline("ks=10,20;50"));
        assertEquals(List.of("ks=10,20", "ks=50"), r.trials().stream().map(Trial::name).toList());
        assertArrayEquals(new int[] {20, 50}, r.trials().get(1).settings().training().ks(), "50, and the metric's 20");
    }

    @Test
    void inlineAndFileGridsCombine() throws Exception {
        Grid g = Grid.fromFile(file("g.yaml", "dim: [8, 16]\n")).and(Grid.inline("seed=1,2,3"));
        assertEquals(6, g.size());
        SettingsException twice = assertThrows(SettingsException.class, () -> g.and(Grid.inline("dim=4,5")));
        assertTrue(twice.getMessage().contains("'dim' is given twice"), twice.getMessage());
    }

    @Test
    void badGridsNameTheKeyAndTheValidOnes() throws Exception {
        SettingsException e = assertThrows(SettingsException.class, () -> Grid.fromFile(file("g.yaml", "lr: [0.1]\nlearnrate: [1, 2]\n")));
        assertTrue(e.getMessage().contains("g.yaml: unknown setting 'learnrate' in the grid; valid settings: data, format"), e.getMessage());
        assertTrue(e.getMessage().contains("weight-decay") && e.getMessage().contains("seed") && !e.getMessage().contains(" out"), e.getMessage());

        e = assertThrows(SettingsException.class, () -> Grid.inline("epohcs=1,2"));
        assertTrue(e.getMessage().startsWith("--grid: unknown setting 'epohcs' in the grid; valid settings: "), e.getMessage());

        e = assertThrows(SettingsException.class, () -> Grid.inline("out=a,b"));
        assertTrue(e.getMessage().contains("'out' cannot be part of a grid"), e.getMessage());

        e = assertThrows(SettingsException.class, () -> Grid.fromFile(file("e.yaml", "lr: []\n")));
        assertTrue(e.getMessage().contains("e.yaml: lr: an empty list"), e.getMessage());

        Grid badValue = Grid.fromFile(file("v.yaml", "lr: [0.1, -1]\n"));
        e = assertThrows(SettingsException.class, () -> SweepPlan.of(TrainSettings.defaults(), badValue));
        assertTrue(e.getMessage().contains("v.yaml: lr must be positive, got -1"), e.getMessage());

        e = assertThrows(SettingsException.class, () -> SweepPlan.of(TrainSettings.defaults(), Grid.inline("dim=8,x")));
        assertTrue(e.getMessage().contains("--grid dim expects an integer, got 'x'"), e.getMessage());

        e = assertThrows(SettingsException.class, () -> Grid.inline("lr"));
        assertTrue(e.getMessage().contains("KEY=V1,V2"), e.getMessage());
        e = assertThrows(SettingsException.class, () -> Grid.inline("lr=0.1,,0.2"));
        assertTrue(e.getMessage().contains("an empty value"), e.getMessage());

        e = assertThrows(SettingsException.class, () -> Grid.fromFile(dir.resolve("missing.yaml")));
        assertTrue(e.getMessage().startsWith("--grid: " + dir.resolve("missing.yaml") + " does not exist"), e.getMessage());
        e = assertThrows(SettingsException.class, () -> Grid.fromFile(file("broken.yaml", "lr: [0.1\n")));
        assertTrue(e.getMessage().startsWith(dir.resolve("broken.yaml") + ":"), e.getMessage());
        e = assertThrows(SettingsException.class, () -> SweepPlan.of(TrainSettings.defaults(), Grid.empty()));
        assertTrue(e.getMessage().contains("the grid is empty"), e.getMessage());
    }

    @Test
    void aFolderHoldingAnotherSweepIsNamedWithTheDifference() throws Exception {
        SweepPlan a = SweepPlan.of(TrainSettings.defaults(), Grid.inline("lr=0.1,0.2"));
        Path json = dir.resolve("sweep.json");
        Files.writeString(json, RunJson.pretty(a.toMap("test")));
        a.checkSame(json, "--out"); // the same plan passes
        SweepPlan.of(TrainSettings.defaults(), Grid.inline("lr=0.1,0.2")).checkSame(json, "--out");

        SweepPlan other = SweepPlan.of(TrainSettings.defaults(), Grid.inline("lr=0.1,0.3"));
        SettingsException e = assertThrows(SettingsException.class, () -> other.checkSame(json, "--out"));
        assertTrue(e.getMessage().contains("holds a different sweep (it plans 2 trials (lr=0.1, lr=0.2), this one 2 (lr=0.1, lr=0.3))"), e.getMessage());

        TrainSettings base = TrainSettings.defaults().with(new dev.mmgcn.settings.Settings.Layer(Source.of("x"), Map.of("epochs", 7)));
        SweepPlan changedBase = SweepPlan.of(base, Grid.inline("lr=0.1,0.2"));
        e = assertThrows(SettingsException.class, () -> changedBase.checkSame(json, "--out"));
        assertTrue(e.getMessage().contains("trial lr=0.1 has epochs 1000 there, 7 here"), e.getMessage());
    }
}
