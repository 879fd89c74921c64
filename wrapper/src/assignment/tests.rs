//! The recorder against arkworks' synthesis: the same instance, witness and rows, and the
//! same outcomes, for every operation and on random programs.

use super::*;
use ark_relations::gr1cs::ConstraintSystemRef;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use zkmodel_prover::transcript::POSEIDON_RATE;

/// Every [`FieldOps`] operation on every pairing of input, witness, zero witness,
/// constant and zero constant, equalities both ways, inverses of zero and nonzero values,
/// bit decompositions, and sponge schedules mixing constants and variables (constant-only
/// permutations, absorbs and squeezes across rate blocks). Each result is multiplied by a
/// witness so a constant/variable mismatch shows as a missing or extra row. Returns each
/// fallible operation's outcome.
fn exercise<B: Builder>(b: &B) -> Result<Vec<String>, BackendError> {
    let mut outcomes = Vec::new();
    let y = b.witness(Fr::from(5u64))?;
    let vals = [
        b.input(Fr::from(3u64))?,
        y.clone(),
        b.witness(Fr::ZERO)?,
        B::Var::constant(Fr::from(7u64)),
        B::Var::constant(Fr::ZERO),
    ];
    let mut made = Vec::new();
    for a in &vals {
        for c in &vals {
            made.extend([a.add(c), a.sub(c), a.mul(c)]);
            outcomes.push(format!("{:?}", a.enforce_equal(c)));
        }
        made.extend([a.neg(), a.one_minus()]);
        for k in [Fr::ZERO, Fr::ONE, Fr::from(9u64)] {
            made.extend([a.mul_const(k), a.add_const(k)]);
        }
        let inverse = a.checked_inverse()?;
        outcomes.push(format!("{:?}", inverse.as_ref().map(|i| i.value())));
        made.extend(inverse);
        outcomes.push(format!("{:?}", a.enforce_nonzero()));
    }
    made.push(B::Var::sum(&vals));
    for (u, bits) in [(0b1011u64, 5u32), (0, 0), (u64::MAX, 64), (6, 2)] {
        made.push(b.bits(u, bits)?);
    }
    outcomes.push(format!("{:?}", b.bits(1, 65).map(|v| v.value())));
    let mut sponge = b.sponge();
    let k = B::Var::constant(Fr::from(11u64));
    sponge.absorb(std::slice::from_ref(&k))?;
    made.push(sponge.squeeze()?);
    let long: Vec<B::Var> = vals.iter().chain(&vals).cloned().collect();
    sponge.absorb(&long)?;
    for _ in 0..POSEIDON_RATE + 2 {
        made.push(sponge.squeeze()?);
    }
    sponge.absorb(&[k.clone(), k])?;
    made.push(sponge.squeeze()?);
    let mut constant_sponge = b.sponge();
    constant_sponge.absorb(&[B::Var::constant(Fr::ONE)])?;
    let c = constant_sponge.squeeze()?;
    outcomes.push(format!("{:?}", c.enforce_equal(&y)));
    made.push(c);
    for m in &made {
        outcomes.push(format!("{:?}", m.value()));
        made_row(m, &y)?;
    }
    Ok(outcomes)
}

fn made_row<V: FieldOps>(m: &V, y: &V) -> Result<(), BackendError> {
    m.mul(y).enforce_equal(m).map(|_| ())
}

struct Exercise<'a>(&'a RefCell<Vec<String>>);

impl ConstraintSynthesizer<Fr> for Exercise<'_> {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let outcomes = exercise(&cs).map_err(|_| SynthesisError::Unsatisfiable)?;
        *self.0.borrow_mut() = outcomes;
        Ok(())
    }
}

#[test]
fn the_recorder_makes_arkworks_witnesses_and_rows_for_every_operation() {
    let outcomes = RefCell::new(Vec::new());
    let reference = Assignment::synthesize(Exercise(&outcomes)).unwrap();
    let recorder = Recorder::default();
    let recorded_outcomes = exercise(&&recorder).unwrap();
    let recorded = recorder.finish();
    assert_eq!(recorded_outcomes, outcomes.into_inner());
    assert_eq!(recorded.instance, reference.instance);
    assert_eq!(recorded.witness, reference.witness);
    for (r, a) in recorded.rows.iter().zip(&reference.rows) {
        assert_eq!(r.len(), a.len());
        let first = r.iter().zip(a).position(|(r, a)| r != a);
        assert_eq!(first, None, "the first row that differs");
    }
    assert!(
        recorded.rows[0].len() > 3 * 100,
        "the sponge's S-boxes are recorded"
    );
    // Unsatisfied rows are recorded as they are: x = 3 ≠ 5 = y, and 0 has no inverse.
    assert!(recorded.first_unsatisfied().is_some());
    // Both refuse a decomposition wider than the value.
    assert!(
        recorded_outcomes
            .iter()
            .any(|o| o.starts_with("Err") && o.contains("65-bit"))
    );
}

fn small(rng: &mut ChaCha20Rng) -> Fr {
    match rng.gen_range(0..5) {
        0 => Fr::ZERO,
        1 => Fr::ONE,
        2 => -Fr::ONE,
        _ => Fr::from(rng.gen_range(0u64..1000)),
    }
}

/// A random program over a pool of values: inputs, witnesses, constants (0, ±1, small),
/// every [`FieldOps`] operation, bit decompositions, and several sponges — forked, fresh,
/// absorbing 0–6 mixed words, squeezing. Every value is finally multiplied by a witness, so
/// a constant/variable mismatch shows as a missing or extra row.
fn random_program<B: Builder>(b: &B, seed: u64) -> Result<Vec<String>, BackendError> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut outcomes = Vec::new();
    let mut pool = vec![B::Var::constant(Fr::ZERO), b.witness(Fr::from(3u64))?];
    let mut sponges = vec![b.sponge()];
    for _ in 0..rng.gen_range(1..400) {
        let x = pool[rng.gen_range(0..pool.len())].clone();
        let y = pool[rng.gen_range(0..pool.len())].clone();
        let made = match rng.gen_range(0..22) {
            0 => Some(b.input(small(&mut rng))?),
            1 => Some(b.witness(small(&mut rng))?),
            2 => Some(B::Var::constant(small(&mut rng))),
            3 => Some(x.add(&y)),
            4 => Some(x.sub(&y)),
            5 | 6 => Some(x.mul(&y)),
            7 => Some(x.neg()),
            8 => Some(x.mul_const(small(&mut rng))),
            9 => Some(x.add_const(small(&mut rng))),
            10 => {
                outcomes.push(format!("eq {:?}", x.enforce_equal(&y)));
                None
            }
            11 => {
                outcomes.push(format!("nonzero {:?}", x.enforce_nonzero()));
                None
            }
            12 => {
                let inverse = x.checked_inverse()?;
                outcomes.push(format!("inverse {:?}", inverse.as_ref().map(|v| v.value())));
                inverse
            }
            13 => {
                let bits = rng.gen_range(0..=64u32);
                Some(b.bits(rng.r#gen(), bits)?)
            }
            14 => {
                let (i, j) = (rng.gen_range(0..pool.len()), rng.gen_range(0..pool.len()));
                Some(B::Var::sum(&pool[i.min(j)..i.max(j)]))
            }
            15 | 16 => {
                let k = rng.gen_range(0..sponges.len());
                let xs: Vec<B::Var> = (0..rng.gen_range(0..7))
                    .map(|_| pool[rng.gen_range(0..pool.len())].clone())
                    .collect();
                sponges[k].absorb(&xs)?;
                None
            }
            17 | 18 => {
                let k = rng.gen_range(0..sponges.len());
                Some(sponges[k].squeeze()?)
            }
            19 => {
                let fork = sponges[rng.gen_range(0..sponges.len())].clone();
                sponges.push(fork);
                None
            }
            20 => {
                sponges.push(b.sponge());
                None
            }
            _ => Some(x.one_minus()),
        };
        if let Some(v) = made {
            outcomes.push(format!("{:?}", v.value()));
            pool.push(v);
        }
    }
    let w = b.witness(Fr::from(2u64))?;
    for v in &pool {
        outcomes.push(format!("{:?}", v.mul(&w).value()));
    }
    Ok(outcomes)
}

struct Random<'a>(u64, &'a RefCell<Vec<String>>);

impl ConstraintSynthesizer<Fr> for Random<'_> {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let outcomes = random_program(&cs, self.0).map_err(|_| SynthesisError::Unsatisfiable)?;
        *self.1.borrow_mut() = outcomes;
        Ok(())
    }
}

#[test]
fn the_recorder_matches_arkworks_on_random_programs() {
    for seed in 0..200u64 {
        let outcomes = RefCell::new(Vec::new());
        let reference = Assignment::synthesize(Random(seed, &outcomes)).unwrap();
        let recorder = Recorder::default();
        let recorded_outcomes = random_program(&&recorder, seed).unwrap();
        assert_eq!(recorded_outcomes, outcomes.into_inner(), "seed {seed}");
        assert!(
            recorder.finish() == reference,
            "seed {seed}: the assignments differ"
        );
    }
}
