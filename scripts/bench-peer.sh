#!/usr/bin/env bash
# `make bench-peer`: zkmodel beside EZKL (pinned PyPI wheel, fixtures/requirements-ezkl.txt) on
# the same ONNX models, in one run on this machine: the digits MLP at batch 1 and 64 and the
# digits CNN at batch 16, an inference claim each (private/committed input, hidden weights,
# public logits). For each system: setup time (everything done once per model), prove time
# (zkmodel: native proof + Groth16 wrap in one `zkmodel prove --keys`, what a seller posts;
# EZKL: witness + proof; each the median of BENCH_PEER_RUNS runs, default 3), peak
# memory of the prove steps (GNU time), proof size, verify() calldata and the gas of one
# verification on a local Anvil (eth_estimateGas of a call to the deployed verifier: 21,000
# base and calldata included, the same measure for both). zkmodel runs with INSECURE
# development keys and SRS, EZKL with a locally generated SRS: neither setup is a ceremony.
# Never part of `make test`.
set -euo pipefail
# Each prove runs this many times (both systems); the table gives the median and the largest
# peak memory.
runs="${BENCH_PEER_RUNS:-3}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
foundry="$root/node_modules/@foundry-rs"
anvil="$foundry/anvil-linux-amd64/bin/anvil"
forge="$foundry/forge-linux-amd64/bin/forge"
cast="$foundry/cast-linux-amd64/bin/cast"
venv="$root/.venv-ezkl"
if ! "$venv/bin/python" -c 'import ezkl' 2> /dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet -r fixtures/requirements-ezkl.txt
fi
cargo build --release --locked --bin zkmodel >&2
Z="$root/target/release/zkmodel"

work="$(mktemp -d)"
port=18645
rpc="http://127.0.0.1:$port"
key=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80 # Anvil account 0
"$anvil" --port "$port" --silent --disable-code-size-limit --gas-limit 100000000 > "$work/anvil.log" 2>&1 &
anvil_pid=$!
trap 'kill $anvil_pid 2> /dev/null || true; rm -rf "$work"' EXIT

# A forge project for the verifiers: the zkmodel ones import the project's libraries.
sol="$work/sol"
bash scripts/verifier-project.sh "$sol"
mkdir -p "$sol/src/generated"

# Data: zkmodel reads EZKL-style rows; EZKL wants one flat list per input tensor.
python3 scripts/bench_data.py "$root/fixtures/digits/dataset.json" "$work"

for _ in $(seq 50); do "$cast" chain-id --rpc-url "$rpc" > /dev/null 2>&1 && break; sleep 0.2; done

# timed <file> cmd…: appends "seconds peak_kib" to <file>.
timed() { local f="$1"; shift; /usr/bin/time -f "%e %M" -a -o "$f" "$@" >> "$work/log" 2>&1; }
# timed_to <file> <stdout file> cmd…: the same, keeping the command's output.
timed_to() { local f="$1" out="$2"; shift 2; /usr/bin/time -f "%e %M" -a -o "$f" "$@" > "$out" 2>> "$work/log"; }
# median_s <file>…: the median over files of each file's summed seconds.
median_s() { for f in "$@"; do sum_s "$f"; echo; done | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] }'; }
sum_s() { awk '{ s += $1 } END { printf "%.2f", s }' "$1"; }
peak_mib() { awk '{ if ($2 > m) m = $2 } END { printf "%d", m / 1024 }' "$1"; }
deploy() { # <source path in $sol> <contract> → address
    "$forge" create --root "$sol" --rpc-url "$rpc" --private-key "$key" --broadcast "$1:$2" --json 2>> "$work/log" |
        python3 -c 'import json,sys; s = sys.stdin.read(); print(json.loads(s[s.index("{"):])["deployedTo"])'
}
# JSON-RPC from Python: calldata of a large batch is longer than one command-line argument.
rpc_call() { # <method: eth_call|eth_estimateGas> <address> <file with hex calldata>
    python3 - "$rpc" "$@" <<'PY'
import json, sys, urllib.request
url, method, to, path = sys.argv[1:]
data = open(path).read().strip()
body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": [{"to": to, "data": data}]}
if method == "eth_call":
    body["params"].append("latest")
req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
reply = json.load(urllib.request.urlopen(req))
if "error" in reply:
    sys.exit(f"{method} failed: {reply['error']}")
result = reply["result"]
print(int(result, 16) if method == "eth_estimateGas" else result)
PY
}
gas() { rpc_call eth_estimateGas "$1" "$2"; } # fails if the call reverts
returns_true() { # EZKL's verifyProof returns a bool
    [ "$(rpc_call eth_call "$1" "$2")" = 0x0000000000000000000000000000000000000000000000000000000000000001 ]
}

rows=()
for case in "mlp 1" "mlp 64" "cnn 16"; do
    set -- $case
    model=$1 batch=$2 name="$1-batch$2" onnx="$root/fixtures/digits/$1.onnx"
    z="$work/z-$name" e="$work/e-$name"
    mkdir -p "$z" "$e"
    echo "== $name" >&2

    # zkmodel: setup = import, architecture, SRS, keys, model commitment, verifier.
    : > "$z/setup" ; : > "$z/prove"
    timed "$z/setup" "$Z" import "$onnx" --calibrate "$work/calib.json" -o "$z/m.zkm"
    size=$("$Z" architecture "$z/m.zkm" --task inference --rows "$batch" -o "$z/arch.json" --json |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["srs_powers_needed"])')
    timed "$z/setup" "$Z" srs --dev --size "$size" -o "$z/srs.bin"
    timed "$z/setup" "$Z" setup --arch "$z/arch.json" --srs "$z/srs.bin" --insecure-dev --seed 1 -o "$z/keys.bin"
    timed "$z/setup" "$Z" commit "$z/m.zkm" --srs "$z/srs.bin" -o "$z/m.commitment" --opening "$z/m.opening"
    "$Z" export-verifier --arch "$z/arch.json" --srs "$z/srs.bin" --keys "$z/keys.bin" \
        --name "Peer${model^}${batch}" -o "$sol/src/generated/Peer${model^}${batch}.sol" > /dev/null
    # What a seller runs for a chain-ready proof: native proof and wrap in one process.
    for r in $(seq "$runs"); do
        timed_to "$z/prove$r" "$z/prove$r.json" "$Z" --json prove --arch "$z/arch.json" \
            --model "$z/m.zkm" --opening "$z/m.opening" --srs "$z/srs.bin" \
            --data "$work/rows$batch.json" -o "$z/p.proof" \
            --keys "$z/keys.bin" --wrapped "$z/p.wrapped" --calldata "$z/calldata.json"
    done
    "$Z" verify "$z/p.wrapped" --arch "$z/arch.json" --srs "$z/srs.bin" --keys "$z/keys.bin" \
        --commitment "$z/m.commitment" >> "$work/log" 2>&1
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["verify_calldata"])' "$z/calldata.json" > "$z/calldata.hex"

    # EZKL: setup = settings, calibration, compile, SRS, keys, verifier.
    : > "$e/setup" ; : > "$e/prove"
    timed "$e/setup" "$venv/bin/python" scripts/bench_peer_ezkl.py setup "$e" "$onnx" "$batch" "$work/flatcal$batch.json"
    for r in $(seq "$runs"); do
        timed "$e/prove$r" "$venv/bin/python" scripts/bench_peer_ezkl.py prove "$e" "$work/flat$batch.json"
    done
    everify=$("$venv/bin/python" scripts/bench_peer_ezkl.py verify "$e" | tail -1)
    cp "$e/EzklVerifier.sol" "$sol/src/generated/Ezkl${model^}${batch}.sol"

    "$forge" build --root "$sol" > /dev/null 2>> "$work/log"
    zaddr=$(deploy "src/generated/Peer${model^}${batch}.sol" "Peer${model^}${batch}")
    ename=$(grep -o 'contract [A-Za-z0-9_]*' "$e/EzklVerifier.sol" | tail -1 | cut -d' ' -f2)
    eaddr=$(deploy "src/generated/Ezkl${model^}${batch}.sol" "$ename")
    zgas=$(gas "$zaddr" "$z/calldata.hex")
    echo "0x$(xxd -p "$e/calldata.bin" | tr -d '\n')" > "$e/calldata.hex"
    returns_true "$eaddr" "$e/calldata.hex" || { echo "EZKL's verifier did not return true" >&2; exit 1; }
    egas=$(gas "$eaddr" "$e/calldata.hex")

    zt=$(median_s "$z"/prove?) et=$(median_s "$e"/prove?)
    zm=$(cat "$z"/prove? | peak_mib /dev/stdin) em=$(cat "$e"/prove? | peak_mib /dev/stdin)
    zproof=$(stat -c %s "$z/p.wrapped") zcd=$(( ($(tr -d '\n' < "$z/calldata.hex" | wc -c) - 2) / 2 ))
    eproof=$(echo "$everify" | python3 -c 'import json,sys; print(json.load(sys.stdin)["proof_bytes"])')
    ecd=$(stat -c %s "$e/calldata.bin")
    zsplit=$(python3 - "$z"/prove?.json <<'PY'
import json, statistics, sys
runs = [json.load(open(f)) for f in sys.argv[1:]]
native = statistics.median(r["prove_seconds"] for r in runs)
wrap = statistics.median(r["wrapped"]["wrap_seconds"] for r in runs)
print(f"{native:.2f} + {wrap:.2f}")
PY
)
    rows+=("| $name | zkmodel | $(sum_s "$z/setup") s | $zt s ($zsplit) | $zm MiB | $zproof B | $zcd B | $zgas |")
    rows+=("| $name | EZKL 23.0.5 | $(sum_s "$e/setup") s | $et s | $em MiB | $eproof B | $ecd B | $egas |")
    rows+=("| $name | ratio EZKL / zkmodel | | $(echo "scale=1; $et / $zt" | bc)× | $(echo "scale=1; $em / $zm" | bc)× | | | $(echo "scale=2; $egas / $zgas" | bc)× |")
done

echo "| case | system | setup (once) | prove, median of $runs (zkmodel: native + wrap) | peak memory (prove) | proof | verify calldata | gas (estimate, incl. 21k + calldata) |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
