#!/bin/sh
# Wall time of one client command against a running node, next to `java -version`, as bin/weft runs it.
#
#   distribution/src/bench/cli-startup.sh [TARBALL] [RUNS]
#
# Unpacks TARBALL (default: distribution/target/weft-*.tar.gz) into a temporary directory, starts `bin/weft node` on
# free loopback ports, stores one object, runs one client command (the first one: it makes the class-data archive, if
# the launcher makes one, and is timed on its own), then RUNS rounds (default 7) of `java -version`, `weft version` and
# `weft get` in turn, each timed with date +%s%N, so that a change in the machine's load falls on all three alike.
# Prints the medians, and `weft get` as a multiple of `java -version` (the goal: at most 3). Java is that of JAVA_HOME,
# else java from PATH, as for bin/weft; extra JVM options go in WEFT_JAVA_OPTS.
set -eu
. "$(dirname "$0")/common.sh"

tarball=${1:-$(ls distribution/target/weft-*.tar.gz | head -n 1)}
runs=${2:-7}
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
unpack "$tarball"
weft=$home/bin/weft

start_node "$home" "$dir/node.out" "$dir/node.err"
WEFT_API=$(sed -n 's/.*"api":"http:\/\/\([^"]*\)".*/\1/p' "$dir/node.out")
export WEFT_API

now_ms() {
  echo $(($(date +%s%N) / 1000000))
}
# COMMAND...: runs it with its output dropped, fails the benchmark if it fails, prints its wall time in ms
timed() {
  start=$(now_ms)
  "$@" > /dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  echo $(($(now_ms) - start))
}

first=$(timed "$weft" put bench key '{"a":[1,"x",true,null,1.50]}')
echo "tarball: $tarball"
echo "java: $("$java" -version 2>&1 | head -n 1); WEFT_JAVA_OPTS=${WEFT_JAVA_OPTS:-}"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "first client command (weft put, makes the class-data archive if the launcher does): $first ms"
: > "$dir/java" && : > "$dir/version" && : > "$dir/get"
i=0
while [ "$i" -lt "$runs" ]; do
  i=$((i + 1))
  timed "$java" -version >> "$dir/java"
  timed "$weft" version >> "$dir/version"
  timed "$weft" get bench key >> "$dir/get"
done
java_ms=$(median "$dir/java")
get_ms=$(median "$dir/get")
echo "medians of $runs, ms [every run]:"
echo "  java -version  $java_ms  [$(tr '\n' ' ' < "$dir/java")]"
echo "  weft version   $(median "$dir/version")  [$(tr '\n' ' ' < "$dir/version")]"
echo "  weft get       $get_ms  [$(tr '\n' ' ' < "$dir/get")]"
echo "weft get / java -version: $(awk -v g="$get_ms" -v j="$java_ms" 'BEGIN { printf "%.2f", g / j }') (goal: at most 3)"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
