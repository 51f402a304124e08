package dev.mmgcn.cuda;

import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUstreamCaptureMode;

import static jcuda.driver.JCudaDriver.cuGraphDestroy;
import static jcuda.driver.JCudaDriver.cuGraphExecDestroy;
import static jcuda.driver.JCudaDriver.cuGraphInstantiate;
import static jcuda.driver.JCudaDriver.cuGraphLaunch;
import static jcuda.driver.JCudaDriver.cuStreamBeginCapture;
import static jcuda.driver.JCudaDriver.cuStreamEndCapture;

/**
 * {@link GraphRecorder.Driver} on the backend's stream through the driver API. Capture is thread-local
 * ({@code CU_STREAM_CAPTURE_MODE_THREAD_LOCAL}): only this thread's unsafe calls are refused, and such a
 * call (a synchronisation, an allocation) fails with its status and invalidates the capture. The source
 * graph is destroyed right after instantiation; the executable graph does not depend on it.
 * Unverified on a GPU: used only with {@link CudaSwitches#graphs()} on.
 */
final class CudaGraphDriver implements GraphRecorder.Driver<CUgraphExec> {
    private final CudaRuntime rt;

    CudaGraphDriver(CudaRuntime rt) {
        this.rt = rt;
    }

    @Override
    public void beginCapture() {
        CudaRuntime.check("cuStreamBeginCapture", cuStreamBeginCapture(rt.stream(), CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL));
    }

    @Override
    public CUgraphExec endCapture() {
        CUgraph graph = new CUgraph();
        CudaRuntime.check("cuStreamEndCapture", cuStreamEndCapture(rt.stream(), graph));
        try {
            CUgraphExec exec = new CUgraphExec();
            CudaRuntime.check("cuGraphInstantiate", cuGraphInstantiate(exec, graph, 0L));
            return exec;
        } finally {
            CudaRuntime.check("cuGraphDestroy", cuGraphDestroy(graph));
        }
    }

    @Override
    public void launch(CUgraphExec graph) {
        CudaRuntime.check("cuGraphLaunch", cuGraphLaunch(graph, rt.stream()));
    }

    @Override
    public void destroy(CUgraphExec graph) {
        CudaRuntime.check("cuGraphExecDestroy", cuGraphExecDestroy(graph));
    }
}
