package org.nezha.core.interop.torch;

/**
 * A storage as a checkpoint's pickle names it: {@code key} finds its bytes in the file, {@code numel}
 * elements of {@code type} starting {@code elementOffset} elements into them (non-zero only for the
 * legacy format's storage views).
 */
record StorageRef(String key, StorageType type, long numel, long elementOffset) {}
