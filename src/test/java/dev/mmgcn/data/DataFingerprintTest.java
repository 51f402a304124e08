package dev.mmgcn.data;

import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataFingerprintTest {

    private static Dataset data(int[] trainItems, float firstFeature) {
        HostScope scope = new HostScope();
        Tensor f = scope.floats(2, 3);
        f.copyFrom(new float[] {firstFeature, -1, 2, 3, 4.25f, 0});
        Interactions train = new Interactions(new int[] {1, 3}, trainItems);
        Interactions valid = new Interactions(new int[] {0}, new int[] {1});
        return new Dataset("t", 4, 2, train, valid, Interactions.empty(), List.of(new Modality("visual", f)), scope);
    }

    @Test
    void partsAreSha256OfTheLittleEndianContent() {
        // expected digests computed independently with Python's hashlib and struct:
        //   train:  sha256(struct.pack('<4i', 1, 0, 3, 1))   (user, item) pairs in order
        //   valid:  sha256(struct.pack('<2i', 0, 1));  test: sha256(b'')
        //   visual: sha256(struct.pack('<ii', 2, 3) + struct.pack('<6f', 0.5, -1, 2, 3, 4.25, 0))
        try (Dataset d = data(new int[] {0, 1}, 0.5f)) {
            DataFingerprint fp = DataFingerprint.of(d);
            assertEquals("4", fp.parts().get("users"));
            assertEquals("2", fp.parts().get("items"));
            assertEquals("2:78ad01f557c16923b423994067e84fa2424caa28943f72092f5491b688b7fc63", fp.parts().get("train"));
            assertEquals("1:01acecb507abfe1a354aa8064f4af5d3f1acd019e37db3c11c97523b71c76e9d", fp.parts().get("valid"));
            assertEquals("0:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", fp.parts().get("test"));
            assertEquals("2x3:79d340d11657ff6f38374dc42fa1268066ee760e9e95d32b94c61add1f121174", fp.parts().get("modality.visual"));
        }
    }

    @Test
    void sameContentSameDigestAndChangesAreNamed() {
        try (Dataset a = data(new int[] {0, 1}, 0.5f); Dataset b = data(new int[] {0, 1}, 0.5f);
             Dataset c = data(new int[] {1, 1}, 0.5f); Dataset e = data(new int[] {0, 1}, 0.75f)) {
            DataFingerprint fa = DataFingerprint.of(a);
            assertEquals(fa, DataFingerprint.of(b));
            assertEquals(fa.digest(), DataFingerprint.of(b).digest());
            assertTrue(DataFingerprint.of(b).changes(fa).isEmpty());

            List<String> trainChanged = DataFingerprint.of(c).changes(fa);
            assertEquals(List.of("the train interactions changed (same size 2, different content)"), trainChanged);
            assertNotEquals(fa.digest(), DataFingerprint.of(c).digest());

            List<String> featuresChanged = DataFingerprint.of(e).changes(fa);
            assertEquals(List.of("the visual features changed (same size 2x3, different content)"), featuresChanged);
        }
    }
}
