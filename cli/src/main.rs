//! The `zkmodel` command-line tool: a seller's off-chain flow for its own ONNX model (DESIGN
//! §1), thin over the library crates.
//!
//! Exit codes: 0 success; 1 the command failed (bad input, a rejected proof: the message says
//! what and what to do); 2 invalid command-line usage.

mod data;
mod import;
mod inspect;
mod srs;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

const EXIT_CODES: &str = "Exit codes: 0 success; 1 the command failed (the message says what was \
wrong and what to do); 2 invalid usage.";

/// Prove on an EVM chain how an ML model was trained and what it computes.
#[derive(Parser, Debug)]
#[command(name = "zkmodel", version, about, after_help = EXIT_CODES)]
struct Cli {
    /// Machine-readable JSON on stdout instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// More logs on stderr (-v info, -vv debug).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    Import(import::Args),
    Inspect(inspect::Args),
    Srs(srs::Args),
}

/// How a command prints: text for people, JSON for programs.
pub struct Output {
    json: bool,
}

impl Output {
    /// Prints `text` (people) or `value` (with `--json`) on stdout.
    pub fn emit(&self, text: &str, value: serde_json::Value) {
        if self.json {
            println!("{value}");
        } else {
            println!("{text}");
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let level = match cli.verbose {
        0 => tracing::Level::WARN,
        1 => tracing::Level::INFO,
        _ => tracing::Level::DEBUG,
    };
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .init();
    let out = Output { json: cli.json };
    let result = match cli.command {
        Command::Import(args) => import::run(&args, &out),
        Command::Inspect(args) => inspect::run(&args, &out),
        Command::Srs(args) => srs::run(&args, &out),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if cli.json {
                println!("{}", serde_json::json!({ "error": format!("{e:#}") }));
            }
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
