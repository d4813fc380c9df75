package org.nezha.core.data;

import java.nio.file.Path;

/**
 * One example of a classification file. textB is null for single-text tasks, label is null when
 * the file has none; file and line say where it came from, for error messages.
 */
public record TaskExample(String id, String textA, String textB, String label, Path file, long line) {}
