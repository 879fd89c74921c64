//! The `zkmodel` command-line tool.
//!
//! The seller, buyer and developer commands of DESIGN §1 (`train`, `import`, `prove`, `wrap`,
//! `register`, `attest`, `claims`, `request`) land with the crates that implement them; until
//! then the binary only reports its version and that no command exists yet.

use clap::Parser;

/// Prove on an EVM chain how an ML model was trained and what it computes.
#[derive(Parser, Debug)]
#[command(name = "zkmodel", version, about)]
struct Cli {}

fn main() -> anyhow::Result<()> {
    let _cli = Cli::parse();
    anyhow::bail!(
        "zkmodel {}: no commands are implemented yet (the proof core is a library today); \
         see README.md for what works",
        env!("CARGO_PKG_VERSION")
    )
}
