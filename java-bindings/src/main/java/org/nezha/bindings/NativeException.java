package org.nezha.bindings;

/** A native call returned an error status; the message is the library's own explanation. */
public final class NativeException extends RuntimeException {
    public NativeException(String message) {
        super(message);
    }
}
