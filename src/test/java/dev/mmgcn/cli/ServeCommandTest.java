package dev.mmgcn.cli;

import dev.mmgcn.cli.CheckpointOracle.Entry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.mmgcn.cli.CliTest.assertError;
import static dev.mmgcn.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code serve} as a user runs it: a child JVM started like {@code java -cp … Main serve} (so through the
 * launcher's relaunch with the Vector API module), on a free port, with the checkpoint's dataset folder
 * deleted. Every endpoint is queried; the lists equal {@code recommend}'s for the same checkpoint and
 * the brute force's; SIGTERM stops it with exit code 0 and frees the port; its log is the two lines it
 * prints itself (no Jetty or Javalin INFO lines, no stack trace).
 */
class ServeCommandTest {
    static final JsonMapper JSON = JsonMapper.builder().build();
    static TrainedModel model;
    static CheckpointOracle oracle;

    @TempDir
    Path dir;

    @BeforeAll
    static void train() throws Exception {
        model = TrainedModel.withoutData();
        oracle = new CheckpointOracle(model.checkpoint);
    }

    record Reply(int status, JsonNode json) {
    }

    @Test
    void answersEqualRecommendsAndSigtermStopsItWithExitCodeZero() throws Exception {
        Path plain = dir.resolve("plain.tsv"), seen = dir.resolve("seen.tsv");
        assertEquals(0, run("recommend", "--checkpoint", model.checkpoint.toString(), "--all-users", "--k", "7", "--out", plain.toString()).code());
        assertEquals(0, run("recommend", "--checkpoint", model.checkpoint.toString(), "--all-users", "--k", "7", "--include-seen", "--out", seen.toString()).code());
        Map<String, List<Entry>> recommend = CheckpointOracle.readTsv(Files.readAllLines(plain));
        Map<String, List<Entry>> recommendSeen = CheckpointOracle.readTsv(Files.readAllLines(seen));

        Path log = dir.resolve("serve-stderr.txt");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--checkpoint", model.checkpoint.toString(), "--port", "0", "--threads", "2"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(log.toFile());
        pb.environment().remove(Relaunch.OPT_OUT);
        pb.environment().remove(Relaunch.GUARD);
        Process server = pb.start();
        int port = -1;
        boolean signalled = false;
        try {
            port = awaitPort(server, log);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            assertEquals("ok", get(http, port, "/health").json().get("status").asString());

            JsonNode info = get(http, port, "/info").json();
            assertEquals(model.users, info.get("users").asInt());
            assertEquals(model.items, info.get("items").asInt());
            assertEquals(oracle.dim, info.get("dimension").asInt());
            assertEquals(2, info.get("format_version").asInt());
            assertEquals(oracle.header.get("__metadata__").get("fingerprint").asString(), info.get("data_fingerprint").asString());
            assertTrue(info.get("backend").asString().startsWith("vector"), "the relaunched JVM has the Vector API: " + info);

            for (int u = 0; u < model.users; u += 37) {
                String user = TrainedModel.user(u);
                Reply r = get(http, port, "/recommend?user=" + enc(user) + "&k=7");
                assertEquals(200, r.status(), r.json().toString());
                assertEquals(user, r.json().get("user").asString());
                assertSame(recommend.get(user), r.json().get("items"), user);
                oracle.checkTopK(user, entries(r.json().get("items")), 7, false, 2e-6);
                assertSame(recommendSeen.get(user), get(http, port, "/recommend?user=" + enc(user) + "&k=7&include_seen=true").json().get("items"), user);
            }
            List<String> batch = List.of(TrainedModel.user(5), TrainedModel.user(0), TrainedModel.user(5));
            Reply b = post(http, port, "/recommend", JSON.writeValueAsString(Map.of("users", batch, "k", 7)));
            assertEquals(200, b.status(), b.json().toString());
            for (int p = 0; p < batch.size(); p++) {
                assertEquals(batch.get(p), b.json().get("results").get(p).get("user").asString());
                assertSame(recommend.get(batch.get(p)), b.json().get("results").get(p).get("items"), batch.get(p));
            }

            String item = TrainedModel.item(3);
            Reply similar = get(http, port, "/similar?item=" + enc(item) + "&k=4");
            assertEquals(200, similar.status());
            assertEquals(item, similar.json().get("item").asString());
            List<Integer> byCosine = new ArrayList<>();
            for (int i = 0; i < model.items; i++) if (i != 3) byCosine.add(i);
            byCosine.sort(Comparator.comparingDouble((Integer i) -> -oracle.cosine(3, i)));
            for (int j = 0; j < 4; j++) {
                JsonNode e = similar.json().get("items").get(j);
                assertEquals(oracle.cosine(3, byCosine.get(j)), e.get("score").asDouble(), 1e-5);
                assertEquals(oracle.cosine(3, oracle.itemIndex.get(e.get("item").asString())), e.get("score").asDouble(), 1e-5);
            }

            Reply unknown = get(http, port, "/recommend?user=" + enc("nobody"));
            assertEquals(404, unknown.status());
            assertEquals("nobody", unknown.json().get("unknown").get(0).asString());
            assertEquals(400, get(http, port, "/recommend?user=" + enc(TrainedModel.user(1)) + "&k=many").status());
            assertEquals(404, get(http, port, "/similar?item=" + enc("nothing")).status());
            assertEquals(400, post(http, port, "/recommend", "{\"users\": 3}").status());

            // graceful: an answer (about 20 MB, more than loopback's socket buffers hold, so the server is still writing it)
            // whose headers have come but whose body is still unread when SIGTERM is sent
            List<String> many = new ArrayList<>();
            for (int k = 0; k < 5000; k++) many.add(TrainedModel.user(k % model.users));
            HttpResponse<java.io.InputStream> inFlight = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/recommend"))
                    .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("users", many, "k", 100, "include_seen", true))))
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, inFlight.statusCode());
            server.destroy(); // SIGTERM to the launcher JVM, which passes it on to the server JVM
            signalled = true;
            Thread.sleep(500);
            JsonNode all;
            try {
                all = JSON.readTree(inFlight.body());
            } catch (RuntimeException e) {
                server.waitFor(30, TimeUnit.SECONDS);
                throw new AssertionError("the answer in progress was cut off; the server said: " + Files.readString(log), e);
            }
            java.lang.ref.Reference.reachabilityFence(http); // an unreachable HttpClient closes its connections
            assertEquals(many.size(), all.get("results").size(), "the answer in progress was finished");
            assertEquals(100, all.get("results").get(many.size() - 1).get("items").size());
        } finally {
            if (!signalled) server.destroy(); // a second SIGTERM would make the launcher kill the server outright
        }
        assertTrue(server.waitFor(60, TimeUnit.SECONDS), "stopped within a minute of SIGTERM");
        String stderr = Files.readString(log);
        assertEquals(0, server.exitValue(), stderr);
        List<String> lines = stderr.lines().toList();
        assertEquals(2, lines.size(), "one line when ready, one when stopped, nothing from Jetty or Javalin: " + stderr);
        assertTrue(lines.get(0).startsWith("serving " + model.checkpoint + " (" + model.users + " users, " + model.items
                + " items) on http://127.0.0.1:"), lines.get(0));
        assertEquals("stopped: requests in progress were answered", lines.get(1));
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)); // the port is free again
        }
    }

    @Test
    void aBusyPortAndOtherBadOptionsAreOneErrorLineNamingTheOption() throws Exception {
        String ck = model.checkpoint.toString();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            assertError(run("serve", "--checkpoint", ck, "--port", Integer.toString(port)), 2,
                    "--port " + port + ": cannot listen on 127.0.0.1:" + port + ": address already in use (another server is listening there)");
        }
        assertError(run("serve", "--checkpoint", ck, "--port", "70000"), 2, "--port must be between 0 and 65535, got 70000");
        assertError(run("serve", "--checkpoint", ck, "--port", "http"), 2, "--port expects an integer, got 'http'");
        assertError(run("serve", "--checkpoint", ck, "--threads", "0"), 2, "--threads must be at least 1, got 0");
        assertError(run("serve", "--checkpoint", ck, "--host", "no-such-host.invalid"), 2, "--host: cannot resolve 'no-such-host.invalid'");
        assertError(run("serve"), 2, "--checkpoint FILE is required");
        assertError(run("serve", "--checkpoint", dir.resolve("none.ckpt").toString()), 2, "--checkpoint: " + dir.resolve("none.ckpt") + " does not exist");
    }

    /** Waits for the "serving … on http://host:PORT/" line. */
    private static int awaitPort(Process server, Path log) throws Exception {
        Pattern p = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+)/");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            String s = Files.readString(log);
            Matcher m = p.matcher(s);
            if (m.find()) return Integer.parseInt(m.group(1));
            if (!server.isAlive()) fail("serve ended with " + server.exitValue() + ": " + s);
            Thread.sleep(100);
        }
        fail("serve did not start within 180 s: " + Files.readString(log));
        return -1;
    }

    private static void assertSame(List<Entry> expected, JsonNode items, String user) {
        List<Entry> got = entries(items);
        assertEquals(expected.stream().map(Entry::item).toList(), got.stream().map(Entry::item).toList(), "items for " + user);
        for (int j = 0; j < got.size(); j++) assertEquals(expected.get(j).score(), got.get(j).score(), 2e-6, "score " + j + " for " + user);
    }

    private static List<Entry> entries(JsonNode items) {
        List<Entry> out = new ArrayList<>();
        for (JsonNode e : items) out.add(new Entry(e.get("item").asString(), e.get("score").asDouble()));
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static Reply get(HttpClient http, int port, String pathAndQuery) throws IOException, InterruptedException {
        return send(http, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    private static Reply post(HttpClient http, int port, String path, String body) throws IOException, InterruptedException {
        return send(http, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static Reply send(HttpClient http, HttpRequest r) throws IOException, InterruptedException {
        HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
        return new Reply(resp.statusCode(), JSON.readTree(resp.body()));
    }
}
