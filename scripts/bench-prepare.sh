#!/usr/bin/env bash
# `nezha prepare` throughput next to Hugging Face's Rust tokenizers (npm `tokenizers`, bench/prepare/) on the
# bundled corpora, both on the same number of threads; every run is repeated, all numbers printed.
#   scripts/bench-prepare.sh SCRATCH_DIR [THREADS] [REPEATS]
# SCRATCH_DIR gets the outputs, the afqmc id vocabulary and `npm ci` of tests/fixtures-gen/tokenizer (tokenizers 0.23.2).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ $# -ge 1 ] || { echo "usage: $0 SCRATCH_DIR [THREADS] [REPEATS]" >&2; exit 2; }
scratch="$(mkdir -p "$1" && cd "$1" && pwd)"; threads="${2:-2}"; repeats="${3:-3}"
data="${NEZHA_SHARED_DATA:-$root/../shared/data}"
vocab="$data/bert_chinese_vocab/vocab.txt"
if [ ! -d "$scratch/hf/node_modules/tokenizers" ]; then
  mkdir -p "$scratch/hf"
  cp "$root/tests/fixtures-gen/tokenizer/package.json" "$root/tests/fixtures-gen/tokenizer/package-lock.json" "$scratch/hf/"
  (cd "$scratch/hf" && npm ci --silent)
fi
# the desensitized corpus comes without a vocabulary: the special tokens, then every id that occurs, sorted
ids_vocab="$scratch/afqmc_ids_vocab.txt"
{ printf '[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n'; tr -s ' \n' '\n\n' < "$data/afqmc_desensitized/corpus.txt" | grep . | sort -u; } > "$ids_vocab"

run() { # NAME VOCAB BOUNDARIES FILE...
  local name="$1" v="$2" boundaries="$3"; shift 3
  for ((r = 1; r <= repeats; r++)); do
    hf=$(RAYON_RS_NUM_THREADS="$threads" RAYON_NUM_THREADS="$threads" node "$root/bench/prepare/hf_tokenizers_bench.mjs" \
      --modules "$scratch/hf" --vocab "$v" "$@")
    rm -rf "$scratch/out"
    start=$(date +%s.%N)
    nz=$("$root/nezha" prepare --corpus "$@" --vocab "$v" --output "$scratch/out" --threads "$threads" \
      --word-boundaries "$boundaries" 2>/dev/null | head -1)
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    echo "$name [$boundaries] run $r: hf $(echo "$hf" | sed 's/.*"mb_per_s":\([0-9.]*\).*/\1/' | cut -c1-5) MB/s;" \
      "nezha: $nz; command wall ${wall:0:5} s"
  done
}
"$root/nezha" --version >/dev/null # builds once, outside the timings
clue="$data/corpus_cluecorpussmall_sample/cluecorpussmall_sampled.txt"
classical=("$data"/corpus_classical_chinese/*.txt)
for boundaries in none jieba; do
  run cluecorpussmall "$vocab" "$boundaries" "$clue"
  run classical "$vocab" "$boundaries" "${classical[@]}"
  run "cluecorpussmall x8" "$vocab" "$boundaries" "$clue" "$clue" "$clue" "$clue" "$clue" "$clue" "$clue" "$clue"
  x24=(); for ((i = 0; i < 24; i++)); do x24+=("$clue"); done
  run "cluecorpussmall x24" "$vocab" "$boundaries" "${x24[@]}"
done
run afqmc_desensitized "$ids_vocab" whitespace "$data/afqmc_desensitized/corpus.txt"
