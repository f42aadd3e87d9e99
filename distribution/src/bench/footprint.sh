#!/bin/sh
# Start-to-ready time and idle RSS of `weft node` as bin/weft starts it, and the tarball's size.
#
#   distribution/src/bench/footprint.sh [TARBALL] [RUNS]
#
# Unpacks TARBALL (default: distribution/target/weft-*.tar.gz) into a temporary directory and, RUNS times (default 5),
# starts `bin/weft node` on free loopback ports, times it until it prints its "up" JSON line, leaves it idle for
# $IDLE seconds (default 30), reads its resident set size with ps, and stops it with SIGTERM. Extra JVM options for an
# experiment go in WEFT_JAVA_OPTS, as for bin/weft. Prints one line per run and the medians.
set -eu
. "$(dirname "$0")/common.sh"

tarball=${1:-$(ls distribution/target/weft-*.tar.gz | head -n 1)}
runs=${2:-5}
idle=${IDLE:-30}
unpack "$tarball"
echo "tarball: $tarball $(wc -c < "$tarball") bytes; unpacked $(du -sk "$home" | cut -f1) KiB"
echo "WEFT_JAVA_OPTS=${WEFT_JAVA_OPTS:-}"

i=0
: > "$dir/ready"
: > "$dir/rss"
while [ "$i" -lt "$runs" ]; do
  i=$((i + 1))
  out=$dir/out.$i
  : > "$out"
  start=$(date +%s%N)
  # Ready: the JSON line `weft node` prints once it listens and serves its API.
  start_node "$home" "$out" "$dir/err.$i"
  ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  sleep "$idle"
  rss_kib=$(ps -o rss= -p "$pid" | tr -d ' ')
  kill "$pid"
  wait "$pid" || true
  pid=
  echo "run $i: ready ${ready_ms} ms, idle RSS ${rss_kib} KiB ($((rss_kib / 1024)) MiB)"
  echo "$ready_ms" >> "$dir/ready"
  echo "$rss_kib" >> "$dir/rss"
done
echo "median: ready $(median "$dir/ready") ms, idle RSS $(median "$dir/rss") KiB ($(( $(median "$dir/rss") / 1024 )) MiB)"
