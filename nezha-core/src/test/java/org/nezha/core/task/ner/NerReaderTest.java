package org.nezha.core.task.ner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.nezha.core.InputException;

/** Column files (BIO, BIOES, BMES) and JSON Lines, labelled or not; repairs counted; each bad input named by file and line. */
class NerReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsBioColumnsAndRepairsAnInsideTagWithoutABeginning() {
        Path file = NerFixtures.file(dir, "train.txt", "我\tO\n叫\tO\n张\tB-PER\n三\tI-PER\n。\tO\n\n\n在\tO\n北\tI-LOC\n京\tI-LOC\n");
        List<NerExample> examples = NerReader.read(file, true);
        assertEquals(2, examples.size());
        NerExample first = examples.get(0), second = examples.get(1);
        assertEquals("我叫张三。", first.text());
        assertEquals(List.of(new Span("PER", 2, 4)), first.entities());
        assertEquals(TagScheme.BIO, first.scheme());
        assertEquals(0, first.repairedTags());
        assertEquals(List.of(new Span("LOC", 1, 3)), second.entities(), "seqeval: an I- after O begins an entity");
        assertEquals(1, second.repairedTags());
        assertEquals(1, NerTask.repairedTags(examples));
        assertEquals(8, second.line());
        assertEquals(9, second.lineOf(1));
        assertEquals(List.of("O", "B-LOC", "I-LOC", "B-PER", "I-PER"), new NerTask().labels(examples));
    }

    @Test
    void typeChangeMidEntityIsTwoEntitiesAndOneRepair() {
        Path file = NerFixtures.file(dir, "t.txt", "a B-PER\nb I-LOC\nc I-LOC\n");
        NerExample e = NerReader.read(file, true).getFirst();
        assertEquals(List.of(new Span("PER", 0, 1), new Span("LOC", 1, 3)), e.entities());
        assertEquals(1, e.repairedTags());
    }

    @Test
    void detectsBmesAndBioesAndKeepsSingleCharacterEntities() {
        Path bmes = NerFixtures.file(dir, "r.bmes", "高\tB-NAME\n勇\tE-NAME\n：\tO\n中\tB-CONT\n国\tM-CONT\n籍\tE-CONT\n，\tO\n汉\tS-RACE\n");
        NerExample e = NerReader.read(bmes, true).getFirst();
        assertEquals(TagScheme.BMES, e.scheme());
        assertEquals(List.of(new Span("NAME", 0, 2), new Span("CONT", 3, 6), new Span("RACE", 7, 8)), e.entities());
        assertEquals(0, e.repairedTags());
        assertEquals(List.of("O", "B-CONT", "M-CONT", "E-CONT", "S-CONT", "B-NAME", "M-NAME", "E-NAME", "S-NAME", "B-RACE", "M-RACE",
                "E-RACE", "S-RACE"), new NerTask().labels(List.of(e)));

        Path bioes = NerFixtures.file(dir, "r.bioes", "高\tB-NAME\n勇\tE-NAME\n汉\tS-RACE\n族\tB-RACE\n");
        NerExample unterminated = NerReader.read(bioes, true).getFirst();
        assertEquals(TagScheme.BIOES, unterminated.scheme());
        assertEquals(List.of(new Span("NAME", 0, 2), new Span("RACE", 2, 3), new Span("RACE", 3, 4)), unterminated.entities());
        assertEquals(1, unterminated.repairedTags(), "a B- ending the sentence is an S- in BIOES");
    }

    @Test
    void aForcedSchemeRewritesTheTrainingEntities() {
        Path bmes = NerFixtures.file(dir, "r.bmes", "中\tB-CONT\n国\tM-CONT\n籍\tE-CONT\n汉\tS-RACE\n");
        List<NerExample> examples = NerReader.read(bmes, true);
        List<String> labels = new NerTask(TagScheme.BIO, false).labels(examples);
        assertEquals(List.of("O", "B-CONT", "I-CONT", "B-RACE", "I-RACE"), labels);
        assertEquals(List.of("B-CONT", "I-CONT", "I-CONT", "B-RACE"), new TagSet(labels).goldTags(examples.getFirst()));
    }

    @Test
    void wordColumnsAreJoinedBySpacesAndDocstartIsSkipped() {
        Path file = NerFixtures.file(dir, "en.txt", "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-MISC\n");
        NerExample e = NerReader.read(file, true).getFirst();
        assertEquals("EU rejects German", e.text());
        assertArrayEquals(new int[] {0, 3, 11}, e.starts());
        assertEquals(List.of(new Span("ORG", 0, 1), new Span("MISC", 2, 3)), e.entities());
    }

    @Test
    void readsJsonLinesWithCodePointOffsets() {
        Path file = NerFixtures.file(dir, "d.jsonl", """
                {"id": 7, "text": "😀张三在北京", "entities": [{"start": 3, "end": 5, "type": "LOC"}, {"start": 1, "end": 3, "type": "PER"}]}

                {"text": "", "entities": []}
                """);
        List<NerExample> examples = NerReader.read(file, true);
        assertEquals(2, examples.size());
        NerExample e = examples.getFirst();
        assertEquals("7", e.id());
        assertEquals(6, e.words().size(), "one word per code point");
        assertEquals(List.of(new Span("PER", 1, 3), new Span("LOC", 3, 5)), e.entities());
        assertNull(e.scheme());
        assertEquals(3, examples.get(1).line());
        assertEquals(List.of("O", "B-LOC", "I-LOC", "B-PER", "I-PER"), new NerTask().labels(examples), "BIO for JSON Lines");
    }

    @Test
    void readsUnlabelledInputIgnoringTags() {
        Path columns = NerFixtures.file(dir, "p.txt", "张\tB-PER\n三\n\n好\n");
        List<NerExample> examples = NerReader.read(columns, false);
        assertEquals(List.of("张三", "好"), examples.stream().map(NerExample::text).toList());
        assertNull(examples.getFirst().entities());
        Path jsonl = NerFixtures.file(dir, "p.jsonl", "{\"text\": \"张三\"}\n");
        assertEquals(List.of("张", "三"), NerReader.read(jsonl, false).getFirst().words());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            t.txt   | 张\\tB-PER\\n三\\n                         | 2 | no tag column
            t.txt   | 张\\tB-PER\\n三\\tX-PER\\n                   | 2 | tag "X-PER" is neither
            t.txt   | 张\\tB-PER\\n三\\tPER\\n                     | 2 | tag "PER" is neither
            t.txt   | 张\\tB-PER\\n\\n三\\tI-PER\\n李\\tM-PER\\n        | 4 | M- tags (BMES) and I- tags
            t.txt   | \\tO\\n                                    | 1 | empty token
            t.jsonl | {"text": "ab", "entities": []}\\n[1]\\n    | 2 | expected one JSON object per line
            t.jsonl | {"text": "ab", "entities": [}\\n          | 1 | bad JSON
            t.jsonl | {"entities": []}\\n                       | 1 | needs a "text" string
            t.jsonl | {"text": "ab"}\\n                         | 1 | needs an "entities" array
            t.jsonl | {"text": "ab", "entities": [{"start": 0, "end": 3, "type": "X"}]}\\n | 1 | entity 1 [0, 3) does not fit a text of 2
            t.jsonl | {"text": "ab", "entities": [{"start": 1, "end": 1, "type": "X"}]}\\n | 1 | entity 1 [1, 1) does not fit
            t.jsonl | {"text": "abc", "entities": [{"start": 0, "end": 2, "type": "X"}, {"start": 1, "end": 3, "type": "Y"}]}\\n | 1 | entities [0, 2) and [1, 3) overlap
            t.jsonl | {"text": "ab", "entities": [{"start": "0", "end": 1, "type": "X"}]}\\n | 1 | entity 1 needs integer "start" and "end"
            t.jsonl | {"text": "ab", "entities": [{"start": 0, "end": 1}]}\\n | 1 | entity 1 needs a non-empty "type"
            """)
    void badLabelledInputNamesFileAndLine(String name, String text, int line, String problem) {
        Path file = NerFixtures.file(dir, name, text.replace("\\n", "\n").replace("\\t", "\t"));
        InputException e = assertThrows(InputException.class, () -> NerReader.read(file, true));
        assertEquals(file + ":" + line + ": " + problem, e.getMessage().substring(0, (file + ":" + line + ": " + problem).length()), e.getMessage());
    }

    @Test
    void anEntityTypeOrTagTheModelLacksIsAnErrorAtItsLine() {
        Path file = NerFixtures.file(dir, "dev.txt", "张\tB-PER\n三\tI-PER\n\n在\tO\n北\tB-LOC\n");
        List<NerExample> examples = NerReader.read(file, true);
        TagSet tags = new TagSet(List.of("O", "B-PER", "I-PER"));
        tags.goldIds(examples.getFirst());
        InputException e = assertThrows(InputException.class, () -> tags.goldIds(examples.get(1)));
        assertEquals(file + ":5: entity type LOC is not one the model knows (PER)", e.getMessage());
        TagSet noInside = new TagSet(List.of("O", "B-PER"));
        e = assertThrows(InputException.class, () -> noInside.goldIds(examples.getFirst()));
        assertEquals(file + ":2: tag I-PER is not among the model's labels (its BIO tags of PER lack it)", e.getMessage());
    }

    /**
     * The bundled Resume NER training set: sentences and entities as its README counts them, except its 2
     * organisations cut by a sentence break (M-ORG ends one sentence and starts the next), which seqeval reads
     * as two entities each: 4 tags repaired. (Weibo NER, measured the same way where it was at hand: 1,350
     * sentences, and its 10 I- tags without a B- repaired.)
     */
    @Test
    void readsResumeAsItsReadmeCounts() {
        Path resume = Path.of("../data/ner_resume/train.bmes");
        List<NerExample> r = NerReader.read(resume, true);
        assertEquals(3821, r.size());
        assertEquals(TagScheme.BMES, r.getFirst().scheme());
        assertEquals(Map.of("TITLE", 6308, "ORG", 4611 + 2, "NAME", 952, "EDU", 858, "PRO", 287, "CONT", 260, "RACE", 115, "LOC", 47),
                countTypes(r));
        assertEquals(4, NerTask.repairedTags(r));
    }

    private static Map<String, Integer> countTypes(List<NerExample> examples) {
        Map<String, Integer> counts = new TreeMap<>();
        for (NerExample e : examples) for (Span s : e.entities()) counts.merge(s.type(), 1, Integer::sum);
        return counts;
    }
}
