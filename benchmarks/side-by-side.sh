#!/bin/sh
# The cluster benchmark against OpenDHT in one run: weft's ClusterBenchmark, then OpenDHT's (benchmarks/opendht/bench.py
# with Debian's dhtnode), one after the other on this machine, then their main figures side by side as a Markdown table.
#   benchmarks/side-by-side.sh [nodes] [ops] [inflight] [warmup]        defaults: 20 1000 32 3000
# warmup: the unmeasured puts and gets weft runs first, for the JIT compilers of its JVMs to finish with the paths
# measured. OpenDHT runs its own 100 (bench.py): it needs no JIT, and 3,000 would slow it down (its searches pile up).
# Needs dhtnode and python3-opendht; installs them with apt-get when they are missing and this runs as root.
# Both programs' whole outputs are kept in benchmarks/target/side-by-side/.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
nodes=${1:-20}
ops=${2:-1000}
inflight=${3:-32}
warmup=${4:-3000}
# Debian's binding is built for the system interpreter, not for a pyenv or virtualenv python3 earlier on PATH.
python=/usr/bin/python3

have_opendht() {
  command -v dhtnode >/dev/null 2>&1 && [ -x "$python" ] && "$python" -c 'import opendht' >/dev/null 2>&1
}
if ! have_opendht; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing dhtnode and python3-opendht with apt-get..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq dhtnode python3-opendht >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq dhtnode python3-opendht >/dev/null 2>&1; } \
      || true
  fi
  if ! have_opendht; then
    echo "side-by-side.sh needs OpenDHT: the dhtnode program and the opendht module of $python." >&2
    echo "Install them as root with: apt-get install dhtnode python3-opendht   (Debian 12, Ubuntu 22.04 or newer)" >&2
    exit 1
  fi
fi

out=$here/target/side-by-side
mkdir -p "$out"
run() { # name, then the command; its output goes to $out/name.txt and .err
  name=$1
  shift
  echo "$name: $* (output in $out/$name.txt)" >&2
  if ! "$@" >"$out/$name.txt" 2>"$out/$name.err"; then
    echo "$name failed; the end of its output:" >&2
    tail -n 20 "$out/$name.txt" "$out/$name.err" >&2
    exit 1
  fi
}
# One after the other, never at once: each side needs the whole machine for its figures to mean anything.
run weft "$here/run.sh" ClusterBenchmark --nodes "$nodes" --ops "$ops" --inflight "$inflight" --warmup "$warmup"
run opendht "$python" "$here/opendht/bench.py" "$nodes" "$ops" "$inflight"

opendht_version=$(dpkg-query -W -f '${Version}' dhtnode 2>/dev/null || echo unknown)
commit=$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)
echo
echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m); weft $commit, OpenDHT $opendht_version (dhtnode);"
echo "$nodes node processes, $ops values of 200 bytes (after at least $warmup unmeasured puts and gets for weft, 100 for OpenDHT),"
echo "gets one at a time then $inflight in flight"
echo
awk -v inflight="$inflight" '
  FNR == 1 { side++ }
  $1 == "RESULT" { v[side, $2] = $3 }
  function row(label, name, digits, better,   w, o, r, verdict) {
    if (!((1, name) in v) || !((2, name) in v)) {
      printf "| %s | %s | %s | — |\n", label, ((1, name) in v) ? v[1, name] : "missing", ((2, name) in v) ? v[2, name] : "missing"
      return
    }
    w = v[1, name]; o = v[2, name]
    verdict = ""
    if (o == 0) {
      r = "—"
    } else {
      r = sprintf("%.2f", w / o)
      # Within 10% is noise on a shared 2-core machine: no verdict.
      if (better == "lower" && w < 0.9 * o || better == "higher" && w > 1.1 * o) verdict = ", weft better"
      else if (better == "lower" && w > 1.1 * o || better == "higher" && w < 0.9 * o) verdict = ", OpenDHT better"
    }
    printf "| %s | %.*f | %.*f | %s%s |\n", label, digits, w, digits, o, r, verdict
  }
  function found(label, name) {
    printf "| %s | %d/%d | %d/%d | |\n", label, v[1, name], v[1, "ops"], v[2, name], v[2, "ops"]
  }
  END {
    print "| figure | weft | OpenDHT | weft ÷ OpenDHT |"
    print "|---|---|---|---|"
    row("get p50, sequential (ms)", "get_p50_ms", 3, "lower")
    row("get p99, sequential (ms)", "get_p99_ms", 3, "lower")
    row("gets/s, sequential", "gets_per_s", 0, "higher")
    row("gets/s, " inflight " in flight", "inflight_gets_per_s", 0, "higher")
    row("get p50, " inflight " in flight (ms)", "inflight_p50_ms", 3, "lower")
    row("get p99, " inflight " in flight (ms)", "inflight_p99_ms", 3, "lower")
    row("requests per get, sequential", "requests_per_get", 2, "lower")
    row("requests per get, " inflight " in flight", "inflight_requests_per_get", 2, "lower")
    row("RSS per node process, mean (MiB)", "rss_mib", 1, "lower")
    row("PSS per node process, mean (MiB)", "pss_mib", 1, "lower")
    row("put p50, sequential (ms)", "put_p50_ms", 3, "lower")
    row("put p99, sequential (ms)", "put_p99_ms", 3, "lower")
    row("puts/s, sequential", "puts_per_s", 0, "higher")
    row("CPU per put, all processes (µs)", "put_cpu_us", 0, "lower")
    found("gets that found their value, sequential", "found")
    found("gets that found their value, " inflight " in flight", "inflight_found")
  }
' "$out/weft.txt" "$out/opendht.txt"
