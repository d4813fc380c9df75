package org.nezha.core.interop.torch;

/** Decodes the string arguments of pickle protocol 0 (STRING's Python repr, UNICODE's raw-unicode-escape). */
final class TextEscapes {
    private TextEscapes() {}

    /** {@code 'text'} or {@code "text"} with Python's backslash escapes. */
    static String quotedString(String repr) {
        if (repr.length() < 2 || repr.charAt(0) != repr.charAt(repr.length() - 1) || "'\"".indexOf(repr.charAt(0)) < 0) {
            throw new IllegalArgumentException("unquoted STRING argument");
        }
        String body = repr.substring(1, repr.length() - 1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = body.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'x' -> { out.append((char) Integer.parseInt(body.substring(i + 1, i + 3), 16)); i += 2; }
                default -> out.append(e); // \\ \' \"
            }
        }
        return out.toString();
    }

    /** Latin-1 text where only {@code \}{@code uXXXX} and {@code \}{@code UXXXXXXXX} are escapes. */
    static String rawUnicode(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int digits = c == '\\' && i + 1 < text.length() ? (text.charAt(i + 1) == 'u' ? 4 : text.charAt(i + 1) == 'U' ? 8 : 0) : 0;
            if (digits == 0) {
                out.append(c);
            } else {
                out.appendCodePoint(Integer.parseInt(text.substring(i + 2, i + 2 + digits), 16));
                i += 1 + digits;
            }
        }
        return out.toString();
    }
}
