package dev.mmgcn.cuda;

import dev.mmgcn.kernels.ScalarKernels;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A CSR whose column index is out of range (built with the unchecked constructor): the scalar backend's
 * csrMax and maskScores throw, and the CUDA backend refuses to upload it with the same error, before any
 * device call (so this runs without a GPU: the Transfers here has no runtime). On the GPU csr_max would
 * read x out of bounds and mask_scores skip the column silently.
 */
class CsrIndexCheckTest {
    private static final String ERROR = "CSR column index 9 outside [0,5)";

    /** 2×5, row 1 holding column 9. */
    private static CsrMatrix bad(HostScope host, int[] ptr) {
        IntTensor p = host.ints(3, 1);
        p.copyFrom(ptr);
        IntTensor c = host.ints(3, 1);
        c.copyFrom(new int[] {0, 2, 9});
        return new CsrMatrix(2, 5, p, c, null);
    }

    @Test
    void theScalarBackendAndTheCudaUploadRefuseAColumnOutOfRange() {
        try (HostScope host = new HostScope(); ScalarKernels k = new ScalarKernels()) {
            CsrMatrix a = bad(host, new int[] {0, 1, 3});
            Tensor x = host.floats(5, 4);
            IndexOutOfBoundsException max = assertThrows(IndexOutOfBoundsException.class,
                    () -> k.csrMax(a, x, host.floats(2, 4), host.ints(2, 4)));
            assertEquals(ERROR, max.getMessage());
            IndexOutOfBoundsException mask = assertThrows(IndexOutOfBoundsException.class,
                    () -> k.maskScores(host.floats(2, 5), a, 0, Float.NEGATIVE_INFINITY));
            assertEquals(ERROR, mask.getMessage());

            Transfers noDevice = new Transfers(null, null);
            IndexOutOfBoundsException upload = assertThrows(IndexOutOfBoundsException.class, () -> noDevice.csr(a, null));
            assertEquals(ERROR, upload.getMessage(), "the CUDA upload refuses it as the scalar backend does");
        }
    }

    @Test
    void theCudaUploadRefusesRowPointersOutsideTheEntries() {
        try (HostScope host = new HostScope()) {
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                    () -> new Transfers(null, null).csr(bad(host, new int[] {0, 4, 3}), null));
            assertEquals("CSR row pointer 4 of row 1 outside [0,3]", e.getMessage());
            e = assertThrows(IndexOutOfBoundsException.class, () -> new Transfers(null, null).csr(bad(host, new int[] {0, 2, 1}), null));
            assertEquals("CSR row pointer 1 of row 2 outside [2,3]", e.getMessage());
        }
    }
}
