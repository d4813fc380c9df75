package org.nezha.bindings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Extraction into the content-addressed cache: once, complete, safe when JVMs race, and a clear error when it cannot write. */
class NativeLibraryCacheTest {
    private static final String NAME = "libexample.so";
    private static final byte[] PAYLOAD = randomBytes(3 << 20);
    private static final String SHA256 = sha256(PAYLOAD);

    @TempDir
    Path root;

    @Test
    void extractsOnceAndReusesTheCopy() throws IOException {
        NativeLibraryCache cache = new NativeLibraryCache(root);
        Path first = cache.get(NAME, SHA256, () -> new ByteArrayInputStream(PAYLOAD));
        assertEquals(root.resolve(SHA256).resolve(NAME), first);
        assertArrayEquals(PAYLOAD, Files.readAllBytes(first));
        Object inode = Files.readAttributes(first, "unix:ino").get("ino");

        Path again = cache.get(NAME, SHA256, () -> {
            throw new AssertionError("extracted again although the cache has the library");
        });
        assertEquals(first, again);
        assertEquals(inode, Files.readAttributes(again, "unix:ino").get("ino"));
    }

    @Test
    void threadsExtractingAtOnceLeaveOneCompleteFile() throws Exception {
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return new NativeLibraryCache(root).get(NAME, SHA256, () -> new ByteArrayInputStream(PAYLOAD));
                }));
            }
            for (Future<Path> result : results) {
                Path path = result.get(1, TimeUnit.MINUTES);
                assertArrayEquals(PAYLOAD, Files.readAllBytes(path), "a caller got an incomplete library");
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(NAME), filesIn(root.resolve(SHA256)));
    }

    @Test
    void processesExtractingAtOnceLeaveOneCompleteFile() throws Exception {
        Path payload = Files.write(root.resolve("payload.bin"), PAYLOAD);
        Path cacheRoot = root.resolve("cache");
        List<Process> processes = new ArrayList<>();
        try {
            for (int p = 0; p < 4; p++) {
                List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow()));
                command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments()); // this JVM's options: nothing in /tmp
                command.addAll(List.of("-cp", System.getProperty("java.class.path"), Extractor.class.getName(),
                        cacheRoot.toString(), payload.toString()));
                processes.add(new ProcessBuilder(command).redirectErrorStream(true).start());
            }
            for (Process process : processes) {
                assertTrue(process.waitFor(1, TimeUnit.MINUTES), "extractor process hangs");
                String output = new String(process.getInputStream().readAllBytes()).strip();
                assertEquals(0, process.exitValue(), output);
                assertEquals(cacheRoot.resolve(SHA256).resolve(NAME).toString(), output);
            }
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
        assertArrayEquals(PAYLOAD, Files.readAllBytes(cacheRoot.resolve(SHA256).resolve(NAME)));
        assertEquals(List.of(NAME), filesIn(cacheRoot.resolve(SHA256)));
    }

    /** One JVM of {@link #processesExtractingAtOnceLeaveOneCompleteFile}: {@code Extractor CACHE_ROOT PAYLOAD_FILE}. */
    static final class Extractor {
        public static void main(String[] args) {
            Path payload = Path.of(args[1]);
            System.out.println(new NativeLibraryCache(Path.of(args[0])).get(NAME, SHA256, () -> Files.newInputStream(payload)));
        }
    }

    @Test
    void aPartialFileIsNeverLoadedAndAStaleOneIsRemoved() throws IOException {
        Path dir = Files.createDirectories(root.resolve(SHA256));
        byte[] half = Arrays.copyOf(PAYLOAD, PAYLOAD.length / 2);
        Path stale = Files.write(dir.resolve(NAME + ".111" + NativeLibraryCache.PARTIAL_SUFFIX), half);
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(NativeLibraryCache.STALE).minusSeconds(60)));
        Path inProgress = Files.write(dir.resolve(NAME + ".222" + NativeLibraryCache.PARTIAL_SUFFIX), half);

        Path library = new NativeLibraryCache(root).get(NAME, SHA256, () -> new ByteArrayInputStream(PAYLOAD));

        assertArrayEquals(PAYLOAD, Files.readAllBytes(library));
        assertFalse(Files.exists(stale), "a partial file from a JVM killed an hour ago is removed");
        assertTrue(Files.exists(inProgress), "a recent partial file may belong to a JVM extracting now");
    }

    @Test
    void aCacheThatCannotBeWrittenNamesTheDirectoryAndTheWayOut() throws IOException {
        Path file = Files.writeString(root.resolve("a-file"), "not a directory");
        Path cacheRoot = file.resolve("cache");
        NativeSetupException e = assertThrows(NativeSetupException.class,
                () -> new NativeLibraryCache(cacheRoot).get(NAME, SHA256, () -> new ByteArrayInputStream(PAYLOAD)));
        assertTrue(e.getMessage().startsWith("cannot extract " + NAME + " into the cache directory " + cacheRoot.resolve(SHA256)),
                e.getMessage());
        assertTrue(e.getMessage().contains("set NEZHA_CACHE_DIR to a writable directory"), e.getMessage());
    }

    /** The umask's permissions, not a temporary file's 0600: a cache shared by several users serves all of them. */
    @Test
    void theCachedLibraryHasTheUsualPermissions() throws IOException {
        Path library = new NativeLibraryCache(root).get(NAME, SHA256, () -> new ByteArrayInputStream(PAYLOAD));
        Path reference = Files.createFile(root.resolve("reference"));
        assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(library));
    }

    @Test
    void contentThatDoesNotMatchItsHashIsNotCached() throws IOException {
        byte[] other = "a different build".getBytes();
        NativeSetupException e = assertThrows(NativeSetupException.class,
                () -> new NativeLibraryCache(root).get(NAME, SHA256, () -> new ByteArrayInputStream(other)));
        assertTrue(e.getMessage().contains("has SHA-256 " + sha256(other)), e.getMessage());
        assertEquals(List.of(), filesIn(root.resolve(SHA256)), "nothing cached under the recorded hash");
    }

    @Test
    void theCacheRootFollowsNezhaCacheDirThenXdgThenHome() {
        assertEquals(Path.of("/c/n"), NativeLibraryCache.defaultRoot(Map.of("NEZHA_CACHE_DIR", "/c/n", "XDG_CACHE_HOME", "/x")::get, "/h"));
        assertEquals(Path.of("/x/nezha"), NativeLibraryCache.defaultRoot(Map.of("XDG_CACHE_HOME", "/x")::get, "/h"));
        assertEquals(Path.of("/h/.cache/nezha"), NativeLibraryCache.defaultRoot(Map.of("XDG_CACHE_HOME", " ")::get, "/h"));
        assertEquals(Path.of("/home/u/.cache/nezha"), NativeLibraryCache.defaultRoot(Map.of("HOME", "/home/u")::get, "/h"));
        // Java's user.home for a user without a passwd entry: a relative cache would land in the working directory
        NativeSetupException e = assertThrows(NativeSetupException.class,
                () -> NativeLibraryCache.defaultRoot(Map.<String, String>of()::get, "?"));
        assertTrue(e.getMessage().contains("not an absolute path") && e.getMessage().contains("NEZHA_CACHE_DIR"), e.getMessage());
    }

    private static List<String> filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random(7).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
