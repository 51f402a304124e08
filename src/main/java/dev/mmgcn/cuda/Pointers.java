package dev.mmgcn.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;

/**
 * Bridges between the engine's raw addresses (a {@code Tensor}'s segment address is its device
 * pointer) and JCuda's pointer objects. JCuda keeps an address as {@code nativePointer + byteOffset}
 * and exposes neither a constructor from a long nor a getter, so these subclasses use the protected
 * ones. None of this touches a native library, so it works (and is tested) on machines without CUDA.
 */
final class Pointers {
    private static final CUdeviceptr NULL_DEVICE = new CUdeviceptr();

    private Pointers() {
    }

    /** A device address as JCuda's {@link CUdeviceptr}. */
    static final class DevicePointer extends CUdeviceptr {
        /** An empty pointer for {@code cuMemAlloc} to fill in. */
        DevicePointer() {
        }

        DevicePointer(long address) {
            super(NULL_DEVICE, address);
        }

        long address() {
            return getNativePointer() + getByteOffset();
        }
    }

    /** A host address (an off-heap segment) as a JCuda {@link Pointer}. */
    static final class HostPointer extends Pointer {
        HostPointer(long address) {
            super(address);
        }

        long address() {
            return getNativePointer() + getByteOffset();
        }
    }

    /** A stream whose handle can be handed to cuBLAS through the FFM API. */
    static final class Stream extends CUstream {
        long address() {
            return getNativePointer();
        }
    }

    static DevicePointer device(long address) {
        return new DevicePointer(address);
    }

    static HostPointer host(long address) {
        return new HostPointer(address);
    }
}
