//! Everything that stops the program before (or instead of) a verdict. Each variant's
//! message is the one line the user reads after `eksnet-tui: `; all of them exit 3.

use crate::cli::FlagError;
use crate::config::ConfigError;
use crate::exit::ExitCode;
use crate::sources::aws::config::AwsConfigError;
use crate::sources::collect::CollectError;
use crate::sources::demo::Scenario;
use crate::sources::dns::ResolverSetupError;
use crate::ui::theme::ThemeError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Flags(#[from] FlagError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Theme(#[from] ThemeError),
    /// The theme the config file names cannot be used.
    #[error("config {}: theme: {source}", .path.display())]
    ConfigTheme {
        path: PathBuf,
        #[source]
        source: ThemeError,
    },
    #[error(
        "unknown demo scenario '{name}'; accepted: {} (or 'list')",
        scenario_names()
    )]
    UnknownScenario { name: String },
    /// No region or no credentials: the account cannot be read at all.
    #[error(transparent)]
    Aws(#[from] AwsConfigError),
    #[error(transparent)]
    Resolver(#[from] ResolverSetupError),
    /// The named cluster does not exist, or nothing tells which one to read.
    #[error(transparent)]
    Cluster(#[from] CollectError),
    #[error(
        "unknown kubeconfig context '{name}'; accepted: {}",
        if .available.is_empty() { "none: the kubeconfig (KUBECONFIG or ~/.kube/config) holds no context".to_string() } else { .available.join(", ") }
    )]
    UnknownContext {
        name: String,
        available: Vec<String>,
    },
    #[error(
        "kubeconfig context '{context}' names cluster '{cluster}', which has no server; accepted: a context whose cluster entry has a server URL, or --server URL"
    )]
    ContextNoServer { context: String, cluster: String },
    #[error("kubeconfig context '{context}': server {why}")]
    KubeServer { context: String, why: String },
    #[error("cannot use {what} {}: {why}; accepted: a PEM file of the CA that signs the API server's certificate", .path.display())]
    CaFile {
        what: String,
        path: PathBuf,
        why: String,
    },
    #[error(
        "kubeconfig context '{context}': certificate-authority-data cannot be used: {why}; accepted: base64 of the CA's PEM, or --ca-file PATH"
    )]
    KubeCa { context: String, why: String },
    #[error("no cluster chosen")]
    NoClusterChosen,
    #[error(transparent)]
    Fleet(#[from] crate::startup::fleet::FleetError),
    #[error("cluster {name}: {source}")]
    InCluster {
        name: String,
        source: Box<StartupError>,
    },
    #[error("cannot serve on {addr}: {}", listen_reason(.source))]
    Listen {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Replay(#[from] crate::record::replay::ReplayError),
    #[error("cannot record into {}: {source}", .path.display())]
    Record {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the interactive view needs a terminal; use 'eksnet-tui check' for a report")]
    NotATerminal,
    #[error("cannot open log file {}: {source}", .path.display())]
    LogFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start logging: {0}")]
    Logging(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// The terminal could not be taken over, drawn on or read from.
    #[error("terminal error: {0}")]
    Terminal(#[source] std::io::Error),
}

impl StartupError {
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::CannotRun
    }
}

fn listen_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::AddrInUse => {
            "the address is already in use; accepted: a free ADDR:PORT".into()
        }
        std::io::ErrorKind::AddrNotAvailable => "no interface of this host has that address".into(),
        std::io::ErrorKind::PermissionDenied => {
            "permission denied (a port below 1024 needs privileges)".into()
        }
        _ => e.to_string(),
    }
}

fn scenario_names() -> String {
    Scenario::ALL
        .iter()
        .map(|s| s.name())
        .collect::<Vec<_>>()
        .join(", ")
}
