import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Issue 21's load test of {@code mmgcn-engine serve}, against a server already running on loopback (the driver,
 * {@code run.sh}, starts it as its own process so that its peak RSS can be read): for {@code --seconds}, at once,
 * <ul>
 *   <li>{@code --normal} clients in a closed loop of {@code GET /recommend?user=U&k=20} (a random user, seeded),
 *       each with its own HttpClient and a 10 s timeout; their latencies (send to last byte) and errors are the
 *       result;</li>
 *   <li>{@code --slow} uploaders: a raw socket sends {@code POST /recommend} with {@code Content-Length: 1000000},
 *       then one byte every 5 s; when the server answers or closes, the client records what it got and starts
 *       again;</li>
 *   <li>{@code --greedy} clients in a closed loop of {@code POST /recommend} with {@code --greedy-users} users and
 *       {@code k = --greedy-k}, reading the whole answer; after a 503 they wait the Retry-After, after another
 *       error 1 s.</li>
 * </ul>
 * The model's ids must be the indices 0..users-1 (a {@code spark-generate-catalogue} checkpoint). Plain JDK, run
 * with {@code java ServeAbuse.java --port P ...}.
 */
public final class ServeAbuse {
    static volatile boolean running = true;

    public static void main(String[] a) throws Exception {
        Map<String, String> o = new TreeMap<>();
        for (int i = 0; i + 1 < a.length; i += 2) o.put(a[i].replaceFirst("^--", ""), a[i + 1]);
        int port = Integer.parseInt(o.get("port"));
        int users = Integer.parseInt(o.getOrDefault("users", "20000"));
        int normal = Integer.parseInt(o.getOrDefault("normal", "8"));
        int slow = Integer.parseInt(o.getOrDefault("slow", "50"));
        int greedy = Integer.parseInt(o.getOrDefault("greedy", "16"));
        int greedyUsers = Integer.parseInt(o.getOrDefault("greedy-users", "10000"));
        int greedyK = Integer.parseInt(o.getOrDefault("greedy-k", "1000"));
        int seconds = Integer.parseInt(o.getOrDefault("seconds", "60"));
        URI base = URI.create("http://127.0.0.1:" + port);

        Normal[] normals = new Normal[normal];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < normal; i++) {
            normals[i] = new Normal(base, users, 17 + i);
            threads.add(Thread.ofPlatform().name("normal-" + i).start(normals[i]));
        }
        Slow slows = new Slow(port);
        for (int i = 0; i < slow; i++) threads.add(Thread.ofPlatform().name("slow-" + i).start(slows));
        Greedy greedies = new Greedy(base, body(users, greedyUsers, greedyK));
        for (int i = 0; i < greedy; i++) threads.add(Thread.ofPlatform().name("greedy-" + i).start(greedies));

        Thread.sleep(seconds * 1000L);
        running = false;
        for (Thread t : threads) t.join(30_000);

        long[] lat = Arrays.stream(normals).flatMapToLong(n -> n.latencies.stream().mapToLong(Long::longValue)).sorted().toArray();
        long ok = lat.length, errors = Arrays.stream(normals).mapToLong(n -> n.errors.sum()).sum();
        Map<String, Long> normalErrors = new TreeMap<>();
        for (Normal n : normals) n.errorKinds.forEach((k, v) -> normalErrors.merge(k, v.sum(), Long::sum));
        System.out.printf(Locale.ROOT, "normal   %d clients: %d answered (%.0f/s), %d errors %s%n", normal, ok, ok / (double) seconds, errors, normalErrors);
        if (ok > 0) {
            System.out.printf(Locale.ROOT, "normal   latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n",
                    pct(lat, 50), pct(lat, 90), pct(lat, 99), pct(lat, 99.9), lat[lat.length - 1] / 1e6);
        }
        System.out.printf(Locale.ROOT, "slow     %d uploaders: %s%n", slow, snapshot(slows.outcomes));
        System.out.printf(Locale.ROOT, "greedy   %d clients (%d users, k %d): %s; %,d bytes of answers read%n", greedy, greedyUsers, greedyK,
                snapshot(greedies.outcomes), greedies.bytes.sum());
    }

    static double pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    static Map<String, Long> snapshot(Map<String, LongAdder> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    static byte[] body(int users, int n, int k) {
        StringBuilder s = new StringBuilder("{\"users\":[");
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < n; i++) s.append(i == 0 ? "" : ",").append('"').append(r.nextInt(users)).append('"');
        return s.append("],\"k\":").append(k).append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    static final class Normal implements Runnable {
        final List<Long> latencies = new ArrayList<>();
        final LongAdder errors = new LongAdder();
        final Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();
        final URI base;
        final int users;
        final SplittableRandom random;

        Normal(URI base, int users, long seed) {
            this.base = base;
            this.users = users;
            this.random = new SplittableRandom(seed);
        }

        @Override
        public void run() {
            HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            while (running) {
                HttpRequest r = HttpRequest.newBuilder(base.resolve("/recommend?user=" + random.nextInt(users) + "&k=20"))
                        .timeout(Duration.ofSeconds(10)).build();
                long t0 = System.nanoTime();
                try {
                    HttpResponse<byte[]> resp = c.send(r, HttpResponse.BodyHandlers.ofByteArray());
                    long t = System.nanoTime() - t0;
                    if (resp.statusCode() == 200) latencies.add(t);
                    else error("HTTP " + resp.statusCode());
                } catch (IOException | InterruptedException e) {
                    error(e.getClass().getSimpleName());
                }
            }
        }

        void error(String kind) {
            errors.increment();
            errorKinds.computeIfAbsent(kind, x -> new LongAdder()).increment();
        }
    }

    /** Each thread: a slow upload, its outcome, again. */
    static final class Slow implements Runnable {
        final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        final int port;

        Slow(int port) {
            this.port = port;
        }

        @Override
        public void run() {
            while (running) {
                String outcome;
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setSoTimeout(200);
                    OutputStream out = s.getOutputStream();
                    out.write(("POST /recommend HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    outcome = trickle(s, out);
                } catch (IOException e) {
                    outcome = "connect failed: " + e.getClass().getSimpleName();
                }
                outcomes.computeIfAbsent(outcome, x -> new LongAdder()).increment();
            }
        }

        /** A byte every 5 s until the server answers or closes; returns its status line, or how it ended. */
        static String trickle(Socket s, OutputStream out) {
            InputStream in;
            try {
                in = s.getInputStream();
            } catch (IOException e) {
                return "closed";
            }
            long next = System.nanoTime();
            byte[] buf = new byte[4096];
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            while (running) {
                try {
                    if (System.nanoTime() >= next) {
                        out.write(' ');
                        out.flush();
                        next += 5_000_000_000L;
                    }
                } catch (IOException e) {
                    return got.size() > 0 ? status(got) : "closed by the server while sending";
                }
                try {
                    int n = in.read(buf);
                    if (n < 0) return got.size() > 0 ? status(got) : "closed by the server, no answer";
                    got.write(buf, 0, n);
                    if (got.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) return status(got);
                } catch (java.net.SocketTimeoutException e) {
                    // nothing yet
                } catch (IOException e) {
                    return got.size() > 0 ? status(got) : "reset by the server";
                }
            }
            return "still sending at the end";
        }

        static String status(ByteArrayOutputStream got) {
            String line = got.toString(StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
            return line.startsWith("HTTP/1.1 ") ? "HTTP " + line.substring(9, Math.min(12, line.length())) : "garbled";
        }
    }

    static final class Greedy implements Runnable {
        final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        final LongAdder bytes = new LongAdder();
        final URI base;
        final byte[] body;

        Greedy(URI base, byte[] body) {
            this.base = base;
            this.body = body;
        }

        @Override
        public void run() {
            HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            while (running) {
                HttpRequest r = HttpRequest.newBuilder(base.resolve("/recommend")).timeout(Duration.ofSeconds(120))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                String outcome;
                long wait = 0;
                try {
                    HttpResponse<InputStream> resp = c.send(r, HttpResponse.BodyHandlers.ofInputStream());
                    long n;
                    try (InputStream in = resp.body()) {
                        n = in.transferTo(OutputStream.nullOutputStream());
                    }
                    bytes.add(n);
                    outcome = "HTTP " + resp.statusCode();
                    if (resp.statusCode() == 503) wait = 1000L * Long.parseLong(resp.headers().firstValue("Retry-After").orElse("1"));
                    else if (resp.statusCode() != 200) wait = 1000;
                } catch (IOException | InterruptedException | NumberFormatException e) {
                    outcome = e.getClass().getSimpleName();
                    wait = 1000;
                }
                outcomes.computeIfAbsent(outcome, x -> new LongAdder()).increment();
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
