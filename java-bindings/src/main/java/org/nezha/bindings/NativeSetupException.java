package org.nezha.bindings;

/**
 * The native library cannot be used because of how this machine or run is set up (an override that
 * points nowhere, a cache directory that cannot be written, a jar built without the library); the
 * message says what to set. Not a bug: the CLI prints it as one line.
 */
public final class NativeSetupException extends RuntimeException {
    NativeSetupException(String message) {
        super(message);
    }
}
