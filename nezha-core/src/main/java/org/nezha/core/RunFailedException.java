package org.nezha.core;

/**
 * A run that started from good input but could not finish (its training diverged, say). The
 * message is one line saying what happened, what to try and what was kept; the CLI prints exactly
 * that line and exits with status 1.
 */
public class RunFailedException extends RuntimeException {
    public RunFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
