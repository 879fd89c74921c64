#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The in-circuit Poseidon sponge agrees with the native sponge and with arkworks'
//! `PoseidonSpongeVar` (outputs and constraint count) on random absorb/squeeze schedules
//! mixing constants and witnesses; every witness it allocates is bound by a constraint.

use ark_crypto_primitives::sponge::constraints::CryptographicSpongeVar;
use ark_crypto_primitives::sponge::poseidon::constraints::PoseidonSpongeVar;
use ark_r1cs_std::GR1CSVar;
use ark_r1cs_std::alloc::AllocVar;
use ark_r1cs_std::fields::fp::FpVar;
use ark_relations::gr1cs::{ConstraintSystem, ConstraintSystemRef};
use ark_std::UniformRand;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use zkmodel_prover::Fr;
use zkmodel_prover::transcript::{NativeSponge, SpongeOps, poseidon_config};
use zkmodel_wrapper::backend::Var;
use zkmodel_wrapper::poseidon::PoseidonGadget;

/// One step of a schedule: absorb these (value, is_witness) pairs, or squeeze `n` elements.
enum Op {
    Absorb(Vec<(Fr, bool)>),
    Squeeze(usize),
}

fn schedule(seed: u64) -> Vec<Op> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    (0..rng.gen_range(1..12))
        .map(|_| {
            if rng.gen_bool(0.6) {
                let n = rng.gen_range(0..10);
                // Some schedules start all-constant, as transcripts do (labels, sizes).
                let witness_odds = if seed.is_multiple_of(3) { 0.0 } else { 0.7 };
                Op::Absorb(
                    (0..n)
                        .map(|_| (Fr::rand(&mut rng), rng.gen_bool(witness_odds)))
                        .collect(),
                )
            } else {
                Op::Squeeze(rng.gen_range(1..7))
            }
        })
        .collect()
}

fn alloc(cs: &ConstraintSystemRef<Fr>, (v, witness): (Fr, bool)) -> FpVar<Fr> {
    if witness {
        FpVar::new_witness(cs.clone(), || Ok(v)).unwrap()
    } else {
        FpVar::Constant(v)
    }
}

/// Runs a schedule on our gadget: (squeezed values, constraint system, indices of the input
/// witnesses).
fn run_ours(ops: &[Op]) -> (Vec<Fr>, ConstraintSystemRef<Fr>, Vec<usize>) {
    let cs = ConstraintSystem::<Fr>::new_ref();
    let mut sponge = PoseidonGadget::new(cs.clone());
    let (mut out, mut inputs) = (Vec::new(), Vec::new());
    for op in ops {
        match op {
            Op::Absorb(xs) => {
                let vars: Vec<Var> = xs
                    .iter()
                    .map(|x| {
                        if x.1 {
                            inputs.push(cs.num_witness_variables());
                        }
                        Var(alloc(&cs, *x))
                    })
                    .collect();
                sponge.absorb(&vars).unwrap();
            }
            Op::Squeeze(n) => {
                for _ in 0..*n {
                    out.push(sponge.squeeze().unwrap().0.value().unwrap());
                }
            }
        }
    }
    (out, cs, inputs)
}

#[test]
fn matches_native_and_arkworks_gadget() {
    for seed in 0..24 {
        let ops = schedule(seed);
        let (ours, cs, _) = run_ours(&ops);
        assert!(cs.is_satisfied().unwrap(), "seed {seed}");

        let mut native = NativeSponge::new();
        let theirs_cs = ConstraintSystem::<Fr>::new_ref();
        let mut theirs = PoseidonSpongeVar::new(theirs_cs.clone(), poseidon_config());
        let (mut expected, mut arkworks) = (Vec::new(), Vec::new());
        for op in &ops {
            match op {
                Op::Absorb(xs) => {
                    let values: Vec<Fr> = xs.iter().map(|x| x.0).collect();
                    SpongeOps::absorb(&mut native, &values).unwrap();
                    let vars: Vec<FpVar<Fr>> = xs.iter().map(|x| alloc(&theirs_cs, *x)).collect();
                    theirs.absorb(&vars).unwrap();
                }
                Op::Squeeze(n) => {
                    for _ in 0..*n {
                        expected.push(SpongeOps::squeeze(&mut native).unwrap());
                        let v = theirs.squeeze_field_elements(1).unwrap();
                        arkworks.push(v[0].value().unwrap());
                    }
                }
            }
        }
        assert_eq!(ours, expected, "seed {seed}: native");
        assert_eq!(ours, arkworks, "seed {seed}: arkworks gadget");
        assert_eq!(
            cs.num_constraints(),
            theirs_cs.num_constraints(),
            "seed {seed}: constraint count"
        );
    }
}

#[test]
fn constant_schedules_cost_nothing() {
    let ops = vec![Op::Absorb(vec![(Fr::from(3u64), false); 6]), Op::Squeeze(5)];
    let (out, cs, _) = run_ours(&ops);
    assert_eq!(out.len(), 5);
    assert_eq!(cs.num_constraints(), 0);
    assert_eq!(cs.num_witness_variables(), 0);
}

/// Changing a witness the gadget allocated (x², x⁴ or x⁵ of an S-box) breaks a constraint:
/// every fifth witness (all three kinds, every round type) and the last S-box's.
#[test]
fn sbox_witnesses_are_bound() {
    let ops = vec![
        Op::Absorb(vec![(Fr::from(7u64), true), (Fr::from(9u64), false)]),
        Op::Squeeze(2),
        Op::Absorb(vec![(Fr::from(11u64), true); 5]),
        Op::Squeeze(1),
    ];
    let (_, cs, inputs) = run_ours(&ops);
    assert!(cs.is_satisfied().unwrap());
    // Three permutations; the first starts with four constant words (four free S-boxes).
    let total = cs.num_witness_variables();
    assert_eq!(total, inputs.len() + 3 * (3 * (8 * 5 + 60)) - 3 * 4);
    for i in (0..total).filter(|i| !inputs.contains(i) && (i.is_multiple_of(5) || i + 3 >= total)) {
        let tweak = |delta: Fr| {
            cs.borrow_mut().unwrap().assignments.witness_assignment[i] += delta;
        };
        tweak(Fr::from(1u64));
        assert!(!cs.is_satisfied().unwrap(), "witness {i}");
        tweak(-Fr::from(1u64));
    }
    assert!(cs.is_satisfied().unwrap());
}
