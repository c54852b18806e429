#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs redis-server when it is missing (the Redis tests start
# their own servers on free 127.0.0.1 ports), runs every test project of the solution, and ends with one line
# "N passed, N failed" summed from the TRX reports.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v redis-server >/dev/null 2>&1; then
  echo "test.sh: installing redis-server"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi

results="$(mktemp -d -t bidlocks-tests.XXXXXX)"
trap 'rm -rf "$results"' EXIT

status=0
dotnet test --solution BidLocks.Aop.sln --report-trx --results-directory "$results" "$@" || status=$?

# Sum the counters of every TRX report: dotnet test prints a summary per project, but no single closing line.
read -r passed failed total < <(
  cat "$results"/*.trx 2>/dev/null | grep -o '<Counters [^>]*>' | awk '
    { for (i = 1; i <= NF; i++) { split($i, kv, "=\""); v = kv[2]; sub(/".*/, "", v);
        if (kv[1] == "passed") p += v; if (kv[1] == "failed" || kv[1] == "error" || kv[1] == "timeout" || kv[1] == "aborted") f += v; if (kv[1] == "total") t += v } }
    END { printf "%d %d %d\n", p, f, t }')

if [ "$status" -eq 0 ] && [ "$total" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  status=1
fi
if [ "$status" -eq 0 ] && [ "$failed" -ne 0 ]; then
  status=1
fi
echo "$passed passed, $failed failed"
exit "$status"
