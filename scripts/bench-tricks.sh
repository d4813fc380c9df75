#!/usr/bin/env bash
# The competition tricks compared on cross-validation (docs/TRICKS.md), a tiny model from scratch
# (data/configs/nezha-tiny.json), `nezha cv --folds 5`, the same seed and schedule for every row; one trick per
# row (and the usual combination). TASK picks the data:
#   single (default): ChnSentiCorp's first ROWS training reviews (default 1500), stratified folds, CV accuracy;
#   ner: Resume NER's first ROWS training sentences (default 1000), CV entity F1 (seqeval's micro F1).
# Per row: the CV metric (mean ± std over the folds, each fold's best dev score) and the cost of a training step
# relative to the baseline, from the folds' metrics.jsonl (mean seconds per logged step, measured in this run).
# Usage: [TASK=single|ner] scripts/bench-tricks.sh [ROWS] [EPOCHS] [NAME...]   (EPOCHS default 3; every row of the task)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
task="${TASK:-single}"
epochs="${2:-3}"
data="$root/data"
"$root/nezha" --version >/dev/null   # builds the application if needed
case "$task" in
  single)
    rows="${1:-1500}"
    work="$root/target/bench-tricks"
    mkdir -p "$work"
    train="$work/train.tsv"
    head -n $((rows + 1)) "$data/chnsenticorp/train.tsv" > "$train"
    task_options=(--task single --seq-len 64)
    cv_options=(--stratify)
    metric=accuracy
    order=(baseline fgm fgm-eps0.1 ema ema-0.9 rdrop multi-sample-dropout label-smoothing focal layerwise-decay fgm+ema+layerwise
           cosine class-weights dice freeze-embeddings pgd) ;;
  ner)
    rows="${1:-1000}"
    work="$root/target/bench-tricks-ner"
    mkdir -p "$work"
    train="$work/train.bmes"
    awk -v n="$rows" 'BEGIN { RS = ""; ORS = "\n\n" } NR <= n' "$data/ner_resume/train.bmes" > "$train"
    task_options=(--task ner --seq-len 128)
    cv_options=()
    metric=f1
    order=(baseline label-smoothing focal dice class-weights focal+class-weights rdrop multi-sample-dropout fgm-eps0.1 ema-0.9
           cosine) ;;
  *) echo "bench-tricks: TASK must be single or ner, got $task" >&2; exit 2 ;;
esac
shift $(( $# > 2 ? 2 : $# ))

declare -A tricks=(
  [baseline]=""
  [focal]="--loss focal"
  [label-smoothing]="--loss label-smoothing"
  [dice]="--loss dice"
  [class-weights]="--class-weights balanced"
  [focal+class-weights]="--loss focal --class-weights balanced"
  [layerwise-decay]="--layerwise-lr-decay 0.8 --head-lr 1e-3"
  [freeze-embeddings]="--freeze-embeddings"
  [cosine]="--scheduler cosine"
  [fgm]="--adversarial fgm --adv-epsilon 1.0"
  [fgm-eps0.1]="--adversarial fgm --adv-epsilon 0.1"
  [pgd]="--adversarial pgd --adv-epsilon 1.0 --pgd-steps 3 --pgd-alpha 0.3"
  [ema]="--ema 0.99"
  [ema-0.9]="--ema 0.9"
  [multi-sample-dropout]="--multi-sample-dropout 5"
  [rdrop]="--rdrop 1.0"
  [fgm+ema+layerwise]="--adversarial fgm --adv-epsilon 1.0 --ema 0.99 --layerwise-lr-decay 0.8 --head-lr 1e-3"
)
[ $# -gt 0 ] && order=("$@")

seconds_per_step() {  # mean over the folds' logged steps after the first two of each (warm-up)
  python3 - "$1" <<'PY'
import glob, json, sys
gaps = []
for path in glob.glob(sys.argv[1] + "/fold-*/metrics.jsonl"):
    steps = [json.loads(l) for l in open(path) if '"elapsed_s"' in l]
    for a, b in zip(steps[2:], steps[3:]):
        gaps.append((b["elapsed_s"] - a["elapsed_s"]) / (b["step"] - a["step"]))
print("%.4f" % (sum(gaps) / len(gaps)))
PY
}

printf '| trick | options | CV %s (mean ± std) | s/step | step cost |\n|---|---|---|---:|---:|\n' "$metric"
base_sps=""
for name in "${order[@]}"; do
  out="$work/$name"
  # shellcheck disable=SC2086  # the options are words
  "$root/nezha" cv --folds 5 "${cv_options[@]}" --seed 7 --output "$out" --overwrite -- "${task_options[@]}" \
      --model-config "$data/configs/nezha-tiny.json" --vocab "$data/vocab/vocab.txt" --train "$train" \
      --epochs "$epochs" --batch-size 32 --lr 5e-4 --log-every 1 --seed 7 ${tricks[$name]} \
      > "$out.txt" 2>&1 || { echo "| $name | ${tricks[$name]} | failed: see $out.txt | | |"; continue; }
  sps=$(seconds_per_step "$out")
  [ -z "$base_sps" ] && [ "$name" = baseline ] && base_sps="$sps"
  python3 - "$out/cv_summary.json" "$name" "${tricks[$name]}" "$sps" "${base_sps:-$sps}" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
name, options, sps, base = sys.argv[2], sys.argv[3] or "(none)", float(sys.argv[4]), float(sys.argv[5])
print("| %s | `%s` | %.4f ± %.4f | %.3f | %.2f× |" % (name, options, s["mean"], s["std"], sps, sps / base))
PY
done
