#!/usr/bin/env bash
# Stages, here, what the GPU machine needs besides ../shared/device's Java + libtorch bundle, into
# .devicepack/app (ignored by git): the project's jars without the JavaCPP ones, the nezha-core test
# classes with JUnit's console launcher, and the native build (libnezha_native.so with the CUDA
# kernels, the C-level tests). Then scripts/gpu-check.sh runs on the GPU machine:
#   device run, carry [".devicepack/app"]:  bash scripts/gpu-check.sh tests   (then: ... bench)
# Needs nvcc here (the CUDA kernels are compiled on this side; the GPU machine only runs them).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
app="$root/.devicepack/app"
. "$root/scripts/find-jdk.sh"
command -v nvcc >/dev/null || { echo "gpu-stage: nvcc is needed to build the CUDA kernels" >&2; exit 1; }
"$root/build" -q install -DskipTests -Dnative.cuda=ON
grep -q "NEZHA_HAVE_CUDA" "$root/native/target/build/CMakeFiles/nezha_native.dir/flags.make" \
  || { echo "gpu-stage: native/target/build was configured without CUDA" >&2; exit 1; }
rm -rf "$app"
mkdir -p "$app/jars" "$app/native"
cp "$root/cli/target/nezha-cli.jar" "$app/jars/"
for jar in "$root"/cli/target/lib/*.jar; do
  case "$(basename "$jar")" in javacpp-*|pytorch-*|openblas-*) ;; *) cp "$jar" "$app/jars/" ;; esac
done
(cd "$root/nezha-core/target/test-classes" && "$NEZHA_JAVA_HOME/bin/jar" cf "$app/jars/nezha-core-tests.jar" .)
JAVA_HOME="$NEZHA_JAVA_HOME" mvn -q -B -ntp dependency:copy \
  -Dartifact=org.junit.platform:junit-platform-console-standalone:1.11.4 -DoutputDirectory="$app/jars"
cp "$root"/native/target/build/{libnezha_native.so,test_abi,test_attention_cpu,test_attention_cuda} "$app/native/"
du -sh "$app"
