//! Relayer service posting zkmodel proofs to the marketplace contracts (DESIGN §14).
//!
//! Nothing is implemented here yet.
