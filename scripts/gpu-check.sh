#!/usr/bin/env bash
# Runs on the GPU machine (see scripts/gpu-stage.sh), after ../shared/device's bundle is installed
# (/opt/nezha-gpu/env.sh). Two parts, each sized for one device call of under 10 minutes:
#   tests: the C-level CUDA attention test, the same under compute-sanitizer memcheck and racecheck,
#          the JUnit CUDA tests (attention kernels; bf16/fp16 training tracking fp32; NCCL world
#          size 1; the GPU generator in checkpoints; --device selecting the current GPU)
#   bench: `nezha bench attention` and `nezha bench train` on the GPU (NEZHA-base at the issue's
#          shapes, and inside a world-size-1 NCCL group for the data-parallel overhead)
# Usage: bash scripts/gpu-check.sh tests|bench|all (each part's limits add up to under 9 minutes, so a
# call with timeout_s 600 ends even if a step hangs). Every step runs under its own time limit, even
# when an earlier one failed. The device call returns at most 8 files, so the logs and JSON of all
# steps go into one archive, $OUT/gpu-check-<part>.tgz, rewritten after every step (a call cut off
# at its limit still returns the steps that finished), beside $OUT/summary-<part>.txt (one line per
# step). The exit status says whether every step passed.
set -uo pipefail
part="${1:-all}"
case "$part" in tests|bench|all) ;; *) echo "usage: gpu-check.sh tests|bench|all" >&2; exit 2 ;; esac
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
app="$root/.devicepack/app"
out="${OUT:-$root/gpu-out}"
work="$(mktemp -d)"
mkdir -p "$out"
. "${NEZHA_GPU_ENV:-/opt/nezha-gpu/env.sh}"  # overridable to rehearse the script without a GPU
export LD_LIBRARY_PATH="$app/native:$LD_LIBRARY_PATH"
export NEZHA_NATIVE_LIB="$app/native/libnezha_native.so"
cp="$NEZHA_CP:$(ls "$app"/jars/*.jar | tr '\n' :)"
summary="$out/summary-$part.txt"
: > "$summary"
failed=0
step() {  # name seconds command...: runs with a time limit, logs to the archive, records the status
  local name=$1 limit=$2; shift 2
  echo "== $name: $*"
  local start=$SECONDS
  timeout --kill-after=10 "$limit" bash -c '"$@"' step "$@" > "$work/$name.log" 2>&1
  local rc=$?
  local line="$name: exit $rc in $((SECONDS - start)) s$([ $rc -eq 124 ] && echo " (time limit $limit s)")"
  echo "== $line"; tail -n 5 "$work/$name.log"
  echo "$line" >> "$summary"
  [ $rc -eq 0 ] || failed=1
  tar czf "$out/.gpu-check.tgz" -C "$work" . && mv "$out/.gpu-check.tgz" "$out/gpu-check-$part.tgz"
}
nvidia-smi -L | tee "$work/gpu.txt"

run_tests() {
  step attention_cuda 90 "$app/native/test_attention_cuda"
  local sanitizer
  sanitizer=$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer 2>/dev/null)
  if [ -n "$sanitizer" ]; then
    step memcheck 60 env NEZHA_TEST_QUICK=1 "$sanitizer" --tool memcheck --error-exitcode 1 "$app/native/test_attention_cuda"
    step racecheck 90 env NEZHA_TEST_QUICK=1 "$sanitizer" --tool racecheck --error-exitcode 1 "$app/native/test_attention_cuda"
  else
    echo "sanitizer: none on this machine" | tee -a "$summary"; failed=1
  fi
  # two JVMs: a fault in the never-run kernels is sticky for its CUDA context and would fail the rest
  step junit_kernels 120 junit_cuda --select-class org.nezha.core.model.FusedAttentionCudaTest
  step junit_training 150 junit_cuda \
    --select-method 'org.nezha.core.pipeline.MixedPrecisionTrainingTest#halfPrecisionLossTracksFp32OnCuda(java.lang.String, java.nio.file.Path)' \
    --select-method 'org.nezha.core.distributed.DataParallelTrainingTest#ncclWithOneRankTrainsLikeGlooOnTheCpu(java.nio.file.Path)' \
    --select-method 'org.nezha.core.pipeline.CheckpointRandomStateTest#gpuDrawsRepeatAfterRestoring(java.nio.file.Path)' \
    --select-method 'org.nezha.core.tensor.ComputeDeviceTest#aCudaDeviceBecomesTheCurrentOne()'
}
junit_cuda() {  # selectors...: passes only when the launcher does and no test was skipped (skipping means no usable GPU)
  local log
  log=$(mktemp)
  # from nezha-core, where the tests' relative paths resolve (as under Maven); Maven's stack size
  (cd "$root/nezha-core" && java -Xss4m -cp "$cp" org.junit.platform.console.ConsoleLauncher execute \
    --fail-if-no-tests --details=summary "$@") > "$log" 2>&1
  local rc=$?
  cat "$log"
  [ $rc -eq 0 ] && grep -qE '\[ +0 tests aborted +\]' "$log" && grep -qE '\[ +0 tests failed +\]' "$log"
}

run_bench() {
  step bench_512 80 bench_json bench-attention-512.json --device cuda --dtype bfloat16,float16 \
    --batch 32 --heads 12 --head-dim 64 --seq 128,512 --warmup 5 --repeats 20
  step bench_long 80 bench_json bench-attention-long.json --device cuda --dtype bfloat16,float16 \
    --batch 4 --heads 12 --head-dim 64 --seq 2048,4096 --warmup 3 --repeats 10
  step train_128 150 train_json bench-train-128.json --device cuda --precision bf16,fp16 --attention fused,eager \
    --seq-len 128 --batch-size 256 --steps 20 --warmup 5
  step train_512 150 train_json bench-train-512.json --device cuda --precision bf16,fp16 --attention fused,eager \
    --seq-len 512 --batch-size 64 --steps 20 --warmup 5
  # the same step inside a world-size-1 NCCL group: the data-parallel overhead (target < 3 %)
  step train_nccl1 60 train_nccl1 bench-train-nccl1.json --device cuda --precision bf16 --seq-len 128 \
    --batch-size 256 --steps 20 --warmup 5
}
bench_json() {  # file, options...: nezha bench attention --json into the archive
  local file=$1; shift
  java -Xss4m -cp "$cp" org.nezha.cli.NezhaCli bench attention --json "$@" > "$work/$file"
}
train_json() {  # file, options...: nezha bench train --json into the archive (NEZHA-base from data/configs)
  local file=$1; shift
  java -Xss4m -Dnezha.home="$root" -cp "$cp" org.nezha.cli.NezhaCli bench train --json "$@" > "$work/$file"
}
train_nccl1() { (export WORLD_SIZE=1 RANK=0 MASTER_ADDR=127.0.0.1 MASTER_PORT=29531; train_json "$@"); }

export -f junit_cuda bench_json train_json train_nccl1  # step runs them in a child shell under timeout
export cp work root
[ "$part" = bench ] || run_tests
[ "$part" = tests ] || run_bench
echo "all passed: $([ $failed -eq 0 ] && echo yes || echo no)" | tee -a "$summary"
rm -rf "$work"
exit $failed
