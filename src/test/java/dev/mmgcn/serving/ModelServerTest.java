package dev.mmgcn.serving;

import dev.mmgcn.api.MmgcnModel;
import dev.mmgcn.api.Recommendation;
import dev.mmgcn.api.ScoredItem;
import dev.mmgcn.api.Seen;
import dev.mmgcn.apitest.ModelFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** The HTTP server over loopback with java.net.http: answers equal the Java API's, errors are JSON with the right status. */
class ModelServerTest {
    static final JsonMapper JSON = JsonMapper.builder().build();
    @TempDir
    static Path dir;
    static MmgcnModel model;
    static ModelServer server;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        Path f = dir.resolve("best.ckpt");
        new ModelFixture(f, 50, 40, 600);
        model = MmgcnModel.load(f);
        server = ModelServer.start(model, "127.0.0.1", 0, 4);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        server.close();
        model.close();
    }

    record Reply(int status, String contentType, String body, JsonNode json) {
    }

    static Reply get(String pathAndQuery) throws Exception {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(20)).GET().build());
    }

    static Reply post(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build());
    }

    static URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    static Reply send(HttpRequest r) throws Exception {
        HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
        String ct = resp.headers().firstValue("Content-Type").orElse("");
        return new Reply(resp.statusCode(), ct, resp.body(), JSON.readTree(resp.body()));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static void assertItems(List<ScoredItem> expected, JsonNode items) {
        assertEquals(expected.size(), items.size());
        for (int j = 0; j < expected.size(); j++) {
            assertEquals(expected.get(j).item(), items.get(j).get("item").asString());
            assertEquals(expected.get(j).score(), Float.parseFloat(items.get(j).get("score").asString()), "score " + j);
        }
    }

    @Test
    void recommendEqualsTheApi() throws Exception {
        for (int u = 0; u < 50; u += 7) {
            String user = ModelFixture.user(u);
            Reply r = get("/recommend?user=" + enc(user) + "&k=7");
            assertEquals(200, r.status(), r.body());
            assertTrue(r.contentType().startsWith("application/json"), r.contentType());
            assertEquals(user, r.json().get("user").asString());
            assertItems(model.recommend(user, 7), r.json().get("items"));
            assertItems(model.recommend(user, 10, Seen.INCLUDE), get("/recommend?user=" + user + "&include_seen=true").json().get("items"));
        }
    }

    @Test
    void batchEqualsTheApi() throws Exception {
        List<String> users = List.of("user-4", "user-0", "user-4", "user-49");
        Reply r = post("/recommend", "{\"users\":[\"user-4\",\"user-0\",\"user-4\",\"user-49\"],\"k\":5}");
        assertEquals(200, r.status(), r.body());
        List<Recommendation> expected = model.recommend(users, 5);
        JsonNode results = r.json().get("results");
        assertEquals(4, results.size());
        for (int p = 0; p < 4; p++) {
            assertEquals(users.get(p), results.get(p).get("user").asString());
            assertItems(expected.get(p).items(), results.get(p).get("items"));
        }
        Reply withSeen = post("/recommend", "{\"users\":[\"user-1\"],\"include_seen\":true}");
        assertItems(model.recommend("user-1", 10, Seen.INCLUDE), withSeen.json().get("results").get(0).get("items"));
    }

    @Test
    void similarHealthAndInfo() throws Exception {
        Reply s = get("/similar?item=" + ModelFixture.item(3) + "&k=4");
        assertEquals(200, s.status(), s.body());
        assertEquals(ModelFixture.item(3), s.json().get("item").asString());
        assertItems(model.similarItems(ModelFixture.item(3), 4), s.json().get("items"));
        Reply h = get("/health");
        assertEquals(200, h.status());
        assertEquals("ok", h.json().get("status").asString());
        Reply i = get("/info");
        assertEquals(50, i.json().get("users").asInt());
        assertEquals(40, i.json().get("items").asInt());
        assertEquals(16, i.json().get("dimension").asInt());
        assertEquals(2, i.json().get("format_version").asInt());
        assertEquals("16", i.json().get("settings").get("model.dim").asString());
        assertEquals(model.info().dataFingerprint(), i.json().get("data_fingerprint").asString());
    }

    static void assertError(Reply r, int status, String fragment) {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        String e = r.json().get("error").asString();
        assertTrue(e.contains(fragment), e);
        assertFalse(r.body().contains("Exception") || r.body().contains("\tat ") || r.body().contains("dev.mmgcn."), r.body());
    }

    @Test
    void unknownIdsAre404() throws Exception {
        Reply r = get("/recommend?user=nobody");
        assertError(r, 404, "unknown user 'nobody'");
        assertEquals("nobody", r.json().get("unknown").get(0).asString());
        assertError(get("/similar?item=item-8"), 404, "unknown item 'item-8'");
        Reply b = post("/recommend", "{\"users\":[\"user-1\",\"x\",\"y\"]}");
        assertError(b, 404, "unknown users 'x', 'y'");
        assertEquals(2, b.json().get("unknown").size());
    }

    @Test
    void badParametersAre400() throws Exception {
        assertError(get("/recommend"), 400, "missing query parameter 'user'");
        assertError(get("/recommend?user=user-1&k=abc"), 400, "k must be an integer, got 'abc'");
        assertError(get("/recommend?user=user-1&k=0"), 400, "k must be between 1 and 1000, got 0");
        assertError(get("/recommend?user=user-1&k=1001"), 400, "got 1001");
        assertError(get("/recommend?user=user-1&k=99999999999999999999"), 400, "k must be an integer");
        assertError(get("/recommend?user=user-1&include_seen=maybe"), 400, "include_seen must be true or false");
        assertError(get("/similar?k=3"), 400, "missing query parameter 'item'");
        assertError(post("/recommend", "{\"users\": [\"user-1\""), 400, "not valid JSON");
        assertError(post("/recommend", "[1,2]"), 400, "must be a JSON object");
        assertError(post("/recommend", "{\"user\": \"user-1\"}"), 400, "unknown field 'user'");
        assertError(post("/recommend", "{\"users\": \"user-1\"}"), 400, "'users' must be an array");
        assertError(post("/recommend", "{\"users\": [1.5]}"), 400, "strings or integers");
        assertError(post("/recommend", "{\"users\": [\"user-1\"], \"k\": \"3\"}"), 400, "'k' must be an integer");
        assertError(post("/recommend", "{\"users\": [\"user-1\"], \"k\": 0}"), 400, "between 1 and 1000");
        assertError(post("/recommend", ""), 400, "must be a JSON object");
    }

    @Test
    void unknownPathsAndMethodsAreJson() throws Exception {
        assertError(get("/recomend?user=user-1"), 404, "no such endpoint: GET /recomend");
        assertError(send(HttpRequest.newBuilder(uri("/recommend")).DELETE().build()), 405, "DELETE is not allowed on /recommend");
    }

    @Test
    void failuresAre500WithoutDetails(@TempDir Path own) throws Exception {
        Path f = own.resolve("m.ckpt");
        new ModelFixture(f, 10, 12, 60);
        MmgcnModel m = MmgcnModel.load(f);
        try (ModelServer s = ModelServer.start(m, "127.0.0.1", 0, 2)) {
            m.close(); // every call now fails inside the model
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/recommend?user=user-1")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(500, r.statusCode());
            assertEquals("{\"error\":\"internal error\"}", r.body());
        }
    }

    @Test
    void closeFinishesRequestsInProgressThenRefuses(@TempDir Path own) throws Exception {
        Path f = own.resolve("m.ckpt");
        new ModelFixture(f, 40, 30, 400);
        try (MmgcnModel m = MmgcnModel.load(f)) {
            ModelServer s = ModelServer.start(m, "127.0.0.1", 0, 4);
            URI u = URI.create("http://127.0.0.1:" + s.port() + "/recommend?user=user-2&k=5");
            String expected = JSON.writeValueAsString(JSON.readTree(http.send(HttpRequest.newBuilder(u).build(), HttpResponse.BodyHandlers.ofString()).body()));
            AtomicInteger ok = new AtomicInteger(), refused = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                fs.add(pool.submit(() -> {
                    HttpClient c = HttpClient.newHttpClient();
                    for (int n = 0; n < 400; n++) {
                        try {
                            HttpResponse<String> r = c.send(HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(20)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 503) { // came while the server stopped: said in JSON
                                assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.body());
                                assertTrue(JSON.readTree(r.body()).get("error").asString().startsWith("the server is stopping"), r.body());
                                refused.incrementAndGet();
                                continue;
                            }
                            // every answer that comes back is whole and right, during shutdown too
                            assertEquals(200, r.statusCode(), r.body());
                            assertEquals(expected, JSON.writeValueAsString(JSON.readTree(r.body())));
                            ok.incrementAndGet();
                        } catch (IOException e) {
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            while (ok.get() < 200) Thread.sleep(5);
            s.close();
            for (Future<?> x : fs) x.get();
            pool.shutdown();
            assertTrue(ok.get() >= 200 && refused.get() > 0, ok + " answered, " + refused + " refused");
            assertThrows(IOException.class, () -> http.send(HttpRequest.newBuilder(u).build(), HttpResponse.BodyHandlers.ofString()));
            s.awaitClose();
        }
    }

    @Test
    void badStartArgumentsAreNamed() {
        assertThrows(IllegalArgumentException.class, () -> ModelServer.start(model, "127.0.0.1", 70000, 2));
        assertThrows(IllegalArgumentException.class, () -> ModelServer.start(model, "127.0.0.1", 0, 0));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ModelServer.start(model, "127.0.0.1", server.port(), 2));
        assertTrue(e.getMessage().contains("cannot serve on 127.0.0.1:" + server.port()), e.getMessage());
    }
}
