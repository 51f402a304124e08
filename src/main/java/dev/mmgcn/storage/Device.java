package dev.mmgcn.storage;

/** Where a buffer's bytes live. Host buffers may be read by Java code; device buffers only by the backend that made them. */
public enum Device {
    HOST,
    CUDA
}
