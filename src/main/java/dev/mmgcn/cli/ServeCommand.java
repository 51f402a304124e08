package dev.mmgcn.cli;

import dev.mmgcn.api.LoadOptions;
import dev.mmgcn.api.MmgcnModel;
import dev.mmgcn.api.ModelInfo;
import dev.mmgcn.serving.ModelServer;
import dev.mmgcn.settings.Threads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code serve}: the HTTP JSON server ({@link ModelServer}) on a checkpoint, until SIGTERM or Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Serves a checkpoint over HTTP/JSON, in the users' and items' own ids, without its dataset:",
                "  GET  /recommend?user=U&k=10[&include_seen=true]   POST /recommend {\"users\":[…],\"k\":10}",
                "  GET  /similar?item=I&k=10   GET /health   GET /info",
                "Answers are recommend's, number for number. Logs one line with the address when it is ready; SIGTERM or",
                "Ctrl-C stops it gracefully (requests in progress finish, up to 30 s) with exit code 0."},
        footer = {"", Main.EXIT_CODES})
final class ServeCommand implements Callable<Integer> {
    static final String DEFAULT_HOST = "127.0.0.1";
    static final int DEFAULT_PORT = 8080;

    @ParentCommand
    MmgcnCommand top;

    @Option(names = "--checkpoint", paramLabel = "FILE", order = 1, description = "checkpoint written by train (<run folder>/best.ckpt)")
    Path checkpoint;

    @Option(names = "--host", paramLabel = "HOST", order = 2,
            description = "address to listen on (default " + DEFAULT_HOST + ", this machine only; 0.0.0.0 for every interface)")
    String host;

    @Option(names = "--port", paramLabel = "N", order = 3, description = "port (default " + DEFAULT_PORT + "; 0 picks a free one, which the log line names)")
    Integer port;

    @Option(names = "--threads", paramLabel = "N", order = 4, description = "request threads, also the threads a batch request ranks on (default: all cores; at most "
            + Threads.PER_CORE + " per core)")
    Integer threads;

    @Override
    public Integer call() throws InterruptedException {
        int p = port == null ? DEFAULT_PORT : port;
        if (p < 0 || p > 65535) throw Failure.usage("--port must be between 0 and 65535, got " + p);
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (Threads.problem(n) != null) throw Failure.usage("--threads " + Threads.problem(n));
        String h = host == null ? DEFAULT_HOST : host.strip();
        InetAddress address = resolve(h);
        CheckpointFile.check(checkpoint);
        checkFree(address, h, p);
        try (MmgcnModel model = CheckpointFile.model(checkpoint, new LoadOptions(n))) {
            ServerLogging.quiet();
            ModelServer server;
            try {
                server = ModelServer.start(model, h, p, n);
            } catch (IllegalStateException e) { // taken since the check, or refused by the system
                boolean notOurs = String.valueOf(e.getMessage()).contains("assign requested address");
                throw Failure.usage((notOurs ? "--host " + h : "--port " + p) + ": " + e.getMessage());
            }
            server.closeOnShutdown(); // SIGHUP, System.exit: still finish what is in progress
            boolean graceful = Signals.onTermination(server::close);
            ModelInfo info = model.info();
            top.err.printf(Locale.ROOT, "serving %s (%,d users, %,d items) on http://%s:%d/ with %s; %s%n", checkpoint, info.users(), info.items(),
                    address instanceof Inet6Address ? "[" + h + "]" : h, server.port(), Backend.plural(n, "thread"),
                    graceful ? "SIGTERM or Ctrl-C stops it" : "stop it with SIGTERM");
            top.err.flush();
            top.err.println(server.awaitClose() ? "stopped: requests in progress were answered"
                    : "stopped: requests still in progress after " + ModelServer.STOP_TIMEOUT_MS / 1000 + " s were cut off");
        }
        return 0;
    }

    private static InetAddress resolve(String host) {
        if (host.isEmpty()) throw Failure.usage("--host is empty; give an address such as 127.0.0.1 or 0.0.0.0");
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw Failure.usage("--host: cannot resolve '" + dev.mmgcn.io.Quote.clip(host) + "' to an address of this machine");
        }
    }

    /**
     * Binds the port for a moment, as Jetty will (address reuse on), so that a taken port — or a host that is not
     * this machine's, which port 0 does not hide — is said before the model is loaded.
     */
    private static void checkFree(InetAddress address, String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(address, port));
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (why.contains("assign requested address")) {
                throw Failure.usage("--host " + host + ": not an address of this machine (" + why.toLowerCase(Locale.ROOT) + ")");
            }
            String hint = why.contains("in use") ? " (another server is listening there): stop it or pick another --port"
                    : why.contains("ermission") ? ": ports below 1024 need privileges; pick another --port" : "";
            throw Failure.usage("--port " + port + ": cannot listen on " + host + ":" + port + ": " + why.toLowerCase(Locale.ROOT) + hint);
        }
    }
}
