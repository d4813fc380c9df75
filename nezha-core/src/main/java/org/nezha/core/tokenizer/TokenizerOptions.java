package org.nezha.core.tokenizer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.nezha.core.InputException;
import org.nezha.core.io.AtomicFiles;
import org.nezha.core.io.IoErrors;

/**
 * The settings of HF's {@code BertTokenizer} that change ids, as stored in {@code tokenizer_config.json}.
 *
 * @param doLowerCase lower-case the text (HF's default: true)
 * @param stripAccents remove accents (NFD, drop category Mn); null follows {@code doLowerCase}, as HF
 * @param tokenizeChineseChars put spaces around CJK ideographs so each is its own word
 * @param modelMaxLength HF's {@code model_max_length}: the tokens per input the model was fine-tuned
 *     with, where eval and predict truncate by default; null when not recorded
 */
public record TokenizerOptions(boolean doLowerCase, Boolean stripAccents, boolean tokenizeChineseChars,
        Integer modelMaxLength) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String MODEL_MAX_LENGTH = "model_max_length";

    public TokenizerOptions {
        if (modelMaxLength != null && modelMaxLength < 1) {
            throw new IllegalArgumentException("model_max_length must be positive, got " + modelMaxLength);
        }
    }

    /** Settings with no recorded length. */
    public TokenizerOptions(boolean doLowerCase, Boolean stripAccents, boolean tokenizeChineseChars) {
        this(doLowerCase, stripAccents, tokenizeChineseChars, null);
    }

    public static TokenizerOptions defaults() {
        return new TokenizerOptions(true, null, true);
    }

    /** A copy recording {@code length} as the model's input length. */
    public TokenizerOptions withModelMaxLength(int length) {
        return new TokenizerOptions(doLowerCase, stripAccents, tokenizeChineseChars, length);
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
            throw InputException.in(tokenizerConfigJson, "cannot read: " + IoErrors.reason(e));
        }
        if (root == null || !root.isObject()) {
            throw InputException.in(tokenizerConfigJson, "expected a JSON object");
        }
        TokenizerOptions defaults = defaults();
        return new TokenizerOptions(
                flag(tokenizerConfigJson, root, "do_lower_case", defaults.doLowerCase()),
                optionalFlag(tokenizerConfigJson, root, "strip_accents"),
                flag(tokenizerConfigJson, root, "tokenize_chinese_chars", defaults.tokenizeChineseChars()),
                modelMaxLength(tokenizerConfigJson, root));
    }

    /** A positive integer; HF writes a huge number (10^30) for "no limit", which reads as not recorded. */
    private static Integer modelMaxLength(Path file, JsonNode root) {
        JsonNode node = root.get(MODEL_MAX_LENGTH);
        if (node == null || node.isNull()) return null;
        if (!node.isIntegralNumber() || node.bigIntegerValue().signum() <= 0) {
            throw InputException.in(file, "\"" + MODEL_MAX_LENGTH + "\" must be a positive integer, not " + node);
        }
        return node.canConvertToInt() ? node.intValue() : null;
    }

    /**
     * Writes an HF-style {@code tokenizer_config.json} that HF's {@code BertTokenizer} loads with the
     * same settings, whole or not at all ({@link AtomicFiles}).
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
        if (modelMaxLength != null) root.put(MODEL_MAX_LENGTH, modelMaxLength);
        AtomicFiles.writeStream(tokenizerConfigJson, out -> JSON.writeValue(out, root));
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
}
