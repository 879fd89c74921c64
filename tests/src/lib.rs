//! End-to-end tests across the zkmodel crates and a real Anvil chain live in this crate's
//! `tests/` folder: `anvil_verifier` deploys the generated verifier and checks a fresh proof.
