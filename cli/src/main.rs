//! The `zkmodel` command-line tool: a seller's off-chain flow for its own ONNX model (DESIGN
//! §1), thin over the library crates.
//!
//! Exit codes: 0 success; 1 the command failed (bad input, a rejected proof: the message says
//! what and what to do); 2 invalid command-line usage.

mod architecture;
mod ceremony;
mod chain;
mod commit;
mod common;
mod data;
mod fulfil;
mod import;
mod inspect;
mod precheck;
mod prove;
mod relayer;
mod setup;
mod srs;
mod train;
mod verify;
mod wrap;

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
    #[command(alias = "arch")]
    Architecture(architecture::Args),
    Commit(commit::Args),
    CommitTestSet(commit::TestSetArgs),
    CommitSeeded(commit::SeededArgs),
    Prove(prove::Args),
    Train(train::Args),
    Verify(verify::Args),
    Setup(setup::SetupArgs),
    Ceremony(ceremony::Args),
    Wrap(wrap::Args),
    ExportVerifier(setup::ExportArgs),
    Chain(chain::Args),
    Relayer(relayer::Args),
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

/// Logs on stderr through the progress-bar layer, so a log line prints above a running
/// spinner instead of tearing it; spinners show only on a terminal.
fn init_logging(level: tracing::Level) {
    use tracing_subscriber::Layer;
    use tracing_subscriber::filter::filter_fn;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let bars = tracing_indicatif::IndicatifLayer::new();
    // Our crates log at the chosen level; dependencies only warnings (arkworks' constraint
    // synthesis opens a span per gadget, millions per wrap).
    let ours = move |m: &tracing::Metadata<'_>| {
        let limit = if m.target().starts_with("zkmodel") {
            level
        } else {
            tracing::Level::WARN
        };
        *m.level() <= limit
    };
    let logs = tracing_subscriber::fmt::layer()
        .with_writer(bars.get_stderr_writer())
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_filter(filter_fn(ours));
    tracing_subscriber::registry()
        .with(logs)
        .with(bars.with_filter(filter_fn(|m| m.is_span() && m.target() == "zkmodel")))
        .init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let level = match cli.verbose {
        0 => tracing::Level::WARN,
        1 => tracing::Level::INFO,
        _ => tracing::Level::DEBUG,
    };
    init_logging(level);
    let out = Output { json: cli.json };
    let result = match cli.command {
        Command::Import(args) => import::run(&args, &out),
        Command::Inspect(args) => inspect::run(&args, &out),
        Command::Srs(args) => srs::run(&args, &out),
        Command::Architecture(args) => architecture::run(&args, &out),
        Command::Commit(args) => commit::run(&args, &out),
        Command::CommitTestSet(args) => commit::run_test_set(&args, &out),
        Command::CommitSeeded(args) => commit::run_seeded(&args, &out),
        Command::Prove(args) => prove::run(&args, &out),
        Command::Train(args) => train::run(&args, &out),
        Command::Verify(args) => verify::run(&args, &out),
        Command::Setup(args) => setup::run_setup(&args, &out),
        Command::Ceremony(args) => ceremony::run(&args, &out),
        Command::Wrap(args) => wrap::run(&args, &out),
        Command::ExportVerifier(args) => setup::run_export(&args, &out),
        Command::Chain(args) => chain::run(&args, &out),
        Command::Relayer(args) => relayer::run(&args, &out),
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
