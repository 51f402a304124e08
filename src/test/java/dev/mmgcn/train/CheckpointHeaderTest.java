package dev.mmgcn.train;

import dev.mmgcn.layers.Aggregation;
import dev.mmgcn.layers.Combination;
import dev.mmgcn.model.FreedomConfig;
import dev.mmgcn.model.LightGcnConfig;
import dev.mmgcn.model.MmgcnConfig;
import dev.mmgcn.model.ModelConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checkpoint header's schema against the entries written out by hand, as README's layout names them. */
class CheckpointHeaderTest {

    @Test
    void readsTheDocumentedEntries() {
        Properties p = new Properties();
        p.setProperty("data.users", "3");
        p.setProperty("data.items", "4");
        p.setProperty("data.used_modalities", "v,t");
        p.setProperty("data.modality", "v=/a/v.npy;t=/a/t.npy");
        p.setProperty("data.data", "/a");
        p.setProperty("model.type", "lightgcn");
        p.setProperty("model.dim", "8");
        p.setProperty("model.layers", "2");
        p.setProperty("model.init", "NORMAL");
        CheckpointHeader h = new CheckpointHeader(p);
        assertEquals(3, h.users());
        assertEquals(4, h.items());
        assertEquals(List.of("v", "t"), h.usedModalities());
        assertEquals(Map.of("v", "/a/v.npy", "t", "/a/t.npy"), h.modalityFiles());
        assertEquals(new LightGcnConfig(8, 2, LightGcnConfig.EmbeddingInit.NORMAL), h.model());
        assertFalse(h.hasSettings());
        assertEquals(Map.of("data", "/a", "modality", List.of("v=/a/v.npy", "t=/a/t.npy")), h.legacyDataOptions());
        p.setProperty("settings.epochs", "7");
        assertTrue(h.hasSettings(), "a view: entries added to the properties are seen");
        assertEquals("7", h.setting("epochs").orElseThrow());
    }

    @Test
    void withoutAModelTypeItIsMmgcnAndAMissingCountIsNamed() {
        Properties p = new Properties();
        p.setProperty("model.dim", "4");
        p.setProperty("model.latent", "5");
        p.setProperty("model.layers", "1");
        p.setProperty("model.aggregation", "MAX");
        p.setProperty("model.combination", "ELEMENT");
        p.setProperty("model.fusion", "SUM");
        p.setProperty("model.id_embedding", "false");
        p.setProperty("model.slope", "0.1");
        CheckpointHeader h = new CheckpointHeader(p);
        assertEquals(new MmgcnConfig(4, 5, 1, Aggregation.MAX, Combination.ELEMENT, MmgcnConfig.Fusion.SUM, false, 0.1f,
                MmgcnConfig.DEFAULT_WORD_DIM), h.model());
        CheckpointHeader.Damaged e = assertThrows(CheckpointHeader.Damaged.class, h::users);
        assertEquals("the header entry 'data.users' is missing", e.getMessage());
        p.setProperty("data.items", "x");
        assertEquals("the header entry 'data.items' is 'x'", assertThrows(CheckpointHeader.Damaged.class, h::items).getMessage());
        p.setProperty("model.type", "gru4rec");
        assertTrue(assertThrows(CheckpointHeader.Damaged.class, h::model).getMessage()
                .startsWith("the checkpoint's model settings (model.*) are missing or damaged: unknown model 'gru4rec'"));
    }

    @Test
    void everyModelComesBackAsItWasWritten() {
        for (ModelConfig mc : List.of(MmgcnConfig.defaults(), MmgcnConfig.defaults().withSignedOutput(true), LightGcnConfig.defaults(),
                new FreedomConfig(16, 5, 2, 1, 0.5f, 0f, Map.of("v", 0.25f, "t", 0.75f)))) {
            CheckpointHeader h = new CheckpointHeader().withModel(mc, List.of("v"));
            assertEquals(mc, h.model());
            assertEquals(mc.kind(), h.properties().getProperty("model.type"));
            assertEquals("v", h.properties().getProperty("model.used_modalities"));
        }
        CheckpointHeader h = new CheckpointHeader().withCounts(2, 9);
        CheckpointHeader c = h.copy().withSeed(5);
        assertEquals("5", c.properties().getProperty("train.seed"));
        assertFalse(h.properties().containsKey("train.seed"), "a copy leaves the original as it was");
        assertEquals(Map.of("data.users", "2", "data.items", "9"), h.entries());
    }
}
