package dev.mmgcn.cli;

import dev.mmgcn.api.MmgcnModel;
import dev.mmgcn.io.Quote;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The users a command was asked about, as their own ids (the ones in the training data's files):
 * {@code --users a,b,c}, {@code --users-file FILE} (one per line) or {@code --all-users}. Ids the
 * model does not know are one error that names them (the first few, with where they were given, and
 * how many in all) and shows what the model's ids look like.
 */
final class UserList {
    /** How many unknown ids an error message lists. */
    static final int SHOWN = 5;

    private UserList() {
    }

    /** A requested id and where it came from ("" for --users, "line N" for a file). */
    private record Given(String id, String where) {
    }

    /** Checks the combination of options, before anything is read. */
    static void checkOptions(String users, Path usersFile, boolean allUsers) {
        int given = (users != null ? 1 : 0) + (usersFile != null ? 1 : 0) + (allUsers ? 1 : 0);
        if (given != 1) throw Failure.usage("give exactly one of --users, --users-file or --all-users");
        if (usersFile != null) {
            if (!Files.exists(usersFile)) throw Failure.usage("--users-file: " + usersFile + " does not exist");
            if (Files.isDirectory(usersFile)) throw Failure.usage("--users-file: " + usersFile + " is a folder, not a file");
        }
    }

    /** The requested user ids, in the order given (repeats kept), all known to {@code model}. */
    static List<String> resolve(String users, Path usersFile, boolean allUsers, MmgcnModel model) {
        if (allUsers) return model.userIds();
        List<Given> given = new ArrayList<>();
        String source;
        if (users != null) {
            source = "--users";
            for (String t : users.split(",")) if (!t.isBlank()) given.add(new Given(t.strip(), ""));
        } else {
            source = "--users-file " + usersFile;
            List<String> lines;
            try {
                lines = Files.readAllLines(usersFile);
            } catch (MalformedInputException e) {
                throw Failure.data(source + ": not UTF-8 text", e);
            } catch (IOException e) {
                throw Failure.io(source + ": " + FileErrors.describe(e), e);
            }
            for (int i = 0; i < lines.size(); i++) {
                String t = (i == 0 ? dev.mmgcn.io.Bom.strip(lines.get(i)) : lines.get(i)).strip();
                if (!t.isEmpty()) given.add(new Given(t, "line " + (i + 1)));
            }
        }
        if (given.isEmpty()) throw Failure.usage(source + " lists no users");
        List<Given> unknown = given.stream().filter(g -> !model.hasUser(g.id())).toList();
        if (!unknown.isEmpty()) {
            String message = source + ": " + describe(unknown, model.userIds());
            throw users != null ? Failure.usage(message) : Failure.data(message, null);
        }
        return given.stream().map(Given::id).toList();
    }

    /** "2 unknown user ids: 'x' (line 3), 'y' (line 9); the model's users are e.g. 'alice', 'bob', 'carol'". */
    private static String describe(List<Given> unknown, List<String> known) {
        StringBuilder s = new StringBuilder();
        s.append(unknown.size() == 1 ? "unknown user id " : unknown.size() + " unknown user ids: ");
        for (int k = 0; k < Math.min(SHOWN, unknown.size()); k++) {
            Given g = unknown.get(k);
            s.append(k == 0 ? "" : ", ").append('\'').append(Quote.clip(g.id())).append('\'');
            if (!g.where().isEmpty()) s.append(" (").append(g.where()).append(')');
        }
        if (unknown.size() > SHOWN) s.append(" and ").append(unknown.size() - SHOWN).append(" more");
        s.append("; the model's ").append(String.format(java.util.Locale.ROOT, "%,d", known.size())).append(" users are ids as written in its training data, e.g. ");
        for (int k = 0; k < Math.min(3, known.size()); k++) s.append(k == 0 ? "" : ", ").append('\'').append(Quote.clip(known.get(k))).append('\'');
        return s.toString();
    }
}
