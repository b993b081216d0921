#!/usr/bin/env bash
# Every test recstream has, after installing what they need (see local/setup.sh):
# types, the shared contract, the CDK app (assertions, cdk-nag, cfn-lint), ingest
# on a real Kafka broker, the API, the website in Chromium, the local twin, and
# the Spark jobs under pytest.
#
# The node tests and the Spark job tests share nothing (each makes its own
# temporary folders, ports and Spark session), so they run in two groups side by
# side: the node tests often wait (on a broker starting, a browser, a twin's
# servers) and the Spark tests fill those waits. The second group runs at a lower
# CPU priority (nice 10): the node group is the longer one, so it keeps the cores
# when both want them. The CDK app's tests (test/infra: synthesis on one core,
# nothing timed) follow the Spark tests in the second group, so the two groups
# end close together. Each group writes its own log, printed whole when the
# group ends; any failing part fails the run.
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

# The node test runner as `npm run test:node` calls it, on the files given.
node_tests() { node --import tsx --test --test-concurrency=1 --test-reporter=spec "$@"; }
export -f node_tests
start_group "spark job tests, then infra tests" spark-infra.log nice -n 10 bash -c 'status=0
  echo "== spark job tests"; npm run --silent test:spark || status=1
  echo "== infra tests"; node_tests $(find test/infra -name "*.test.ts" | sort) || status=1
  exit $status'
start_group "node tests" node.log bash -c 'set -e
  echo "== typecheck"; npm run --silent typecheck
  echo "== contract.json is current"; tsx bin/generate-contract.ts --check
  echo "== node tests but infra"; node_tests $(find test -name "*.test.ts" -not -path "test/infra/*" | sort)'
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
