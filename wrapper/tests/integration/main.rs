//! zkmodel-wrapper integration and soundness tests, linked as one binary: each test file used to be its own crate,
//! compiled at opt-level 3 with its own copy of every generic it instantiates and linked
//! statically — most of CI's build time and disk. Run one file's tests with
//! `cargo test -p <crate> --test integration <file>::`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod assignment;
mod ceremony;
mod ceremony_bench;
mod forgery;
mod generated;
mod groth16;
mod in_circuit;
mod model_circuit;
mod poseidon_gadget;
mod public_count;
mod r1cs_snarkjs;
mod train_circuit;
