#!/usr/bin/env bash
# CPU throughput, eager vs fused attention: pretraining tokens/s and prediction pairs/s of the tiny
# and base configs, then `nezha bench attention` (the attention alone, with libtorch's plain SDPA as
# the reference) at L = 128 and 512.
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
for attention in eager fused; do
  for size in tiny base; do
    case $size in
      tiny) steps=60; batch=32; log=10 ;;
      base) steps=12; batch=8; log=3 ;;
    esac
    run="$out/$attention-$size"
    "$nezha" pretrain --model-config "$data/configs/nezha-$size.json" --vocab "$data/vocab/vocab.txt" \
      --train "$data/corpus/cluecorpussmall_sample.txt" --output "$run-pretrain" --overwrite --attention $attention \
      --max-steps $steps --batch-size $batch --seq-len 128 --log-every $log --warmup 1 2>/dev/null \
      | grep -E "pretraining done" | sed "s/^/$attention $size pretrain (batch $batch, seq 128): /"
    "$nezha" finetune --task pair --init "$run-pretrain/model" --train "$data/afqmc/train.tsv" \
      --dev "$out/dev-small.tsv" --output "$run-finetune" --overwrite --max-steps 2 --eval-every 2 \
      --batch-size 8 --seq-len 64 --attention $attention >/dev/null 2>&1
    "$nezha" predict --model "$run-finetune/best" --input "$data/afqmc/dev.tsv" --attention $attention \
      --output "$run-predictions.csv" --batch-size 64 --seq-len 64 2>/dev/null \
      | sed "s/^/$attention $size predict (batch 64, seq 64): /"
  done
done
"$nezha" bench attention --batch 8 --heads 12 --head-dim 64 --seq 128,512 --warmup 3 --repeats 10 2>/dev/null \
  | tee "$out/attention.txt"
