package org.nezha.core.tokenizer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.nezha.core.InputException;

/**
 * The settings of HF's {@code BertTokenizer} that change ids, as stored in {@code tokenizer_config.json}.
 *
 * @param doLowerCase lower-case the text (HF's default: true)
 * @param stripAccents remove accents (NFD, drop category Mn); null follows {@code doLowerCase}, as HF
 * @param tokenizeChineseChars put spaces around CJK ideographs so each is its own word
 */
public record TokenizerOptions(boolean doLowerCase, Boolean stripAccents, boolean tokenizeChineseChars) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static TokenizerOptions defaults() {
        return new TokenizerOptions(true, null, true);
    }

    /** Reads the HF keys from {@code tokenizerConfigJson}; a missing file, or missing keys, mean HF's defaults. */
    public static TokenizerOptions read(Path tokenizerConfigJson) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(tokenizerConfigJson));
        } catch (NoSuchFileException e) {
            return defaults();
        } catch (JacksonException e) {
            throw InputException.in(tokenizerConfigJson, "invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw InputException.in(tokenizerConfigJson, "cannot read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw InputException.in(tokenizerConfigJson, "expected a JSON object");
        }
        TokenizerOptions defaults = defaults();
        return new TokenizerOptions(
                flag(tokenizerConfigJson, root, "do_lower_case", defaults.doLowerCase()),
                optionalFlag(tokenizerConfigJson, root, "strip_accents"),
                flag(tokenizerConfigJson, root, "tokenize_chinese_chars", defaults.tokenizeChineseChars()));
    }

    /**
     * Writes an HF-style {@code tokenizer_config.json} that HF's {@code BertTokenizer} loads with the
     * same settings; it goes to a temporary file first and is then renamed over the target, so a
     * reader never sees half a file.
     */
    public void write(Path tokenizerConfigJson) {
        ObjectNode root = JSON.createObjectNode();
        root.put("tokenizer_class", "BertTokenizer");
        root.put("do_lower_case", doLowerCase);
        if (stripAccents == null) {
            root.putNull("strip_accents");
        } else {
            root.put("strip_accents", stripAccents);
        }
        root.put("tokenize_chinese_chars", tokenizeChineseChars);
        root.put("do_basic_tokenize", true);
        root.putNull("never_split");
        root.put("unk_token", Vocab.UNK);
        root.put("sep_token", Vocab.SEP);
        root.put("pad_token", Vocab.PAD);
        root.put("cls_token", Vocab.CLS);
        root.put("mask_token", Vocab.MASK);
        Path target = tokenizerConfigJson.toAbsolutePath();
        Path temp = null;
        try {
            temp = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".tmp");
            Files.write(temp, JSON.writeValueAsBytes(root));
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new UncheckedIOException("cannot write " + tokenizerConfigJson, e);
        }
    }

    private static boolean flag(Path file, JsonNode root, String key, boolean fallback) {
        Boolean value = optionalFlag(file, root, key);
        return value == null ? fallback : value;
    }

    private static Boolean optionalFlag(Path file, JsonNode root, String key) {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isBoolean()) {
            throw InputException.in(file, "\"" + key + "\" must be true, false or null, not " + node);
        }
        return node.booleanValue();
    }

    private static void deleteQuietly(Path temp) {
        if (temp == null) {
            return;
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // The write already failed; that is the error worth reporting.
        }
    }
}
