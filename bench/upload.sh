#!/usr/bin/env bash
# How fast slicer-api receives an image (issue 27: "receiving at disk speed"), by hand: a 1 GB file through a tus
# upload with curl (-T: one PATCH, streamed), with lip (the client's resumable upload, the job's parameters in the
# creation's metadata, the job refused at the end since the bytes are no image), and as one plain request
# (POST /api/v1/jobs, refused after the whole body for the same reason). MB/s as curl and the job's upload stage
# report them; the file is made once under bench/work.
#
#   bench/upload.sh [SIZE_MB]      default 1024
set -euo pipefail
cd "$(dirname "$0")/.."
work=bench/work
mb=${1:-1024}
api=18680
HEAP=${HEAP:--Xmx512m -XX:+UseSerialGC -Xmn64m}
mkdir -p "$work"
file="$work/upload-$mb.bin"
[ -f "$file" ] || head -c $((mb << 20)) /dev/urandom > "$file"
[ -f slicer-api/target/slicer-api.jar ] || ./mvnw -q -B -DskipTests package
rm -rf "$work/utemp" "$work/uresults"
java $HEAP -jar slicer-api/target/slicer-api.jar --server.port=$api --lip.temp-dir="$work/utemp" \
  --lip.result-dir="$work/uresults" > "$work/upload-slicer.log" 2>&1 & pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$api/actuator/health" >/dev/null && break; sleep 0.5; done
bytes=$(stat -c %s "$file")
printf '%-34s %8s\n' "how" "MB/s"
for run in 1 2 3; do
  loc=$(curl -s -i -X POST -H 'Tus-Resumable: 1.0.0' -H "Upload-Length: $bytes" "http://127.0.0.1:$api/api/v1/uploads" \
    | tr -d '\r' | awk 'tolower($1) == "location:" {print $2}')
  speed=$(curl -s -o /dev/null -w '%{speed_upload}' -X PATCH -H 'Tus-Resumable: 1.0.0' -H 'Upload-Offset: 0' \
    -H 'Content-Type: application/offset+octet-stream' -T "$file" "http://127.0.0.1:$api$loc")
  printf '%-34s %8.0f\n' "tus, curl -T (run $run)" "$(echo "$speed" | awk '{print $1 / 1e6}')"
  curl -s -o /dev/null -X DELETE -H 'Tus-Resumable: 1.0.0' "http://127.0.0.1:$api$loc"
done
for run in 1 2 3; do
  t0=$(date +%s.%N)
  LIP_CACHE_DIR="$work/ucache" ./lip upload "$file" -q --no-resume \
    --api "http://127.0.0.1:$api" >/dev/null 2>&1 || true
  t1=$(date +%s.%N)
  job=$(curl -s "http://127.0.0.1:$api/api/v1/jobs" | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])')
  secs=$(curl -s "http://127.0.0.1:$api/api/v1/jobs/$job" | python3 -c 'import json,sys; print(json.load(sys.stdin)["stages"]["upload"]["seconds"])')
  printf '%-34s %8.0f   (the upload stage %.2f s; the whole command %.2f s, JVM start included)\n' "tus, lip upload (run $run)" \
    "$(echo "$bytes $secs" | awk '{print $1 / $2 / 1e6}')" "$secs" "$(echo "$t0 $t1" | awk '{print $2 - $1}')"
done
for run in 1 2 3; do
  speed=$(curl -s -o /dev/null -w '%{speed_upload}' -X POST -H 'Content-Type: application/octet-stream' -T "$file" \
    "http://127.0.0.1:$api/api/v1/jobs")
  printf '%-34s %8.0f\n' "one request, curl -T (run $run)" "$(echo "$speed" | awk '{print $1 / 1e6}')"
done
