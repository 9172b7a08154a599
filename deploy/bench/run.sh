#!/usr/bin/env bash
# Ferry vs parallel psql binary COPY pipes, on a local PostgreSQL (see docs/benchmarks.md).
#   deploy/bench/run.sh                       # narrow 10 M, wide 1 M, skewed 3 M rows; 2 workers x 2 units
#   deploy/bench/run.sh --workers 3 --units 2 --tables narrow --scale 0.1
#   deploy/bench/run.sh --source sqlserver --workers 1 --units 1 --scale 0.05 --repeat 3   # SQL Server -> PostgreSQL, one stream
#   deploy/bench/run.sh --verify --repeat 3   # a verify job against count(*) of the same ranges, PostgreSQL -> PostgreSQL
#   deploy/bench/run.sh --help
# Builds ferry.jar and ferry-bench.jar if needed; the source tables are built once in database
# ferry_bench_src and reused. ferry-bench.jar runs with the JDK and flags the ferry launcher picks.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -f deploy/target/ferry.jar ] || [ ! -f deploy/bench/target/ferry-bench.jar ]; then ./mvnw -q package -DskipTests; fi
FERRY_JAR=deploy/bench/target/ferry-bench.jar exec deploy/bin/ferry "$@"
