package org.nezha.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.nezha.core.InputException;
import org.nezha.core.io.AtomicFiles;
import org.nezha.core.io.IoErrors;

/**
 * A Hugging Face {@code config.json} for NEZHA ({@code NezhaConfig}), BERT ({@code BertConfig}) or
 * ALBERT ({@code AlbertConfig}). The JSON tree is kept whole, so fields this engine does not use
 * survive a read/write round trip; the accessors give HF's defaults (those of the config's
 * {@link #modelType() model type}) where a field is absent. Immutable: the {@code with…} methods
 * return changed copies.
 */
public final class NezhaConfig {
    public static final String RELATIVE_FUNCTIONAL = "relative_functional";
    public static final String ABSOLUTE = "absolute";
    /** The {@code model_type}s the engine runs. */
    public static final List<String> MODEL_TYPES = List.of("nezha", "bert", "albert");

    /** NaN and Infinity are read (Python's json writes them) so that the range checks can name them. */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(SerializationFeature.INDENT_OUTPUT).build();

    private final ObjectNode tree;

    private NezhaConfig(ObjectNode tree) {
        this.tree = tree;
    }

    /** Reads and validates {@code file}; any problem is an {@link InputException} naming the file. */
    public static NezhaConfig read(Path file) {
        if (!Files.isRegularFile(file)) throw InputException.in(file, "config file not found");
        JsonNode node;
        try {
            node = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw InputException.at(file, e.getLocation() == null ? 1 : e.getLocation().getLineNr(),
                    "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw InputException.in(file, "cannot read: " + IoErrors.reason(e));
        }
        if (node == null || !node.isObject()) throw InputException.in(file, "a config must be a JSON object");
        return fromTree((ObjectNode) node, file.toString());
    }

    /** Parses JSON text (for tests and embedded defaults); {@code source} names it in errors. */
    public static NezhaConfig parse(String json, String source) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) throw new InputException(source + ": a config must be a JSON object");
            return fromTree((ObjectNode) node, source);
        } catch (JsonProcessingException e) {
            throw new InputException(source + ": not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static NezhaConfig fromTree(ObjectNode tree, String source) {
        NezhaConfig config = new NezhaConfig(tree);
        String problem = config.problem();
        if (problem != null) throw new InputException(source + ": " + problem);
        return config;
    }

    /** The first thing that makes this config unusable, or null. */
    private String problem() {
        for (String field : List.of("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
                "intermediate_size")) {
            if (tree.get(field) == null) return "missing required field \"" + field + "\"";
        }
        for (String field : List.of("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
                "intermediate_size", "max_position_embeddings", "type_vocab_size", "max_relative_position", "num_labels",
                "embedding_size", "num_hidden_groups", "inner_group_num")) {
            JsonNode v = tree.get(field);
            if (v != null && !(v.canConvertToExactIntegral() && v.canConvertToInt() && v.asInt() > 0)) {
                return "\"" + field + "\" must be a positive integer below 2^31, got " + shown(v);
            }
        }
        JsonNode pad = tree.get("pad_token_id");
        if (pad != null && !pad.isNull() && !(pad.canConvertToExactIntegral() && pad.canConvertToInt())) {
            return "\"pad_token_id\" must be an integer, got " + shown(pad);
        }
        for (String field : List.of("hidden_dropout_prob", "attention_probs_dropout_prob")) {
            JsonNode v = tree.get(field);
            if (v != null && !(v.isNumber() && v.asDouble() >= 0 && v.asDouble() < 1)) return "\"" + field + "\" must be in [0, 1), got " + shown(v);
        }
        for (String field : List.of("classifier_dropout", "classifier_dropout_prob")) { // null: HF falls back to hidden_dropout_prob
            JsonNode v = tree.get(field);
            if (v != null && !v.isNull() && !(v.isNumber() && v.asDouble() >= 0 && v.asDouble() < 1)) {
                return "\"" + field + "\" must be in [0, 1) or null, got " + shown(v);
            }
        }
        for (String field : List.of("layer_norm_eps", "initializer_range")) {
            JsonNode v = tree.get(field);
            if (v != null && !(v.isNumber() && v.asDouble() > 0 && v.asDouble() < 1)) {
                return "\"" + field + "\" must be a number in (0, 1), got " + shown(v);
            }
        }
        if (hiddenSize() % numAttentionHeads() != 0) {
            return "hidden_size " + hiddenSize() + " is not a multiple of num_attention_heads " + numAttentionHeads();
        }
        JsonNode modelType = tree.get("model_type");
        if (modelType != null && !modelType.isNull() && !MODEL_TYPES.contains(modelType.asText())) {
            return "model_type " + shown(modelType) + " is not supported (use one of " + String.join(", ", MODEL_TYPES) + ")";
        }
        String type = positionEmbeddingType();
        if (!type.equals(RELATIVE_FUNCTIONAL) && !type.equals(ABSOLUTE)) {
            return "position_embedding_type \"" + type + "\" is not supported (use \"" + RELATIVE_FUNCTIONAL + "\" or \"" + ABSOLUTE + "\")";
        }
        if (type.equals(RELATIVE_FUNCTIONAL) && headSize() % 2 != 0) {
            return "relative_functional attention needs an even head size, got " + headSize();
        }
        if (isAlbert() && !type.equals(ABSOLUTE)) return "an ALBERT model has absolute positions, not " + type;
        if (isAlbert() && numHiddenGroups() > numHiddenLayers()) {
            return "num_hidden_groups " + numHiddenGroups() + " is more than num_hidden_layers " + numHiddenLayers()
                    + " (some groups would never run)";
        }
        if (!List.of("gelu", "gelu_new", "relu", "tanh").contains(hiddenAct())) return "hidden_act \"" + hiddenAct() + "\" is not supported";
        if (padTokenId() < 0 || padTokenId() >= vocabSize()) return "pad_token_id " + padTokenId() + " is outside the vocabulary";
        JsonNode crf = tree.get("use_crf");
        if (crf != null && !crf.isBoolean()) return "\"use_crf\" must be true or false, got " + shown(crf);
        JsonNode id2label = tree.get("id2label");
        if (id2label != null && id2label.isObject()) {
            for (int i = 0; i < id2label.size(); i++) {
                if (!id2label.has(Integer.toString(i))) return "id2label must number its labels 0.." + (id2label.size() - 1) + ", \"" + i + "\" is missing";
            }
        }
        return null;
    }

    /** A value as the user wrote it: numbers bare (NaN, not "NaN"), anything else as JSON. */
    private static String shown(JsonNode v) {
        return v.isNumber() ? v.asText() : v.toString();
    }

    public int vocabSize() { return tree.get("vocab_size").asInt(); }
    public int hiddenSize() { return tree.get("hidden_size").asInt(); }
    public int numHiddenLayers() { return tree.get("num_hidden_layers").asInt(); }
    public int numAttentionHeads() { return tree.get("num_attention_heads").asInt(); }
    public int intermediateSize() { return tree.get("intermediate_size").asInt(); }
    public String hiddenAct() { return tree.path("hidden_act").asText(isAlbert() ? "gelu_new" : "gelu"); }
    public double hiddenDropoutProb() { return tree.path("hidden_dropout_prob").asDouble(isAlbert() ? 0.0 : 0.1); }
    public double attentionProbsDropoutProb() { return tree.path("attention_probs_dropout_prob").asDouble(isAlbert() ? 0.0 : 0.1); }
    public int maxPositionEmbeddings() { return tree.path("max_position_embeddings").asInt(512); }
    public int maxRelativePosition() { return tree.path("max_relative_position").asInt(64); }
    public int typeVocabSize() { return tree.path("type_vocab_size").asInt(2); }
    public double initializerRange() { return tree.path("initializer_range").asDouble(0.02); }
    public double layerNormEps() { return tree.path("layer_norm_eps").asDouble(1e-12); }
    public int padTokenId() { return tree.path("pad_token_id").asInt(0); }

    public int headSize() {
        return hiddenSize() / numAttentionHeads();
    }

    /** The width of the token embeddings: ALBERT's factorised {@code embedding_size}, else the hidden size. */
    public int embeddingSize() {
        return isAlbert() ? tree.path("embedding_size").asInt(128) : hiddenSize();
    }

    /** ALBERT: how many distinct groups of layers the {@code num_hidden_layers} layers share. */
    public int numHiddenGroups() {
        return tree.path("num_hidden_groups").asInt(1);
    }

    /** ALBERT: how many layers each group runs in turn. */
    public int innerGroupNum() {
        return tree.path("inner_group_num").asInt(1);
    }

    /**
     * The dropout before a classifier: ALBERT's {@code classifier_dropout_prob} (absent: 0.1, AlbertConfig's
     * default), BERT's and NEZHA's {@code classifier_dropout} (absent: {@code hidden_dropout_prob}); null
     * means {@code hidden_dropout_prob}, as HF reads it.
     */
    public double classifierDropoutProb() {
        JsonNode v = tree.get(isAlbert() ? "classifier_dropout_prob" : "classifier_dropout");
        if (v == null) return isAlbert() ? 0.1 : hiddenDropoutProb();
        return v.isNull() ? hiddenDropoutProb() : v.asDouble();
    }

    /**
     * {@code model_type} (one of {@link #MODEL_TYPES}); a config without one is read as NEZHA with
     * relative positions and as BERT with absolute ones.
     */
    public String modelType() {
        JsonNode v = tree.get("model_type");
        if (v != null && !v.isNull()) return v.asText();
        return hasAbsolutePositions() ? "bert" : "nezha";
    }

    private boolean isAlbert() {
        return "albert".equals(tree.path("model_type").asText());
    }

    /**
     * NEZHA configs may omit the field (HF's NezhaConfig has no such field and is always relative);
     * a BERT or ALBERT config ({@code model_type: bert}, {@code albert}) means absolute positions.
     */
    public String positionEmbeddingType() {
        JsonNode v = tree.get("position_embedding_type");
        if (v != null && !v.isNull()) return v.asText();
        return List.of("bert", "albert").contains(tree.path("model_type").asText()) ? ABSOLUTE : RELATIVE_FUNCTIONAL;
    }

    /** Whether sequences longer than {@code max_position_embeddings} are impossible (BERT) rather than merely untrained. */
    public boolean hasAbsolutePositions() {
        return ABSOLUTE.equals(positionEmbeddingType());
    }

    /** Class labels in id order, from HF's {@code id2label}; empty when the config has none. */
    public List<String> labels() {
        JsonNode map = tree.get("id2label");
        if (map == null || !map.isObject() || map.isEmpty()) return List.of();
        String[] labels = new String[map.size()];
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int id = Integer.parseInt(e.getKey());
            labels[id] = e.getValue().asText();
        }
        return List.of(labels);
    }

    /** The classifier width: the number of labels in id2label, else {@code num_labels}, else HF's default 2. */
    public int numLabels() {
        List<String> labels = labels();
        if (!labels.isEmpty()) return labels.size();
        return tree.path("num_labels").asInt(2);
    }

    /**
     * Whether a token classifier has a linear-chain CRF over its tags ({@code use_crf}, this engine's field:
     * HF ignores it and loads the rest), so eval and predict rebuild the head training had.
     */
    public boolean useCrf() {
        return tree.path("use_crf").asBoolean(false);
    }

    /** A copy with {@code use_crf} set. */
    public NezhaConfig withCrf(boolean crf) {
        ObjectNode copy = tree.deepCopy();
        copy.put("use_crf", crf);
        return new NezhaConfig(copy);
    }

    /** A copy with HF's id2label/label2id (and num_labels) set to {@code labels} in id order. */
    public NezhaConfig withLabels(List<String> labels) {
        ObjectNode copy = tree.deepCopy();
        ObjectNode id2label = copy.putObject("id2label");
        ObjectNode label2id = copy.putObject("label2id");
        for (int i = 0; i < labels.size(); i++) {
            id2label.put(Integer.toString(i), labels.get(i));
            label2id.put(labels.get(i), i);
        }
        copy.remove("num_labels");
        return new NezhaConfig(copy);
    }

    /**
     * A copy naming the HF model classes that the saved weights belong to, given as NEZHA's (e.g.
     * NezhaForMaskedLM) and written as this config's family names them (BertForMaskedLM,
     * AlbertForMaskedLM), with {@code model_type} set, so HF's Auto classes pick the right code.
     */
    public NezhaConfig withArchitectures(String... architectures) {
        ObjectNode copy = tree.deepCopy();
        String type = modelType();
        String family = Character.toUpperCase(type.charAt(0)) + type.substring(1); // HF's class-name stem
        ArrayNode array = copy.putArray("architectures");
        for (String a : architectures) array.add(a.startsWith("Nezha") ? family + a.substring("Nezha".length()) : a);
        copy.put("model_type", type);
        return new NezhaConfig(copy);
    }

    /** A copy with a string field set (fields HF does not know are kept and ignored by HF). */
    public NezhaConfig with(String field, String value) {
        ObjectNode copy = tree.deepCopy();
        copy.put(field, value);
        return new NezhaConfig(copy);
    }

    /** A copy with a number field set. */
    public NezhaConfig with(String field, double value) {
        ObjectNode copy = tree.deepCopy();
        copy.put(field, value);
        return new NezhaConfig(copy);
    }

    /** A string field, or null when absent. */
    public String text(String field) {
        JsonNode v = tree.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** HF model class names from {@code architectures}. */
    public List<String> architectures() {
        List<String> out = new ArrayList<>();
        tree.path("architectures").forEach(n -> out.add(n.asText()));
        return Collections.unmodifiableList(out);
    }

    /** Writes the config as pretty JSON through a temporary file and an atomic rename. */
    public void write(Path file) {
        AtomicFiles.writeString(file, toJson() + "\n");
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return toJson();
    }
}
