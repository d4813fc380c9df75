# Sourced by ./nezha and ./build: sets NEZHA_JAVA_HOME to a JDK >= 22 (Panama FFM is final since 22) and
# NEZHA_JAVA_MAJOR to its feature version, or prints how to get one and exits. Looks at $NEZHA_JAVA_HOME,
# $JAVA_HOME, java on PATH and the usual install folders, newest first.
nezha_java_major() {
  "$1/bin/java" -XX:-UsePerfData -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

nezha_find_jdk() {
  local candidates=() home major
  [ -n "${NEZHA_JAVA_HOME:-}" ] && candidates+=("$NEZHA_JAVA_HOME")
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for home in $(ls -d /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* 2>/dev/null | sort -rV); do
    candidates+=("$home")
  done
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || continue
    major=$(nezha_java_major "$home")
    if [ -n "$major" ] && [ "$major" -ge 22 ]; then
      NEZHA_JAVA_HOME="$home"
      NEZHA_JAVA_MAJOR="$major"
      export NEZHA_JAVA_HOME NEZHA_JAVA_MAJOR
      return 0
    fi
  done
  echo "nezha: needs a JDK 22 or newer (Panama FFM); none found in \$NEZHA_JAVA_HOME, \$JAVA_HOME, PATH or /usr/lib/jvm." >&2
  echo "nezha: install one (e.g. Temurin 25: apt-get install temurin-25-jdk, or sdk install java 25-tem) and set JAVA_HOME to it." >&2
  exit 1
}

nezha_find_jdk
