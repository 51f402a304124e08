package dev.mmgcn.cli;

import dev.mmgcn.cli.CheckpointOracle.Entry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.mmgcn.cli.CliTest.assertError;
import static dev.mmgcn.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code recommend} from the checkpoint alone — its dataset folder is deleted — in the users' and
 * items' own ids, judged by brute force over the checkpoint's bytes ({@link CheckpointOracle}).
 */
class RecommendCommandTest {
    static TrainedModel model;
    static CheckpointOracle oracle;

    @TempDir
    Path dir;

    @BeforeAll
    static void train() throws Exception {
        model = TrainedModel.withoutData();
        assertFalse(Files.exists(model.data), "the dataset folder is gone");
        oracle = new CheckpointOracle(model.checkpoint);
    }

    @Test
    void usersListedByTheirOwnIdsGetTheBruteForceTopK() throws Exception {
        String a = TrainedModel.user(0), b = TrainedModel.user(17), c = TrainedModel.user(model.users - 1);
        CliTest.Outcome r = run("recommend", "--checkpoint", model.checkpoint.toString(), "--users", a + ", " + b + "," + c + "," + a, "--k", "6");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(1 + 4 * 6, lines.size(), "a header and six rows per listed user, repeats kept");
        List<String> order = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) if (order.isEmpty() || !order.getLast().equals(l.split("\t")[0])) order.add(l.split("\t")[0]);
        assertEquals(List.of(a, b, c, a), order, "users in the order given");
        Map<String, List<Entry>> byUser = CheckpointOracle.readTsv(lines.subList(0, 1 + 3 * 6));
        assertEquals(List.of(a, b, c), List.copyOf(byUser.keySet()));
        for (Map.Entry<String, List<Entry>> e : byUser.entrySet()) oracle.checkTopK(e.getKey(), e.getValue(), 6, false, 2e-6);
        assertEquals(lines.subList(1, 7), lines.subList(19, 25), "a repeated user gets the same list");
        assertTrue(lines.get(1).split("\t")[2].startsWith("ítem-"), "items in their own ids: " + lines.get(1));
    }

    @Test
    void allUsersToAFileWithAndWithoutTheirTrainingItems() throws Exception {
        Path out = dir.resolve("recs.tsv");
        assertEquals(0, run("recommend", "--checkpoint", model.checkpoint.toString(), "--all-users", "--k", "5", "--out", out.toString()).code());
        Map<String, List<Entry>> all = CheckpointOracle.readTsv(Files.readAllLines(out));
        assertEquals(oracle.userIds, List.copyOf(all.keySet()), "every user, in the model's order");
        for (Map.Entry<String, List<Entry>> e : all.entrySet()) oracle.checkTopK(e.getKey(), e.getValue(), 5, false, 2e-6);

        Path seen = dir.resolve("seen.tsv");
        assertEquals(0, run("recommend", "--checkpoint", model.checkpoint.toString(), "--all-users", "--k", "5", "--include-seen", "--out", seen.toString()).code());
        Map<String, List<Entry>> withSeen = CheckpointOracle.readTsv(Files.readAllLines(seen));
        int differ = 0;
        for (Map.Entry<String, List<Entry>> e : withSeen.entrySet()) {
            oracle.checkTopK(e.getKey(), e.getValue(), 5, true, 2e-6);
            if (!e.getValue().equals(all.get(e.getKey()))) differ++;
        }
        assertTrue(differ > 0, "leaving the training items out changes some lists");
    }

    @Test
    void aUsersFileTakesOwnIdsAndUnknownIdsAreNamedWithTheirLines() throws Exception {
        Path users = dir.resolve("users.txt");
        Files.writeString(users, TrainedModel.user(3) + "\n\n  " + TrainedModel.user(4) + "  \n");
        CliTest.Outcome ok = run("recommend", "--checkpoint", model.checkpoint.toString(), "--users-file", users.toString(), "--k", "2");
        assertEquals(0, ok.code(), ok.err());
        assertEquals(List.of(TrainedModel.user(3), TrainedModel.user(4)),
                ok.out().lines().skip(1).map(l -> l.split("\t")[0]).distinct().toList());

        Files.writeString(users, TrainedModel.user(3) + "\n3\nnobody\n" + TrainedModel.user(4) + "\n");
        assertError(run("recommend", "--checkpoint", model.checkpoint.toString(), "--users-file", users.toString()), 3,
                "--users-file " + users + ": 2 unknown user ids: '3' (line 2), 'nobody' (line 3); the model's " + model.users
                        + " users are ids as written in its training data, e.g. '" + TrainedModel.user(0) + "', '" + TrainedModel.user(1) + "', '"
                        + TrainedModel.user(2) + "'");
    }

    /** A users file saved with a byte-order mark (Notepad, Excel) reads as the same ids. */
    @Test
    void aUsersFileWithAByteOrderMarkReadsTheSameIds() throws Exception {
        Path users = dir.resolve("bom.txt");
        Files.write(users, ("\uFEFF" + TrainedModel.user(17) + "\n" + TrainedModel.user(4) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        CliTest.Outcome r = run("recommend", "--checkpoint", model.checkpoint.toString(), "--users-file", users.toString(), "--k", "3");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of(TrainedModel.user(17), TrainedModel.user(4)), r.out().lines().skip(1).map(l -> l.split("\t")[0]).distinct().toList());
    }

    /** --k above the item count lists every item the user has not seen, with a note, as evaluate clamps its cut-offs. */
    @Test
    void aKAboveTheItemCountListsEveryItem() throws Exception {
        String u = TrainedModel.user(5);
        CliTest.Outcome r = run("recommend", "--checkpoint", model.checkpoint.toString(), "--users", u, "--k", String.valueOf(model.items + 7),
                "--include-seen");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("note: --k " + (model.items + 7) + " is more than the " + model.items + " items the checkpoint knows: clamped to "
                + model.items), r.err());
        Map<String, List<Entry>> lists = CheckpointOracle.readTsv(r.out().lines().toList());
        assertEquals(model.items, lists.get(u).size(), "every item, once");
        oracle.checkTopK(u, lists.get(u), model.items, true, 2e-6);
    }

    @Test
    void unknownIdsOnTheCommandLineAreNamedFirstFewAndCounted() {
        List<String> ids = new ArrayList<>(List.of(TrainedModel.user(1)));
        for (int k = 0; k < 8; k++) ids.add("ghost" + k);
        CliTest.Outcome o = run("recommend", "--checkpoint", model.checkpoint.toString(), "--users", String.join(",", ids));
        assertError(o, 2, "--users: 8 unknown user ids: 'ghost0', 'ghost1', 'ghost2', 'ghost3', 'ghost4' and 3 more;");
        assertEquals("", o.out(), "nothing printed before the check");
        assertError(run("recommend", "--checkpoint", model.checkpoint.toString(), "--users", "0"), 2, "--users: unknown user id '0'; the model's");
        assertError(run("recommend", "--checkpoint", model.checkpoint.toString(), "--users", " , "), 2, "--users lists no users");
        assertError(run("recommend", "--checkpoint", model.checkpoint.toString(), "--all-users", "--threads", "0"), 2, "--threads must be at least 1");
        assertError(run("recommend", "--checkpoint", model.checkpoint.toString(), "--all-users", "--data", "x"), 2, "unknown option --data");
    }
}
