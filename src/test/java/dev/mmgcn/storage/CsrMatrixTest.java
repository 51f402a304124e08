package dev.mmgcn.storage;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One entry per coordinate: repeats are summed by fromCoo and refused by of(). */
class CsrMatrixTest {
    @Test
    void repeatedCoordinatesAreSummedIntoOneEntry() {
        try (HostScope s = new HostScope()) {
            // (0,2) three times, (1,0) twice, (1,1) once, unsorted
            CsrMatrix m = CsrMatrix.fromCoo(s, 3, 3, new int[] {0, 1, 0, 1, 0, 1}, new int[] {2, 0, 2, 1, 2, 0},
                    new float[] {0.5f, 1f, 0.25f, 4f, 2f, 8f});
            assertEquals(3, m.nnz());
            assertArrayEquals(new int[] {0, 1, 3, 3}, m.rowPtr().toArray());
            assertArrayEquals(new int[] {2, 0, 1}, m.colIdx().toArray());
            assertArrayEquals(new float[] {2.75f, 9f, 4f}, m.values().toArray());
            // the transpose is built from the coalesced matrix
            CsrMatrix t = m.transpose();
            assertArrayEquals(new int[] {0, 1, 2, 3}, t.rowPtr().toArray());
            assertArrayEquals(new int[] {1, 1, 0}, t.colIdx().toArray());
            assertArrayEquals(new float[] {9f, 4f, 2.75f}, t.values().toArray());
        }
    }

    @Test
    void aRepeatedCoordinateInAnAllOnesPatternBecomesItsCount() {
        try (HostScope s = new HostScope()) {
            CsrMatrix one = CsrMatrix.fromCoo(s, 1, 1, new int[] {0, 0}, new int[] {0, 0}, null);
            assertEquals(1, one.nnz(), "a 1x1 matrix holds one entry");
            assertArrayEquals(new float[] {2f}, one.values().toArray());
            CsrMatrix plain = CsrMatrix.fromCoo(s, 2, 3, new int[] {1, 0}, new int[] {2, 1}, null);
            assertNull(plain.values(), "no repeats: still an all-ones pattern");
            assertArrayEquals(new int[] {1, 2}, plain.colIdx().toArray());
        }
    }

    @Test
    void wrappedArraysMustHoldOneEntryPerCoordinate() {
        try (HostScope s = new HostScope()) {
            var repeat = assertThrows(IllegalArgumentException.class,
                    () -> CsrMatrix.of(s, 1, 1, new int[] {0, 2}, new int[] {0, 0}, null));
            assertTrue(repeat.getMessage().contains("row 0: column 0 repeats"), repeat.getMessage());
            var order = assertThrows(IllegalArgumentException.class,
                    () -> CsrMatrix.of(s, 2, 4, new int[] {0, 1, 3}, new int[] {0, 3, 1}, null));
            assertTrue(order.getMessage().contains("row 1: column 1 out of order"), order.getMessage());
            assertThrows(IllegalArgumentException.class, () -> CsrMatrix.of(s, 1, 2, new int[] {0, 1}, new int[] {2}, null));
            assertThrows(IllegalArgumentException.class, () -> CsrMatrix.of(s, 2, 2, new int[] {0, 2, 1}, new int[] {0, 1}, null));
            assertEquals(2, CsrMatrix.of(s, 2, 2, new int[] {0, 1, 2}, new int[] {1, 0}, null).nnz());
        }
    }
}
