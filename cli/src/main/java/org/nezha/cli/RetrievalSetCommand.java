package org.nezha.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import org.nezha.core.data.TaskDataReader;
import org.nezha.core.data.TaskKind;
import org.nezha.core.io.OutputPaths;
import org.nezha.core.retrieval.PairRetrievalSet;

/** {@code nezha retrieval-set}: a retrieval benchmark (queries, corpus, qrels) made from labelled sentence pairs. */
@Command(name = "retrieval-set", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make a retrieval benchmark from labelled sentence pairs (any pair format finetune reads), BEIR-style.",
                "The corpus is every distinct sentence of the file (both sides, exact text; ids s1, s2, … in order of first "
                        + "appearance); the queries are the distinct first sentences of the positive pairs, each under its own "
                        + "corpus id; a query's relevant documents (relevance 1) are the second sentences of its positive pairs. "
                        + "A positive pair of one text twice judges nothing, and a query left without a judgement is left out.",
                "Writes DIR/queries.jsonl and DIR/corpus.jsonl ({\"id\": …, \"text\": …} per line) and DIR/qrels.tsv "
                        + "(query_id<TAB>doc_id<TAB>1), all three or none. As each query is in the corpus, evaluate with "
                        + "nezha eval --task retrieval, which ignores a hit whose doc id is its query's id by default."})
final class RetrievalSetCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--pairs", required = true, paramLabel = "FILE", description = "Labelled sentence pairs (.tsv, .txt, .jsonl, .json).")
    Path pairs;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Output directory (must be empty unless --overwrite).")
    Path output;

    @Option(names = "--positive-label", defaultValue = "1", paramLabel = "L",
            description = "The label of a matching pair. Default: ${DEFAULT-VALUE}.")
    String positiveLabel;

    @Option(names = "--overwrite", description = "Replace DIR's contents if it is not empty.")
    boolean overwrite;

    @Override
    public Integer call() {
        OutputPaths.requireUsableDirectory(output, overwrite);
        PairRetrievalSet set = PairRetrievalSet.from(TaskDataReader.read(pairs, TaskKind.PAIR), positiveLabel, pairs);
        set.write(output);
        spec.commandLine().getOut().println(String.format(Locale.ROOT, """
                retrieval set done: %,d queries, %,d documents, %,d judgements -> %s
                  positive pairs  %,d (%,d of one text twice, judging nothing)""", set.relevant().size(), set.corpus().size(),
                set.judgements(), output, set.positivePairs(), set.identicalPositivePairs()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
