package dev.mmgcn.cli;

import dev.mmgcn.data.IdMap;
import dev.mmgcn.data.Npy;
import dev.mmgcn.data.Npz;
import dev.mmgcn.data.TrainingRecord;
import dev.mmgcn.io.AtomicFile;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.train.Checkpoint;
import dev.mmgcn.train.CheckpointHeader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code export}: a checkpoint's representations (and, as .npz, every parameter) for numpy, with the users' and items' own ids; no dataset. */
@Command(name = "export", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Writes the checkpoint's final representations for numpy; reads no dataset. Row r of the embeddings is the",
                "user or item on line r of the id list (ids as written in the training data); score(u, i) = users[u] @ items[i].",
                "  --format npy:  " + ExportCommand.USERS + " (users × d), " + ExportCommand.ITEMS + " (items × d), float32;",
                "                 " + ExportCommand.USER_IDS + ", " + ExportCommand.ITEM_IDS + " (UTF-8, one id per line)",
                "  --format npz:  " + ExportCommand.NPZ + ": every parameter under its name, user_embeddings, item_embeddings,",
                "                 user_ids, item_ids (numpy strings), seen_row_ptr + seen_items (each user's training items as a",
                "                 CSR, int32), metadata (the settings and data fingerprint as JSON); numpy.load reads it, no pickle",
                "Each file is written atomically (a kill leaves the old file or the new one); existing ones are kept unless --overwrite."},
        footer = {"", Main.EXIT_CODES})
final class ExportCommand implements Callable<Integer> {
    static final String USERS = "user_embeddings.npy";
    static final String ITEMS = "item_embeddings.npy";
    static final String USER_IDS = "user_ids.txt";
    static final String ITEM_IDS = "item_ids.txt";
    static final String NPZ = "model.npz";

    enum Format { npy, npz }

    @ParentCommand
    MmgcnCommand top;

    @Option(names = "--checkpoint", paramLabel = "FILE", order = 1, description = "checkpoint written by train (required)")
    Path checkpoint;

    @Option(names = "--out", paramLabel = "DIR", order = 2, description = "folder for the files (required; created when missing)")
    Path out;

    @Option(names = "--format", paramLabel = "FORMAT", order = 3, description = "npy (default): embeddings and id lists; npz: one numpy archive with every parameter too")
    Format format = Format.npy;

    @Option(names = "--overwrite", order = 4, description = "replace export files already in --out")
    boolean overwrite;

    @Override
    public Integer call() throws IOException {
        CheckpointFile.check(checkpoint);
        if (out == null) throw Failure.usage("--out DIR is required");
        List<Path> targets = (format == Format.npy ? List.of(USERS, ITEMS, USER_IDS, ITEM_IDS) : List.of(NPZ)).stream().map(out::resolve).toList();
        for (Path p : targets) {
            if (Files.isDirectory(p)) throw Failure.usage("--out: " + p + " is a folder; it would be replaced by the export");
        }
        OutputFile.refuseExisting("--out", overwrite, targets.toArray(Path[]::new));
        Checkpoint ck = CheckpointFile.read(checkpoint);
        int users = CheckpointFile.entry(ck.info()::users);
        if (!ck.has(Checkpoint.REPRESENTATION)) throw Failure.data("--checkpoint " + checkpoint + " has no representation tensor", null);
        if (!ck.tensorNames().contains(Checkpoint.REPRESENTATION)) {
            throw Failure.data("--checkpoint " + checkpoint + ": its representation tensor holds int32 values, not float32: damaged, or not written by mmgcn-engine train", null);
        }
        int[] shape = ck.shape(Checkpoint.REPRESENTATION);
        if (users > shape[0]) throw Failure.data("--checkpoint " + checkpoint + ": " + users + " users but " + shape[0] + " representation rows", null);
        TrainingRecord record = ck.trainingRecord();
        if (record == null) {
            throw Failure.data("--checkpoint " + checkpoint + " has no training record (ids and training items); re-train to export it", null);
        }
        if (record.numUsers() != users || record.numItems() != shape[0] - users) {
            throw Failure.data("--checkpoint " + checkpoint + ": its ids are for " + record.numUsers() + " users and " + record.numItems()
                    + " items, its representation for " + users + " and " + (shape[0] - users), null);
        }
        OutputFile.folder("--out", out);
        OutputFile.clean("--out", targets.toArray(Path[]::new));
        if (format == Format.npy) {
            writeNpy(ck, users, shape, record, targets);
            top.out.printf("wrote %s (%d x %d), %s (%d x %d), %s and %s%n", targets.get(0), users, shape[1], targets.get(1), shape[0] - users,
                    shape[1], targets.get(2).getFileName(), targets.get(3).getFileName());
        } else {
            List<Npz.Member> members = npz(ck, users, shape, record);
            Npz.write(targets.getFirst(), members);
            top.out.printf("wrote %s: %d arrays (%d parameters, embeddings of %d users and %d items, width %d)%n", targets.getFirst(), members.size(),
                    ck.tensorNames().size() - 1, users, shape[0] - users, shape[1]);
        }
        return 0;
    }

    private static void writeNpy(Checkpoint ck, int users, int[] shape, TrainingRecord record, List<Path> targets) throws IOException {
        try (HostScope host = new HostScope()) {
            Tensor all = host.floats(shape[0], shape[1]);
            all.copyFrom(ck.tensor(Checkpoint.REPRESENTATION));
            Npy.writeFloats(targets.get(0), all.rowSlice(0, users));
            Npy.writeFloats(targets.get(1), all.rowSlice(users, shape[0]));
        }
        AtomicFile.writeString(targets.get(2), lines(record.userIds()));
        AtomicFile.writeString(targets.get(3), lines(record.itemIds()));
    }

    /** Every float tensor but the representation under its own name, then the representation split in two, the ids, the seen items and the metadata. */
    private static List<Npz.Member> npz(Checkpoint ck, int users, int[] shape, TrainingRecord record) {
        List<Npz.Member> m = new ArrayList<>();
        for (String name : ck.tensorNames()) {
            if (name.equals(Checkpoint.REPRESENTATION)) continue;
            int[] s = ck.shape(name);
            m.add(Npz.floats(name, ck.tensor(name), 0, s[0], s[1]));
        }
        float[] rep = ck.tensor(Checkpoint.REPRESENTATION);
        m.add(Npz.floats("user_embeddings", rep, 0, users, shape[1]));
        m.add(Npz.floats("item_embeddings", rep, users, shape[0] - users, shape[1]));
        m.add(Npz.strings("user_ids", ids(record.userIds())));
        m.add(Npz.strings("item_ids", ids(record.itemIds())));
        m.add(Npz.ints("seen_row_ptr", record.seen().rowPtr()));
        m.add(Npz.ints("seen_items", record.seen().items()));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", "mmgcn-engine export");
        meta.put("checkpoint_format_version", CheckpointHeader.VERSION);
        meta.put("settings", ck.info().entries());
        meta.put("data_fingerprint", record.fingerprint().digest());
        meta.put("data_fingerprint_parts", record.fingerprint().parts());
        m.add(Npz.string("metadata", Json.line(meta)));
        return m;
    }

    private static List<String> ids(IdMap map) {
        List<String> out = new ArrayList<>(map.size());
        for (int i = 0; i < map.size(); i++) out.add(map.external(i));
        return out;
    }

    private static String lines(IdMap map) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < map.size(); i++) s.append(map.external(i)).append('\n');
        return s.toString();
    }
}
