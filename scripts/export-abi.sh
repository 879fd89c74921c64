#!/usr/bin/env bash
# Copies the ABIs of the contracts the Rust bindings use (and the marketplace's creation code) from forge's output
# (contracts/out) to contracts/abi/, where they are committed. `make abi` runs it after
# `forge build`; the chain crate's tests fail when the committed ABIs drift from the sources.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$here/contracts/abi"
for name in ZkmodelMarketplace IZkmodelVerifier; do
  src="$here/contracts/out/$name.sol/$name.json"
  [ -f "$src" ] || { echo "export-abi: $src is missing; run forge build (make contracts)" >&2; exit 1; }
  node -e '
    const fs = require("fs");
    const artifact = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    fs.writeFileSync(process.argv[2], JSON.stringify(artifact.abi, null, 2) + "\n");
  ' "$src" "$here/contracts/abi/$name.json"
done
# The marketplace's creation code, embedded in the zkmodel binary so `zkmodel chain deploy` works
# outside a checkout.
node -e '
  const fs = require("fs");
  const artifact = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  fs.writeFileSync(process.argv[2], artifact.bytecode.object + "\n");
' "$here/contracts/out/ZkmodelMarketplace.sol/ZkmodelMarketplace.json" "$here/contracts/abi/ZkmodelMarketplace.bytecode"
