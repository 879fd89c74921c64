//! Groth16 wrapper for zkmodel proofs (DESIGN §11–12).
//!
//! Nothing is implemented here yet: the circuit will instantiate the prover crate's generic
//! verifier over `FpVar`/`PoseidonSpongeVar`, so this crate stays empty until that lands.
