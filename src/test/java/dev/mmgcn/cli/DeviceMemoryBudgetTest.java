package dev.mmgcn.cli;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.kernels.PrimitivesOnly;
import dev.mmgcn.kernels.ScalarKernels;
import dev.mmgcn.model.DataShape;
import dev.mmgcn.model.ModelConfig;
import dev.mmgcn.model.ModelMemory;
import dev.mmgcn.model.MmgcnConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GPU half of the memory budget ({@code --device cuda}), with a fake device capacity: the estimate is
 * built from the model's own {@code memory(...)} answer, a run that does not fit the GPU's free memory is
 * refused with the numbers, and the capacity is read from the CUDA backend by name (here a stand-in).
 */
class DeviceMemoryBudgetTest {
    /** TikTok's shape: 36,656 users, 76,085 items, 59,542 training pairs… scaled to a round, known case. */
    private static final DataShape SHAPE = new DataShape(30_000, 70_000, 500_000, 600_000, List.of(128, 128, 768));
    private static final long GIB = 1L << 30;

    @Test
    void theDeviceEstimateIsTheModelsAnswerPlusTrainingStateAndCudaBuffers() {
        MmgcnConfig mc = MmgcnConfig.defaults();
        ModelMemory m = mc.memory(SHAPE, 1024);
        MemoryBudget.Estimate gpu = MemoryBudget.device(SHAPE, mc, 1024, 50);
        MemoryBudget.Estimate host = MemoryBudget.training(SHAPE, mc, 1024, 50);
        assertEquals((long) Math.ceil(m.parameters() * 4 * 4), gpu.parts().get("parameters, gradients and Adam moments"));
        assertEquals((long) Math.ceil(m.activations() * 4 * 2), gpu.parts().get("activations and their gradients"));
        assertEquals((long) Math.ceil(m.graphBytes()), gpu.parts().get("graph"));
        assertEquals((long) Math.ceil(m.graphBytes() / 2), gpu.parts().get("cuSPARSE workspace"));
        assertEquals(MemoryBudget.CUDA_BUFFERS, gpu.parts().get("cuBLAS workspace, top-K spill, scratch and CUDA graphs"));
        for (String shared : List.of("features", "representation", "ranking blocks")) {
            assertEquals(host.parts().get(shared), gpu.parts().get(shared), shared + ": the same tensors on either device");
        }
        assertTrue(gpu.parts().get("epoch plan") < host.parts().get("epoch plan"), "the host keeps its own half of the plan");
        long sum = gpu.parts().values().stream().mapToLong(Long::longValue).sum();
        assertEquals(sum, gpu.offHeap());
        assertEquals(0, gpu.heap(), "heap arrays stay on the host");
    }

    @Test
    void aRunThatDoesNotFitTheGpuIsRefusedWithTheNumbers() {
        ModelConfig big = MmgcnConfig.defaults().withEmbeddingDim(4096);
        MemoryBudget.Estimate e = MemoryBudget.device(SHAPE, big, 1024, 50);
        MemoryBudget.DeviceLimits small = new MemoryBudget.DeviceLimits(e.offHeap() - 1, 80 * GIB);
        Failure f = assertThrows(Failure.class, () -> MemoryBudget.checkDevice(e, small, "reduce " + big.sizeOptions() + " or the data"));
        String msg = f.getMessage();
        assertTrue(msg.startsWith("this run needs about " + MemoryBudget.human(e.offHeap()) + " of GPU memory, but the GPU has "
                + MemoryBudget.human(e.offHeap() - 1) + " free of 80.0 GB ("), msg);
        assertTrue(msg.contains("activations and their gradients"), msg);
        assertTrue(msg.contains("cuSPARSE workspace"), msg);
        assertTrue(msg.endsWith("reduce " + big.sizeOptions() + " or the data"), msg);
        MemoryBudget.checkDevice(e, new MemoryBudget.DeviceLimits(e.offHeap(), 80 * GIB), "unused"); // exactly fits
    }

    /** Stands in for CudaKernels: named cuda, answers deviceMemory() as {free, total}. */
    public static final class FakeCuda extends PrimitivesOnly {
        public FakeCuda() {
            super(new ScalarKernels());
        }

        @Override public String name() { return "cuda"; }

        public long[] deviceMemory() { return new long[] {3 * GIB, 80 * GIB}; }
    }

    @Test
    void theCapacityIsReadFromTheCudaBackendOnly() {
        try (Kernels cuda = new FakeCuda(); Kernels cpu = new ScalarKernels()) {
            assertEquals(new MemoryBudget.DeviceLimits(3 * GIB, 80 * GIB), MemoryBudget.DeviceLimits.of(cuda));
            assertNull(MemoryBudget.DeviceLimits.of(cpu), "no GPU budget for a CPU backend");
        }
    }
}
