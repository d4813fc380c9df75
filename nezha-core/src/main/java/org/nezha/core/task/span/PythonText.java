package org.nezha.core.task.span;

/** Python 2's unicode string methods that CMRC 2018's evaluation script relies on, on code points. */
final class PythonText {
    private PythonText() {}

    /** {@code unicode.isspace()}: categories Zs, Zl, Zp and the control characters Python counts as space. */
    static boolean isSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F) || cp == 0x85 || Character.isSpaceChar(cp);
    }

    /** {@code unicode.lower().strip()}: each code point's simple lower case (no context, as Python 2), space trimmed. */
    static String lowerStrip(String text) {
        int from = 0, to = text.length();
        while (from < to && isSpace(text.codePointAt(from))) from += Character.charCount(text.codePointAt(from));
        while (to > from && isSpace(text.codePointBefore(to))) to -= Character.charCount(text.codePointBefore(to));
        StringBuilder out = new StringBuilder(to - from);
        text.substring(from, to).codePoints().forEach(cp -> out.appendCodePoint(Character.toLowerCase(cp)));
        return out.toString();
    }
}
