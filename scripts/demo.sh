#!/usr/bin/env bash
# `make demo`: the whole product on a local Anvil chain, through the `zkmodel` binary only.
#
#   seller     trains the digits MLP with a training proof (from a public seeded initial model,
#              on its committed training set), proves its accuracy on a published test set,
#              wraps both proofs, exports and deploys the verifiers, registers its models and
#              attests both claims through its relayer, which also watches for paid requests;
#   publisher  commits and registers the test set (someone other than the seller);
#   buyer      reads the verified claims, pays for a proven inference on its own image and
#              reads the logits (the relayer's watcher proves and fulfils it), has a second
#              request refunded after its deadline; a forged claim is refused and changes nothing.
#
# Every step prints its time (and gas); the script exits 0 only if every step did what it
# should. Development only: the SRS and the Groth16 keys are the INSECURE development ones,
# which the marketplace accepts only on the local chain (id 31337). Everything runs in a
# temporary directory; Anvil and the relayer are stopped on exit.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# ZKMODEL_BIN: an already built binary (CI passes the test build's); else a release build.
if [[ -n "${ZKMODEL_BIN:-}" ]]; then
    Z="$(cd "$(dirname "$ZKMODEL_BIN")" && pwd)/$(basename "$ZKMODEL_BIN")"
else
    cargo build --release --locked --bin zkmodel >&2
    Z="$root/target/release/zkmodel"
fi
FORGE="$root/node_modules/@foundry-rs/forge-linux-amd64/bin/forge"
ANVIL="$root/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
work="$(mktemp -d)"
port=${DEMO_PORT:-8545}
relayer_port=${DEMO_RELAYER_PORT:-8547}
steps=${DEMO_STEPS:-8}
cleanup() {
    [[ -n "${relayer_pid:-}" ]] && kill "$relayer_pid" 2>/dev/null
    [[ -n "${anvil_pid:-}" ]] && kill "$anvil_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
demo_start=$(date +%s.%N)
for p in "$port" "$relayer_port"; do
    if (echo > "/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
        echo "port $p is in use: stop what listens there or set DEMO_PORT / DEMO_RELAYER_PORT" >&2
        exit 1
    fi
done

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
fail() { printf '\033[31mdemo failed: %s\033[0m\n' "$*" >&2; exit 1; }
# json EXPR: evaluates a Python expression on `d`, the JSON of the last step.
json() { python3 -c "import json,sys; d=json.load(open('last.json')); print($1)"; }
# step LABEL -- zkmodel args…: runs `zkmodel … --json`, keeps its JSON in last.json and prints
# the label, the time and the gas if the command reports it.
step() {
    local label="$1"; shift; [[ "$1" == "--" ]] && shift
    local t0 t1
    t0=$(date +%s.%N)
    if ! "$Z" "$@" --json > last.json 2> last.err; then
        cat last.err >&2
        fail "$label"
    fi
    t1=$(date +%s.%N)
    python3 - "$label" "$t0" "$t1" <<'PY'
import json, sys
label, t0, t1 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
d = json.load(open("last.json"))
gas = d.get("gas") if isinstance(d, dict) else None
print(f"  ✓ {label:<62} {t1 - t0:7.2f} s" + (f"  {gas:>9} gas" if gas is not None else ""))
PY
}
rpc() { # rpc METHOD PARAMS-JSON: a raw JSON-RPC call to Anvil
    python3 - "$1" "$2" "$ZKMODEL_RPC_URL" <<'PY'
import json, sys, urllib.request
body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": sys.argv[1], "params": json.loads(sys.argv[2])})
req = urllib.request.Request(sys.argv[3], body.encode(), {"content-type": "application/json"})
r = json.load(urllib.request.urlopen(req))
if "error" in r: sys.exit(f"{sys.argv[1]}: {r['error']}")
PY
}

# Anvil's well-known development accounts (never use them anywhere else).
SELLER_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
PUBLISHER_KEY=0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
BUYER_KEY=0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a
RELAYER_KEY=0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6
export ZKMODEL_RPC_URL="http://127.0.0.1:$port"
export ZKMODEL_RELAYER_TOKEN="demo-token-$(date +%s%N)"
RELAYER="http://127.0.0.1:$relayer_port"

say "data: the digits set (the seller's training set, a published test set, a buyer's image)"
python3 - "$root/fixtures/digits/dataset.json" "$steps" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
pm = d["pixel_max"]
rows = lambda idx: [[v / pm for v in d["images"][i]] for i in idx]
labels = lambda idx: [d["labels"][i] for i in idx]
n = 32 * int(sys.argv[2])
json.dump({"input_data": rows(d["train"][:n]), "labels": labels(d["train"][:n])}, open("train.json", "w"))
json.dump({"input_data": rows(d["test"][:64]), "labels": labels(d["test"][:64])}, open("test.json", "w"))
json.dump({"input_data": rows(d["test"][64:65])}, open("image.json", "w"))
print(f"  {n} training examples, 64 test examples; the buyer's image is a {d['labels'][d['test'][64]]}")
PY

say "seller: train with a training proof, then prove accuracy; wrap both (development keys)"
step "development SRS (INSECURE, seeded)" -- srs --dev --size 524288 -o srs.bin
step "train 64-32-10 from seed 7: $steps SGD steps of 32, proven" -- train --data train.json \
    --widths 64,32,10 --init-seed 7 --batch 32 --steps "$steps" --lr 1/2 --srs srs.bin --out trained
step "accuracy and public-input inference architectures" -- architecture trained/model.zkm \
    --task accuracy --examples 64 -o accuracy.arch.json
step "  (inference)" -- architecture trained/model.zkm --task inference --public-input -o inference.arch.json
step "publisher: commit the test set (anyone recomputes it)" -- commit-test-set test.json \
    --arch accuracy.arch.json --srs srs.bin -o test-set.commitment
step "prove accuracy of the trained model on the test set" -- prove --arch accuracy.arch.json \
    --model trained/model.zkm --opening trained/model.opening --srs srs.bin --data test.json -o accuracy.proof
json '"    correct: %s of %s" % (d["public"]["correct"], d["public"]["examples"])'
for s in training accuracy inference; do
    arch=$s.arch.json; [[ $s == training ]] && arch=trained/training.arch.json
    step "Groth16 keys for $s (INSECURE development setup)" -- setup --arch "$arch" --srs srs.bin \
        --insecure-dev -o "$s.keys"
done
step "wrap the training proof" -- wrap trained/training.proof --keys training.keys --srs srs.bin -o training.wrapped
step "wrap the accuracy proof" -- wrap accuracy.proof --keys accuracy.keys --srs srs.bin \
    -o accuracy.wrapped --calldata accuracy.calldata.json

say "seller: export and compile the verifiers (forge + solcjs)"
bash "$root/scripts/verifier-project.sh" verifier
mkdir -p verifier/src/user
for s in training accuracy inference; do
    arch=$s.arch.json; [[ $s == training ]] && arch=trained/training.arch.json
    name="Digits${s^}Verifier"
    step "export $name" -- export-verifier --arch "$arch" --srs srs.bin --keys "$s.keys" \
        --name "$name" -o "verifier/src/user/$name.sol"
done
t0=$(date +%s)
"$FORGE" build --root verifier --quiet || fail "compiling the verifiers"
echo "  ✓ compiled in $(( $(date +%s) - t0 )) s"

say "chain: a local Anvil (chain id 31337), the marketplace and the verifiers"
"$ANVIL" --host 127.0.0.1 --port "$port" --silent &
anvil_pid=$!
for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
step "deploy the marketplace (development mode)" -- chain deploy --dev --private-key "$SELLER_KEY"
market=$(json 'd["marketplace"]')
declare -A verifier
for s in training accuracy inference; do
    name="Digits${s^}Verifier"
    step "deploy and register $name" -- chain deploy-verifier --private-key "$SELLER_KEY" \
        --artifact "verifier/out/$name.sol/$name.json" --register --marketplace "$market" \
        --uri "file://$s.arch.json"
    verifier[$s]=$(json 'd["verifier"]')
done

say "registrations: the test set (publisher), training set, initial and trained models (seller)"
step "publisher: register the test set" -- chain register-dataset --private-key "$PUBLISHER_KEY" \
    --marketplace "$market" --kind test --commitment test-set.commitment --examples 64 --uri file://test.json
test_set=$(json 'd["dataset_id"]')
step "seller: register the training set" -- chain register-dataset --private-key "$SELLER_KEY" \
    --marketplace "$market" --kind train --commitment trained/dataset.commitment \
    --examples "$((32 * steps))"
train_set=$(json 'd["dataset_id"]')
step "seller: register the seeded initial model (seed 7)" -- chain register-model \
    --private-key "$SELLER_KEY" --marketplace "$market" --verifier "${verifier[training]}" \
    --commitment trained/initial.commitment --seed 7
initial=$(json 'd["model_id"]')
step "seller: register the trained model (commit-reveal, 0.01 ETH per inference)" -- chain \
    register-model --private-key "$SELLER_KEY" --marketplace "$market" --verifier "${verifier[accuracy]}" \
    --commitment trained/model.commitment --price 10000000000000000 --uri file://model.zkm
model=$(json 'd["model_id"]')

say "seller: its relayer (its own hot key) attests both claims and watches for paid requests"
ZKMODEL_PRIVATE_KEY=$RELAYER_KEY "$Z" relayer serve --db relayer.sqlite --listen "127.0.0.1:$relayer_port" \
    --poll-ms 200 --marketplace "$market" --watch --model-id "$model" --verifier "${verifier[inference]}" \
    --arch inference.arch.json --model trained/model.zkm --opening trained/model.opening \
    --srs srs.bin --keys inference.keys --deadline-margin 30 > relayer.out 2> relayer.log &
relayer_pid=$!
for _ in $(seq 100); do [[ -s relayer.out ]] && break; kill -0 "$relayer_pid" 2>/dev/null || break; sleep 0.1; done
[[ -s relayer.out ]] || { cat relayer.log >&2; fail "the relayer did not start"; }
echo "  $(cat relayer.out)"
step "attest the training claim (via the relayer)" -- chain attest training.wrapped \
    --relayer "$RELAYER" --marketplace "$market" --verifier "${verifier[training]}" \
    --model-id "$model" --dataset-id "$train_set" --initial-model-id "$initial"
step "attest the accuracy claim (via the relayer)" -- chain attest accuracy.wrapped \
    --relayer "$RELAYER" --marketplace "$market" --verifier "${verifier[accuracy]}" \
    --model-id "$model" --dataset-id "$test_set"

say "buyer: the model's verified claims"
step "read the claims" -- chain claims --marketplace "$market" --model-id "$model"
json '"\n".join("    %s claim %s…: public values %s, dataset published by %s" % (c["kind"], c["claim_id"][:10], c["public_values"], c.get("dataset_publisher")) for c in d["claims"])'
[[ $(json 'len(d["claims"])') == 2 ]] || fail "expected two claims"

say "buyer: pay for a proven inference on its image; the seller's watcher proves and fulfils it"
step "request (escrow 0.01 ETH) and wait for the proven answer" -- chain request \
    --private-key "$BUYER_KEY" --marketplace "$market" --model-id "$model" \
    --verifier "${verifier[inference]}" --arch inference.arch.json --data image.json --wait 240
json '"    predicted class %s, logits %s" % (d["answer"]["predicted"], [round(v, 2) for v in d["answer"]["logits"][0]])'
step "seller: withdraw the payment" -- chain withdraw --private-key "$SELLER_KEY" --marketplace "$market"
[[ $(json 'd["amount"]') == 10000000000000000 ]] || fail "the seller was not paid"

say "buyer: a request with a deadline too close for the seller is refunded after it"
step "request with a 20 s deadline (the watcher needs 30 s)" -- chain request \
    --private-key "$BUYER_KEY" --marketplace "$market" --model-id "$model" \
    --verifier "${verifier[inference]}" --arch inference.arch.json --data image.json --deadline-in 20
second=$(json 'd["request_id"]')
rpc evm_increaseTime '[60]' && rpc evm_mine '[]'
step "refund request $second after its deadline" -- chain refund --private-key "$BUYER_KEY" \
    --marketplace "$market" --request-id "$second"
step "buyer: withdraw the refund" -- chain withdraw --private-key "$BUYER_KEY" --marketplace "$market"
[[ $(json 'd["amount"]') == 10000000000000000 ]] || fail "the buyer was not refunded"

step "claims before the forgery" -- chain claims --marketplace "$market" --model-id "$model"
claims_before=$(json 'len(d["claims"])')
say "anyone: a forged accuracy claim (one more correct answer than proven) is refused"
python3 - "$market" "${verifier[accuracy]}" "$model" "$test_set" <<'PY'
import json, sys
market, verifier, model, test_set = sys.argv[1:]
c = json.load(open("accuracy.calldata.json"))
data = c["verify_calldata"]
raw = bytearray.fromhex(data[2:] if data.startswith("0x") else data)
# The last word is the statement's last public value: the count of correct answers.
count = int.from_bytes(raw[-32:], "big")
raw[-32:] = (count + 1).to_bytes(32, "big")
bundle = {"kind": "attest", "marketplace": market,
          "pins": {"verifier": verifier, "model_id": model, "dataset_id": test_set},
          "calldata": "0x" + raw.hex()}
json.dump(bundle, open("forged.json", "w"))
PY
python3 - "$RELAYER" "$ZKMODEL_RELAYER_TOKEN" <<'PY' || fail "the forged claim was accepted"
import json, sys, urllib.request, urllib.error
req = urllib.request.Request(sys.argv[1] + "/v1/jobs", open("forged.json", "rb").read(),
    {"content-type": "application/json", "authorization": "Bearer " + sys.argv[2]})
try:
    urllib.request.urlopen(req)
    sys.exit(1)
except urllib.error.HTTPError as e:
    body = json.load(e)
    print(f"  ✓ refused before sending ({e.code} {body['code']}): {body['error']}")
PY
step "the claims are unchanged" -- chain claims --marketplace "$market" --model-id "$model"
[[ $(json 'len(d["claims"])') == "$claims_before" ]] || fail "the forged claim changed the claims"
step "relayer: every job confirmed" -- relayer jobs --relayer "$RELAYER"
json '"    " + ", ".join("%s %s" % (j["kind"], j["state"]) for j in d)'
[[ $(json 'all(j["state"] == "confirmed" for j in d) and len(d) == 3') == True ]] || fail "relayer jobs"

say "demo complete in $(python3 -c "import time; print(round(time.time() - $demo_start))") s (after the build)"
