# shellcheck shell=bash
# Sourced (not run) by bin/test, .ci/run and the local runner's start script: selects a JDK 25 or newer and
# exports JAVA_HOME and PATH. Order: $JAVA_HOME if it is 25+, else the first 25+ of /usr/lib/jvm/temurin-25*,
# then /usr/lib/jvm/*25*. Without one it prints why and returns 1 (which stops a `set -e` caller).

credits_java_major() { # $1: a java binary; prints its feature version (17, 25, ...), 0 if unknown
  local version
  version=$("$1" -version 2>&1 | sed -n 's/.* version "\([0-9][0-9]*\).*/\1/p' | head -n 1)
  echo "${version:-0}"
}

credits_select_jdk25() {
  local candidate="" dir
  if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]] \
      && (( $(credits_java_major "${JAVA_HOME}/bin/java") >= 25 )); then
    candidate=$JAVA_HOME
  else
    for dir in /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25*; do
      if [[ -x "$dir/bin/java" ]] && (( $(credits_java_major "$dir/bin/java") >= 25 )); then
        candidate=$dir
        break
      fi
    done
  fi
  if [[ -z $candidate ]]; then
    echo "error: this build needs JDK 25 or newer; JAVA_HOME=${JAVA_HOME:-<unset>} is older or missing," \
      "and no /usr/lib/jvm/temurin-25* or /usr/lib/jvm/*25* was found. Install one (e.g. Temurin 25) and" \
      "set JAVA_HOME to it." >&2
    return 1
  fi
  export JAVA_HOME=$candidate
  export PATH="$JAVA_HOME/bin:$PATH"
}

credits_select_jdk25
