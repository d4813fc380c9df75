package org.nezha.core.task.ner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.nezha.core.InputException;

/** Entities written in each scheme, and the moves each scheme allows. */
class TagSchemeTest {
    private static final List<Span> ENTITIES = List.of(new Span("A", 0, 1), new Span("B", 2, 5));

    @Test
    void writesEntitiesInEachScheme() {
        assertEquals(List.of("B-A", "O", "B-B", "I-B", "I-B", "O"), TagScheme.BIO.tags(ENTITIES, 6));
        assertEquals(List.of("S-A", "O", "B-B", "I-B", "E-B", "O"), TagScheme.BIOES.tags(ENTITIES, 6));
        assertEquals(List.of("S-A", "O", "B-B", "M-B", "E-B", "O"), TagScheme.BMES.tags(ENTITIES, 6));
        for (TagScheme s : TagScheme.values()) assertEquals(ENTITIES, SeqevalChunks.of(s.tags(ENTITIES, 6)), s + " reads back");
    }

    @Test
    void bioAllowsInsideOnlyAfterTheSameType() {
        TagScheme s = TagScheme.BIO;
        assertTrue(s.allowed("B-X", "I-X"));
        assertTrue(s.allowed("I-X", "I-X"));
        assertFalse(s.allowed("O", "I-X"));
        assertFalse(s.allowed("B-Y", "I-X"));
        assertFalse(s.allowed(null, "I-X"), "no sentence starts inside an entity");
        assertTrue(s.allowed("I-X", "B-X"));
        assertTrue(s.allowed("B-X", "O"));
        assertTrue(s.canEnd("B-X") && s.canEnd("I-X"));
    }

    @Test
    void bioesAndBmesCloseEveryEntity() {
        for (TagScheme s : List.of(TagScheme.BIOES, TagScheme.BMES)) {
            String inside = s == TagScheme.BMES ? "M-X" : "I-X";
            assertTrue(s.allowed("B-X", inside));
            assertTrue(s.allowed("B-X", "E-X"));
            assertTrue(s.allowed(inside, "E-X"));
            assertFalse(s.allowed("B-X", "O"), s + ": B- must be closed");
            assertFalse(s.allowed(inside, "B-Y"));
            assertFalse(s.allowed("B-X", "E-Y"));
            assertFalse(s.allowed("O", "E-X"));
            assertFalse(s.allowed("E-X", inside));
            assertTrue(s.allowed("S-X", "S-X"));
            assertTrue(s.allowed("E-X", "B-X"));
            assertFalse(s.allowed(null, "E-X"));
            assertTrue(s.allowed(null, "S-X"));
            assertFalse(s.canEnd("B-X"));
            assertFalse(s.canEnd(inside));
            assertTrue(s.canEnd("E-X") && s.canEnd("S-X") && s.canEnd("O"));
        }
    }

    /** A model's labels tell its scheme; labels that are no scheme's tags are refused. */
    @Test
    void theLabelsOfAModelGiveItsScheme() {
        assertEquals(TagScheme.BIO, new TagSet(List.of("O", "B-X")).scheme());
        assertEquals(TagScheme.BIOES, new TagSet(List.of("O", "B-X", "I-X", "E-X", "S-X")).scheme());
        assertEquals(TagScheme.BMES, new TagSet(List.of("O", "S-X", "M-X")).scheme());
        assertEquals("the model's labels [B-X, I-X] have no O tag",
                assertThrows(InputException.class, () -> new TagSet(List.of("B-X", "I-X"))).getMessage());
        assertEquals("the model's labels mix M- tags (BMES) with I- tags (BIO, BIOES)",
                assertThrows(InputException.class, () -> new TagSet(List.of("O", "I-X", "M-X"))).getMessage());
        assertThrows(InputException.class, () -> new TagSet(List.of("O", "PER")));
        assertThrows(InputException.class, () -> new TagSet(List.of("O", "B-X", "B-X")));
    }
}
