package dev.mmgcn.data;

import java.util.Arrays;
import java.util.Locale;

/**
 * Ids are used as they are, as row indices: a dataset with user ids up to 2,000,000,000 would get two
 * billion user rows, whatever few of them occur. Before anything is sized by the largest id, this
 * refuses id ranges that are mostly empty — above {@value #FLOOR} ids, more than {@value #FACTOR} times
 * the number of distinct ids — and says how to remap them.
 */
final class IdDensity {
    static final long FLOOR = 1_000_000;
    static final long FACTOR = 10;

    private IdDensity() {
    }

    /**
     * @param kind   "user" or "item"
     * @param maxId  the largest id
     * @param ids    every id as read (repeats allowed); only looked at when the range is large
     * @param where  file and line (or entry) of the largest id
     * @param mapping MMRec's mapping file for this kind, named in the hint
     */
    static void check(String kind, long maxId, long[] ids, int count, String where, String mapping) {
        long range = maxId + 1;
        if (range <= FLOOR) return;
        long[] sorted = Arrays.copyOf(ids, count);
        Arrays.sort(sorted);
        long distinct = 0;
        for (int k = 0; k < sorted.length; k++) if (k == 0 || sorted[k] != sorted[k - 1]) distinct++;
        if (range <= FACTOR * distinct) return;
        throw new DataException(String.format(Locale.ROOT,
                "%s: %s id %d: ids are row indices, so this would make %,d %s rows for %,d distinct %ss; ids must be dense"
                        + " (above %,d, at most %d times the number of distinct ids): remap them to 0..%,d"
                        + " (MMRec's preprocessing writes %s for this)",
                where, kind, maxId, range, kind, distinct, kind, FLOOR, FACTOR, distinct - 1, mapping));
    }
}
