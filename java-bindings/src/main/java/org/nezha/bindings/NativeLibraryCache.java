package org.nezha.bindings;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * A content-addressed cache for a library packed in the jar, as JavaCPP's ~/.javacpp/cache: the copy whose
 * SHA-256 is H lives at {@code ROOT/H/NAME}, is extracted by the first JVM that needs it and reused by every
 * later one, so nothing is copied to /tmp per start (and left there by a killed JVM). JVMs starting together
 * (launch workers, test forks) may extract at once: each writes its own temporary file beside the target and
 * renames it into place atomically, so the library's name only ever holds a complete copy.
 */
final class NativeLibraryCache {
    static final String ENVIRONMENT = "NEZHA_CACHE_DIR";
    static final String PARTIAL_SUFFIX = ".part";
    /** A partial file this old belongs to a JVM killed while extracting, not to one extracting now. */
    static final Duration STALE = Duration.ofHours(1);

    /** The packed content, opened when it has to be extracted. */
    interface Content {
        InputStream open() throws IOException;
    }

    private static final AtomicLong COUNTER = new AtomicLong();

    private final Path root;

    NativeLibraryCache(Path root) {
        this.root = root;
    }

    /**
     * {@code $NEZHA_CACHE_DIR}, else {@code $XDG_CACHE_HOME/nezha}, else {@code $HOME/.cache/nezha} (Java's
     * user.home when HOME is unset); it must be absolute (a container user without a home gets "?").
     */
    static Path defaultRoot(UnaryOperator<String> environment, String userHome) {
        Path root;
        String explicit = environment.apply(ENVIRONMENT), xdg = environment.apply("XDG_CACHE_HOME");
        String home = environment.apply("HOME");
        if (explicit != null && !explicit.isBlank()) root = Path.of(explicit);
        else if (xdg != null && !xdg.isBlank()) root = Path.of(xdg, "nezha");
        else root = Path.of(home != null && !home.isBlank() ? home : userHome, ".cache", "nezha");
        if (!root.isAbsolute()) {
            throw new NativeSetupException("the cache directory for " + NativeLibrary.NAME + " would be " + root
                    + ", not an absolute path (no home directory?); set " + ENVIRONMENT + " to a writable directory");
        }
        return root;
    }

    /** The cached {@code name} with this SHA-256 (lower-case hex), extracted from {@code content} first if missing. */
    Path get(String name, String sha256, Content content) {
        Path dir = root.resolve(sha256);
        Path target = dir.resolve(name);
        removeStalePartials(dir, name);
        if (Files.isRegularFile(target)) return target;
        Path partial = null;
        try {
            Files.createDirectories(dir);
            // created like any new file (the umask's permissions, so a shared cache serves every user)
            partial = dir.resolve(name + "." + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet() + PARTIAL_SUFFIX);
            String written = copy(content, partial);
            if (!written.equals(sha256)) {
                throw new NativeSetupException("the packed " + name + " has SHA-256 " + written + ", not the " + sha256
                        + " recorded beside it at build time; rebuild with ./build");
            }
            // rename(2): a JVM that finished first is replaced by an identical file; one that has the old copy
            // loaded keeps it.
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new NativeSetupException("cannot extract " + name + " into the cache directory " + dir + " (" + reason
                    + "); set " + ENVIRONMENT + " to a writable directory, or -D" + NativeLibrary.PROPERTY + "=PATH to a built "
                    + name);
        } finally {
            if (partial != null) deleteQuietly(partial);
        }
    }

    /** Writes and flushes to disk (a renamed file must not turn out empty after a power loss); returns the SHA-256. */
    private static String copy(Content content, Path file) throws IOException {
        MessageDigest sha256 = sha256();
        try (InputStream in = content.open();
             FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputStream out = new DigestOutputStream(Channels.newOutputStream(channel), sha256);
            in.transferTo(out);
            out.flush();
            channel.force(true);
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** Best effort: a JVM killed while extracting leaves its partial file; nothing ever loads one. */
    private static void removeStalePartials(Path dir, String name) {
        if (!Files.isDirectory(dir)) return;
        FileTime cutoff = FileTime.from(Instant.now().minus(STALE));
        try (DirectoryStream<Path> partials = Files.newDirectoryStream(dir, name + ".*" + PARTIAL_SUFFIX)) {
            for (Path partial : partials) {
                if (Files.getLastModifiedTime(partial).compareTo(cutoff) < 0) deleteQuietly(partial);
            }
        } catch (IOException e) {
            // an unreadable directory shows up as a clear error when the library is extracted or loaded
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // left for removeStalePartials of a later start
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
