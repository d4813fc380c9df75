package org.nezha.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.Normalizer;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class CharClassesTest {
    @Test
    void normalizationInertCharactersReallyAreInert() {
        for (int cp = 0; cp <= 0xFFFF; cp++) {
            if (!CharClasses.isNormalizationInert(cp) || Character.isSurrogate((char) cp)) {
                continue;
            }
            String s = Character.toString(cp);
            assertEquals(s, Normalizer.normalize(s, Normalizer.Form.NFC), () -> "NFC changes " + Integer.toHexString(s.codePointAt(0)));
            assertEquals(s, Normalizer.normalize(s, Normalizer.Form.NFD), () -> "NFD changes " + Integer.toHexString(s.codePointAt(0)));
            assertFalse(Character.getType(cp) == Character.NON_SPACING_MARK, Integer.toHexString(cp));
        }
    }

    @Test
    void singleCharacterLowerCaseIsTheFullUnicodeMapping() {
        // String.toLowerCase on one character applies the full (SpecialCasing) mapping, as Python's str.lower.
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
                continue;
            }
            StringBuilder ours = new StringBuilder();
            CharClasses.appendLowerCase(ours, cp);
            String full = Character.toString(cp).toLowerCase(Locale.ROOT);
            int finalCp = cp;
            assertEquals(full, ours.toString(), () -> "lower case of U+" + Integer.toHexString(finalCp));
        }
    }

    @Test
    void whitespaceIncludesSeparatorsPythonSplitsOn() {
        for (int cp : new int[] {' ', '\t', '\n', '\r', 0xA0, 0x3000, 0x2003, 0x202F, 0x2028, 0x2029}) {
            assertTrue(CharClasses.isWhitespace(cp), Integer.toHexString(cp));
            assertFalse(CharClasses.isControl(cp), Integer.toHexString(cp));
        }
        for (int cp : new int[] {0x0B, 0x0C, 0x85, 0x1C, 0x200B, 0xFEFF, 0xAD, 0xE000, 0x0378}) {
            assertTrue(CharClasses.isControl(cp), Integer.toHexString(cp));
        }
    }

    @Test
    void punctuationIsAsciiSymbolsAndUnicodeP() {
        for (int cp : "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~，。！？「」《》…—".codePoints().toArray()) {
            assertTrue(CharClasses.isPunctuation(cp), Character.toString(cp));
        }
        for (int cp : "aZ09 中€¥°".codePoints().toArray()) {
            assertFalse(CharClasses.isPunctuation(cp), Character.toString(cp));
        }
    }

    @Test
    void chineseRangesAreHfs() {
        assertTrue(CharClasses.isChineseChar('中'));
        assertTrue(CharClasses.isChineseChar(0x20BB7));
        assertTrue(CharClasses.isChineseChar(0x2B820));
        assertTrue(CharClasses.isChineseChar(0xF900));
        assertFalse(CharClasses.isChineseChar('あ'));
        assertFalse(CharClasses.isChineseChar(0xAC00));
        assertFalse(CharClasses.isChineseChar(0x30000));
        assertFalse(CharClasses.isChineseChar(0x3001));
    }
}
