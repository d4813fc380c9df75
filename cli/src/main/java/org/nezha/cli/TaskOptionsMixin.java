package org.nezha.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import org.nezha.core.task.TaskOptions;

/** The options of particular tasks, shared by finetune, eval and predict (a task ignores the others'). */
final class TaskOptionsMixin {
    @Option(names = "--crf", description = "ner: a linear-chain CRF over the tags (loss by the forward algorithm, Viterbi decoding); "
            + "without it, softmax with the tag scheme's constraints applied at decoding. Saved with the model.")
    boolean crf;

    @Option(names = "--tag-scheme", paramLabel = "SCHEME", description = "ner: BIO, BIOES or BMES. Default: detected from the training tags.")
    String tagScheme;

    @Mixin SpanOptionsMixin span;

    @Option(names = "--pooling", paramLabel = "MODE", description = "embedding: cls (the [CLS] vector), mean (over the tokens) or "
            + "cls-pooler (BERT's pooler on [CLS]). Saved with the model; a model that records one keeps it. Default: mean (sentence-transformers' default; [CLS] of a model trained from scratch is a poor sentence vector).")
    String pooling;

    @Option(names = "--embedding-loss", paramLabel = "LOSS", description = "embedding, finetune: simcse (InfoNCE with in-batch "
            + "negatives: single texts are unsupervised SimCSE, pairs supervised, triplets add their hard negative; a 0/1 label "
            + "marks which pairs are positives) or cosent (pairs with a graded score in label). Default: simcse.")
    String embeddingLoss;

    @Option(names = "--temperature", paramLabel = "T", description = "embedding, finetune: SimCSE's softmax temperature. Default: 0.05.")
    Double temperature;

    TaskOptions options() {
        return new TaskOptions(crf ? Boolean.TRUE : null, tagScheme, span.docStride, span.maxQueryLength, span.maxAnswerLength, span.nBest,
                pooling, embeddingLoss, temperature);
    }
}
