#!/usr/bin/env bash
# Micro-benchmarks of the hot loops (threshold, adaptive, tile deflate, patch I/O), printing Mpx/s. Run by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
ls lip-common/target/lip-common-*.jar lip-formats/target/lip-formats-*.jar lip-algorithms/target/lip-algorithms-*.jar >/dev/null 2>&1 || ./mvnw -q -B -DskipTests package
cp=$(ls lip-common/target/lip-common-*[0-9T].jar):$(ls lip-formats/target/lip-formats-*[0-9T].jar):$(ls lip-algorithms/target/lip-algorithms-*[0-9T].jar):$(ls ~/.m2/repository/com/fasterxml/jackson/core/jackson-*/2.*/jackson-*.jar | tr '\n' ':')
exec java -cp "$cp" bench/MicroBench.java
