package org.nezha.core.corpus;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.nezha.core.InputException;
import org.nezha.core.io.IoErrors;

/**
 * The files that {@code --corpus} arguments name, in reading order: a file as given; a directory's
 * regular files, recursively, sorted by path (names starting with a dot skipped); a glob pattern
 * ({@code *}, {@code ?}, {@code [..]}, {@code {a,b}}, {@code **} across directories) expanded and
 * sorted. Names stay relative when given relative.
 */
public final class CorpusFiles {
    private static final String GLOB_CHARS = "*?[{";

    private CorpusFiles() {}

    static List<Path> expand(List<String> arguments) {
        List<Path> files = new ArrayList<>();
        for (String argument : arguments) {
            Path path = Paths.get(argument);
            if (Files.isDirectory(path)) files.addAll(regularFiles(path, p -> true, argument));
            else if (Files.exists(path) || !isGlob(argument)) files.add(path);
            else files.addAll(glob(argument));
        }
        for (Path file : files) {
            if (!Files.exists(file)) throw InputException.in(file, "corpus file not found");
            if (!Files.isRegularFile(file)) throw InputException.in(file, "not a regular file");
        }
        return files;
    }

    private static boolean isGlob(String argument) {
        return argument.chars().anyMatch(c -> GLOB_CHARS.indexOf(c) >= 0);
    }

    /** The pattern's directory part before its first glob character is where the search starts. */
    private static List<Path> glob(String pattern) {
        int firstGlob = 0;
        while (GLOB_CHARS.indexOf(pattern.charAt(firstGlob)) < 0) firstGlob++;
        int slash = pattern.lastIndexOf('/', firstGlob);
        Path base = slash < 0 ? Paths.get("") : Paths.get(slash == 0 ? "/" : pattern.substring(0, slash));
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern.substring(slash + 1));
        List<Path> matches = Files.isDirectory(base) ? regularFiles(base, matcher::matches, pattern) : List.of();
        if (matches.isEmpty()) throw new InputException(pattern + ": the pattern matches no file");
        return matches;
    }

    /** Regular files under {@code dir} whose path relative to it the filter accepts, sorted; hidden ones left out. */
    private static List<Path> regularFiles(Path dir, Predicate<Path> relativeFilter, String argument) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !isHidden(dir.relativize(p)) && relativeFilter.test(dir.relativize(p)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new InputException(argument + ": cannot list: " + IoErrors.reason(e));
        }
    }

    private static boolean isHidden(Path relative) {
        for (Path part : relative) if (part.toString().startsWith(".")) return true;
        return false;
    }

    /** The size of a corpus file, for progress; a file that cannot be read is one error line naming it. */
    public static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw InputException.in(file, "cannot read: " + IoErrors.reason(e));
        }
    }
}
