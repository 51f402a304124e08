package dev.mmgcn.settings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Reading config files: YAML and JSON, a run's config.json, and what is wrong with a bad one, with the file and line. */
class ConfigFileTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private String error(Path f) {
        return assertThrows(SettingsException.class, () -> TrainSettings.resolve(List.of(ConfigFile.read(f).layer()))).getMessage();
    }

    @Test
    void yamlAndJsonGiveTheSameSettings() throws IOException {
        Path yaml = write("run.yaml", """
                # a comment
                data: /srv/tiktok
                epochs: 50
                lr: 0.001
                modality: [visual=image_feat.npy, acoustic=audio_feat.npy]
                ks: [10, 20]
                no-id-embedding: true
                """);
        Path json = write("run.json", """
                {"data": "/srv/tiktok", "epochs": 50, "lr": 1e-3, "modality": ["visual=image_feat.npy", "acoustic=audio_feat.npy"],
                 "ks": "10,20", "no_id_embedding": true}
                """);
        TrainSettings a = TrainSettings.resolve(List.of(ConfigFile.read(yaml).layer()));
        TrainSettings b = TrainSettings.resolve(List.of(ConfigFile.read(json).layer()));
        assertEquals(a, b);
        assertEquals(50, a.training().epochs());
        assertEquals(Map.of("visual", "image_feat.npy", "acoustic", "audio_feat.npy"), a.data().modalityFiles());
        assertEquals(Source.file(yaml), a.settings().source(TrainSettings.EPOCHS));
    }

    @Test
    void aRunRecordIsReadByItsSettingsAndKeepsWhatItRecordedAboutTheData() throws IOException {
        Path f = write("config.json", """
                {"mmgcn_engine": "0.1.0", "run_id": "x", "settings": {"synthetic": "tiny", "data-seed": 7, "epochs": 3},
                 "data": {"fingerprint": {"users": "300"}}}
                """);
        ConfigFile c = ConfigFile.read(f);
        assertEquals(Map.of("users", "300"), c.recordedData().get("fingerprint"));
        assertEquals(3, TrainSettings.resolve(List.of(c.layer())).training().epochs());
    }

    @Test
    void badFilesSayWhereAndWhat() throws IOException {
        assertEquals(dir.resolve("run.yaml") + ": unknown setting 'epohcs' (did you mean 'epochs'?); settings are named like the "
                + "train options without dashes, e.g. epochs, lr, weight-decay", error(write("run.yaml", "epohcs: 3\n")));
        assertEquals(dir.resolve("v.yaml") + ": epochs must be at least 1, got 0", error(write("v.yaml", "lr: 0.1\nepochs: 0\n")));
        String syntax = error(write("s.yaml", "epochs: 3\nlr: [0.1\n"));
        assertTrue(syntax.startsWith(dir.resolve("s.yaml") + ":2:"), syntax);
        String json = error(write("j.json", "{\"epochs\": 3,}"));
        assertTrue(json.startsWith(dir.resolve("j.json") + ":1:"), json);
        String dup = error(write("d.yaml", "epochs: 3\nepochs: 4\n"));
        assertTrue(dup.startsWith(dir.resolve("d.yaml") + ":2:") && dup.contains("epochs"), dup);
        assertEquals(dir.resolve("l.yaml") + ": expected a mapping of settings (e.g. 'epochs: 30'), got a list",
                error(write("l.yaml", "- epochs\n- 3\n")));
        assertEquals(dir.resolve("e.yaml") + ": the file is empty; write settings such as 'epochs: 30'", error(write("e.yaml", "")));
        assertEquals("--config: " + dir.resolve("none.yaml") + " does not exist", error(dir.resolve("none.yaml")));
        assertTrue(error(dir).startsWith("--config: " + dir + " is a folder"));
        Files.write(dir.resolve("bin.yaml"), new byte[] {(byte) 0xff, (byte) 0xfe, 0x41});
        assertEquals("--config: " + dir.resolve("bin.yaml") + " is not UTF-8 text", error(dir.resolve("bin.yaml")));
    }

    /** Files saved with a byte-order mark (Windows editors) read as the same settings, in YAML and JSON. */
    @Test
    void aByteOrderMarkIsNotPartOfTheFirstKey() throws IOException {
        for (String[] f : new String[][] {{"bom.yaml", "epochs: 7\nlr: 0.01\n"}, {"bom.json", "{\"epochs\": 7, \"lr\": 0.01}"}}) {
            Path p = write(f[0], "\uFEFF" + f[1]);
            TrainSettings s = TrainSettings.resolve(List.of(ConfigFile.read(p).layer()));
            assertEquals(7, s.training().epochs(), f[0]);
            assertEquals(0.01f, s.training().learningRate(), f[0]);
        }
    }

    /** A run record's defaulted thread count is the machine's: a replay resolves it again; a given one is kept. */
    @Test
    void aRecordsDefaultedThreadsAreLeftToTheReplayingMachine() throws IOException {
        Path defaulted = write("a.json", "{\"mmgcn_engine\": \"x\", \"settings\": {\"epochs\": 3, \"threads\": 16}, \"defaults\": [\"threads\"]}");
        assertFalse(ConfigFile.read(defaulted).layer().values().containsKey("threads"));
        assertEquals(3, ConfigFile.read(defaulted).layer().values().get("epochs"));
        Path given = write("b.json", "{\"mmgcn_engine\": \"x\", \"settings\": {\"epochs\": 3, \"threads\": 16}, \"defaults\": [\"epochs\"]}");
        assertEquals(16, ConfigFile.read(given).layer().values().get("threads"));
        assertEquals(3, ConfigFile.read(given).layer().values().get("epochs"), "only the machine's settings are left out");
    }
}
