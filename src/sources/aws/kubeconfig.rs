//! Kubeconfig contexts, read the way kubectl finds them (`KUBECONFIG`, a list of files, else
//! `~/.kube/config`): the current one picks the cluster when none is named, and
//! `--context` names the API to look at, with the CA its cluster entry trusts.

use std::path::{Path, PathBuf};
use yaml_rust2::{Yaml, YamlLoader};

/// What a context points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeContext {
    pub context: String,
    /// The kubeconfig cluster entry's name (an EKS ARN when `aws eks update-kubeconfig` wrote it).
    pub cluster: String,
    /// The API server URL of that entry.
    pub server: Option<String>,
    /// The CA that entry trusts for the server.
    pub ca: Option<KubeCa>,
}

/// Where a cluster entry's CA is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KubeCa {
    /// `certificate-authority-data`: base64 PEM.
    Data(String),
    /// `certificate-authority`: a PEM file, relative to the kubeconfig that names it.
    File(PathBuf),
}

impl KubeContext {
    /// The EKS cluster name when the context or its cluster entry is named by ARN.
    pub fn arn_cluster_name(&self) -> Option<String> {
        [&self.context, &self.cluster]
            .into_iter()
            .find_map(|s| eks_arn_name(s))
    }

    /// Whether this context is an EKS cluster's: named by ARN, or its server is an EKS
    /// endpoint.
    pub fn is_eks(&self) -> bool {
        self.arn_cluster_name().is_some()
            || self
                .server
                .as_deref()
                .is_some_and(|s| is_eks_endpoint(&crate::model::cluster::endpoint_host(s)))
    }
}

/// EKS endpoint names: `….eks.amazonaws.com` (`.cn` in China) and the dual-stack
/// `….eks-cluster.REGION.api.aws`.
pub fn is_eks_endpoint(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    h.ends_with(".eks.amazonaws.com")
        || h.ends_with(".eks.amazonaws.com.cn")
        || (h.contains(".eks-cluster.") && h.ends_with(".api.aws"))
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

/// The merged kubeconfig files, each with the directory relative paths in it start from.
#[derive(Debug, Clone, Default)]
pub struct Kubeconfig {
    docs: Vec<(PathBuf, Yaml)>,
}

impl Kubeconfig {
    /// The default files; unreadable or invalid ones are skipped with a warning.
    pub fn load() -> Kubeconfig {
        Self::from_files(&paths())
    }

    /// These files, merged in order.
    pub fn from_files(files: &[PathBuf]) -> Kubeconfig {
        let docs = files
            .iter()
            .filter_map(|p| {
                let text = std::fs::read_to_string(p).ok()?;
                match YamlLoader::load_from_str(&text) {
                    Ok(mut d) if !d.is_empty() => {
                        let dir = p.parent().map(Path::to_path_buf).unwrap_or_default();
                        Some((dir, d.swap_remove(0)))
                    }
                    Ok(_) => None,
                    Err(e) => {
                        tracing::warn!("ignoring kubeconfig {}: {e}", p.display());
                        None
                    }
                }
            })
            .collect();
        Kubeconfig { docs }
    }

    pub fn from_docs(docs: Vec<Yaml>) -> Kubeconfig {
        Kubeconfig {
            docs: docs.into_iter().map(|d| (PathBuf::new(), d)).collect(),
        }
    }

    /// Every context name, in file order, each once.
    pub fn context_names(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (_, d) in &self.docs {
            for c in d["contexts"].as_vec().into_iter().flatten() {
                if let Some(n) = c["name"].as_str()
                    && !out.iter().any(|o| o == n)
                {
                    out.push(n.to_string());
                }
            }
        }
        out
    }

    pub fn current_name(&self) -> Option<&str> {
        self.docs
            .iter()
            .find_map(|(_, d)| d["current-context"].as_str().filter(|s| !s.is_empty()))
    }

    /// Merged like kubectl: the first file that names an entry wins.
    fn named(&self, section: &str, name: &str) -> Option<(&Path, &Yaml)> {
        self.docs.iter().find_map(|(dir, d)| {
            d[section]
                .as_vec()?
                .iter()
                .find(|e| e["name"].as_str() == Some(name))
                .map(|e| (dir.as_path(), e))
        })
    }

    pub fn context(&self, name: &str) -> Option<KubeContext> {
        let (_, ctx) = self.named("contexts", name)?;
        let cluster = ctx["context"]["cluster"].as_str()?.to_string();
        let entry = self.named("clusters", &cluster);
        let server = entry.and_then(|(_, c)| c["cluster"]["server"].as_str().map(str::to_string));
        let ca = entry.and_then(|(dir, c)| {
            let c = &c["cluster"];
            if let Some(data) = c["certificate-authority-data"].as_str() {
                return Some(KubeCa::Data(data.trim().to_string()));
            }
            c["certificate-authority"].as_str().map(|f| {
                let p = Path::new(f);
                KubeCa::File(if p.is_absolute() {
                    p.to_path_buf()
                } else {
                    dir.join(p)
                })
            })
        });
        Some(KubeContext {
            context: name.to_string(),
            cluster,
            server,
            ca,
        })
    }

    pub fn current(&self) -> Option<KubeContext> {
        self.context(self.current_name()?)
    }
}

/// The current context from the default files; `None` when there is none or it is unreadable.
pub fn current() -> Option<KubeContext> {
    Kubeconfig::load().current()
}

/// Merge like kubectl: the first file that sets a value wins.
pub fn resolve(docs: &[Yaml]) -> Option<KubeContext> {
    Kubeconfig::from_docs(docs.to_vec()).current()
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
