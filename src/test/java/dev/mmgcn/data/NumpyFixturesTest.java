package dev.mmgcn.data;

import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The readers against files numpy itself wrote (committed under {@code src/test/resources/dev/mmgcn/data/numpy},
 * written by {@code make_fixtures.py} beside them with numpy 1.24.2), so the check does not rest on the
 * project's own writer. The expected values are the script's, restated.
 */
class NumpyFixturesTest {
    /** The script's FEATURES: exact in float16, float32 and float64. */
    private static final float[] FEATURES = {
            0f, -0f, 1f, -2.5f,
            0.125f, 0x1p-24f, 65504f, -65504f,
            3.75f, -0.0625f, 1000.5f, 7f};
    private static final int[] PAIRS = {0, 7, 0, 8, 1, 9, 2, 7, 3, 11};

    static Path fixture(String name) {
        URL url = NumpyFixturesTest.class.getResource("numpy/" + name);
        assertNotNull(url, "fixture numpy/" + name + " is missing from the test resources");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"f2_le", "f2_be", "f4_le", "f4_be", "f8_le", "f8_be"})
    void floatFeaturesInEveryWidthAndByteOrder(String kind) {
        try (HostScope s = new HostScope()) {
            Tensor t = Npy.readFloats(fixture("features_" + kind + ".npy"), s);
            assertEquals(3, t.rows());
            assertEquals(4, t.cols());
            float[] got = t.toArray();
            for (int i = 0; i < FEATURES.length; i++) {
                // raw bits: −0 must stay −0 and the float16 subnormal must arrive exactly
                assertEquals(Float.floatToRawIntBits(FEATURES[i]), Float.floatToRawIntBits(got[i]), kind + " element " + i + ": " + got[i]);
            }
        }
    }

    @Test
    void float64IsRoundedToTheNearestFloat32() {
        try (HostScope s = new HostScope()) {
            Tensor t = Npy.readFloats(fixture("narrowing_f8_le.npy"), s);
            assertEquals(4, t.rows(), "a 1-D array of n becomes n×1");
            assertArrayEquals(new float[] {(float) 0.1, (float) (1.0 / 3.0), (float) 1e-40, (float) -1e30}, t.toArray());
        }
    }

    @Test
    void columnMajorFilesAreRefusedWithAHint() {
        try (HostScope s = new HostScope()) {
            DataException e = assertThrows(DataException.class, () -> Npy.readFloats(fixture("features_fortran.npy"), s));
            assertTrue(e.getMessage().contains("features_fortran.npy") && e.getMessage().contains("ascontiguousarray"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"i8_le", "i8_be", "i4_le", "u2_be"})
    void integerPairsInSeveralTypesAndByteOrders(String kind) {
        Npy.Ints ints = Npy.readInts(fixture("pairs_" + kind + ".npy"));
        assertArrayEquals(new int[] {5, 2}, ints.shape());
        assertArrayEquals(PAIRS, ints.data());
    }

    @Test
    void objectArrayOfListsAsMmgcnSavesValidationLists() {
        // Python ints stay Integer, numpy int64 scalars become Long
        assertEquals(List.of(List.of(0, 7L, 9L), List.of(1), List.of(2, 11L)), Npy.readObject(fixture("val_lists.npy")));
    }

    @Test
    void aSavedDictIsAZeroDimensionalObjectArray() {
        assertEquals(Map.of(0, List.of(7L, 8L), 1, List.of(9L), 2, List.of(7L), 3, List.of(11L)),
                Npy.readObject(fixture("user_item_dict.npy")));
    }

    /** A dataset in the official MMGCN layout, every file written by numpy, through guess() and load(). */
    @Test
    void aWholeMmgcnDatasetWrittenByNumpyLoads() {
        Path dir = fixture("mmgcn_set/train.npy").getParent();
        MmgcnLoader.Options o = MmgcnLoader.guess(dir);
        assertEquals(Map.of("visual", "v_feat.npy", "acoustic", "a_feat.npy"), o.features());
        try (LoadResult r = MmgcnLoader.load(dir, "numpy-set", o)) {
            Dataset d = r.dataset();
            assertEquals(4, d.numUsers());
            assertEquals(5, d.numItems());
            assertArrayEquals(new int[] {0, 0, 1, 2, 3}, d.train().users());
            assertArrayEquals(new int[] {0, 1, 2, 0, 4}, d.train().items(), "item ids less the user count");
            assertArrayEquals(new int[] {0, 2}, d.valid().users());
            assertArrayEquals(new int[] {2, 3}, d.valid().items());
            assertArrayEquals(new int[] {0, 3}, d.test().users());
            assertArrayEquals(new int[] {3, 1}, d.test().items());
            assertEquals(14f / 4, d.modality("visual").features().get(4, 2));
            assertEquals(-4.5f, d.modality("acoustic").features().get(0, 0));
            assertEquals(4.5f, d.modality("acoustic").features().get(4, 1));
            assertTrue(r.report().notes().stream().anyMatch(n -> n.contains("user_item_dict.npy agrees with train.npy (5 pairs)")),
                    r.report().toString());
        }
    }
}
