#!/usr/bin/env bash
# Installs what recstream needs on this machine, once: npm packages, the Python
# venv with the pinned PySpark, the Kafka jars (Maven Central) and, with
# --with-browser, Debian's Chromium for the end-to-end tests. Re-runs are no-ops.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== setup: %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }
# A pom's runtime jars into its target/lib. Maven 3.8 prints bare colour-reset escapes even with -q -B,
# so its output is shown only when it fails.
maven_copy_deps() {
  local log; log=$(mktemp)
  if ! mvn -q -B -f "$1" dependency:copy-dependencies -DoutputDirectory="${2:-target/lib}" -DincludeScope=runtime ${3:+"$3"} >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"; exit 1
  fi
  rm -f "$log"
}
apt_install() {
  [ "$(id -u)" = 0 ] || { echo "setup: need root to apt-get install $*; install them and re-run" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! have java || ! have mvn; then step "Java 17 and Maven (apt)"; apt_install openjdk-17-jre-headless maven; fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci"
  npm ci --no-audit --no-fund
fi

requirements=emr-jobs/requirements.txt
if [ ! -x .venv/bin/python ] || ! cmp -s "$requirements" .venv/.requirements.txt; then
  step "Python venv (.venv) with $(grep -m1 pyspark "$requirements")"
  python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -r "$requirements"
  cp "$requirements" .venv/.requirements.txt
fi

kafka_lib=local/kafka/target/lib
if [ ! -f "$kafka_lib/.complete" ] || [ local/kafka/pom.xml -nt "$kafka_lib/.complete" ]; then
  step "Apache Kafka jars from Maven Central"
  maven_copy_deps local/kafka/pom.xml
  touch "$kafka_lib/.complete"
fi

spark_kafka_lib=local/realtime/target/lib
if [ ! -f "$spark_kafka_lib/.complete" ] || [ local/realtime/pom.xml -nt "$spark_kafka_lib/.complete" ]; then
  step "Spark's Kafka source (the streaming job) from Maven Central"
  maven_copy_deps local/realtime/pom.xml
  touch "$spark_kafka_lib/.complete"
fi

# The jars the AWS streaming job ships (realtime.jarsDir): the same Kafka source plus MSK's IAM login module.
aws_spark_kafka_lib=local/realtime/target/emr-lib
if [ ! -f "$aws_spark_kafka_lib/.complete" ] || [ local/realtime/pom.xml -nt "$aws_spark_kafka_lib/.complete" ]; then
  step "the AWS streaming job's jars (Kafka source, aws-msk-iam-auth) from Maven Central"
  maven_copy_deps local/realtime/pom.xml target/emr-lib -Paws
  touch "$aws_spark_kafka_lib/.complete"
fi

if [ "${1:-}" = --with-browser ] && ! have chromium; then step "Chromium (apt)"; apt_install chromium; fi

if [ ! -f web/dist/index.html ] || [ -n "$(find web/src web/index.html -newer web/dist/index.html 2>/dev/null | head -1)" ]; then
  step "build the website"
  npm run --silent build:web
fi
