#!/bin/sh
# Builds the C libraries of src/main/c into the jar's classes, in the directory JNA looks in for this platform, each
# where a C compiler and its library's headers are there (Debian: gcc, libjpeg62-turbo-dev, libisal-dev):
#   liblipjpeg.so   libjpeg's scanline API for whole baseline JPEGs (JpegScanlines)
#   liblipisal.so   ISA-L's streaming inflate for PNG image data (IsalInflater)
#   liblippredict.so  TIFF's horizontal predictor undone on 8-bit samples (HorizontalPredictor); no library needed
# A library not built is said in one line, and the JDK's decoder runs in its place.
# Usage: build.sh OUTPUT_DIRECTORY
set -eu
out="$1"
src="$(dirname "$0")"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) prefix=linux-x86-64 ;;
  Linux-aarch64) prefix=linux-aarch64 ;;
  *) echo "lip-formats: no native codecs for $(uname -s)-$(uname -m); the JDK's decoders run"; exit 0 ;;
esac
has_header() {
  command -v cc >/dev/null 2>&1 && printf '#include <stddef.h>\n#include <stdio.h>\n#include <%s>\n' "$1" | cc -E -x c - >/dev/null 2>&1
}
mkdir -p "$out/$prefix"
build() { # name source header library package
  if has_header "$3"; then
    cc -O2 -shared -fPIC -Wall -Wextra -Werror -o "$out/$prefix/lib$1.so" "$src/$2" "-l$4"
    echo "lip-formats: built $prefix/lib$1.so"
  else
    echo "lip-formats: lib$1.so not built (no C compiler or $3; apt-get install gcc $5): the JDK's decoder runs instead"
  fi
}
build lipjpeg lip_jpeg.c jpeglib.h jpeg libjpeg62-turbo-dev
build lipisal lip_isal.c isa-l/igzip_lib.h isal libisal-dev
build lippredict lip_predict.c stdint.h c ""
