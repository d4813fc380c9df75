package org.nezha.core.distributed;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A rendezvous or collective operation that failed: a peer died, hung or could not be reached. The
 * message is one line naming this rank, the operation and what went wrong, e.g.
 * {@code rank 1: all-reduce timed out after 30 s (a peer died or hung)}; the native c10d error
 * (with its C++ backtrace) is the cause.
 */
public final class DistributedException extends RuntimeException {
    private static final Pattern TIMEOUT = Pattern.compile("(?i)timed out|timeout");
    private static final Pattern PEER_GONE = Pattern.compile("(?i)closed by peer|connection reset|broken pipe");
    /** Gloo prefixes its messages with the C++ source location: "[/long/path/pair.cc:547] ". */
    private static final Pattern SOURCE_LOCATION = Pattern.compile("^\\[[^\\]]*:\\d+\\]\\s*");

    DistributedException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Describes {@code nativeError} from {@code operation} ("all-reduce", "rendezvous at HOST:PORT") on
     * {@code rank}; {@code hint} says what probably happened when the operation timed out.
     */
    static DistributedException describe(int rank, String operation, Duration timeout, String hint, RuntimeException nativeError) {
        String detail = firstLine(nativeError.getMessage());
        String what;
        if (TIMEOUT.matcher(detail).find()) {
            what = " timed out after " + seconds(timeout) + " (" + hint + ")";
        } else if (PEER_GONE.matcher(detail).find()) {
            what = " failed: " + detail + " (a peer died)";
        } else {
            what = " failed: " + detail;
        }
        return new DistributedException("rank " + rank + ": " + operation + what, nativeError);
    }

    private static String firstLine(String message) {
        if (message == null || message.isBlank()) return "unknown error";
        String line = message.strip().lines().findFirst().orElse("");
        return SOURCE_LOCATION.matcher(line).replaceFirst("");
    }

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
