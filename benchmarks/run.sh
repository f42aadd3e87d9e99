#!/bin/sh
# Runs a benchmark main from this module with its full classpath.
#   benchmarks/run.sh ClusterBenchmark --nodes 20 --ops 1000
#   benchmarks/run.sh NamespaceLocality
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
mvn -q -o install -pl benchmarks -am -DskipTests 2>/dev/null || mvn -q install -pl benchmarks -am -DskipTests
mvn -q -o dependency:build-classpath -pl benchmarks -Dmdep.outputFile=target/classpath.txt >/dev/null
main=$1
shift
exec java ${BENCH_JAVA_OPTS:-} -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" "dev.weft.benchmarks.$main" "$@"
