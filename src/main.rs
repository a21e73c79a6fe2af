//! The `zonedesk` binary: parse the command line, set up logging, run.
#![forbid(unsafe_code)]

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("ZONEDESK_LOG").unwrap_or_else(|_| "zonedesk=info,tower_http=warn".into()))
        .with_writer(std::io::stderr)
        .init();
    match zonedesk::cli::run(zonedesk::cli::Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("zonedesk: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
