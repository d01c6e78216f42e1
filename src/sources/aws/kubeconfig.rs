//! The current kubeconfig context, read the way kubectl finds it (`KUBECONFIG`, a list of
//! files, else `~/.kube/config`), to pick the cluster when none is named.

use std::path::{Path, PathBuf};
use yaml_rust2::{Yaml, YamlLoader};

/// What the current context points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeContext {
    pub context: String,
    /// The kubeconfig cluster entry's name (an EKS ARN when `aws eks update-kubeconfig` wrote it).
    pub cluster: String,
    /// The API server URL of that entry.
    pub server: Option<String>,
}

impl KubeContext {
    /// The EKS cluster name when the context or its cluster entry is named by ARN.
    pub fn arn_cluster_name(&self) -> Option<String> {
        [&self.context, &self.cluster]
            .into_iter()
            .find_map(|s| eks_arn_name(s))
    }
}

/// `arn:PARTITION:eks:REGION:ACCOUNT:cluster/NAME` -> `NAME`.
pub fn eks_arn_name(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, "eks", _, _, res] => res
            .strip_prefix("cluster/")
            .filter(|n| !n.is_empty())
            .map(str::to_string),
        _ => None,
    }
}

/// The files kubectl would read, in order.
pub fn paths() -> Vec<PathBuf> {
    match std::env::var_os("KUBECONFIG") {
        Some(v) if !v.is_empty() => std::env::split_paths(&v).collect(),
        _ => std::env::var_os("HOME")
            .map(|h| vec![Path::new(&h).join(".kube").join("config")])
            .unwrap_or_default(),
    }
}

/// The current context from the default files; `None` when there is none or it is unreadable.
pub fn current() -> Option<KubeContext> {
    let docs: Vec<Yaml> = paths()
        .iter()
        .filter_map(|p| match std::fs::read_to_string(p) {
            Ok(text) => Some((p, text)),
            Err(_) => None,
        })
        .filter_map(|(p, text)| match YamlLoader::load_from_str(&text) {
            Ok(mut d) if !d.is_empty() => Some(d.swap_remove(0)),
            Ok(_) => None,
            Err(e) => {
                tracing::warn!("ignoring kubeconfig {}: {e}", p.display());
                None
            }
        })
        .collect();
    resolve(&docs)
}

/// Merge like kubectl: the first file that sets a value wins.
pub fn resolve(docs: &[Yaml]) -> Option<KubeContext> {
    let current = docs
        .iter()
        .find_map(|d| d["current-context"].as_str().filter(|s| !s.is_empty()))?;
    let named = |section: &str, name: &str| -> Option<Yaml> {
        docs.iter().find_map(|d| {
            d[section]
                .as_vec()?
                .iter()
                .find(|e| e["name"].as_str() == Some(name))
                .cloned()
        })
    };
    let ctx = named("contexts", current)?;
    let cluster = ctx["context"]["cluster"].as_str()?.to_string();
    let server = named("clusters", &cluster)
        .and_then(|c| c["cluster"]["server"].as_str().map(str::to_string));
    Some(KubeContext {
        context: current.to_string(),
        cluster,
        server,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(s: &str) -> Vec<Yaml> {
        YamlLoader::load_from_str(s).unwrap()
    }

    const EKS: &str = r#"
apiVersion: v1
kind: Config
current-context: arn:aws:eks:eu-west-1:111122223333:cluster/prod
contexts:
- name: arn:aws:eks:eu-west-1:111122223333:cluster/prod
  context:
    cluster: arn:aws:eks:eu-west-1:111122223333:cluster/prod
    user: arn:aws:eks:eu-west-1:111122223333:cluster/prod
clusters:
- name: arn:aws:eks:eu-west-1:111122223333:cluster/prod
  cluster:
    server: https://ABC.gr7.eu-west-1.eks.amazonaws.com
    certificate-authority-data: LS0t
"#;

    #[test]
    fn eks_context_gives_the_name_from_the_arn() {
        let k = resolve(&load(EKS)).unwrap();
        assert_eq!(k.arn_cluster_name().as_deref(), Some("prod"));
        assert_eq!(
            k.server.as_deref(),
            Some("https://ABC.gr7.eu-west-1.eks.amazonaws.com")
        );
    }

    #[test]
    fn renamed_context_keeps_the_server_and_later_files_fill_gaps() {
        let first = load(
            "current-context: work\ncontexts:\n- {name: work, context: {cluster: c1, user: u}}\n",
        );
        let second =
            load("clusters:\n- name: c1\n  cluster: {server: 'https://x.eks.amazonaws.com'}\n");
        let k = resolve(&[
            first.into_iter().next().unwrap(),
            second.into_iter().next().unwrap(),
        ])
        .unwrap();
        assert_eq!(k.context, "work");
        assert_eq!(k.arn_cluster_name(), None);
        assert_eq!(k.server.as_deref(), Some("https://x.eks.amazonaws.com"));
    }

    #[test]
    fn no_current_context_is_none() {
        assert_eq!(resolve(&load("contexts: []\n")), None);
        assert_eq!(eks_arn_name("arn:aws:ec2:eu-west-1:1:vpc/vpc-1"), None);
        assert_eq!(
            eks_arn_name("arn:aws-cn:eks:cn-north-1:1:cluster/a").as_deref(),
            Some("a")
        );
    }
}
