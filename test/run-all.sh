#!/usr/bin/env bash
# Every test recstream has, after installing what they need (see local/setup.sh):
# types, the shared contract, the CDK app (assertions, cdk-nag, cfn-lint), ingest
# on a real Kafka broker, the API, the website in Chromium, the local twin, and
# the Spark jobs under pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

bash local/setup.sh --with-browser

echo "== typecheck"
npm run --silent typecheck
echo "== contract.json is current"
tsx bin/generate-contract.ts --check

echo "== node tests"
npm run --silent test:node

echo "== spark job tests"
npm run --silent test:spark
