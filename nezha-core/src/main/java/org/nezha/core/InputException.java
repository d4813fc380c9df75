package org.nezha.core;

import java.nio.file.Path;

/**
 * Bad user input: a missing or malformed file, an unknown label, a configuration the model cannot
 * take. The message is one line that names the file (and line, where there is one) and the
 * problem; the CLI prints exactly that line and exits non-zero.
 */
public class InputException extends RuntimeException {
    public InputException(String message) {
        super(message);
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "FILE: problem". */
    public static InputException in(Path file, String problem) {
        return new InputException(file + ": " + problem);
    }

    /** "FILE:LINE: problem" (lines count from 1). */
    public static InputException at(Path file, long line, String problem) {
        return new InputException(file + ":" + line + ": " + problem);
    }
}
