package org.nezha.core.data;

/** A tokenized example with its special tokens: [CLS] a [SEP] (b [SEP]) and the matching segment ids. */
public record EncodedPair(int[] inputIds, int[] tokenTypeIds) {}
