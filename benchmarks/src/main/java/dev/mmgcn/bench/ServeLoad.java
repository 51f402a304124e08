package dev.mmgcn.bench;

import dev.mmgcn.api.MmgcnModel;
import dev.mmgcn.serving.ModelServer;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded load test of the HTTP server over loopback: the checkpoint is loaded, a {@link ModelServer}
 * started on 127.0.0.1, and {@code clients} threads send requests back to back (each waits for its
 * answer before the next: a closed loop), for a warm-up and then a measured period that ends after
 * {@code seconds} or {@code max} requests, whichever comes first. Users (or items) are drawn at random
 * with a fixed seed. Latency is the client's: from sending the request to having the whole body.
 * The same loop is then run against the Java API in the same JVM, without HTTP, for comparison.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.mmgcn.bench.ServeLoad \
 *       CHECKPOINT [--clients 8] [--k 20] [--threads 8] [--seconds 20] [--warmup 5] [--max 200000]
 *       [--endpoint recommend|similar]
 * </pre>
 */
public final class ServeLoad {
    private ServeLoad() {
    }

    record Options(Path checkpoint, int clients, int k, int threads, double seconds, double warmup, int max, String endpoint, String client) {
    }

    /** Latencies in nanoseconds and the measured wall time. */
    record Run(long[] nanos, double wallSeconds, long errors, long processCpuNanos, long clientCpuNanos) {
    }

    interface Call {
        /** Sends one request for the given id; returns false when the answer is not a 200 with a body. */
        boolean run(String id) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Options o = parse(args);
        System.out.printf(Locale.ROOT, "# machine: %d cores, load average before: %s%n", Runtime.getRuntime().availableProcessors(), loadavg());
        try (MmgcnModel model = MmgcnModel.load(o.checkpoint())) {
            System.out.printf(Locale.ROOT, "# model: %s, %,d users, %,d items, width %d, backend %s%n", o.checkpoint(),
                    model.info().users(), model.info().items(), model.info().dimension(), model.info().backend());
            List<String> ids = o.endpoint().equals("similar") ? model.itemIds() : model.userIds();
            try (ModelServer server = ModelServer.start(model, "127.0.0.1", 0, o.threads())) {
                // one client (and so one connection and selector thread) per simulated client thread, as separate callers would have
                ThreadLocal<HttpClient> clients = ThreadLocal.withInitial(() -> HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build());
                String base = "http://127.0.0.1:" + server.port() + "/" + o.endpoint() + "?" + (o.endpoint().equals("similar") ? "item=" : "user=");
                Call httpCall = id -> {
                    HttpRequest r = HttpRequest.newBuilder(URI.create(base + URLEncoder.encode(id, StandardCharsets.UTF_8) + "&k=" + o.k()))
                            .timeout(Duration.ofSeconds(10)).build();
                    HttpResponse<byte[]> resp = clients.get().send(r, HttpResponse.BodyHandlers.ofByteArray());
                    return resp.statusCode() == 200 && resp.body().length > 0;
                };
                // the same requests through HttpURLConnection: blocking I/O on the calling thread, keep-alive, no hand-offs
                Call urlCall = id -> {
                    java.net.HttpURLConnection c = (java.net.HttpURLConnection) URI.create(base + URLEncoder.encode(id, StandardCharsets.UTF_8)
                            + "&k=" + o.k()).toURL().openConnection();
                    c.setConnectTimeout(5000);
                    c.setReadTimeout(10000);
                    int status = c.getResponseCode();
                    byte[] body;
                    try (var in = status == 200 ? c.getInputStream() : c.getErrorStream()) {
                        body = in == null ? new byte[0] : in.readAllBytes();
                    }
                    return status == 200 && body.length > 0;
                };
                report(o.client().equals("urlconnection") ? "http-u" : "http", o, run(o, ids, o.client().equals("urlconnection") ? urlCall : httpCall));
            }
            Call apiCall = id -> !(o.endpoint().equals("similar") ? model.similarItems(id, o.k()) : model.recommend(id, o.k())).isEmpty();
            report("api", o, run(o, ids, apiCall));
        }
        System.out.printf(Locale.ROOT, "# load average after: %s%n", loadavg());
    }

    static Run run(Options o, List<String> ids, Call call) throws Exception {
        loop(o.clients(), (long) (o.warmup() * 1e9), Integer.MAX_VALUE, ids, call, 1);
        return loop(o.clients(), (long) (o.seconds() * 1e9), o.max(), ids, call, 2);
    }

    static Run loop(int clients, long nanos, int max, List<String> ids, Call call, long seed) throws Exception {
        AtomicLong issued = new AtomicLong(), errors = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        long[][] lat = new long[clients][];
        int[] count = new int[clients];
        List<Thread> threads = new ArrayList<>();
        AtomicLong clientCpu = new AtomicLong();
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        var tmx = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu0 = os.getProcessCpuTime();
        long start = System.nanoTime();
        long end = start + nanos;
        for (int c = 0; c < clients; c++) {
            int me = c;
            lat[c] = new long[Math.min(max, 1 << 22)];
            Thread t = new Thread(() -> {
                SplittableRandom rnd = new SplittableRandom(seed * 1000 + me);
                long myCpu0 = tmx.getCurrentThreadCpuTime();
                while (!stop.get() && issued.incrementAndGet() <= max) {
                    String id = ids.get(rnd.nextInt(ids.size()));
                    long t0 = System.nanoTime();
                    try {
                        if (!call.run(id)) errors.incrementAndGet();
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    long t1 = System.nanoTime();
                    if (count[me] < lat[me].length) lat[me][count[me]++] = t1 - t0;
                    if (t1 >= end) stop.set(true);
                }
                clientCpu.addAndGet(tmx.getCurrentThreadCpuTime() - myCpu0);
            }, "load-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join();
        double wall = (System.nanoTime() - start) / 1e9;
        long cpu = os.getProcessCpuTime() - cpu0;
        int total = Arrays.stream(count).sum();
        long[] all = new long[total];
        int at = 0;
        for (int c = 0; c < clients; c++) {
            System.arraycopy(lat[c], 0, all, at, count[c]);
            at += count[c];
        }
        Arrays.sort(all);
        return new Run(all, wall, errors.get(), cpu, clientCpu.get());
    }

    static void report(String what, Options o, Run r) {
        long[] a = r.nanos();
        System.out.printf(Locale.ROOT, "%-5s %-9s k=%d clients=%d server-threads=%d: %,d requests in %.1f s = %,.0f/s; "
                        + "latency ms p50 %.2f p90 %.2f p99 %.2f p99.9 %.2f max %.2f; errors %d; "
                        + "CPU per request %.0f us (client threads %.0f us, the rest: server, HTTP client I/O, GC, JIT %.0f us)%n",
                what, o.endpoint(), o.k(), o.clients(), o.threads(), a.length, r.wallSeconds(), a.length / r.wallSeconds(),
                pct(a, 0.50), pct(a, 0.90), pct(a, 0.99), pct(a, 0.999), a.length == 0 ? 0 : a[a.length - 1] / 1e6, r.errors(),
                perRequest(r.processCpuNanos(), a.length), perRequest(r.clientCpuNanos(), a.length),
                perRequest(r.processCpuNanos() - r.clientCpuNanos(), a.length));
    }

    static double perRequest(long nanos, int requests) {
        return requests == 0 ? 0 : nanos / 1e3 / requests;
    }

    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) return 0;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (Exception e) {
            return "unknown";
        }
    }

    static Options parse(String[] args) {
        if (args.length == 0) throw new IllegalArgumentException("usage: ServeLoad CHECKPOINT [--clients N] [--k K] [--threads N] "
                + "[--seconds S] [--warmup S] [--max N] [--endpoint recommend|similar] [--client jdk|urlconnection]");
        Path ckpt = Path.of(args[0]);
        int clients = 8, k = 20, threads = 8, max = 200_000;
        double seconds = 20, warmup = 5;
        String endpoint = "recommend", client = "jdk";
        for (int i = 1; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--clients" -> clients = Integer.parseInt(v);
                case "--k" -> k = Integer.parseInt(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--seconds" -> seconds = Double.parseDouble(v);
                case "--warmup" -> warmup = Double.parseDouble(v);
                case "--max" -> max = Integer.parseInt(v);
                case "--endpoint" -> endpoint = v;
                case "--client" -> client = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (!endpoint.equals("recommend") && !endpoint.equals("similar")) throw new IllegalArgumentException("--endpoint recommend|similar");
        if (!client.equals("jdk") && !client.equals("urlconnection")) throw new IllegalArgumentException("--client jdk|urlconnection");
        return new Options(ckpt, clients, k, threads, seconds, warmup, max, endpoint, client);
    }
}
