#!/usr/bin/env bash
# Sentence-embedding throughput of nezha embed (docs/BENCHMARKS.md, "Sentence embeddings"): texts per second
# of a randomly initialised tiny and base model (speed does not depend on the weights) on two corpora,
# batched by length (the default) and in file order (--no-length-sort), one run after the other:
#   short   AFQMC dev's distinct sentences (nezha retrieval-set's corpus): 5-40 characters, alike
#   varied  ChnSentiCorp dev's reviews: a few characters to several hundred, cut at SEQ_LEN tokens
# texts/s is nezha embed's own summary (tokenizing, the model, gathering vectors; not reading or writing).
# Usage: scripts/bench-embed.sh [TEXTS_FOR_BASE] [SEQ_LEN] [BATCH]   (defaults: 1000 128 64)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base_texts="${1:-1000}"
seq_len="${2:-128}"
batch="${3:-64}"
data="$root/data"
work="$root/target/bench-embed"
"$root/nezha" --version >/dev/null   # builds the application if needed
rm -rf "$work"
mkdir -p "$work"

"$root/nezha" retrieval-set --pairs "$data/afqmc/dev.tsv" --output "$work/afqmc" >/dev/null
cp "$work/afqmc/corpus.jsonl" "$work/short.jsonl"
python3 - "$data/chnsenticorp/dev.tsv" "$work/varied.jsonl" <<'PY'
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8"), delimiter="\t", quoting=csv.QUOTE_NONE))
text = next(i for i, h in enumerate(rows[0]) if h in ("text", "text_a"))
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for i, row in enumerate(rows[1:]):
        out.write(json.dumps({"id": str(i + 1), "text": row[text]}, ensure_ascii=False) + "\n")
PY

head -n 21 "$data/sts_b_zh/dev.txt" > "$work/scored.txt"
for size in tiny base; do  # a saved model of each size: one step at a learning rate that changes nothing
  "$root/nezha" finetune --task embedding --embedding-loss cosent --model-config "$data/configs/nezha-$size.json" --vocab "$data/vocab/vocab.txt" \
      --train "$work/scored.txt" --dev "$work/scored.txt" --output "$work/$size" --max-steps 1 --lr 1e-12 --batch-size 4 \
      --seq-len 32 >/dev/null 2>&1
done

texts_per_s() { sed -n 's/.*(\([0-9,.]*\) texts\/s).*/\1/p' <<<"$1" | tr -d ,; }
printf '| model | corpus | texts | by length texts/s | file order texts/s | ratio |\n|---|---|---:|---:|---:|---:|\n'
for size in tiny base; do
  for corpus in short varied; do
    input="$work/$corpus.jsonl"
    if [ "$size" = base ]; then head -n "$base_texts" "$work/$corpus.jsonl" > "$work/$corpus-base.jsonl"; input="$work/$corpus-base.jsonl"; fi
    n=$(wc -l < "$input")
    sorted=$(texts_per_s "$("$root/nezha" embed --model "$work/$size/best" --input "$input" --output "$work/v.npy" \
        --seq-len "$seq_len" --batch-size "$batch" 2>/dev/null)")
    unsorted=$(texts_per_s "$("$root/nezha" embed --model "$work/$size/best" --input "$input" --output "$work/v.npy" \
        --seq-len "$seq_len" --batch-size "$batch" --no-length-sort 2>/dev/null)")
    printf '| %s | %s | %s | %s | %s | %.2f |\n' "$size" "$corpus" "$n" "$sorted" "$unsorted" "$(python3 -c "print($sorted / $unsorted)")"
  done
done
