#!/bin/sh
# Runs the JMH microbenchmarks of this module (classes annotated with @Benchmark), with allocation per operation.
#   benchmarks/jmh.sh                       # all of them, a few minutes on 2 cores
#   benchmarks/jmh.sh Codec                 # those whose name matches a regex
#   benchmarks/jmh.sh RoutingTable -i 10    # JMH options after the regex; they override the short defaults below
#   benchmarks/jmh.sh -h                    # JMH's own options
# Builds the checkout it lives in as run.sh does (reactor jars, nothing installed into ~/.m2).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
build="-pl benchmarks -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/classpath.txt"
mvn -q -o $build >/dev/null 2>&1 || mvn -q $build >/dev/null
regex=.
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  regex=$1
  shift
fi
# Short defaults, each unless the same option is given: one fork, 3 x 1 s warm-up and 5 x 1 s measured per benchmark
# and parameter set; -prof gc adds gc.alloc.rate.norm (bytes allocated per operation by all threads of the fork).
# JMH refuses an option given twice, hence the check.
given=" $* "
for d in "-f 1" "-wi 3" "-w 1s" "-i 5" "-r 1s" "-prof gc"; do
  case "$given" in
    *" ${d%% *} "*) ;;
    *) set -- "$@" $d ;;
  esac
done
exec java ${BENCH_JAVA_OPTS:-} -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" org.openjdk.jmh.Main \
  "$regex" "$@"
