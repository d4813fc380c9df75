package org.nezha.core.task.ner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.nezha.core.model.TaskModel;
import org.nezha.core.task.Feature;
import org.nezha.core.tokenizer.BertTokenizer;
import org.nezha.core.tokenizer.Vocab;

/**
 * Sentences to model rows as HF's run_ner (is_split_into_words): each word is tokenized on its own and its
 * first piece carries its tag; later pieces, [CLS] and [SEP] take no loss. A word the tokenizer drops
 * (whitespace, control characters, U+FFFD) becomes [UNK], so every word still gets a prediction; a word of
 * more pieces than a row holds keeps its first ones. A sentence longer than a row is cut into overlapping
 * {@link WordWindows}; a row's loss and predictions are those of the words it owns.
 */
final class NerEncoder {
    private final BertTokenizer tokenizer;
    private final int budget;
    /** Pieces by word: Chinese data repeats a few thousand characters. */
    private final Map<String, int[]> pieces = new HashMap<>();

    NerEncoder(BertTokenizer tokenizer, int seqLen) {
        if (seqLen < 3) throw new IllegalArgumentException("a row of " + seqLen + " tokens cannot hold [CLS], a word and [SEP]");
        this.tokenizer = tokenizer;
        this.budget = seqLen - 2;
    }

    /** The rows of {@code examples} in example order; targets from {@code tags}, or none when it is null. */
    List<Feature<TagWindow>> encode(List<NerExample> examples, TagSet tags) {
        List<Feature<TagWindow>> features = new ArrayList<>();
        for (int e = 0; e < examples.size(); e++) {
            NerExample example = examples.get(e);
            int[][] wordPieces = example.words().stream().map(this::piecesOf).toArray(int[][]::new);
            int[] counts = Arrays.stream(wordPieces).mapToInt(p -> p.length).toArray();
            int[] gold = tags == null ? null : tags.goldIds(example);
            List<WordWindows.Window> windows = WordWindows.split(counts, budget);
            int[] owners = WordWindows.owners(counts, windows);
            for (int w = 0; w < windows.size(); w++) features.add(row(e, windows.get(w), w, wordPieces, owners, gold));
        }
        return features;
    }

    private Feature<TagWindow> row(int example, WordWindows.Window window, int index, int[][] wordPieces, int[] owners, int[] gold) {
        Vocab vocab = tokenizer.vocab();
        List<Integer> ids = new ArrayList<>(List.of(vocab.clsId()));
        List<Integer> words = new ArrayList<>(), positions = new ArrayList<>();
        for (int i = window.start(); i < window.end(); i++) {
            if (owners[i] == index) {
                words.add(i);
                positions.add(ids.size());
            }
            for (int id : wordPieces[i]) ids.add(id);
        }
        ids.add(vocab.sepId());
        long[] targets = null;
        if (gold != null) {
            targets = new long[ids.size()];
            Arrays.fill(targets, TaskModel.IGNORED);
            for (int k = 0; k < words.size(); k++) targets[positions.get(k)] = gold[words.get(k)];
        }
        int[] inputIds = ids.stream().mapToInt(Integer::intValue).toArray();
        TagWindow mapping = new TagWindow(words.stream().mapToInt(Integer::intValue).toArray(),
                positions.stream().mapToInt(Integer::intValue).toArray());
        return new Feature<>(example, inputIds, new int[inputIds.length], targets, mapping);
    }

    private int[] piecesOf(String word) {
        return pieces.computeIfAbsent(word, w -> {
            int[] ids = tokenizer.tokenIds(w);
            if (ids.length == 0) return new int[] {tokenizer.vocab().unkId()};
            return ids.length > budget ? Arrays.copyOf(ids, budget) : ids;
        });
    }
}
