package org.nezha.core.task.ner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Sentences of filler characters with people (a surname, then one or two given-name characters) and places (two
 * characters, then 市, 省 or 县) among them: a tagging task a tiny model learns in seconds, for machines without
 * a real NER set.
 */
final class SyntheticNames {
    private static final String FILLER = "的一是了不在有人这中大为上个国我以要他时来用们生到作地于出就分对成会可也你能而子那得";
    private static final String SURNAMES = "张王李赵刘陈杨黄周吴";
    private static final String GIVEN = "伟芳娜敏静丽强磊洋艳勇军杰娟涛明超秀霞平";
    private static final String PLACES = "江河湖山海云川宁安阳南北东西";
    private static final String SUFFIXES = "市省县";

    private SyntheticNames() {}

    static List<NerExample> sentences(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<NerExample> examples = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            StringBuilder text = new StringBuilder();
            List<Span> entities = new ArrayList<>();
            int parts = 3 + random.nextInt(6);
            for (int p = 0; p < parts; p++) {
                int kind = random.nextInt(3);
                int start = text.length();
                if (kind == 0) {
                    text.append(pick(SURNAMES, random));
                    for (int g = 0, n = 1 + random.nextInt(2); g < n; g++) text.append(pick(GIVEN, random));
                    entities.add(new Span("PER", start, text.length()));
                } else if (kind == 1) {
                    text.append(pick(PLACES, random)).append(pick(PLACES, random)).append(pick(SUFFIXES, random));
                    entities.add(new Span("LOC", start, text.length()));
                }
                for (int f = 0, n = 1 + random.nextInt(5); f < n; f++) text.append(pick(FILLER, random));
            }
            List<String> words = NerReader.codePoints(text.toString());
            examples.add(new NerExample(null, text.toString(), words, NerReader.starts(words, 0), entities, Path.of("synthetic"), s + 1,
                    false, null, 0));
        }
        return examples;
    }

    private static char pick(String chars, SplittableRandom random) {
        return chars.charAt(random.nextInt(chars.length()));
    }
}
