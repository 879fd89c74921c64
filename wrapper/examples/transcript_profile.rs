#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]
//! Where a wrapper circuit's constraints go: the Poseidon permutations its transcript runs, by
//! the label of the message that caused them, beside the circuit's constraint count.
//! `cargo run --release -p zkmodel-wrapper --example transcript_profile -- [statement…]`
//! with statements among `inference`, `accuracy`, `cnn`, `training4`, `training16`,
//! `training64` (default: the three digits model statements).
//!
//! The field part of verification runs natively on the native sponge, which counts its
//! permutations (the circuit's sponge runs the same schedule), on the statement's placeholder
//! claim: the schedule depends on the architecture's shape only, never on values. A
//! permutation is charged to the message being absorbed when it runs, or to the challenge
//! whose squeeze runs it. Constant digests the circuit computes natively (the LogUp statement,
//! the opening's claim structure) run on their own transcripts and are not counted, as in the
//! circuit. Each permutation is ~300 R1CS constraints (width 5: 8 full rounds of 5 S-boxes and
//! 60 partial rounds of one, 3 constraints per S-box); the rest is the field work of the
//! checks. Development SRS and keys: measurements only.

use ark_bn254::Fr;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use zkmodel_prover::error::BackendError;
use zkmodel_prover::pcs::split::SplitSeeds;
use zkmodel_prover::proof::statement::{Statement, placeholder_srs};
use zkmodel_prover::transcript::{NativeSponge, SpongeOps, Transcript, poseidon::PoseidonDuplex};
use zkmodel_wrapper::dev::{DigitsTask, digits_mlp_dev};
use zkmodel_wrapper::wrap::constraint_count;

/// Constraints of one in-circuit permutation (3 per S-box: 8·5 full-round and 60 partial).
const PERMUTATION_CONSTRAINTS: usize = 3 * (8 * 5 + 60);

/// Permutations and messages charged to one label.
#[derive(Default)]
struct Charge {
    permutations: u64,
    messages: usize,
    elements: usize,
}

/// The native sponge, with its permutations charged to labels. The transcript absorbs every
/// message as two calls, its header word and then its elements: the header names the label
/// the permutations that follow are charged to.
#[derive(Clone)]
struct Counting {
    inner: NativeSponge,
    header_next: bool,
    label: String,
    charges: Rc<RefCell<BTreeMap<String, Charge>>>,
}

impl Counting {
    fn new(charges: Rc<RefCell<BTreeMap<String, Charge>>>) -> Self {
        Self {
            inner: PoseidonDuplex::new(),
            header_next: true,
            label: "start".into(),
            charges,
        }
    }

    fn charge(&self, permutations: u64, messages: usize, elements: usize) {
        let mut charges = self.charges.borrow_mut();
        let c = charges.entry(self.label.clone()).or_default();
        c.permutations += permutations;
        c.messages += messages;
        c.elements += elements;
    }
}

/// The label packed in a header word (label · 2^64 + length): ASCII, big-endian.
fn label_of(header: &Fr) -> String {
    use ark_ff::{BigInteger, PrimeField};
    let bytes = header.into_bigint().to_bytes_be();
    let label = &bytes[..bytes.len().saturating_sub(8)];
    String::from_utf8_lossy(label)
        .trim_start_matches('\0')
        .to_string()
}

impl SpongeOps<Fr> for Counting {
    fn absorb(&mut self, xs: &[Fr]) -> Result<(), BackendError> {
        if self.header_next {
            if let Some(h) = xs.first() {
                self.label = label_of(h);
            }
            self.charge(0, 1, 0);
        } else {
            self.charge(0, 0, xs.len());
        }
        self.header_next = !self.header_next;
        let before = self.inner.permutations();
        SpongeOps::absorb(&mut self.inner, xs)?;
        self.charge(self.inner.permutations() - before, 0, 0);
        Ok(())
    }

    fn squeeze(&mut self) -> Result<Fr, BackendError> {
        let before = self.inner.permutations();
        let out = SpongeOps::squeeze(&mut self.inner)?;
        self.charge(self.inner.permutations() - before, 0, 0);
        Ok(out)
    }
}

fn profile<S: Statement>(name: &str, arch: &S) {
    let srs = placeholder_srs(arch).unwrap();
    let claim = arch.placeholder(&srs).unwrap();
    let seeds = SplitSeeds::of(claim.statement(arch, &srs).unwrap().seed(), &claim.opening);
    let charges = Rc::new(RefCell::new(BTreeMap::new()));
    let mut t = Transcript::new(Counting::new(charges.clone())).unwrap();
    arch.verify_field_part(
        &seeds,
        &claim.salt,
        &claim.public,
        &claim.body,
        &claim.opening.field,
        &mut t,
    )
    .unwrap();
    let constraints = constraint_count(arch).unwrap();
    let charges = charges.borrow();
    let total = charges.values().map(|c| c.permutations).sum::<u64>() as usize;
    let poseidon = total * PERMUTATION_CONSTRAINTS;
    println!(
        "{name}: {constraints} constraints; {total} permutations ≈ {poseidon} constraints \
         ({:.1}%), the rest {}",
        100.0 * poseidon as f64 / constraints as f64,
        constraints.saturating_sub(poseidon)
    );
    let mut rows: Vec<_> = charges.iter().filter(|(_, c)| c.permutations > 0).collect();
    rows.sort_by_key(|(_, c)| std::cmp::Reverse(c.permutations));
    println!(
        "  {:>12} {:>9} {:>9}  label",
        "permutations", "messages", "elements"
    );
    for (label, c) in rows {
        println!(
            "  {:>12} {:>9} {:>9}  {label}",
            c.permutations, c.messages, c.elements
        );
    }
}

fn main() {
    let mut which: Vec<String> = std::env::args().skip(1).collect();
    if which.is_empty() {
        which = vec!["inference".into(), "accuracy".into(), "cnn".into()];
    }
    for w in which {
        match w.as_str() {
            "inference" | "accuracy" | "cnn" => {
                let task = match w.as_str() {
                    "inference" => DigitsTask::Inference,
                    "accuracy" => DigitsTask::Accuracy,
                    _ => DigitsTask::CnnAccuracy,
                };
                profile(task.verifier_name(), &digits_mlp_dev(task).unwrap().arch);
            }
            t if t.starts_with("training") => {
                use zkmodel_prover::proof::train::digits::DigitsTraining;
                use zkmodel_prover::train::TrainConfig;
                use zkmodel_wrapper::dev_train::{EXAMPLES, verifier_name};
                let steps: usize = t["training".len()..].parse().expect("training<T>");
                let cfg = TrainConfig::digits_mlp(steps);
                let arch = DigitsTraining::load(cfg, EXAMPLES).unwrap().arch;
                profile(&verifier_name(steps), &arch);
            }
            other => panic!("unknown statement {other}: inference, accuracy, cnn, training<T>"),
        }
    }
}
