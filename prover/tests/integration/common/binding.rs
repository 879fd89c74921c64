//! The opening binds claim values only through the blocks' messages (`pcs::absorb_claims`):
//! a statement is sound only if every message its body carries is absorbed before the
//! opening's first challenge ρ. This replays a statement's field part on a sponge that logs
//! every absorbed element (forks share the log) and checks each body element is among them.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use zkmodel_prover::Fr;
use zkmodel_prover::error::BackendError;
use zkmodel_prover::pcs::{SplitSeeds, Srs};
use zkmodel_prover::proof::statement::{Claim, Statement};
use zkmodel_prover::transcript::{PoseidonDuplex, SpongeOps, Transcript, labels};

/// Native Poseidon that records what it absorbs.
#[derive(Clone)]
struct Recording {
    inner: PoseidonDuplex,
    log: Arc<Mutex<Vec<Fr>>>,
}

impl SpongeOps<Fr> for Recording {
    fn absorb(&mut self, xs: &[Fr]) -> Result<(), BackendError> {
        self.log.lock().unwrap().extend_from_slice(xs);
        self.inner.absorb(xs);
        Ok(())
    }
    fn squeeze(&mut self) -> Result<Fr, BackendError> {
        Ok(self.inner.squeeze())
    }
}

/// Runs the claim's field part (it must verify) and panics naming the first body element the
/// transcript had not absorbed when the opening began, and any opening message never absorbed.
pub fn assert_messages_bound<S: Statement>(arch: &S, srs: &Srs, claim: &Claim<S>, what: &str) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let sponge = Recording {
        inner: PoseidonDuplex::new(),
        log: log.clone(),
    };
    let mut t = Transcript::new(sponge).unwrap();
    let seed = claim.statement(arch, srs).unwrap().seed();
    let seeds = SplitSeeds::of(seed, &claim.opening);
    arch.verify_field_part(
        &seeds,
        &claim.salt,
        &claim.public,
        &claim.body,
        &claim.opening.field,
        &mut t,
    )
    .unwrap_or_else(|e| panic!("{what}: the honest claim does not verify: {e}"));
    let log = log.lock().unwrap().clone();
    // The opening starts by absorbing its one-word claim-structure digest.
    let start = log
        .iter()
        .position(|x| *x == labels::PCS_CLAIMS.header(1))
        .unwrap_or_else(|| panic!("{what}: the opening never started"));
    let before: HashSet<Fr> = log[..start].iter().copied().collect();
    let mut body = Vec::new();
    S::map_body(&claim.body, &mut |x: &Fr| {
        body.push(*x);
        Ok::<_, ()>(*x)
    })
    .unwrap();
    assert!(!body.is_empty(), "{what}: an empty body");
    for (i, x) in body.iter().enumerate() {
        assert!(
            before.contains(x),
            "{what}: body element {i} of {} was not absorbed before the opening's ρ",
            body.len()
        );
    }
    let all: HashSet<Fr> = log.iter().copied().collect();
    let field = &claim.opening.field;
    let opening = field
        .reduction
        .rounds
        .iter()
        .flatten()
        .chain(field.reduction.final_evals.iter().flatten());
    for (i, x) in opening.enumerate() {
        assert!(
            all.contains(x),
            "{what}: opening reduction element {i} never absorbed"
        );
    }
}
