#!/usr/bin/env bash
# Regenerates prover/tests/fixtures/pot4.ptau: a tiny (2^4) Powers-of-Tau ceremony made with the
# npm snarkjs package — new, one contribution, prepare phase2 — exactly as a real ceremony file is
# produced, so the importer is tested on the real format. The entropy is fixed: this file is a
# TEST FIXTURE, not a secure SRS.
set -euo pipefail
cd "$(dirname "$0")/.."
snarkjs=node_modules/.bin/snarkjs
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$snarkjs" powersoftau new bn128 4 "$tmp/pot_0.ptau" >/dev/null
"$snarkjs" powersoftau contribute "$tmp/pot_0.ptau" "$tmp/pot_1.ptau" \
  --name="zkmodel test fixture" -e="zkmodel fixed test entropy, not secret" >/dev/null
"$snarkjs" powersoftau prepare phase2 "$tmp/pot_1.ptau" "$tmp/pot_final.ptau" >/dev/null
"$snarkjs" powersoftau verify "$tmp/pot_final.ptau" >/dev/null
cp "$tmp/pot_final.ptau" prover/tests/fixtures/pot4.ptau
echo "wrote prover/tests/fixtures/pot4.ptau"
