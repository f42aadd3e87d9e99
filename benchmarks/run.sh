#!/bin/sh
# Runs a benchmark main from this module, or a simulation from the simulator module (Simulate*), with its full
# classpath.
#   benchmarks/run.sh ClusterBenchmark --nodes 20 --ops 1000
#   benchmarks/run.sh Simulate --nodes 100,1000 --out target/sim
# Builds the checkout it lives in (reactor jars, nothing installed into ~/.m2), so two checkouts never mix.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
build="-pl benchmarks -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/classpath.txt"
mvn -q -o $build >/dev/null 2>&1 || mvn -q $build >/dev/null
case $1 in
  Simulate*) main=dev.weft.simulator.$1 ;;
  *) main=dev.weft.benchmarks.$1 ;;
esac
shift
exec java ${BENCH_JAVA_OPTS:-} -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" "$main" "$@"
