#!/usr/bin/env bash
# The scale benchmark: builds metasync, compiles the benchmark's rule set and runs the harness at each
# size given (default: 100,000 and 1,000,000 people). Figures go to standard output; the working folders
# are under ${TMPDIR:-/tmp} and removed afterwards.
#
#   bash benches/scale/run.sh [PEOPLE...]
set -euo pipefail
cd "$(dirname "$0")/../.."
sizes=("$@")
if [ ${#sizes[@]} -eq 0 ]; then sizes=(100000 1000000); fi
cargo build --release --locked -p metasync-compiler --bin metasync -p metasync-scale --bin metasync-scale
plan="${TMPDIR:-/tmp}/metasync-scale.plan"
./target/release/metasync compile benches/scale/rules -o "$plan"
for people in "${sizes[@]}"; do
    echo "== $people people"
    ./target/release/metasync-scale --plan "$plan" --people "$people"
done
