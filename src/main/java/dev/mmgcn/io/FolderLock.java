package dev.mmgcn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One process at a time in a folder (a run folder, a sweep folder): a lock file {@value #NAME} that holds the
 * holder's PID, start time and command, under an operating-system lock ({@link FileChannel#tryLock}) that the
 * system releases when the process ends, however it ends. A second process is refused ({@link Held}) with the
 * holder named. On {@link #close()} (and on SIGTERM or Ctrl-C, through a shutdown hook) the file is cleared; a
 * file that still names a process when its lock is free was left by a killed one: it is stale, taken over, and
 * said so ({@link #stale()}).
 *
 * <p>The file itself stays (empty): removing it would let a process that opened it just before lock the removed
 * file while a third locks a new one. And the file is only ever opened through the one channel that holds the
 * lock, since closing any other descriptor of it would release this process's lock (POSIX record locks); a second
 * caller in the same process is refused from a table, without opening it.
 */
public final class FolderLock implements AutoCloseable {
    public static final String NAME = ".mmgcn.lock";

    /** The folders this process holds, by real path. */
    private static final Map<Path, FolderLock> HELD = new ConcurrentHashMap<>();

    /** The folder is locked by another process (or by another caller in this one). */
    public static final class Held extends IOException {
        private final String holder;

        Held(Path dir, String holder) {
            super(dir + " is in use by " + holder);
            this.holder = holder;
        }

        /** Who holds it, e.g. "process 4711 (mmgcn-engine train --resume runs/x, since 2026-12-07T19:30:01Z)". */
        public String holder() { return holder; }
    }

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;
    private final String stale;
    private final String content;
    private final Thread hook;
    private boolean closed;

    private FolderLock(Path key, FileChannel channel, FileLock lock, String stale, String content) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
        this.stale = stale;
        this.content = content;
        this.hook = new Thread(this::close, "mmgcn-folder-lock");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Locks {@code dir} (which must exist) for this process, describing it as {@code command}.
     *
     * @throws Held        when another process, or another caller in this one, holds it
     * @throws IOException when the lock file cannot be created or written
     */
    public static synchronized FolderLock acquire(Path dir, String command) throws IOException {
        Path key = dir.toRealPath();
        FolderLock mine = HELD.get(key);
        if (mine != null) throw new Held(dir, describe(mine.content).orElse("this process") + " (this same process)");
        FileChannel ch = FileChannel.open(key.resolve(NAME), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        try {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException inThisProcess) { // held through a lock this class did not make
                throw new Held(dir, "this same process");
            }
            if (lock == null) throw new Held(dir, describe(read(ch)).orElse("another process (it has not written its PID yet)"));
            String before = read(ch);
            String content = "pid " + ProcessHandle.current().pid() + "\nstarted " + OffsetDateTime.now() + "\ncommand " + oneLine(command) + "\n";
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            FolderLock l = new FolderLock(key, ch, lock, before.isBlank() ? null : describe(before).orElse("an unknown process"), content);
            HELD.put(key, l);
            return l;
        } catch (IOException | RuntimeException e) {
            ch.close(); // this process holds no lock on the file then: closing releases nothing of anyone's
            throw e;
        }
    }

    /** The process whose lock file this one took over (it ended without clearing it: killed), or null. */
    public String stale() { return stale; }

    /** Clears the lock file and releases the lock. Idempotent. */
    @Override
    public void close() {
        synchronized (FolderLock.class) {
            if (closed) return;
            closed = true;
            HELD.remove(key, this);
            try {
                channel.truncate(0); // cleared while still held: no one reads a half-cleared file as a holder
                channel.force(true);
            } catch (IOException ignored) {
                // a file left with our PID is stale once the lock is free, and is taken over by the next process
            }
            try {
                lock.release();
                channel.close();
            } catch (IOException ignored) {
                // the process's exit releases it in any case
            }
        }
        if (Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway and finds it closed
            }
        }
    }

    /** The lock file's content, read through the channel that holds (or tried) the lock. */
    private static String read(FileChannel ch) throws IOException {
        long size = Math.min(ch.size(), 64 * 1024);
        ByteBuffer b = ByteBuffer.allocate((int) size);
        while (b.hasRemaining()) {
            if (ch.read(b, b.position()) < 0) break;
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    /** "process 4711 (command…, since …)" from a lock file's content; empty when it holds no PID. */
    static Optional<String> describe(String content) {
        String pid = field(content, "pid"), command = field(content, "command"), started = field(content, "started");
        if (pid == null) return Optional.empty();
        StringBuilder s = new StringBuilder("process ").append(pid);
        if (command != null || started != null) {
            s.append(" (");
            if (command != null) s.append(Quote.clip(command));
            if (started != null) s.append(command != null ? ", " : "").append("since ").append(started);
            s.append(')');
        }
        return Optional.of(s.toString());
    }

    private static String field(String content, String name) {
        for (String line : content.split("\n")) {
            if (line.startsWith(name + " ")) return line.substring(name.length() + 1).strip();
        }
        return null;
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }
}
