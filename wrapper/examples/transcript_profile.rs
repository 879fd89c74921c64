#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]
//! Where a wrapper circuit's constraints go: the Poseidon permutations its transcript runs, by
//! the label of the message that caused them, beside the circuit's constraint count.
//! `cargo run --release -p zkmodel-wrapper --example transcript_profile -- [statement…]`
//! with statements among `inference`, `accuracy`, `cnn`, `training4`, `training16`,
//! `training64` (default: the three digits model statements).
//!
//! The field part of verification runs natively on a counting sponge that permutes exactly
//! when the circuit's sponge does (the same duplex schedule), on the statement's placeholder
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
use zkmodel_prover::transcript::{
    NativeSponge, POSEIDON_RATE, SpongeOps, Transcript, poseidon::PoseidonDuplex,
};
use zkmodel_wrapper::dev::{DigitsTask, digits_mlp_dev};
use zkmodel_wrapper::wrap::constraint_count;

/// Constraints of one in-circuit permutation (3 per S-box: 8·5 full-round and 60 partial).
const PERMUTATION_CONSTRAINTS: usize = 3 * (8 * 5 + 60);

#[derive(Clone, Copy)]
enum Mode {
    Absorbing(usize),
    Squeezing(usize),
}

/// Permutations and messages charged to one label.
#[derive(Default)]
struct Charge {
    permutations: usize,
    messages: usize,
    elements: usize,
}

/// The native sponge, with the duplex schedule mirrored to count permutations. The transcript
/// absorbs every message as two calls, its header word and then its elements: the header
/// names the label the permutations that follow are charged to.
#[derive(Clone)]
struct Counting {
    inner: NativeSponge,
    mode: Mode,
    header_next: bool,
    label: String,
    charges: Rc<RefCell<BTreeMap<String, Charge>>>,
}

impl Counting {
    fn new(charges: Rc<RefCell<BTreeMap<String, Charge>>>) -> Self {
        Self {
            inner: PoseidonDuplex::new(),
            mode: Mode::Absorbing(0),
            header_next: true,
            label: "start".into(),
            charges,
        }
    }

    fn charge(&self, permutations: usize, messages: usize, elements: usize) {
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
        if !xs.is_empty() {
            let mut index = match self.mode {
                Mode::Absorbing(i) if i == POSEIDON_RATE => {
                    self.charge(1, 0, 0);
                    0
                }
                Mode::Absorbing(i) => i,
                Mode::Squeezing(_) => 0,
            };
            for _ in xs {
                if index == POSEIDON_RATE {
                    self.charge(1, 0, 0);
                    index = 0;
                }
                index += 1;
            }
            self.mode = Mode::Absorbing(index);
        }
        SpongeOps::absorb(&mut self.inner, xs)
    }

    fn squeeze(&mut self) -> Result<Fr, BackendError> {
        let index = match self.mode {
            Mode::Absorbing(_) => {
                self.charge(1, 0, 0);
                0
            }
            Mode::Squeezing(i) if i == POSEIDON_RATE => {
                self.charge(1, 0, 0);
                0
            }
            Mode::Squeezing(i) => i,
        };
        self.mode = Mode::Squeezing(index + 1);
        SpongeOps::squeeze(&mut self.inner)
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
    let total: usize = charges.values().map(|c| c.permutations).sum();
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
