# shellcheck shell=bash
# Finds a JDK >= 25 for ./berth and the scripts. Sourced, not executed.
#
# Order: $JAVA_HOME if it is new enough, else the newest JDK >= 25 in the standard install folders of
# Linux, macOS and Windows-under-bash, else `java` on the PATH. The version is read from the JDK's
# `release` file, so no JVM is started just to look.

BERTH_MIN_JAVA=25

berth_jdk_major() { # <jdk home> -> major version on stdout, or nothing
  local home=$1 v
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 1
  if [ -f "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" | head -n 1)
  fi
  if [ -z "${v:-}" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
  fi
  [ -n "$v" ] && echo "$v"
}

berth_jdk_candidates() {
  local d
  if [ -n "${BERTH_JDK_DIRS:-}" ]; then # replaces the standard folders (used by the launcher's tests)
    tr ':' '\n' <<<"$BERTH_JDK_DIRS"
    return 0
  fi
  for d in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /opt/*jdk* \
           "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* "$HOME"/.local/share/jdks/* \
           /Library/Java/JavaVirtualMachines/*/Contents/Home \
           "$HOME"/Library/Java/JavaVirtualMachines/*/Contents/Home \
           /opt/homebrew/opt/openjdk*/libexec/openjdk.jdk/Contents/Home \
           /usr/local/opt/openjdk*/libexec/openjdk.jdk/Contents/Home \
           "/c/Program Files/Eclipse Adoptium"/* "/c/Program Files/Java"/* "/c/Program Files/Microsoft"/jdk-*; do
    [ -d "$d" ] && echo "$d"
  done
  if command -v /usr/libexec/java_home >/dev/null 2>&1; then
    /usr/libexec/java_home -v "$BERTH_MIN_JAVA+" 2>/dev/null || true
  fi
  if command -v java >/dev/null 2>&1; then
    local j
    j=$(command -v java)
    j=$(readlink -f "$j" 2>/dev/null || echo "$j")
    dirname "$(dirname "$j")"
  fi
}

# Prints the chosen JDK home, or explains how to get one and returns 1.
berth_find_jdk() {
  local major best="" best_major=0 c
  if [ -n "${JAVA_HOME:-}" ] && major=$(berth_jdk_major "$JAVA_HOME") && [ "$major" -ge "$BERTH_MIN_JAVA" ]; then
    echo "$JAVA_HOME"
    return 0
  fi
  while IFS= read -r c; do
    if major=$(berth_jdk_major "$c") && [ "$major" -ge "$BERTH_MIN_JAVA" ] && [ "$major" -gt "$best_major" ]; then
      best=$c
      best_major=$major
    fi
  done < <(berth_jdk_candidates)
  if [ -n "$best" ]; then
    echo "$best"
    return 0
  fi
  cat >&2 <<MSG
berth: no JDK $BERTH_MIN_JAVA or newer found.
  Looked at \$JAVA_HOME (${JAVA_HOME:-unset}), /usr/lib/jvm, /opt, ~/.sdkman, ~/.jdks,
  /Library/Java/JavaVirtualMachines and the java on your PATH.
  Install one, then run this again (or point JAVA_HOME at it):
    Debian 13 / Ubuntu 25.04+:  sudo apt-get install openjdk-25-jdk-headless
    Debian 12 / Ubuntu 24.04:   Eclipse Temurin 25 from https://adoptium.net/installation/linux/
    macOS (Homebrew):           brew install --cask temurin@25
    Windows:                    winget install EclipseAdoptium.Temurin.25.JDK
    SDKMAN:                     sdk install java 25-tem
MSG
  return 1
}

# Maven 3.9 on JDK 24+ warns about sun.misc.Unsafe on every run; our scripts only run Maven on JDK >= 25.
export MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow ${MAVEN_OPTS:-}"
