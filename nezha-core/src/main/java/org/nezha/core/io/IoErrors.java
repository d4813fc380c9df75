package org.nezha.core.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

import com.fasterxml.jackson.core.JacksonException;

/**
 * The reason of an I/O failure in words a user acts on ("permission denied", "No space left on
 * device"), for one-line errors that already name the file. Java's own messages are often just
 * the path again.
 */
public final class IoErrors {
    private IoErrors() {}

    public static String reason(IOException e) {
        if (e instanceof JacksonException json) {
            String where = json.getLocation() == null ? "" : " (line " + json.getLocation().getLineNr() + ")";
            return "not valid JSON: " + firstLine(json.getOriginalMessage()) + where;
        }
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof NoSuchFileException) return "no such file or directory";
        if (e instanceof NotDirectoryException) return "not a directory";
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason().toLowerCase(Locale.ROOT);
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : firstLine(message);
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
