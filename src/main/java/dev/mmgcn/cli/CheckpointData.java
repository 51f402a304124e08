package dev.mmgcn.cli;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.train.Checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A checkpoint plus the dataset it was trained on, reloaded from the checkpoint's "data.*" entries unless overridden. */
final class CheckpointData {
    private CheckpointData() {
    }

    static Checkpoint read(Args a) throws IOException {
        String file = a.get("checkpoint", null);
        if (file == null) throw new Args.UsageException("--checkpoint FILE is required (train writes <out>/best.ckpt)");
        return Checkpoint.read(Path.of(file));
    }

    /** Loads the dataset named by the checkpoint, with any data options given on the command line taking precedence. */
    static Dataset dataset(Checkpoint ck, Args given, Args fresh, String[] argv) {
        List<String> replay = new ArrayList<>(DataOptions.replay(ck.header(), given));
        replay.addAll(Arrays.asList(argv));
        Args merged = fresh.parse(replay.toArray(String[]::new));
        Dataset d = DataOptions.load(merged, !"lightgcn".equals(ck.header().getProperty("model.type")));
        String used = ck.header().getProperty("data.used_modalities");
        if (used != null && !used.isEmpty() && !merged.has("modalities")) {
            List<String> names = List.of(used.split(","));
            if (!d.modalityNames().equals(names)) d = d.withModalities(names);
        }
        int users = Integer.parseInt(ck.get("data.users"));
        int items = Integer.parseInt(ck.get("data.items"));
        if (d.numUsers() != users || d.numItems() != items) {
            int du = d.numUsers(), di = d.numItems();
            d.close();
            throw new Args.UsageException("the dataset has " + du + " users and " + di + " items but the checkpoint was trained on "
                    + users + " and " + items + ": pass the same --data as for training");
        }
        return d;
    }
}
