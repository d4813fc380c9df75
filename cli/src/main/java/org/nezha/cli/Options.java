package org.nezha.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.nezha.core.InputException;

/** Parsing helpers shared by the commands. */
final class Options {
    private Options() {}

    /** A case-insensitive enum option, with the choices in the error. */
    static <E extends Enum<E>> E enumValue(String option, String value, Class<E> type) {
        for (E e : type.getEnumConstants()) if (e.name().equalsIgnoreCase(value)) return e;
        String choices = Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        throw new InputException(option + " " + value + ": choose one of " + choices);
    }
}
