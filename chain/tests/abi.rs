#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The committed ABIs the bindings are generated from are the contracts' ABIs: a contract
//! change without `make abi` fails here (`make test` builds the contracts first).

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn json(path: &PathBuf) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}. Build the contracts first (`make contracts`)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap()
}

#[test]
fn committed_abis_match_the_compiled_contracts() {
    for name in ["ZkmodelMarketplace", "IZkmodelVerifier"] {
        let artifact = json(&root().join(format!("contracts/out/{name}.sol/{name}.json")));
        let committed = json(&root().join(format!("contracts/abi/{name}.json")));
        assert_eq!(
            artifact["abi"], committed,
            "contracts/abi/{name}.json differs from the compiled contract: run `make abi`"
        );
    }
}

/// The selector the wrapper's calldata starts with is the verifier interface's `verify`.
#[test]
fn verify_selector_is_the_interfaces() {
    let artifact = json(&root().join("contracts/abi/IZkmodelVerifier.json"));
    assert!(
        artifact
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["name"] == "verify")
    );
    assert_eq!(
        zkmodel_chain::bindings::verify_selector(),
        [0x85, 0xe4, 0xcf, 0x70],
        "the fixtures' calldata starts with 0x85e4cf70"
    );
}
