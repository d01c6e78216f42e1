//! A fleet: the clusters `serve` watches and `:clusters` switches between. From a fleet file
//! of `[[clusters]]` entries, or the demo's fleet (`--demo fleet`: every scenario as a
//! cluster of one simulated account).
//!
//! ```toml
//! [[clusters]]
//! name = "prod"             # the EKS cluster, and its label in the metrics
//! region = "eu-west-1"
//! profile = "prod-readonly" # optional
//! from-vpc = "vpc-0abc"     # optional: where this host is, without instance metadata
//! context = "prod"          # optional, or server = "https://api.k8s.internal:6443"
//! ```

use crate::cli::Opts;
use crate::sources::demo::Scenario;
use crate::toml_error::TomlProblem;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// `--demo fleet`: every demo scenario, each its own cluster named after it.
pub const DEMO_FLEET: &str = "fleet";

/// One cluster of a fleet: the name it is shown and labelled with, where it came from, and
/// the flags that read it (the command line's, with the entry's keys over them).
#[derive(Debug, Clone)]
pub struct Member {
    pub name: String,
    pub origin: String,
    pub opts: Opts,
}

/// The fleet the flags name (`--demo fleet` or `--fleet FILE`), or `None` for one cluster.
pub fn members(opts: &Opts) -> Result<Option<Vec<Member>>, FleetError> {
    if opts.demo.as_deref() == Some(DEMO_FLEET) {
        return Ok(Some(
            Scenario::ALL
                .iter()
                .map(|s| {
                    let mut o = opts.clone();
                    o.demo = Some(s.name().to_string());
                    o.fleet = None;
                    o.cluster = None;
                    Member {
                        name: s.name().to_string(),
                        origin: "demo".into(),
                        opts: o,
                    }
                })
                .collect(),
        ));
    }
    let Some(path) = &opts.fleet else {
        return Ok(None);
    };
    let origin = format!("fleet {}", path.display());
    Ok(Some(
        load(path)?
            .into_iter()
            .map(|c| {
                let mut o = opts.clone();
                o.fleet = None;
                o.region = c.region.or(o.region);
                o.profile = c.profile.or(o.profile);
                o.from_vpc = c.from_vpc.or(o.from_vpc);
                if c.context.is_none() && c.server.is_none() {
                    o.cluster = Some(c.name.clone());
                } else {
                    o.cluster = None;
                }
                o.context = c.context;
                o.server = c.server;
                Member {
                    name: c.name,
                    origin: origin.clone(),
                    opts: o,
                }
            })
            .collect(),
    ))
}

/// The member `--cluster` names in a fleet; an unknown name lists the known ones.
pub fn pick<'a>(members: &'a [Member], name: &str) -> Result<&'a Member, FleetError> {
    members
        .iter()
        .find(|m| m.name == name)
        .ok_or_else(|| FleetError::UnknownMember {
            name: name.to_string(),
            known: members.iter().map(|m| m.name.clone()).collect(),
        })
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FleetCluster {
    pub name: String,
    pub region: Option<String>,
    pub profile: Option<String>,
    pub from_vpc: Option<String>,
    pub context: Option<String>,
    pub server: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FleetFile {
    #[serde(default)]
    clusters: Vec<toml::Spanned<FleetCluster>>,
}

/// Why the fleet file cannot be used; each names the file, and the line where it can.
#[derive(Debug, thiserror::Error)]
pub enum FleetError {
    #[error("cannot read fleet file {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("fleet file {}{problem}; accepted keys in [[clusters]]: name, region, profile, from-vpc, context, server", .path.display())]
    Invalid { path: PathBuf, problem: TomlProblem },
    #[error("no cluster '{name}' in the fleet; known: {}", .known.join(", "))]
    UnknownMember { name: String, known: Vec<String> },
    #[error("the fleet holds {} clusters: choose one with --cluster NAME ({})", .known.len(), .known.join(", "))]
    ChooseMember { known: Vec<String> },
    #[error("fleet file {}: no [[clusters]] entry; accepted: one or more [[clusters]] tables with a name", .path.display())]
    Empty { path: PathBuf },
}

pub fn load(path: &Path) -> Result<Vec<FleetCluster>, FleetError> {
    let text = std::fs::read_to_string(path).map_err(|source| FleetError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, path)
}

pub fn parse(text: &str, path: &Path) -> Result<Vec<FleetCluster>, FleetError> {
    let invalid = |problem| FleetError::Invalid {
        path: path.to_path_buf(),
        problem,
    };
    let file: FleetFile = toml::from_str(text).map_err(|e| invalid(TomlProblem::new(text, &e)))?;
    if file.clusters.is_empty() {
        return Err(FleetError::Empty {
            path: path.to_path_buf(),
        });
    }
    let mut out: Vec<FleetCluster> = Vec::new();
    for entry in file.clusters {
        let span = entry.span();
        let c = entry.into_inner();
        let problem = if c.name.trim().is_empty() {
            Some("name: must not be empty".to_string())
        } else if out.iter().any(|o| o.name == c.name) {
            Some(format!("name: '{}' is listed twice", c.name))
        } else if c.context.is_some() && c.server.is_some() {
            Some("context and server: give one of them".to_string())
        } else {
            c.from_vpc
                .as_deref()
                .filter(|v| !v.starts_with("vpc-"))
                .map(|v| format!("from-vpc: '{v}' is not a VPC id (vpc-...)"))
        };
        if let Some(p) = problem {
            return Err(invalid(TomlProblem::at(text, span, p)));
        }
        out.push(c);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Vec<FleetCluster>, String> {
        parse(text, Path::new("fleet.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn clusters_are_read_with_their_keys() {
        let f = parse_str(
            r#"
[[clusters]]
name = "prod"
region = "eu-west-1"
profile = "ro"
from-vpc = "vpc-0abc"

[[clusters]]
name = "edge"
server = "https://api.k8s.internal:6443"
"#,
        )
        .unwrap();
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].region.as_deref(), Some("eu-west-1"));
        assert_eq!(f[0].from_vpc.as_deref(), Some("vpc-0abc"));
        assert_eq!(
            f[1].server.as_deref(),
            Some("https://api.k8s.internal:6443")
        );
    }

    #[test]
    fn a_bad_entry_names_the_file_the_line_and_the_key() {
        let e = parse_str("[[clusters]]\nname = \"prod\"\nregoin = \"eu-west-1\"\n").unwrap_err();
        assert!(
            e.starts_with(
                "fleet file fleet.toml, line 3 (regoin = \"eu-west-1\"): unknown field `regoin`"
            ),
            "{e}"
        );
        let e =
            parse_str("[[clusters]]\nname = \"a\"\n\n[[clusters]]\nname = \"a\"\n").unwrap_err();
        assert!(
            e.contains("line 4") && e.contains("'a' is listed twice"),
            "{e}"
        );
        let e = parse_str("[[clusters]]\nname = \"a\"\nfrom-vpc = \"subnet-1\"\n").unwrap_err();
        assert!(e.contains("from-vpc") && e.contains("line 1"), "{e}");
        let e = parse_str("[[clusters]]\nregion = \"x\"\n").unwrap_err();
        assert!(e.contains("missing field `name`"), "{e}");
        let e = parse_str("name = 3\n").unwrap_err();
        assert!(
            e.contains("line 1") && e.contains("unknown field `name`"),
            "{e}"
        );
        let e = parse_str("").unwrap_err();
        assert!(e.contains("no [[clusters]] entry"), "{e}");
        let e = parse_str("[[clusters]\n").unwrap_err();
        assert!(e.contains("line 1"), "{e}");
    }
}
