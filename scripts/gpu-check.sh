#!/usr/bin/env bash
# Runs on the GPU machine (see scripts/gpu-stage.sh), after ../shared/device's bundle is installed
# (/opt/nezha-gpu/env.sh): the C-level CUDA attention test, the same under compute-sanitizer
# memcheck and racecheck, the JUnit CUDA tests (attention kernels; bf16/fp16 training tracking fp32),
# `nezha bench attention` and `nezha bench train` on the GPU (NEZHA-base at the issue's shapes, and
# with a world-size-1 NCCL group to measure the data-parallel overhead). Logs and JSON go to $OUT
# (or ./gpu-out). Every step runs even when an earlier one fails; the exit status
# says whether all passed.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
app="$root/.devicepack/app"
out="${OUT:-$root/gpu-out}"
mkdir -p "$out"
. "${NEZHA_GPU_ENV:-/opt/nezha-gpu/env.sh}"  # overridable to rehearse the script without a GPU
export LD_LIBRARY_PATH="$app/native:$LD_LIBRARY_PATH"
export NEZHA_NATIVE_LIB="$app/native/libnezha_native.so"
cp="$NEZHA_CP:$(ls "$app"/jars/*.jar | tr '\n' :)"
failed=0
step() {  # name command...: runs, logs to $out/name.log, records the status
  local name=$1; shift
  echo "== $name: $*"
  ( "$@" ) > "$out/$name.log" 2>&1
  local rc=$?
  echo "== $name: exit $rc"; tail -n 5 "$out/$name.log"
  [ $rc -eq 0 ] || failed=1
}
nvidia-smi -L | tee "$out/gpu.txt"
step attention_cuda "$app/native/test_attention_cuda"
sanitizer=$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer 2>/dev/null)
if [ -n "$sanitizer" ]; then
  step memcheck env NEZHA_TEST_QUICK=1 "$sanitizer" --tool memcheck --error-exitcode 1 "$app/native/test_attention_cuda"
  step racecheck env NEZHA_TEST_QUICK=1 "$sanitizer" --tool racecheck --error-exitcode 1 "$app/native/test_attention_cuda"
else
  echo "no compute-sanitizer on this machine" | tee "$out/sanitizer.log"; failed=1
fi
junit_cuda() {  # the CUDA tests skip (abort) without a usable GPU: here that is a failure
  java -cp "$cp" org.junit.platform.console.ConsoleLauncher execute \
    --select-class org.nezha.core.model.FusedAttentionCudaTest \
    --select-method 'org.nezha.core.pipeline.MixedPrecisionTrainingTest#halfPrecisionLossTracksFp32OnCuda(java.lang.String, java.nio.file.Path)' \
    --select-method 'org.nezha.core.distributed.DataParallelTrainingTest#ncclWithOneRankTrainsLikeGlooOnTheCpu(java.nio.file.Path)' \
    --select-method 'org.nezha.core.pipeline.CheckpointRandomStateTest#gpuDrawsRepeatAfterRestoring(java.nio.file.Path)' \
    --details=summary | tee /dev/stderr | grep -E '\[ +0 tests aborted +\]' >/dev/null
}
step junit_cuda junit_cuda
bench_json() {  # file, options...: nezha bench attention --json into file
  local file=$1; shift
  java -cp "$cp" org.nezha.cli.NezhaCli bench attention --json "$@" > "$file"
}
step bench_512 bench_json "$out/bench-attention-512.json" --device cuda --dtype bfloat16,float16 \
  --batch 32 --heads 12 --head-dim 64 --seq 128,512 --warmup 5 --repeats 20
step bench_long bench_json "$out/bench-attention-long.json" --device cuda --dtype bfloat16,float16 \
  --batch 4 --heads 12 --head-dim 64 --seq 2048,4096 --warmup 3 --repeats 10
train_json() {  # file, options...: nezha bench train --json into file (NEZHA-base from data/configs)
  local file=$1; shift
  java -Dnezha.home="$root" -cp "$cp" org.nezha.cli.NezhaCli bench train --json "$@" > "$file"
}
step train_128 train_json "$out/bench-train-128.json" --device cuda --precision bf16,fp16 --attention fused,eager \
  --seq-len 128 --batch-size 256 --steps 20 --warmup 5
step train_512 train_json "$out/bench-train-512.json" --device cuda --precision bf16,fp16 --attention fused,eager \
  --seq-len 512 --batch-size 64 --steps 20 --warmup 5
# the same step inside a world-size-1 NCCL group: the data-parallel overhead (target < 3 %)
train_nccl1() { (export WORLD_SIZE=1 RANK=0 MASTER_ADDR=127.0.0.1 MASTER_PORT=29531; train_json "$@"); }
step train_nccl1 train_nccl1 "$out/bench-train-nccl1.json" --device cuda --precision bf16 --seq-len 128 \
  --batch-size 256 --steps 20 --warmup 5
echo "all passed: $([ $failed -eq 0 ] && echo yes || echo no)"
exit $failed
