#!/usr/bin/env bash
# The whole job in one command: builds if needed, starts slicer-api and patch-processor, processes IMAGE (or a
# generated sample), writes the result into big_image_result/, and stops the services.
#
#   ./run.sh [IMAGE] [client options...]      e.g.  ./run.sh scan.tif --tile-size 1024 --param threshold=100
#
# Environment: API_PORT (8080), PROCESSOR_PORT (8081), JAVA_OPTS (-Xmx512m -XX:+UseSerialGC -Xmn64m) for both services.
set -euo pipefail
cd "$(dirname "$0")"
API_PORT=${API_PORT:-8080}
PROCESSOR_PORT=${PROCESSOR_PORT:-8081}
JAVA_OPTS=${JAVA_OPTS:--Xmx512m -XX:+UseSerialGC -Xmn64m}

if ! command -v java >/dev/null; then
  echo "Java 17 or newer is needed: install a JDK (e.g. apt-get install openjdk-17-jdk-headless)." >&2
  exit 2
fi
jars=(slicer-api/target/slicer-api.jar patch-processor/target/patch-processor.jar client-cli/target/client-cli.jar)
for j in "${jars[@]}"; do
  if [ ! -f "$j" ]; then
    echo "Building (first run only)..." >&2
    ./mvnw -q -B -DskipTests package
    break
  fi
done
client=(java -jar client-cli/target/client-cli.jar)

image=${1:-}
[ $# -gt 0 ] && shift
if [ -z "$image" ]; then
  image=temp/sample.jpg
  "${client[@]}" sample "$image"
elif [ ! -f "$image" ]; then
  echo "No such file: $image" >&2
  exit 2
fi

for port in "$API_PORT" "$PROCESSOR_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Port $port is already in use: stop what runs there, or set API_PORT / PROCESSOR_PORT." >&2
    exit 2
  fi
done

mkdir -p temp big_image_result
pids=()
stop() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT
# shellcheck disable=SC2086
# The service keeps its copy of results under temp/results; the client downloads the one you get to big_image_result/.
java $JAVA_OPTS -jar slicer-api/target/slicer-api.jar --server.port="$API_PORT" --lip.result-dir=temp/results > temp/slicer-api.log 2>&1 &
pids+=($!)
# shellcheck disable=SC2086
java $JAVA_OPTS -jar patch-processor/target/patch-processor.jar --server.port="$PROCESSOR_PORT" > temp/patch-processor.log 2>&1 &
pids+=($!)

echo "Starting slicer-api (:$API_PORT) and patch-processor (:$PROCESSOR_PORT); logs in temp/*.log" >&2
for port in "$API_PORT" "$PROCESSOR_PORT"; do
  for _ in $(seq 1 240); do
    if curl -fs "http://localhost:$port/actuator/health" >/dev/null 2>&1; then break; fi
    for p in "${pids[@]}"; do
      kill -0 "$p" 2>/dev/null || { echo "A service exited during start-up; see temp/*.log" >&2; exit 1; }
    done
    sleep 0.5
  done
  curl -fs "http://localhost:$port/actuator/health" >/dev/null || { echo "Service on :$port did not start; see temp/*.log" >&2; exit 1; }
done

name=$(basename "$image"); name=${name%.*}
out="big_image_result/$name-result.tif"
"${client[@]}" process "$image" -o "$out" --api "http://localhost:$API_PORT" "$@"
