#!/usr/bin/env bash
# CPU throughput of the tiny and base configs: pretraining tokens/s and prediction pairs/s.
# Usage: scripts/bench-cpu.sh [OUT_DIR]   (default runs/bench-cpu; prints one line per measurement)
# Training tokens/s is the mean of the logged windows after the first (which includes start-up);
# prediction runs a freshly fine-tuned classifier (weights do not change the cost) over the 3,000
# AFQMC dev pairs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/runs/bench-cpu}"
nezha="$root/nezha"
data="$root/data"
mkdir -p "$out"
head -n 65 "$data/afqmc/dev.tsv" > "$out/dev-small.tsv"   # the fine-tuning step only has to produce a model
for size in tiny base; do
  case $size in
    tiny) steps=60; batch=32; log=10 ;;
    base) steps=12; batch=8; log=3 ;;
  esac
  "$nezha" pretrain --model-config "$data/configs/nezha-$size.json" --vocab "$data/vocab/vocab.txt" \
    --train "$data/corpus/cluecorpussmall_sample.txt" --output "$out/pretrain-$size" --overwrite \
    --max-steps $steps --batch-size $batch --seq-len 128 --log-every $log --warmup 1 2>/dev/null \
    | grep -E "pretraining done" | sed "s/^/$size pretrain (batch $batch, seq 128): /"
  "$nezha" finetune --task pair --init "$out/pretrain-$size/model" --train "$data/afqmc/train.tsv" \
    --dev "$out/dev-small.tsv" --output "$out/finetune-$size" --overwrite --max-steps 2 --eval-every 2 \
    --batch-size 8 --seq-len 64 >/dev/null 2>&1
  "$nezha" predict --model "$out/finetune-$size/best" --input "$data/afqmc/dev.tsv" \
    --output "$out/predictions-$size.csv" --batch-size 64 --seq-len 64 2>/dev/null \
    | sed "s/^/$size predict (batch 64, seq 64): /"
done
