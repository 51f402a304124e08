package dev.mmgcn.spark.bench;

import dev.mmgcn.api.LoadOptions;
import dev.mmgcn.api.MmgcnModel;
import dev.mmgcn.api.Recommendation;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The single-process reference the Spark benchmark is measured against: the Java API's blocked
 * {@code recommend} over the first N users (all by default) in one JVM with T kernel threads, counting the
 * rows as the Spark job's {@code --count-only} does. Prints users per second of the ranking call alone.
 *
 * <pre>java … dev.mmgcn.spark.AllUsersBaseline CHECKPOINT K THREADS [USERS (0: all)]</pre>
 */
public final class AllUsersBaseline {
    private AllUsersBaseline() {
    }

    public static void main(String[] args) throws Exception {
        Path ck = Path.of(args[0]);
        int k = Integer.parseInt(args[1]), threads = Integer.parseInt(args[2]);
        long t0 = System.nanoTime();
        try (MmgcnModel m = MmgcnModel.load(ck, new LoadOptions(threads))) {
            double load = (System.nanoTime() - t0) / 1e9;
            int limit = args.length > 3 ? Integer.parseInt(args[3]) : 0;
            int n = limit > 0 ? Math.min(limit, m.info().users()) : m.info().users();
            List<String> users = m.userIds().subList(0, n);
            long t1 = System.nanoTime();
            List<Recommendation> recs = m.recommend(users, k);
            double seconds = (System.nanoTime() - t1) / 1e9;
            long rows = 0;
            for (Recommendation r : recs) rows += r.items().size();
            System.out.printf(Locale.ROOT, "baseline    %s: %,d users x %,d items, top %d, %d threads, %s kernels (read in %.1f s)%n",
                    ck, n, m.info().items(), k, threads, m.info().backend(), load);
            System.out.printf(Locale.ROOT, "ranked      %,d rows in %.2f s: %,.0f users/s%n", rows, seconds, n / seconds);
        }
    }
}
