package dev.mmgcn.data;

/** Facts about a loaded dataset's splits that are worth printing but not worth failing on. */
final class SplitChecks {
    private SplitChecks() {
    }

    /** {@code splits} are the builders of train, valid and test, still holding their pair sets. */
    static void report(LoadReport r, String source, Dataset d, SplitBuilder[] splits) {
        SplitBuilder train = splits[0];
        overlap(r, source, splits[1], train);
        overlap(r, source, splits[2], train);
        overlap(r, source, splits[2], splits[1]);

        boolean[] trainUser = new boolean[d.numUsers()];
        boolean[] trainItem = new boolean[d.numItems()];
        boolean[] anyUser = new boolean[d.numUsers()];
        boolean[] anyItem = new boolean[d.numItems()];
        for (int k = 0; k < train.size(); k++) {
            trainUser[train.user(k)] = true;
            trainItem[train.item(k)] = true;
        }
        for (SplitBuilder s : splits) {
            for (int k = 0; k < s.size(); k++) {
                anyUser[s.user(k)] = true;
                anyItem[s.item(k)] = true;
            }
        }
        for (int s = 1; s < 3; s++) {
            SplitBuilder b = splits[s];
            boolean[] coldU = new boolean[d.numUsers()];
            boolean[] coldI = new boolean[d.numItems()];
            int users = 0;
            int items = 0;
            for (int k = 0; k < b.size(); k++) {
                int u = b.user(k);
                int i = b.item(k);
                if (!trainUser[u] && !coldU[u]) {
                    coldU[u] = true;
                    users++;
                }
                if (!trainItem[i] && !coldI[i]) {
                    coldI[i] = true;
                    items++;
                }
            }
            if (users > 0) r.note(b.split + ": " + users + " users have no train interactions");
            if (items > 0) r.note(b.split + ": " + items + " items never occur in train (cold items: only features can rank them)");
        }
        int idleUsers = count(anyUser, false);
        int idleItems = count(anyItem, false);
        if (idleUsers > 0) r.note(idleUsers + " of " + d.numUsers() + " user ids have no interactions");
        if (idleItems > 0) r.note(idleItems + " of " + d.numItems() + " item ids have no interactions");
    }

    private static void overlap(LoadReport r, String source, SplitBuilder a, SplitBuilder b) {
        int n = 0;
        for (int k = 0; k < a.size(); k++) if (b.contains(a.user(k), a.item(k))) n++;
        if (n > 0) {
            r.warn(source + ": " + n + " of " + a.size() + " " + a.split + " interactions also appear in " + b.split
                    + (b.split.equals("train") ? " (ranking masks train items, so these can never be hits)" : ""));
        }
    }

    private static int count(boolean[] flags, boolean value) {
        int n = 0;
        for (boolean f : flags) if (f == value) n++;
        return n;
    }
}
