#!/usr/bin/env bash
# Prepares, on the development machine, what native/device-check.sh needs on the GPU machine (which
# has no Java, no Maven and no network): the shaded jar, the compiled tests, and the JUnit console
# launcher in .device/ (git-ignored). The Java runtime, .device/jre.tar.xz, comes from
# ../shared/device/make-jre.sh, which this script does not run.
set -euo pipefail
root=$(git rev-parse --show-toplevel)
cd "$root"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
mvn=(mvn -B -q --no-transfer-progress)

"${mvn[@]}" package -DskipTests
"${mvn[@]}" test-compile

console=org.junit.platform:junit-platform-console-standalone:1.14.1
"${mvn[@]}" dependency:get -Dartifact="$console" -Dtransitive=false
mkdir -p .device
# the local repository Maven uses here: .mvn/maven.config's -Dmaven.repo.local when a checkout sets one
repo=$(sed -n 's/.*-Dmaven\.repo\.local=\([^ ]*\).*/\1/p' .mvn/maven.config 2>/dev/null | head -1)
repo=${repo:-$HOME/.m2/repository}
cp "$repo/org/junit/platform/junit-platform-console-standalone/1.14.1/junit-platform-console-standalone-1.14.1.jar" \
    .device/junit-console.jar

if [ ! -f .device/jre.tar.xz ]; then
    echo "missing .device/jre.tar.xz: run ../shared/device/make-jre.sh in $root" >&2
    exit 1
fi
du -ch .device target/mmgcn-engine.jar target/test-classes | tail -1 | sed 's/total$/to carry (limit 64 MiB with the tree)/'
