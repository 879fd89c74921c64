#!/usr/bin/env bash
# Usage: scripts/verifier-project.sh DIR
# Lays out a standalone forge project in DIR for exported zkmodel verifiers: the libraries
# they import (src/lib/), the verifier interface (src/IZkmodelVerifier.sol) and a
# foundry.toml using the project's pinned solc (scripts/solc), offline. Put the generated
# verifiers anywhere under DIR/src and run `forge build --root DIR`.
# Used by scripts/demo.sh and scripts/bench-peer.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:?usage: scripts/verifier-project.sh DIR}"
mkdir -p "$dir/src/lib"
cp "$root"/contracts/src/lib/*.sol "$dir/src/lib/"
cp "$root/contracts/src/IZkmodelVerifier.sol" "$dir/src/"
cat > "$dir/foundry.toml" <<TOML
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
