#!/usr/bin/env bash
# Shared CPU: fine-tuning time under each OpenMP wait policy, with the machine to itself, beside one
# busy loop, and beside as many busy loops as there are cores, all in one run (docs/BENCHMARKS.md,
# "Shared CPU").
#   unset    libgomp's default: a waiting thread spins for a while before it sleeps (what ./nezha did)
#   ACTIVE   waiting threads spin until work comes
#   PASSIVE  waiting threads sleep at once (what ./nezha and nezha launch set now)
# Usage: scripts/bench-shared-cpu.sh [STEPS] [REPEATS] [LOADS]   (prints a table)
#   defaults: 60 steps, 2 repeats, LOADS "0 1 CORES" (busy loops beside the runs; e.g. "0" for the machine alone)
# The runs alternate between policies so that a slow minute of the machine hits them all alike.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
steps="${1:-60}"
repeats="${2:-2}"
for value in "$steps" "$repeats"; do
  [[ "$value" =~ ^[1-9][0-9]*$ ]] || { echo "bench-shared-cpu: STEPS and REPEATS must be positive whole numbers, got '$value'" >&2; exit 2; }
done
cores=$(nproc)
loads="${3:-0 1 $cores}"
for value in $loads; do
  [[ "$value" =~ ^[0-9]+$ ]] || { echo "bench-shared-cpu: LOADS must be whole numbers of busy loops, got '$value'" >&2; exit 2; }
done
"$root/nezha" --version >/dev/null   # builds the application if needed, and finds the JDK below
. "$root/scripts/find-jdk.sh"
work="$(mktemp -d "${TMPDIR:-/tmp}/nezha-shared-cpu.XXXXXX")"
busy=()
stop_busy() {
  [ ${#busy[@]} -gt 0 ] && kill "${busy[@]}" 2>/dev/null && wait "${busy[@]}" 2>/dev/null
  busy=()
}
cleanup() {
  stop_busy || true
  rm -rf "$work"
}
trap cleanup EXIT
head -n 65 "$root/data/afqmc/dev.tsv" > "$work/dev.tsv"

# One fine-tuning of the tiny config; prints its training seconds. Runs java directly: ./nezha would
# set the policy itself. A failed run stops the benchmark with its error line.
finetune() {
  local policy="$1" summary
  if ! summary=$( (if [ "$policy" = unset ]; then unset OMP_WAIT_POLICY; else export OMP_WAIT_POLICY="$policy"; fi
    "$NEZHA_JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:-UsePerfData -jar "$root/cli/target/nezha-cli.jar" finetune \
      --task pair --model-config "$root/data/configs/nezha-tiny.json" --vocab "$root/data/vocab/vocab.txt" \
      --train "$root/data/afqmc/train.tsv" --dev "$work/dev.tsv" --output "$work/run" --overwrite \
      --max-steps "$steps" --eval-every "$steps" --batch-size 32 --seq-len 64 2>"$work/err.log") ); then
    grep -m 1 '^nezha: ' "$work/err.log" | sed 's/^/bench-shared-cpu: /' >&2
    exit 1
  fi
  echo "$summary" | sed -n "s/^fine-tuning done: $steps steps in \([0-9.]*\)s.*/\1/p; s/^fine-tuning done: $steps steps in \([0-9]*\)m\([0-9]*\)s.*/\1 \2/p" \
    | awk 'NF == 2 { print $1 * 60 + $2; next } { print $1 }'
}

printf "%-8s %-16s %s\n" policy "other load" "seconds for $steps fine-tuning steps (each repeat)"
declare -A times
for loops in $loads; do
  load="$loops busy loop$([ "$loops" = 1 ] || echo s)"
  for ((i = 0; i < loops; i++)); do
    sh -c 'while :; do :; done' &
    busy+=($!)
  done
  for ((r = 0; r < repeats; r++)); do
    for policy in unset ACTIVE PASSIVE; do
      times["$policy/$load"]+="$(finetune "$policy") "
    done
  done
  stop_busy || true
  for policy in unset ACTIVE PASSIVE; do printf "%-8s %-16s %s\n" "$policy" "$load" "${times[$policy/$load]}"; done
done
echo "machine: $cores cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)"
