package dev.mmgcn.cli;

import dev.mmgcn.io.FileKinds;

import java.io.IOException;
import java.io.StreamTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * {@code @FILE} on a command line: FILE's arguments in its place, with picocli's syntax for argument files
 * (whitespace-separated, single or double quotes, {@code #} comments, {@code @@x} for a literal {@code @x}, a
 * name that is not a readable file kept as it is). Done here rather than by picocli because picocli skips a file
 * it has already expanded without a word: a file that includes itself was silently ignored and a default run
 * started. Here an argument file that includes itself (directly or through others) is refused, naming the chain,
 * as is a folder, a file that cannot be read, one that is not a regular file or one larger than
 * {@value #MAX_BYTES} bytes. A UTF-8 byte-order mark at the start of a file is not part of its first argument.
 */
final class ArgumentFiles {
    static final long MAX_BYTES = 256 * 1024;

    private ArgumentFiles() {
    }

    static String[] expand(String[] args) {
        List<String> out = new ArrayList<>();
        Deque<Path> open = new ArrayDeque<>();
        for (String a : args) add(a, out, open);
        return out.toArray(String[]::new);
    }

    private static void add(String arg, List<String> out, Deque<Path> open) {
        if (arg.length() < 2 || arg.charAt(0) != '@') {
            out.add(arg);
            return;
        }
        String name = arg.substring(1);
        if (name.startsWith("@")) { // @@x: the literal @x
            out.add(name);
            return;
        }
        Path file = Path.of(name);
        if (Files.isDirectory(file)) throw Failure.usage(arg + ": " + file + " is a folder (@FILE reads more arguments from FILE)");
        if (Files.exists(file) && !Files.isReadable(file)) {
            throw Failure.usage(arg + ": " + file + " cannot be read (permission denied) (@FILE reads more arguments from FILE)");
        }
        if (!Files.exists(file)) {
            out.add(arg); // as picocli: not an argument file, an argument that starts with @ (the command says what it makes of it)
            return;
        }
        Path key = real(file);
        if (open.contains(key)) {
            List<String> chain = new ArrayList<>();
            open.descendingIterator().forEachRemaining(p -> chain.add(p.getFileName().toString()));
            chain.add(key.getFileName().toString());
            throw Failure.usage("@" + name + ": the argument file includes itself (" + String.join(" → ", chain) + "); remove the @"
                    + key.getFileName() + " line");
        }
        String special = FileKinds.specialInput(file);
        if (special != null) throw Failure.usage("@" + name + ": " + file + " is " + special + ", not a regular file of arguments");
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw Failure.io("@" + name + ": cannot read " + file + ": " + FileErrors.reason(e), e);
        }
        if (size > MAX_BYTES) {
            throw Failure.usage("@" + name + ": " + file + " has " + size + " bytes; an argument file holds at most " + MAX_BYTES + " (is it the right file?)");
        }
        open.push(key);
        try (java.io.BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            r.mark(1);
            if (r.read() != dev.mmgcn.io.Bom.MARK) r.reset(); // a byte-order mark is not part of the first argument
            StreamTokenizer tok = new StreamTokenizer(r);
            tok.resetSyntax();
            tok.wordChars(' ', 255);
            tok.whitespaceChars(0, ' ');
            tok.quoteChar('"');
            tok.quoteChar('\'');
            tok.commentChar('#');
            while (tok.nextToken() != StreamTokenizer.TT_EOF) add(tok.sval, out, open);
        } catch (IOException e) {
            throw Failure.io("@" + name + ": cannot read " + file + ": " + FileErrors.reason(e), e);
        } finally {
            open.pop();
        }
    }

    private static Path real(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file.toAbsolutePath().normalize();
        }
    }
}
