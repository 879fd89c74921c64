//! Helpers shared by the report examples.

/// Peak resident memory of this process in MiB (Linux `VmHWM`), NaN where unavailable.
pub fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// With `PHASES=1` in the environment, prints each proving phase's time to stderr as its span
/// closes (the prover's `debug` spans: witness, trace commitment, blocks, opening and the
/// opening's own steps), so a report's time by phase is reproducible.
pub fn phases_from_env() {
    use tracing_subscriber::fmt::format::FmtSpan;
    use tracing_subscriber::prelude::*;
    if std::env::var_os("PHASES").is_some() {
        // Our crates' spans only: arkworks' constraint synthesis opens a span per namespace,
        // and at debug level for every target a Groth16 wrap logs tens of gigabytes.
        let only_prover = tracing_subscriber::filter::Targets::new()
            .with_target("zkmodel_prover", tracing::Level::DEBUG)
            .with_target("zkmodel_wrapper", tracing::Level::DEBUG);
        tracing_subscriber::registry()
            .with(
                tracing_subscriber::fmt::layer()
                    .with_span_events(FmtSpan::CLOSE)
                    .with_writer(std::io::stderr)
                    .with_target(false)
                    .with_ansi(false)
                    .with_filter(only_prover),
            )
            .init();
    }
}
