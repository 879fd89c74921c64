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

/// Creation code without solc's trailing CBOR metadata (its last two bytes give its length),
/// which hashes the sources' paths and may differ between checkouts.
fn without_metadata(code: &[u8]) -> &[u8] {
    let n = code.len();
    let meta = usize::from(u16::from_be_bytes([code[n - 2], code[n - 1]]));
    &code[..n - 2 - meta]
}

#[test]
fn the_embedded_marketplace_code_is_the_compiled_contract() {
    let artifact =
        json(&root().join("contracts/out/ZkmodelMarketplace.sol/ZkmodelMarketplace.json"));
    let built = alloy::hex::decode(artifact["bytecode"]["object"].as_str().unwrap()).unwrap();
    let embedded = zkmodel_chain::deploy::embedded_marketplace().unwrap();
    assert_eq!(
        without_metadata(&built),
        without_metadata(&embedded),
        "contracts/abi/ZkmodelMarketplace.bytecode differs from the compiled contract: run `make abi`"
    );
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
        [0x00, 0xb0, 0x5d, 0x2c],
        "the fixtures' calldata starts with 0x00b05d2c"
    );
}
