#!/usr/bin/env bash
# Fine-tuning and prediction throughput of every task at one model size and length (docs/BENCHMARKS.md,
# "Tasks"): sequence classification (ChnSentiCorp, single texts), NER without and with a CRF (Resume NER)
# and span extraction (CMRC 2018), each fine-tuned from scratch for STEPS updates of BATCH rows × SEQ_LEN
# tokens, then predicting a slice of its dev set; one run, one after the other.
#   training    real (non-padding) tokens per second, the mean of metrics.jsonl's tokens_per_s after the
#               first two logged steps (warm-up)
#   prediction  examples per second of nezha predict (its own summary line: reading, tokenizing, windows,
#               the model, decoding, writing)
#   CRF share   of a NER training step: 1 − (tokens/s with --crf) / (tokens/s without)
# Usage: scripts/bench-tasks.sh [CONFIG] [STEPS] [BATCH] [SEQ_LEN]
#        (defaults: data/configs/nezha-base.json 8 8 128)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
config="${1:-$root/data/configs/nezha-base.json}"
steps="${2:-8}"
batch="${3:-8}"
seq_len="${4:-128}"
data="$root/data"
work="$root/target/bench-tasks"
"$root/nezha" --version >/dev/null   # builds the application if needed
rm -rf "$work"
mkdir -p "$work"

# dev slices, so the evaluation at the end of each run and the prediction stay short
head -n 65 "$data/chnsenticorp/dev.tsv" > "$work/sentiment-dev.tsv"
awk 'BEGIN { n = 0 } { print } /^$/ { if (++n == 64) exit }' "$data/ner_resume/dev.bmes" > "$work/ner-dev.bmes"
python3 - "$data/cmrc2018/dev.json" "$work/span-dev.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
d["data"] = d["data"][:16]
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY

tokens_per_s() {  # mean tokens_per_s of the training records after the first two
  python3 - "$1" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if '"tokens_per_s"' in l]
rows = rows[2:] or rows
print("%.0f" % (sum(r["tokens_per_s"] for r in rows) / len(rows)))
PY
}

printf '| task | data | training tokens/s | prediction examples/s |\n|---|---|---|---|\n'
declare -A tps
run() {  # name task train dev extra...
  local name="$1" task="$2" train="$3" dev="$4"; shift 4
  local out="$work/$name"
  "$root/nezha" finetune --task "$task" --model-config "$config" --vocab "$data/vocab/vocab.txt" --train "$train" --dev "$dev" \
      --output "$out" --max-steps "$steps" --batch-size "$batch" --seq-len "$seq_len" --log-every 1 --warmup-ratio 0 "$@" \
      >"$out.finetune.txt" 2>"$out.finetune.err"
  tps[$name]=$(tokens_per_s "$out/metrics.jsonl")
  local predicted
  predicted=$("$root/nezha" predict --model "$out/best" --input "$dev" --output "$out/predictions" --seq-len "$seq_len" "$@" 2>/dev/null)
  local eps
  eps=$(sed -n 's/.*(\([0-9,.]*\) examples\/s).*/\1/p' <<<"$predicted")
  printf '| %s | %s | %s | %s |\n' "$name" "$(basename "$train")" "${tps[$name]}" "$eps"
}
run sentiment single "$data/chnsenticorp/train.tsv" "$work/sentiment-dev.tsv"
run ner ner "$data/ner_resume/train.bmes" "$work/ner-dev.bmes"
run ner-crf ner "$data/ner_resume/train.bmes" "$work/ner-dev.bmes" --crf
# at 128 tokens a window needs a shorter question and overlap than run_qa.py's 64 and 128 (which need 196+)
run span span "$data/cmrc2018/train.json" "$work/span-dev.json" --max-query-length 32 --doc-stride 32
echo
echo "CRF share of a NER training step: $(echo "scale=4; (1 - ${tps[ner-crf]} / ${tps[ner]}) * 100" | bc) %"
