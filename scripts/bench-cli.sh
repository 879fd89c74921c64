#!/usr/bin/env bash
# End-to-end figures of the `zkmodel` binary (release build), as a seller runs it: import →
# commit → prove → wrap, for the digits MLP inference at batch 1 and 64 and the digits CNN
# accuracy statement; the one-time key setup is reported apart. Peak memory is the largest
# resident set of any step (GNU time). Part of `make bench`; never of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --bin zkmodel >&2
Z="$PWD/target/release/zkmodel"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
python3 "$OLDPWD/scripts/bench_data.py" "$OLDPWD/fixtures/digits/dataset.json" .
# Runs a step, appending "seconds peak_kib" to $work/times.
timed() { /usr/bin/time -f "%e %M" -a -o times "$@" > /dev/null 2>> log; }
row() { # name, setup seconds; the steps' lines in `times`
    awk -v name="$1" -v setup="$2" '{ t[NR] = $1; s += $1; if ($2 > m) m = $2 }
        END { printf "| %s | %.2f s | %.2f s | %.2f s | %.2f s | %.2f s | %d MiB | %.1f s |\n",
              name, t[1], t[2], t[3], t[4], s, m / 1024, setup }' times
}
echo "| case | import | commit | prove | wrap | end to end | peak memory | keys (once) |"
echo "|---|---|---|---|---|---|---|---|"
for case in mlp-batch1 mlp-batch64 cnn-accuracy; do
    model=${case%%-*}
    : > times
    timed "$Z" import "$OLDPWD/fixtures/digits/$model.onnx" --calibrate calib.json -o m.zkm
    case $case in
        mlp-batch1) args=(--task inference --rows 1); data=rows1.json ;;
        mlp-batch64) args=(--task inference --rows 64); data=rows64.json ;;
        cnn-accuracy) args=(--task accuracy --examples 360); data=test.json ;;
    esac
    size=$("$Z" architecture m.zkm "${args[@]}" -o arch.json --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["srs_powers_needed"])')
    "$Z" srs --dev --size "$size" -o srs.bin > /dev/null 2>&1
    start=$(date +%s.%N)
    "$Z" setup --arch arch.json --srs srs.bin --insecure-dev --seed 1 -o keys.bin > /dev/null 2>> log
    setup=$(echo "$(date +%s.%N) - $start" | bc)
    rm -f m.opening
    timed "$Z" commit m.zkm --srs srs.bin -o m.commitment --opening m.opening
    timed "$Z" prove --arch arch.json --model m.zkm --opening m.opening --srs srs.bin --data "$data" -o p.proof
    timed "$Z" wrap p.proof --keys keys.bin --srs srs.bin -o p.wrapped
    row "$case" "$setup"
done
