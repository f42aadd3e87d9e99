# Shared by the scripts of this directory (sourced, not run): the tarball unpacked, a node started from it, medians.

# TARBALL: unpacks it into a new temporary directory, dir, removed on exit with the node started below; sets home to
# the installation.
unpack() {
  dir=$(mktemp -d)
  pid=
  trap cleanup EXIT INT TERM
  tar xzf "$1" -C "$dir"
  home=$(ls -d "$dir"/weft-*)
}
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2> /dev/null || true; fi
  rm -rf "$dir"
}

# HOME OUT ERR: starts HOME/bin/weft node on free loopback ports in the background, its stdout in OUT and stderr in
# ERR; sets pid, and returns once the node printed its "up" JSON line (at most 60 s; exits the script if it fails).
start_node() {
  "$1/bin/weft" node --udp 127.0.0.1:0 --api 127.0.0.1:0 > "$2" 2> "$3" &
  pid=$!
  waited=0
  while [ ! -s "$2" ]; do
    sleep 0.01
    waited=$((waited + 1))
    if [ "$waited" -gt 6000 ] || ! kill -0 "$pid" 2> /dev/null; then
      echo "node did not come up:" >&2
      cat "$3" >&2
      exit 1
    fi
  done
}

# FILE: the median of its numbers, one a line.
median() {
  sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
