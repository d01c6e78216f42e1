//! Command-line flags, shared by the interactive mode and `check`.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(
    name = "eksnet-tui",
    version,
    about = "Does the private API endpoint of a Kubernetes cluster (EKS, or any API behind an NLB) resolve and answer from here? If not, which hop broke and why.",
    after_help = "Exit codes of `check`: 0 all ok, 1 warnings or unknown hops, 2 failures, 3 could not run.\nTry it without an AWS account: eksnet-tui --demo (scenarios: eksnet-tui --demo list)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub opts: Opts,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Collect once, print the path verdict and the findings, and exit with the verdict's code.
    Check(CheckArgs),
    /// Print a shell completion script, e.g. `eksnet-tui completions bash > /etc/bash_completion.d/eksnet-tui`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `eksnet-tui man | man -l -`.
    Man,
    /// Watch one or more clusters and serve the verdicts as Prometheus metrics.
    Serve(ServeOpts),
    /// Open the interactive view over a recording (`--record`): pause, step and seek.
    Replay {
        /// The recording, as `--record` wrote it.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

impl From<CheckOpts> for CheckArgs {
    fn from(check: CheckOpts) -> Self {
        Self {
            check,
            replay: None,
            at: None,
        }
    }
}

#[derive(Debug, Args, Clone)]
pub struct CheckArgs {
    #[command(flatten)]
    pub check: CheckOpts,
    /// Judge a recording (`--record`) instead of collecting: the state at --at, else at its end.
    #[arg(long, value_name = "FILE")]
    pub replay: Option<PathBuf>,
    /// The time to judge the recording at: 2026-11-02T09:41:00Z, 09:41[:30] (UTC), or +5m from its start.
    #[arg(long, value_name = "TIME", requires = "replay")]
    pub at: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct ServeOpts {
    /// Address to serve /metrics and /healthz on.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:9717")]
    pub listen: SocketAddr,
    /// Seconds between refreshes of each cluster.
    #[arg(long, value_name = "SECS", default_value = "30", allow_negative_numbers = true, value_parser = parse_secs)]
    pub every: Duration,
    #[command(flatten)]
    pub check: CheckOpts,
}

#[derive(Debug, Args, Clone)]
pub struct CheckOpts {
    /// DNS samples to take before judging.
    #[arg(long, default_value_t = 3, allow_negative_numbers = true, value_parser = parse_samples)]
    pub samples: u32,
    /// Seconds to wait for each read of a source.
    #[arg(long, value_name = "SECS", default_value = "20", allow_negative_numbers = true, value_parser = parse_secs)]
    pub timeout: Duration,
}

#[derive(Debug, Args, Clone)]
pub struct Opts {
    /// Use the built-in simulated environment (no AWS account, no network); `list` shows the scenarios.
    #[arg(long, global = true, value_name = "SCENARIO", num_args = 0..=1, default_missing_value = "healthy")]
    pub demo: Option<String>,
    /// EKS cluster name (default: the only cluster in the region).
    #[arg(long, global = true, value_name = "NAME")]
    pub cluster: Option<String>,
    /// Kubeconfig context to look at; a server that is not EKS's is followed to the NLB in
    /// front of it (without it, the current context only helps pick the EKS cluster).
    #[arg(long, global = true, value_name = "NAME")]
    pub context: Option<String>,
    /// The API server to look at, by URL: any Kubernetes API behind an NLB, or an EKS endpoint.
    #[arg(long, global = true, value_name = "URL", value_parser = parse_server, conflicts_with = "cluster")]
    pub server: Option<String>,
    /// A VPC Lattice service to check instead of an API: its name, ARN, id or DNS name.
    #[arg(long, global = true, value_name = "NAME|ARN|DNS", value_parser = parse_lattice_service, conflicts_with_all = ["cluster", "server", "context"])]
    pub lattice_service: Option<String>,
    /// PEM file of the CA that signs the API server's certificate (default: the kubeconfig's).
    #[arg(long, global = true, value_name = "PATH")]
    pub ca_file: Option<PathBuf>,
    /// What the probe asks for once connected [default: /livez; / for a Lattice service].
    #[arg(long, global = true, value_name = "PATH", value_parser = parse_probe_path)]
    pub probe_path: Option<String>,
    /// A TOML file of [[clusters]] entries (name, region, profile, from-vpc, context, server):
    /// what `serve` watches and `:clusters` switches between.
    #[arg(long, global = true, value_name = "PATH")]
    pub fleet: Option<PathBuf>,
    /// AWS region (default: from the environment or profile).
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,
    /// AWS shared-config profile.
    #[arg(long, global = true, value_name = "PROFILE")]
    pub profile: Option<String>,
    /// Send AWS API calls to this URL instead (an emulator); AWS_ENDPOINT_URL works too.
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Treat this VPC as where this host is (default: instance metadata).
    #[arg(long, global = true, value_name = "VPC_ID", value_parser = parse_vpc_id)]
    pub from_vpc: Option<String>,
    /// DNS server to ask instead of the system resolver.
    #[arg(long, global = true, value_name = "ADDR[:PORT]", value_parser = parse_resolver)]
    pub resolver: Option<SocketAddr>,
    /// Hosts file read before DNS, as kubectl's resolver does (default /etc/hosts; with
    /// --resolver, none unless given).
    #[arg(long, global = true, value_name = "PATH", value_parser = parse_hosts_file)]
    pub hosts_file: Option<std::path::PathBuf>,
    /// Skip live DNS lookups and probes.
    #[arg(long, global = true)]
    pub no_live: bool,
    /// Skip probes of the endpoint (DNS still sampled).
    #[arg(long, global = true)]
    pub no_probe: bool,
    /// Seconds between refreshes of live data.
    #[arg(long, global = true, value_name = "SECS", allow_negative_numbers = true, value_parser = parse_secs)]
    pub interval: Option<Duration>,
    /// Colour theme: a built-in name or a TOML file.
    #[arg(long, global = true, value_name = "NAME|PATH")]
    pub theme: Option<String>,
    /// Config file (default: $XDG_CONFIG_HOME/eksnet-tui/config.toml).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Write logs to this file.
    #[arg(long, global = true, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
    /// Record every update and live sample into this file as JSON Lines, for `replay` and
    /// `check --replay`.
    #[arg(long, global = true, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// Rotate the recording once it holds this many megabytes.
    #[arg(long, global = true, value_name = "MB", default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub record_max_mb: u64,
    /// Rotated recordings to keep beside the current one (FILE.1 is the newest).
    #[arg(long, global = true, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u32).range(0..=100))]
    pub record_keep: u32,
    /// Output format of `check`.
    #[arg(long, global = true, value_enum, default_value_t = Output::Text)]
    pub output: Output,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    Text,
    Json,
    /// The verdict, hop table, findings with fixes and what was not checked, for a ticket.
    Markdown,
}

fn parse_secs(s: &str) -> Result<Duration, String> {
    let v: f64 = s
        .parse()
        .map_err(|_| format!("'{s}' is not a number of seconds"))?;
    if !(0.1..=3600.0).contains(&v) {
        return Err(format!(
            "{s} is out of range; accepted: 0.1 to 3600 seconds"
        ));
    }
    Ok(Duration::from_secs_f64(v))
}

fn parse_samples(s: &str) -> Result<u32, String> {
    match s.parse::<u32>() {
        Ok(n) if (1..=100).contains(&n) => Ok(n),
        _ => Err(format!(
            "'{s}' is not a number of samples; accepted: a whole number from 1 to 100"
        )),
    }
}

fn parse_server(s: &str) -> Result<String, String> {
    crate::model::ServerApi::parse(s).map(|_| s.to_string())
}

fn parse_lattice_service(s: &str) -> Result<String, String> {
    let t = s.trim();
    if !t.is_empty() && !t.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Ok(t.to_string())
    } else {
        Err(format!(
            "'{s}' is not a Lattice service; accepted: a name, ARN, id (svc-...) or DNS name"
        ))
    }
}

fn parse_probe_path(s: &str) -> Result<String, String> {
    if s.starts_with('/') && !s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Ok(s.to_string())
    } else {
        Err(format!(
            "'{s}' is not a request path; accepted: a path starting with /, e.g. /livez or /healthz"
        ))
    }
}

fn parse_vpc_id(s: &str) -> Result<String, String> {
    let hex = s.strip_prefix("vpc-").unwrap_or("");
    if !hex.is_empty() && hex.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(s.to_string())
    } else {
        Err(format!(
            "'{s}' is not a VPC id; accepted: vpc- followed by letters and digits"
        ))
    }
}

/// A hosts file named on the command line must be there to be read.
fn parse_hosts_file(s: &str) -> Result<std::path::PathBuf, String> {
    let reason = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    };
    match std::fs::metadata(s) {
        Ok(m) if !m.is_file() => Err(format!(
            "'{s}' is not a file; accepted: a readable hosts file"
        )),
        Ok(_) => std::fs::File::open(s).map(|_| s.into()).map_err(|e| {
            format!(
                "cannot read '{s}': {}; accepted: a readable hosts file",
                reason(e)
            )
        }),
        Err(e) => Err(format!(
            "cannot read '{s}': {}; accepted: a readable hosts file",
            reason(e)
        )),
    }
}

/// `ADDR`, `ADDR:PORT`, `[V6]:PORT` or a bare IPv6 address; port 53 by default.
pub fn parse_resolver(s: &str) -> Result<SocketAddr, String> {
    if let Ok(sa) = s.parse::<SocketAddr>() {
        return Ok(sa);
    }
    if let Ok(ip) = s.trim_matches(['[', ']']).parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, 53));
    }
    Err(format!(
        "'{s}' is not a DNS server address; accepted: ADDR or ADDR:PORT, e.g. 127.0.0.1:5353 or [::1]:53"
    ))
}

const HINT: &str = "run 'eksnet-tui --help' for the accepted flags";

/// What the command line asked for, when it is not a run: text to print, then exit 0.
#[derive(Debug)]
pub enum Parsed {
    Run(Box<Cli>),
    /// `--help`, `--version`, a completion script or the manual page.
    Print(String),
}

/// Flags that cannot be run, as one line: what was wrong and what is accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlagError {
    #[error("unknown flag '{flag}'{}; {HINT}", did_you_mean(.suggestion.as_deref()))]
    UnknownFlag {
        flag: String,
        suggestion: Option<String>,
    },
    #[error("unknown command '{0}'; accepted: check, or none for the interactive view")]
    UnknownCommand(String),
    #[error("invalid value '{value}' for {flag}; accepted: {accepted}")]
    InvalidValue {
        flag: String,
        value: String,
        accepted: String,
    },
    /// Anything else clap refuses, in its own words (first line only).
    #[error("{0}")]
    Invalid(String),
}

fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion
        .map(|s| format!(" (did you mean '{s}'?)"))
        .unwrap_or_default()
}

pub fn parse<I, T>(args: I) -> Result<Parsed, FlagError>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let mut args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    // `--demo check`: the optional scenario must not swallow the subcommand.
    if let Some(i) = args.iter().position(|a| a == "--demo")
        && args.get(i + 1).is_some_and(|a| a == "check")
    {
        args[i] = "--demo=healthy".into();
    }
    match Cli::try_parse_from(args) {
        Ok(Cli {
            command: Some(Command::Completions { shell }),
            ..
        }) => Ok(Parsed::Print(completions(shell))),
        Ok(Cli {
            command: Some(Command::Man),
            ..
        }) => Ok(Parsed::Print(man())),
        Ok(cli) => Ok(Parsed::Run(Box::new(cli))),
        Err(e) => match e.kind() {
            ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                Ok(Parsed::Print(e.to_string()))
            }
            _ => Err(flag_error(&e)),
        },
    }
}

/// The completion script for `shell`, generated from these flags.
pub fn completions(shell: clap_complete::Shell) -> String {
    use clap::CommandFactory;
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "eksnet-tui", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// The manual page, in roff, generated from these flags.
pub fn man() -> String {
    use clap::CommandFactory;
    let mut out = Vec::new();
    // Rendering into memory cannot fail for want of space.
    let _ = clap_mangen::Man::new(Cli::command()).render(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn ctx_str(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join(", ")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        other => Some(other.to_string()),
    }
}

fn flag_error(e: &clap::Error) -> FlagError {
    let arg = || ctx_str(e, ContextKind::InvalidArg).unwrap_or_default();
    match (e.kind(), ctx_str(e, ContextKind::ValidValue)) {
        (ErrorKind::UnknownArgument, _) => FlagError::UnknownFlag {
            flag: arg(),
            suggestion: ctx_str(e, ContextKind::SuggestedArg),
        },
        (ErrorKind::MissingRequiredArgument, _) => {
            FlagError::Invalid(format!("missing {}; {HINT}", arg()))
        }
        (ErrorKind::InvalidSubcommand, _) => FlagError::UnknownCommand(
            ctx_str(e, ContextKind::InvalidSubcommand).unwrap_or_default(),
        ),
        (ErrorKind::InvalidValue, Some(accepted)) if !accepted.is_empty() => {
            FlagError::InvalidValue {
                flag: arg(),
                value: ctx_str(e, ContextKind::InvalidValue).unwrap_or_default(),
                accepted,
            }
        }
        (ErrorKind::InvalidValue, _)
            if ctx_str(e, ContextKind::InvalidValue).is_none_or(|v| v.is_empty()) =>
        {
            empty_value(&arg())
        }
        _ => {
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("invalid arguments");
            let first = first.trim_start_matches("error: ").trim();
            // Our value parsers already say what is accepted; clap's generic errors do not.
            if first.contains("accepted") || first.contains("--help") {
                FlagError::Invalid(first.to_string())
            } else {
                FlagError::Invalid(format!("{first}; {HINT}"))
            }
        }
    }
}

/// An empty value, said with what the flag accepts.
fn empty_value(arg: &str) -> FlagError {
    let flag = arg.split_whitespace().next().unwrap_or(arg);
    let accepted = match flag {
        "--from-vpc" => "vpc- followed by letters and digits".to_string(),
        "--resolver" => "ADDR or ADDR:PORT, e.g. 127.0.0.1:5353".to_string(),
        "--interval" | "--timeout" => "0.1 to 3600 seconds".to_string(),
        "--samples" => "a whole number from 1 to 100".to_string(),
        _ => format!(
            "a non-empty {}",
            arg.split_whitespace()
                .nth(1)
                .unwrap_or("value")
                .trim_matches(['<', '>'])
        ),
    };
    FlagError::Invalid(format!("{flag} needs a value; accepted: {accepted}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(args: &[&str]) -> FlagError {
        parse(std::iter::once("eksnet-tui").chain(args.iter().copied())).unwrap_err()
    }

    fn ok(args: &[&str]) -> Cli {
        match parse(std::iter::once("eksnet-tui").chain(args.iter().copied())).unwrap() {
            Parsed::Run(cli) => *cli,
            Parsed::Print(text) => panic!("{text}"),
        }
    }

    #[test]
    fn demo_takes_an_optional_scenario_before_or_after_check() {
        assert_eq!(ok(&["--demo"]).opts.demo.as_deref(), Some("healthy"));
        assert_eq!(
            ok(&["check", "--demo", "rotation-missed"])
                .opts
                .demo
                .as_deref(),
            Some("rotation-missed")
        );
        let c = ok(&["--demo", "check", "--output", "json"]);
        assert!(matches!(c.command, Some(Command::Check(_))));
        assert_eq!(c.opts.demo.as_deref(), Some("healthy"));
        assert_eq!(c.opts.output, Output::Json);
    }

    #[test]
    fn bad_flags_are_one_line_with_what_is_accepted() {
        let e = err(&["--bogus"]);
        assert!(
            matches!(&e, FlagError::UnknownFlag { flag, .. } if flag == "--bogus"),
            "{e:?}"
        );
        assert!(e.to_string().contains("unknown flag '--bogus'"), "{e}");
        let e = err(&["check", "--output", "yaml"]);
        assert_eq!(
            e,
            FlagError::InvalidValue {
                flag: "--output <OUTPUT>".into(),
                value: "yaml".into(),
                accepted: "text, json, markdown".into(),
            }
        );
        let e = err(&["--interval", "-3"]).to_string();
        assert!(e.contains("accepted") || e.contains("--help"), "{e}");
        let e = err(&["--resolver", "nonsense"]);
        assert!(matches!(e, FlagError::Invalid(_)), "{e:?}");
        assert!(e.to_string().contains("ADDR:PORT"), "{e}");
        let e = err(&["--hosts-file", "/nonexistent/hosts"]).to_string();
        assert!(e.contains("cannot read '/nonexistent/hosts'"), "{e}");
        assert!(
            err(&["--hosts-file", "/"])
                .to_string()
                .contains("is not a file")
        );
        let e = err(&["--from-vpc", "subnet-1"]).to_string();
        assert!(e.contains("vpc-"), "{e}");
        assert_eq!(
            err(&["frobnicate"]),
            FlagError::UnknownCommand("frobnicate".into())
        );
        let e = err(&["--interval", "-1"]).to_string();
        assert!(
            e.contains("-1 is out of range; accepted: 0.1 to 3600"),
            "{e}"
        );
        let e = err(&["check", "--samples", "0"]).to_string();
        assert!(e.contains("accepted: a whole number from 1 to 100"), "{e}");
        let e = err(&["--from-vpc", ""]).to_string();
        assert!(
            e.ends_with("accepted: vpc- followed by letters and digits"),
            "{e}"
        );
        assert_eq!(
            empty_value("--from-vpc <VPC_ID>").to_string(),
            "--from-vpc needs a value; accepted: vpc- followed by letters and digits"
        );
        for args in [
            &["--bogus"][..],
            &["--interval", "x"],
            &["check", "--samples", "0"],
        ] {
            let e = err(args).to_string();
            assert!(!e.contains('\n'), "one line: {e}");
        }
    }

    #[test]
    fn resolver_forms() {
        assert_eq!(
            parse_resolver("127.0.0.1").unwrap(),
            "127.0.0.1:53".parse().unwrap()
        );
        assert_eq!(
            parse_resolver("127.0.0.1:5353").unwrap(),
            "127.0.0.1:5353".parse().unwrap()
        );
        assert_eq!(parse_resolver("::1").unwrap(), "[::1]:53".parse().unwrap());
        assert_eq!(
            parse_resolver("[::1]:5300").unwrap(),
            "[::1]:5300".parse().unwrap()
        );
    }

    #[test]
    fn help_is_not_an_error() {
        assert!(matches!(
            parse(["eksnet-tui", "--help"]),
            Ok(Parsed::Print(_))
        ));
    }
}
