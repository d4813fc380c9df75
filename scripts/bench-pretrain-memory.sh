#!/usr/bin/env bash
# Pretraining memory on a corpus larger than the JVM heap (docs/BENCHMARKS.md, "Pretraining data"):
# generates a corpus of random ids whose token shards are FACTOR times the heap, prepares it, then
# pretrains the tiny config from the shards with -Xmx HEAP_MB and samples the process's memory every
# 5 seconds: anonymous resident memory (heap, libtorch, instance order) and file-backed resident pages
# (the mapped shards: page cache the kernel takes back under pressure).
# Usage: scripts/bench-pretrain-memory.sh [HEAP_MB] [FACTOR] [STEPS]   (defaults: 64 5 300)
# Work files go to target/bench-pretrain-memory/ (the generated corpus is kept for a rerun). JavaCPP's own
# limit on physical memory (a multiple of -Xmx, which libtorch's allocations count against) is lifted.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
heap="${1:-64}"
factor="${2:-5}"
steps="${3:-300}"
for value in "$heap" "$factor" "$steps"; do
  [[ "$value" =~ ^[1-9][0-9]*$ ]] || { echo "bench-pretrain-memory: HEAP_MB, FACTOR and STEPS must be positive whole numbers, got '$value'" >&2; exit 2; }
done
"$root/nezha" --version >/dev/null   # builds the application if needed
work="$root/target/bench-pretrain-memory"
mkdir -p "$work"
tokens=$((heap * factor * 1024 * 1024 / 2))   # uint16 ids: 2 bytes a token

# ids 10..4699 as a whole-token vocabulary, and a corpus of them: documents of 10-50 sentences of 5-60 ids
{ printf '[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n'; seq 10 4699; } > "$work/vocab.txt"
corpus="$work/corpus-$tokens.txt"
if [ ! -s "$corpus" ]; then
  echo "generating $tokens tokens of ids…" >&2
  awk -v total="$tokens" 'BEGIN {
    srand(1); n = 0
    while (n < total) {
      for (s = int(10 + rand() * 41); s > 0 && n < total; s--) {
        len = int(5 + rand() * 56); line = ""
        for (i = 0; i < len; i++) { line = line (i ? " " : "") int(10 + 4690 * rand() * rand()) }
        print line; n += len
      }
      print ""
    }
  }' > "$corpus.tmp"
  mv "$corpus.tmp" "$corpus"
fi
shards="$work/shards-$tokens"
if [ ! -s "$shards/index.json" ]; then
  "$root/nezha" prepare --corpus "$corpus" --vocab "$work/vocab.txt" --word-boundaries whitespace --seq-len 128 \
      --output "$shards" --overwrite >&2
fi
shard_mb=$(du -m -c "$shards"/shard-*.tokens | tail -1 | cut -f1)

rm -rf "$work/run"
NEZHA_JAVA_OPTS="-Xmx${heap}m -Dorg.bytedeco.javacpp.maxPhysicalBytes=0" "$root/nezha" pretrain --model-config "$root/data/configs/nezha-tiny-ids.json" \
    --vocab "$work/vocab.txt" --data "$shards" --masking ngram --max-steps "$steps" --batch-size 32 --seq-len 128 \
    --lr 1e-3 --warmup 30 --optimizer adamw --log-every 10 --output "$work/run" 2> "$work/pretrain.log" &
pid=$!
kb() { awk -v f="$1:" '$1 == f { print int($2 / 1024) }' "/proc/$pid/status" 2>/dev/null || true; }
printf 'heap -Xmx%dm, shards %d MiB of token ids (%d tokens), %d steps of 32 x 128, ngram masking\n' "$heap" "$shard_mb" "$tokens" "$steps"
printf '%6s %8s %12s %12s\n' "s" "step" "anon MiB" "file MiB"
start=$SECONDS
while kill -0 "$pid" 2>/dev/null; do
  anon=$(kb RssAnon); file=$(kb RssFile)
  step=$(tail -n 1 "$work/run/metrics.jsonl" 2>/dev/null | sed -n 's/.*"step":\([0-9]*\).*/\1/p' || true)
  [ -n "$anon" ] && printf '%6d %8s %12s %12s\n' $((SECONDS - start)) "${step:--}" "$anon" "$file"
  sleep 5
done
wait "$pid" || { echo "bench-pretrain-memory: pretraining failed:" >&2; tail -n 3 "$work/pretrain.log" >&2; exit 1; }
