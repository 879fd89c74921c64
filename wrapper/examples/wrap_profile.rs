#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]
//! The Groth16 wrap of the digits MLP inference statement (batch 1), by phase: the time a
//! seller's `zkmodel wrap` spends after loading its files. `cargo run --release -p
//! zkmodel-wrapper --example wrap_profile -- [runs]`; `PHASES=1` prints each phase (circuit
//! values, synthesis, QAP, the G2 MSM beside the G1 ones). Also prints each proving-key query's
//! size (nonzero points / entries), which sets the MSMs' work. INSECURE development keys and
//! SRS: measurements only.

#[path = "../../prover/examples/common/mod.rs"]
mod common;

use ark_ec::AffineRepr;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::time::Instant;
use zkmodel_wrapper::dev::{DigitsTask, digits_mlp_dev};
use zkmodel_wrapper::wrap::wrap;

fn nonzero<P: AffineRepr>(points: &[P]) -> String {
    let n = points.iter().filter(|p| !p.is_zero()).count();
    format!("{n} / {}", points.len())
}

fn main() {
    common::phases_from_env();
    let runs: usize = std::env::args()
        .nth(1)
        .map_or(3, |a| a.parse().expect("runs: a number"));
    let dev = digits_mlp_dev(DigitsTask::Inference).unwrap();
    let pk = &dev.keys.pk;
    println!(
        "queries (nonzero / entries): A {}, B in G1 {}, B in G2 {}, L {}, H {}",
        nonzero(&pk.a_query),
        nonzero(&pk.b_g1_query),
        nonzero(&pk.b_g2_query),
        nonzero(&pk.l_query),
        nonzero(&pk.h_query)
    );
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    let native = Instant::now();
    let s = dev.native_proof(0, &mut rng).unwrap();
    println!("native proof {:.3} s", native.elapsed().as_secs_f64());
    let claim = s.claim();
    for run in 0..runs {
        let t = Instant::now();
        wrap(&dev.keys, &dev.srs, &dev.arch, &claim, &mut rng).unwrap();
        println!("wrap {run}: {:.3} s", t.elapsed().as_secs_f64());
    }
    println!("peak memory {:.0} MiB", common::peak_rss_mib());
}
