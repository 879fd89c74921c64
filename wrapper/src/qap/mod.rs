//! The R1CS-to-QAP reduction of snarkjs (and circom's provers), so that keys from a snarkjs
//! phase-2 ceremony prove in arkworks — and development keys share their layout.
//!
//! Both reductions interpolate the same QAP: over the domain H of size n (a power of two, at
//! least constraints + public inputs + 1), A, B, C take the constraint rows' values, and row
//! `constraints + i` of A is wire i (the constant one and each public input: what makes the
//! public inputs' IC points independent). The verifying key (α, β, γ, δ, IC) and the A, B and
//! L queries are therefore identical. They differ in how the prover's H term
//! [h(τ)·Z(τ)/δ]₁ is spent:
//!
//! - arkworks' libsnark reduction divides A·B − C by Z on a coset and commits h's
//!   coefficients against [τ^i·Z(τ)/δ]₁;
//! - snarkjs evaluates A·B − C at the odd 2n-th roots of unity ω₂ₙ^(2i+1) (where Z does not
//!   vanish) and commits those values against [L_(2i+1)(τ)/δ]₁, the Lagrange basis of the
//!   2n-point domain at its odd points (ptau section 12, divided by δ in phase 2). Since
//!   A·B − C vanishes on H (the even points), Σ_odd (A·B − C)(ω^(2i+1))·L_(2i+1)(τ) =
//!   (A·B − C)(τ) = h(τ)·Z(τ).
//!
//! snarkjs takes C's values as A's times B's on each row (equal for a satisfying assignment);
//! this reduction evaluates C's rows as they are, so an unsatisfied assignment gives a proof
//! that does not verify rather than a wrong one of a different relation.
//!
//! Nothing here is a soundness assumption beyond Groth16's: the reduction is the prover's
//! arithmetic, and a key's H points are checked against the Powers of Tau by `zkey verify`.

use ark_ff::PrimeField;
use ark_groth16::r1cs_to_qap::{LibsnarkReduction, R1CSToQAP, evaluate_constraint};
use ark_poly::EvaluationDomain;
use ark_relations::gr1cs::{ConstraintSystemRef, Result as R1csResult, SynthesisError};
use ark_relations::utils::matrix::Matrix;
use rayon::prelude::*;

mod fft;
use fft::CosetTransform;

/// snarkjs's reduction: H committed as A·B − C at the odd 2n-th roots of unity.
pub struct SnarkjsQap;

/// ω₂ₙ, the primitive 2n-th root of unity whose odd powers are the evaluation points.
fn odd_root<F: PrimeField>(n: usize) -> R1csResult<F> {
    F::get_root_of_unity(2 * n as u64).ok_or(SynthesisError::PolynomialDegreeTooLarge)
}

/// snarkjs's H vector from the constraint rows' values A·z, B·z, C·z (one entry per
/// constraint) and the public inputs `inputs` (the constant one first): the rows on H, A's
/// input rows after them, each re-evaluated at the odd points, then A·B − C there. The prover
/// reads the rows from the values its synthesis cached for every linear combination, without
/// building the matrices.
pub fn witness_map_from_rows<F: PrimeField, D: EvaluationDomain<F>>(
    rows: [Vec<F>; 3],
    inputs: &[F],
) -> R1csResult<Vec<F>> {
    let [mut a, mut b, mut c] = rows;
    let num_constraints = a.len();
    if b.len() != num_constraints || c.len() != num_constraints {
        return Err(SynthesisError::Unsatisfiable);
    }
    let domain =
        D::new(num_constraints + inputs.len()).ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
    let n = domain.size();
    for v in [&mut a, &mut b, &mut c] {
        v.resize(n, F::zero());
    }
    a.get_mut(num_constraints..num_constraints + inputs.len())
        .ok_or(SynthesisError::PolynomialDegreeTooLarge)?
        .copy_from_slice(inputs);

    let transform = CosetTransform::new(n.trailing_zeros(), odd_root::<F>(n)?)
        .filter(|t| t.len() == n)
        .ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
    // Side by side: each transform also splits across cores, and the three fill the gaps.
    [&mut a, &mut b, &mut c]
        .into_par_iter()
        .for_each(|v| transform.to_coset(v));
    a.par_iter_mut()
        .zip(b.par_iter())
        .zip(c.par_iter())
        .for_each(|((a, b), c)| *a = *a * b - c);
    Ok(a)
}

impl R1CSToQAP for SnarkjsQap {
    #[allow(clippy::type_complexity)]
    fn instance_map_with_evaluation<F: PrimeField, D: EvaluationDomain<F>>(
        cs: ConstraintSystemRef<F>,
        t: &F,
    ) -> R1csResult<(Vec<F>, Vec<F>, Vec<F>, F, usize, usize)> {
        // The same QAP polynomials: only the H query differs (below).
        LibsnarkReduction::instance_map_with_evaluation::<F, D>(cs, t)
    }

    fn witness_map_from_matrices<F: PrimeField, D: EvaluationDomain<F>>(
        matrices: &[Matrix<F>],
        num_inputs: usize,
        num_constraints: usize,
        full_assignment: &[F],
    ) -> R1csResult<Vec<F>> {
        let [a_rows, b_rows, c_rows] = matrices else {
            return Err(SynthesisError::Unsatisfiable);
        };
        let rows = [a_rows, b_rows, c_rows].map(|m| {
            (0..num_constraints)
                .into_par_iter()
                .map(|i| {
                    m.get(i)
                        .map(|terms| evaluate_constraint(terms, full_assignment))
                        .unwrap_or_default()
                })
                .collect()
        });
        let inputs = full_assignment
            .get(..num_inputs)
            .ok_or(SynthesisError::AssignmentMissing)?;
        witness_map_from_rows::<F, D>(rows, inputs)
    }

    /// [L_(2i+1)(τ)/δ] for i < n over the 2n-point domain: the H query of a snarkjs key, for
    /// development keys made natively in the same layout.
    fn h_query_scalars<F: PrimeField, D: EvaluationDomain<F>>(
        max_power: usize,
        t: F,
        _zt: F,
        delta_inverse: F,
    ) -> R1csResult<Vec<F>> {
        let n = max_power + 1;
        let double = D::new(2 * n).ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
        if double.size() != 2 * n || double.group_gen() != odd_root::<F>(n)? {
            return Err(SynthesisError::PolynomialDegreeTooLarge);
        }
        Ok(double
            .evaluate_all_lagrange_coefficients(t)
            .into_iter()
            .skip(1)
            .step_by(2)
            .map(|l| l * delta_inverse)
            .collect())
    }
}
