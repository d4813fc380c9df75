#!/usr/bin/env bash
# Checkpoint conversion speed and memory (docs/BENCHMARKS.md, "Checkpoint conversion"). Generates a
# NEZHA-base-sized checkpoint (scripts/gen-base-checkpoint.py) as a TensorFlow bundle with Adam slots and
# as a PyTorch zip, then for each source, in one run on a warm page cache:
#   copy     as many bytes as the model has, copied from the source file (head -c) plus fsync: the disk's speed
#   convert  nezha convert (it fsyncs model.safetensors too): wall time of the whole command and peak RSS
#   tiny     nezha convert of the tiny NEZHA fixture in the same format: the same JVM, libtorch and code
#            path with tensors of a few kB, the memory baseline the conversion's extra memory is measured from
# Usage: scripts/bench-convert.sh [CONFIG] [VOCAB]   (defaults: data/configs/nezha-base.json data/vocab/vocab.txt)
# Work files go to target/bench-convert/ (about 2 GB; the generated checkpoint is kept for a rerun).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
config="${1:-$root/data/configs/nezha-base.json}"
vocab="${2:-$root/data/vocab/vocab.txt}"
[ -x /usr/bin/time ] || { echo "bench-convert: needs GNU time (/usr/bin/time) for the peak memory" >&2; exit 2; }
"$root/nezha" --version >/dev/null   # builds the application if needed
work="$root/target/bench-convert"
if [ ! -s "$work/torch/pytorch_model.bin" ]; then
  echo "generating a checkpoint of $config…" >&2
  python3 "$root/scripts/gen-base-checkpoint.py" --config "$config" --vocab "$vocab" --out "$work"
fi

seconds() { local start=$1; echo "$(date +%s.%N) - $start" | bc; }
peak_kb() { sed -n 's/^maxrss \([0-9]*\)$/\1/p' "$1"; }

printf '| source | stored | model bytes | copy + fsync | nezha convert | tiny convert (start-up) | convert − start-up | vs copy | tiny peak RSS | convert peak RSS | extra |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|\n'
for kind in tf torch; do
  src="$work/$kind"
  if [ "$kind" = tf ]; then bytes_file="$(ls "$src"/*.data-00000-of-00001)"; else bytes_file="$src/pytorch_model.bin"; fi
  stored=$(du -cb "$src"/* | tail -1 | cut -f1)
  rm -rf "$work/copy" "$work/out-$kind"
  rm -rf "$work/out-tiny"
  start=$(date +%s.%N)
  /usr/bin/time -f 'maxrss %M' -o "$work/tiny.time" "$root/nezha" convert --from "$root/nezha-core/src/test/resources/convert/nezha_tiny/$kind" \
      --output "$work/out-tiny" >/dev/null 2>&1
  tiny_s=$(seconds "$start")
  start=$(date +%s.%N)
  /usr/bin/time -f 'maxrss %M' -o "$work/convert.time" "$root/nezha" convert --from "$src" --output "$work/out-$kind" >"$work/convert-$kind.txt" 2>/dev/null
  convert_s=$(seconds "$start")
  model_bytes=$(stat -c %s "$work/out-$kind/model.safetensors")
  start=$(date +%s.%N); head -c "$model_bytes" "$bytes_file" >"$work/copy"; sync "$work/copy"; copy_s=$(seconds "$start")
  rm -f "$work/copy"
  tiny_kb=$(peak_kb "$work/tiny.time"); convert_kb=$(peak_kb "$work/convert.time")
  stream_s=$(echo "$convert_s - $tiny_s" | bc -l)
  printf '| %s | %d MB | %d MB | %.2f s (%.0f MB/s) | %.2f s | %.2f s | %.2f s (%.0f MB/s) | %.2f× | %d MB | %d MB | %d MB |\n' \
    "$kind" $((stored / 1000000)) $((model_bytes / 1000000)) "$copy_s" "$(echo "$model_bytes / 1000000 / $copy_s" | bc -l)" \
    "$convert_s" "$tiny_s" "$stream_s" "$(echo "$model_bytes / 1000000 / $stream_s" | bc -l)" "$(echo "$stream_s / $copy_s" | bc -l)" \
    $((tiny_kb / 1024)) $((convert_kb / 1024)) $(((convert_kb - tiny_kb) / 1024))
done
echo >&2
echo "largest tensor: $(python3 -c "import json,sys; c=json.load(open(sys.argv[1])); print(round(c['vocab_size']*c['hidden_size']*4/1e6, 1))" "$config") MB (the word embeddings, fp32)" >&2
