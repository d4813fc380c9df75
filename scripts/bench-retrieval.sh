#!/usr/bin/env bash
# The two-stage retrieval benchmark on bundled data (docs/BENCHMARKS.md and README, "Retrieval and reranking"):
# AFQMC dev's positive pairs (label 1) give the queries and their relevant sentence, every distinct sentence of
# the file is the corpus (nezha retrieval-set: 864 queries, 5,990 sentences, 865 judgements; a query's own
# sentence is in the corpus and left out of its hits, as BEIR does). Models are fine-tuned on AFQMC train:
#   bi-encoder     --task embedding, supervised SimCSE on the positive pairs (the others' texts stay in-batch
#                  negatives), mean pooling
#   cross-encoder  --task pair, the usual classifier; its probability of label 1 reranks the top --top-n hits
# then: retrieval alone (HNSW and exact), and retrieval + rerank, scored by nezha eval --task retrieval.
# Usage: scripts/bench-retrieval.sh [INIT_DIR] [EPOCHS] [TOP_N]
#   INIT_DIR: a pretrained model to start both from (e.g. the quickstart's target/quickstart/pretrained/model);
#             "" or none: a tiny model from scratch (data/configs/nezha-tiny.json)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
init="${1:-}"
epochs="${2:-1}"
top_n="${3:-20}"
data="$root/data"
work="$root/target/bench-retrieval"
nezha="$root/nezha"
"$nezha" --version >/dev/null   # builds the application if needed
rm -rf "$work"
mkdir -p "$work"
if [ -n "$init" ]; then start=(--init "$init"); else start=(--model-config "$data/configs/nezha-tiny.json" --vocab "$data/vocab/vocab.txt"); fi

"$nezha" retrieval-set --pairs "$data/afqmc/dev.tsv" --output "$work/set" | tail -n 1
"$nezha" finetune --task embedding "${start[@]}" --train "$data/afqmc/train.tsv" --dev "$data/afqmc/dev.tsv" \
    --output "$work/bi-encoder" --epochs "$epochs" --batch-size 64 --seq-len 64 --lr 5e-4 > "$work/bi-encoder.txt" 2>&1
"$nezha" finetune --task pair "${start[@]}" --train "$data/afqmc/train.tsv" --dev "$data/afqmc/dev.tsv" \
    --output "$work/cross-encoder" --epochs "$epochs" --batch-size 32 --seq-len 64 --lr 5e-4 > "$work/cross-encoder.txt" 2>&1
tail -n 3 "$work/bi-encoder.txt" "$work/cross-encoder.txt" | grep -E "dev|==>" || true

"$nezha" index --model "$work/bi-encoder/best" --corpus "$work/set/corpus.jsonl" --output "$work/index" 2>/dev/null
"$nezha" search --index "$work/index" --queries "$work/set/queries.jsonl" --top-k 50 --output "$work/retrieved.jsonl" 2>/dev/null
"$nezha" rerank --model "$work/cross-encoder/best" --candidates "$work/retrieved.jsonl" --top-n "$top_n" \
    --output "$work/reranked.jsonl" 2>/dev/null

row() {  # key label eval-arguments...
  local key="$1" label="$2"; shift 2
  "$nezha" eval --task retrieval --qrels "$work/set/qrels.tsv" "$@" --output "$work/$key.json" >/dev/null 2>&1
  python3 - "$work/$key.json" "$label" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
print("| %s | %d | %s |" % (sys.argv[2], m["queries"], " | ".join("%.3f" % m[k] for k in
      ("recall@1", "recall@5", "recall@10", "recall@50", "mrr@10", "ndcg@10"))))
PY
}
printf '| stage | queries | recall@1 | recall@5 | recall@10 | recall@50 | MRR@10 | nDCG@10 |\n|---|---:|---:|---:|---:|---:|---:|---:|\n'
row exact "bi-encoder, exact search" --index "$work/index" --queries "$work/set/queries.jsonl" --exact
row hnsw "bi-encoder, HNSW (ef_search 100)" --run "$work/retrieved.jsonl"
row reranked "bi-encoder + cross-encoder rerank of the top $top_n" --run "$work/reranked.jsonl"
