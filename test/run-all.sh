#!/usr/bin/env bash
# Every test recstream has, after installing what they need (see local/setup.sh):
# types, the shared contract, the CDK app (assertions, cdk-nag, cfn-lint), ingest
# on a real Kafka broker, the API, the website in Chromium, the local twin, and
# the Spark jobs under pytest.
#
# The node tests and the Spark job tests share nothing (each makes its own
# temporary folders, ports and Spark session), so they run side by side: the node
# tests often wait (on a broker starting, a browser, a twin's servers) and the
# Spark tests fill those waits. The Spark tests run at a lower CPU priority
# (nice 10): the node tests are the longer group, so they keep the cores when
# both want them and the Spark tests take what is left. Each group writes its
# own log, printed whole when the group ends; either group failing fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

bash local/setup.sh --with-browser

logs=$(mktemp -d "${TMPDIR:-/tmp}/recstream-test-logs-XXXXXX")
declare -A group_of=() log_of=() started=()

# Each group in its own process group (set -m), so stopping the run stops everything a group started.
set -m
start_group() { # name, log file name, command...
  local name=$1 log=$logs/$2; shift 2
  "$@" </dev/null >"$log" 2>&1 &
  group_of[$!]=$name
  log_of[$name]=$log
  started[$name]=$SECONDS
  echo "== $name: started (follow it with: tail -f $log)"
}
stop_groups() {
  for pid in "${!group_of[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
}
trap 'stop_groups; exit 130' INT
trap 'stop_groups; exit 143' TERM

start_group "spark job tests" spark.log nice -n 10 npm run --silent test:spark
start_group "node tests" node.log bash -c 'set -e
  echo "== typecheck"; npm run --silent typecheck
  echo "== contract.json is current"; tsx bin/generate-contract.ts --check
  echo "== node tests"; npm run --silent test:node'
set +m

failed=()
while [ "${#group_of[@]}" -gt 0 ]; do
  status=0
  wait -n -p pid "${!group_of[@]}" || status=$?
  name=${group_of[$pid]}
  unset "group_of[$pid]"
  echo
  echo "== $name: exit $status after $((SECONDS - started[$name])) s; its output:"
  cat "${log_of[$name]}"
  echo "== $name: exit $status after $((SECONDS - started[$name])) s (log: ${log_of[$name]})"
  [ "$status" -eq 0 ] || failed+=("$name")
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "== FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "== every group passed in $SECONDS s"
