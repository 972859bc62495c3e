#!/usr/bin/env bash
# tests/lab/test-older-kernel.sh: lazytrace's end-to-end tests run on the newest kernel the
# series is for (7.3, the default everywhere); this runs a reduced set on the older one (7.2):
# test-record.sh (seed 8 5 recorded under each nesting mode, replayed, compared, the flight
# recorder) against the patched 7.2 kernel. test-patched-kernel.sh and test-kunit.sh cover
# both versions themselves. Its last line is test-record.sh's count.
set -uo pipefail
cd "$(dirname "$0")/../.."
echo "== test-record.sh on the patched 7.2 kernel (KVER=7.2)"
KVER=7.2 exec tests/lab/test-record.sh
