#!/usr/bin/env bash
# The whole job in one command: builds if needed, starts slicer-api and patch-processor, processes IMAGE (or a
# generated sample), writes the result into big_image_result/, and stops the services. Earlier runs' jobs and
# results stay (in temp/ and temp/results/), downloadable the next time the services run.
#
#   ./run.sh [--serve] [IMAGE] [client options...]      e.g.  ./run.sh scan.tif --tile-size 1024 --param threshold=100
#
# --serve keeps the services running after the job, for the web page (job list, viewer); Ctrl-C stops them.
#
# Environment: API_PORT (8080), PROCESSOR_PORT (8081), JAVA_OPTS (-Xmx512m -XX:+UseSerialGC -Xmn64m) for both services,
# WORK_DIR (temp: the services' work directory, logs and their copy of results) and RESULT_DIR (big_image_result).
set -euo pipefail
cd "$(dirname "$0")"
API_PORT=${API_PORT:-8080}
PROCESSOR_PORT=${PROCESSOR_PORT:-8081}
JAVA_OPTS=${JAVA_OPTS:--Xmx512m -XX:+UseSerialGC -Xmn64m}
WORK_DIR=${WORK_DIR:-temp}
RESULT_DIR=${RESULT_DIR:-big_image_result}

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

serve=
if [ "${1:-}" = "--serve" ]; then serve=1; shift; fi
image=${1:-}
[ $# -gt 0 ] && shift
if [ -z "$image" ]; then
  image=$WORK_DIR/sample.jpg
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

mkdir -p "$WORK_DIR" "$RESULT_DIR"
pids=()
stop() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 143' INT TERM # Ctrl-C or a kill: the EXIT trap stops the services
# shellcheck disable=SC2086
# The service keeps its copy of results under $WORK_DIR/results; the client downloads the one you get to $RESULT_DIR.
java $JAVA_OPTS -jar slicer-api/target/slicer-api.jar --server.port="$API_PORT" --lip.temp-dir="$WORK_DIR" \
  --lip.result-dir="$WORK_DIR/results" > "$WORK_DIR/slicer-api.log" 2>&1 &
pids+=($!)
# shellcheck disable=SC2086
java $JAVA_OPTS -jar patch-processor/target/patch-processor.jar --server.port="$PROCESSOR_PORT" --lip.temp-dir="$WORK_DIR" \
  > "$WORK_DIR/patch-processor.log" 2>&1 &
pids+=($!)

echo "Starting slicer-api (:$API_PORT) and patch-processor (:$PROCESSOR_PORT); logs in $WORK_DIR/*.log" >&2
for port in "$API_PORT" "$PROCESSOR_PORT"; do
  for _ in $(seq 1 240); do
    if curl -fs "http://localhost:$port/actuator/health" >/dev/null 2>&1; then break; fi
    for p in "${pids[@]}"; do
      kill -0 "$p" 2>/dev/null || { echo "A service exited during start-up; see $WORK_DIR/*.log" >&2; exit 1; }
    done
    sleep 0.5
  done
  curl -fs "http://localhost:$port/actuator/health" >/dev/null || { echo "Service on :$port did not start; see $WORK_DIR/*.log" >&2; exit 1; }
done

name=$(basename "$image"); name=${name%.*}
out="$RESULT_DIR/$name-result.tif"
"${client[@]}" process "$image" -o "$out" --api "http://localhost:$API_PORT" "$@" | tee "$WORK_DIR/run.out"
job=$(sed -n 's/^Job \([0-9a-f-]*\):.*/\1/p' "$WORK_DIR/run.out" | head -1)
echo "The result: $out (the service keeps its own copy, $WORK_DIR/results/$job.tif)" >&2
if [ -n "$serve" ]; then
  echo "The services keep running: the job's page is http://localhost:$API_PORT/jobs/$job and the job list" \
    "http://localhost:$API_PORT/ ; Ctrl-C stops them." >&2
  wait
fi
