# Sourced by the scripts that run the real binaries (tests/e2e_buf_curl.sh,
# bench/ingest_e2e.sh, bench/load_e2e.sh). Needs $work (a scratch directory).
#
#   start_server NAME BIN ARGS...
#
# Starts BIN (which binds port 0 and prints "listening on HOST:PORT" on
# stdout) in the background, stdout to $work/NAME.out and stderr to
# $work/NAME.err, and waits at most 20 s for that line. Sets $addr and
# $pid_started; on failure prints the server's stderr and exits 1.
start_server() {
  local name=$1; shift
  "$@" >"$work/$name.out" 2>"$work/$name.err" &
  pid_started=$!
  for _ in $(seq 1 200); do
    addr=$(sed -n 's/.*listening on //p' "$work/$name.out" | head -n1)
    [ -n "$addr" ] && return 0
    if ! kill -0 "$pid_started" 2>/dev/null; then
      cat "$work/$name.err" >&2
      echo "FAIL: $name exited before listening" >&2
      exit 1
    fi
    sleep 0.1
  done
  cat "$work/$name.err" >&2
  echo "FAIL: $name did not report its address within 20 s" >&2
  exit 1
}
