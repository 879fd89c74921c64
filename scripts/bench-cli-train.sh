#!/usr/bin/env bash
# A seller's training proof through the `zkmodel` binary (release build), on an image model
# they bring: LeNet-5 as PyTorch exports it (fixtures/pytorch/lenet.onnx, 32×32 digits) —
# import with calibration → commit → train T = 4 steps of batch 8 at η = 1/16 with the proof →
# verify. INSECURE development SRS (seeded, 2^23 powers: the T = 4 trace). Each step is a
# process that loads its files; peak memory is the largest resident set of any step (GNU time).
# Part of `make bench`; never of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --bin zkmodel >&2
Z="$PWD/target/release/zkmodel"
F="$PWD/fixtures/pytorch"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
# Runs a step, appending "seconds peak_kib" to $work/times.
timed() { /usr/bin/time -f "%e %M" -a -o times "$@" > /dev/null 2>> log; }
"$Z" srs --dev --size 8388608 -o srs.bin > /dev/null 2>> log
: > times
timed "$Z" import "$F/lenet.onnx" --calibrate "$F/lenet.calibration.json" -o m.zkm
timed "$Z" commit m.zkm --srs srs.bin -o m.commitment --opening m.opening
timed "$Z" train --data "$F/lenet.calibration.json" --initial m.zkm --initial-opening m.opening \
    --batch 8 --steps 4 --lr 1/16 --srs srs.bin --out trained
timed "$Z" verify trained/training.proof --arch trained/training.arch.json --srs srs.bin \
    --commitment trained/model.commitment --initial m.commitment --dataset trained/dataset.commitment
echo "| case | import | commit | train + prove | verify | peak memory | proof |"
echo "|---|---|---|---|---|---|---|"
awk -v proof="$(stat -c %s trained/training.proof)" '{ t[NR] = $1; if ($2 > m) m = $2 }
    END { printf "| LeNet-5, T = 4, batch 8 | %.2f s | %.2f s | %.2f s | %.2f s | %d MiB | %d B |\n",
          t[1], t[2], t[3], t[4], m / 1024, proof }' times
