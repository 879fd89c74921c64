# zkmodel — the README's commands. Every target installs what it needs and is idempotent.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c

FOUNDRY := node_modules/@foundry-rs
FORGE := $(FOUNDRY)/forge-linux-amd64/bin/forge
ANVIL := $(FOUNDRY)/anvil-linux-amd64/bin/anvil
NPM_STAMP := node_modules/.zkmodel-installed
# alloy's node bindings look for `anvil` on PATH (DESIGN §15).
export PATH := $(CURDIR)/$(FOUNDRY)/anvil-linux-amd64/bin:$(PATH)

.PHONY: all test demo-check test-rust test-contracts contracts abi gas lint bench bench-peer demo tools fixtures ptau-fixture onnx-fixtures torch-fixtures sklearn-fixtures clean

all: test

## Node-distributed tools (anvil, forge, cast, solcjs), pinned by package-lock.json.
tools: $(NPM_STAMP)
$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## The whole test suite, as CI runs it.
test: contracts lint test-rust test-contracts demo-check

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --locked -- -D warnings

## Compiles the contracts; the Anvil end-to-end test deploys these artifacts.
contracts: tools
	$(FORGE) build --sizes

test-rust: tools contracts
	cargo test --workspace --locked

test-contracts: tools
	$(FORGE) test -vv

## Copies the ABIs the Rust bindings are generated from (contracts/abi/, committed).
abi: contracts
	bash scripts/export-abi.sh

## Gas of every marketplace and verifier call, measured on the real proof fixtures.
gas: tools
	$(FORGE) test --gas-report --match-contract 'Marketplace(Claim|Escrow|Registration)Test|DigitsMlp.*VerifierTest'

## Criterion benches of the hot paths (release profile; takes minutes), then whole-statement
## reports (prove/verify time, proof size, peak memory), one process per case.
bench: tools
	cargo bench -p zkmodel-prover --locked
	cargo bench -p zkmodel-wrapper --locked
	for model in mlp cnn; do for case in batch1 batch64 accuracy; do \
		cargo run --release --locked -p zkmodel-prover --example model_report -- $$model $$case || exit 1; \
	done; done
	for rows in 512 2048 8192 32768; do \
		cargo run --release --locked -p zkmodel-prover --example model_report -- mlp rows=$$rows || exit 1; \
	done
	for model in mlp cnn; do for steps in 4 16 64; do \
		cargo run --release --locked -p zkmodel-prover --example train_report -- $$steps $$model || exit 1; \
	done; done
	for steps in 4 8; do \
		cargo run --release --locked -p zkmodel-prover --example train_report -- $$steps lenet || exit 1; \
	done
	cargo run --release --locked -p zkmodel-prover --example train_report -- 4 lenet-overlap
	bash scripts/bench-cli.sh
	bash scripts/bench-cli-train.sh
	cargo test --release --locked -p zkmodel-wrapper --test integration ceremony_bench:: -- --ignored --nocapture
	cargo test --release --locked -p zkmodel-prover --test integration exported_models::lenet_batch -- --ignored --nocapture
	for fixture in "mlp 64" "cnn 16" "lenet 1" "lenet 64" "resmlp 64" "rescnn 16" "resnet 16" "smooth_mlp 64" "poolact 16" "catcnn 16" "widedeep 64" "sklearn/wine_mlp 4" "sklearn/digits_mlp 64"; do \
		cargo run --release --locked -p zkmodel-wrapper --example fixture_report -- $$fixture || exit 1; \
	done
	cargo test --release --locked -p zkmodel-relayer --test anvil_sender concurrent -- --nocapture

## zkmodel beside EZKL (pinned PyPI wheel in .venv-ezkl) on the digits MLP (batch 1, 64) and CNN
## (batch 16), in one run: setup, prove, peak memory, proof size, calldata and verifier gas of each,
## and their ratios. Takes several minutes; never part of `make test`.
bench-peer: tools
	bash scripts/bench-peer.sh

## Regenerates the committed golden vectors from the Rust implementation.
## Also renders the generated Solidity verifiers (contracts/src/generated/) and their proof fixtures.
fixtures:
	cargo test -p zkmodel-prover --locked --test integration golden:: -- --ignored --nocapture
	cargo test -p zkmodel-wrapper --locked --test integration generated:: -- --ignored --nocapture
	cargo test -p zkmodel-wrapper --locked --test integration forgery:: -- --ignored --nocapture
	cargo test -p zkmodel-chain --locked --test golden -- --ignored --nocapture

## Regenerates the small Powers-of-Tau test fixture with the npm snarkjs package.
ptau-fixture: tools
	bash scripts/make-ptau-fixture.sh

## Retrains the digits models and regenerates fixtures/digits (Python 3 + PyPI; never run by CI).
onnx-fixtures:
	python3 -m venv .venv-fixtures
	.venv-fixtures/bin/pip install --quiet -r fixtures/requirements.txt
	.venv-fixtures/bin/python fixtures/make_digits_models.py

## Trains small PyTorch models and exports them with torch.onnx.export (Python 3 + PyPI; never run by CI).
## PyPI's torch is the CUDA build and does not import without its nvidia-* wheels, so this is a plain
## install with dependencies (about 7 GB in .venv-torch, about 2 minutes); regenerates fixtures/pytorch.
torch-fixtures:
	python3 -m venv .venv-torch
	.venv-torch/bin/pip install --quiet -r fixtures/requirements-torch.txt
	.venv-torch/bin/python fixtures/make_pytorch_models.py

## Trains scikit-learn MLPClassifiers and converts them with skl2onnx (Python 3 + PyPI; never run by CI);
## regenerates fixtures/sklearn.
sklearn-fixtures:
	python3 -m venv .venv-sklearn
	.venv-sklearn/bin/pip install --quiet -r fixtures/requirements-sklearn.txt
	.venv-sklearn/bin/python fixtures/make_sklearn_models.py

## The product end to end on a local Anvil through the zkmodel binary: a seller trains with a proof,
## proves accuracy on a publisher's test set, attests both through its relayer; a buyer reads the
## claims, pays for a proven inference (the relayer's watcher answers), a late request is refunded,
## a forged claim is refused (development keys; about a minute after the build).
demo: tools contracts
	bash scripts/demo.sh

## `make demo` as CI runs it (so the demo keeps working): the optimized test-profile binary, other ports.
## Built as `cargo test --workspace` builds it, so after test-rust nothing is rebuilt (a single-package
## `cargo build` resolves other dependency features and rebuilt them: 2.6 min of CI).
demo-check: tools contracts
	cargo test --workspace --locked --no-run
	ZKMODEL_BIN=target/debug/zkmodel DEMO_PORT=18545 DEMO_RELAYER_PORT=18547 bash scripts/demo.sh

clean:
	cargo clean
	rm -rf contracts/out contracts/cache
