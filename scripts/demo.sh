#!/usr/bin/env bash
# `make demo`: the whole product on a local Anvil chain, through the `zkmodel` binary only.
#
#   seller     imports the digits MLP (ONNX), commits it, proves its accuracy on a published
#              test set, wraps the proof, exports and deploys its verifier, registers the model
#              and attests the claim;
#   publisher  commits and registers the test set (someone other than the seller);
#   buyer      reads the model's verified claims, re-verifies the proof off chain against the
#              registered commitments.
#
# Development only: the SRS and the Groth16 keys are the INSECURE development ones, which the
# marketplace accepts only on the local chain (id 31337). Everything runs in a temporary
# directory; Anvil is stopped on exit.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cargo build --release --locked --bin zkmodel >&2
Z="$root/target/release/zkmodel"
FORGE="$root/node_modules/@foundry-rs/forge-linux-amd64/bin/forge"
ANVIL="$root/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
work="$(mktemp -d)"
port=${DEMO_PORT:-8545}
cleanup() { [[ -n "${anvil_pid:-}" ]] && kill "$anvil_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# Anvil's well-known development accounts (never use them anywhere else).
SELLER_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
PUBLISHER_KEY=0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
export ZKMODEL_RPC_URL="http://127.0.0.1:$port"

say "data: the digits set (calibration examples, 64 published test examples)"
python3 - "$root/fixtures/digits/dataset.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
pm = d["pixel_max"]
rows = lambda idx: [[v / pm for v in d["images"][i]] for i in idx]
labels = lambda idx: [d["labels"][i] for i in idx]
json.dump({"input_data": rows(d["train"][:256]), "labels": labels(d["train"][:256])}, open("calibration.json", "w"))
json.dump({"input_data": rows(d["test"][:64]), "labels": labels(d["test"][:64])}, open("test.json", "w"))
PY

say "seller: import and calibrate the ONNX model"
"$Z" import "$root/fixtures/digits/mlp.onnx" --calibrate calibration.json -o model.zkm
"$Z" architecture model.zkm --task accuracy --examples 64 -o accuracy.arch.json
"$Z" srs --dev --arch accuracy.arch.json -o srs.bin
"$Z" commit model.zkm --srs srs.bin -o model.commitment --opening model.opening

say "publisher: commit the test set (anyone holding the data recomputes this commitment)"
"$Z" commit-test-set test.json --arch accuracy.arch.json --srs srs.bin -o test-set.commitment

say "seller: prove the accuracy claim, wrap it for the chain, export the verifier"
"$Z" prove --arch accuracy.arch.json --model model.zkm --opening model.opening --srs srs.bin \
    --data test.json -o accuracy.proof
"$Z" setup --arch accuracy.arch.json --srs srs.bin --insecure-dev -o accuracy.keys
"$Z" wrap accuracy.proof --keys accuracy.keys --srs srs.bin -o accuracy.wrapped
mkdir -p verifier/src/user
cp -r "$root/contracts/src/lib" "$root/contracts/src/IZkmodelVerifier.sol" verifier/src/
"$Z" export-verifier --arch accuracy.arch.json --srs srs.bin --keys accuracy.keys \
    --name DigitsAccuracyVerifier -o verifier/src/user/DigitsAccuracyVerifier.sol
cat > verifier/foundry.toml <<TOML
[profile.default]
src = "src"
out = "out"
libs = []
solc = "$root/scripts/solc"
evm_version = "prague"
optimizer = true
optimizer_runs = 200
offline = true
TOML
say "compiling the verifier (forge + solcjs)"
"$FORGE" build --root verifier --quiet

say "chain: a local Anvil (chain id 31337)"
"$ANVIL" --host 127.0.0.1 --port "$port" --silent &
anvil_pid=$!
for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
market=$(ZKMODEL_PRIVATE_KEY=$SELLER_KEY "$Z" chain deploy --dev --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["marketplace"])')
echo "marketplace $market (development mode)"
verifier=$(ZKMODEL_PRIVATE_KEY=$SELLER_KEY "$Z" chain deploy-verifier \
    --artifact verifier/out/DigitsAccuracyVerifier.sol/DigitsAccuracyVerifier.json \
    --register --marketplace "$market" --uri "file://accuracy.arch.json" --json \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["verifier"])')
echo "verifier $verifier (registered)"

say "publisher: register the test set"
ZKMODEL_PRIVATE_KEY=$PUBLISHER_KEY "$Z" chain register-dataset --marketplace "$market" \
    --kind test --commitment test-set.commitment --examples 64 --uri "file://test.json"

say "seller: register the model (commit-reveal) and attest the accuracy claim"
ZKMODEL_PRIVATE_KEY=$SELLER_KEY "$Z" chain register-model --marketplace "$market" \
    --verifier "$verifier" --commitment model.commitment --price 10000000000000000 \
    --uri "file://model.zkm"
ZKMODEL_PRIVATE_KEY=$SELLER_KEY "$Z" chain attest accuracy.wrapped --marketplace "$market" \
    --verifier "$verifier" --model-id 1 --dataset-id 1

say "buyer: the model's verified claims"
"$Z" chain claims --marketplace "$market" --model-id 1
say "buyer: re-verify the wrapped proof off chain against the registered commitments"
"$Z" verify accuracy.wrapped --srs srs.bin --keys accuracy.keys --commitment model.commitment \
    --test-set test-set.commitment --arch accuracy.arch.json
say "seller: the same claim again is refused (decoded custom error)"
if ZKMODEL_PRIVATE_KEY=$SELLER_KEY "$Z" chain attest accuracy.wrapped --marketplace "$market" \
    --verifier "$verifier" --model-id 1 --dataset-id 1; then
    echo "a duplicate claim was accepted" >&2; exit 1
fi
say "demo complete"
