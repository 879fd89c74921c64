//! End-to-end tests across the zkmodel crates and a real Anvil chain live in this crate's
//! `tests/` folder. There are none yet: the first one arrives with the Groth16 wrapper.
