//! Which API the run looks at: an EKS cluster (by `--cluster`, or a kubeconfig context
//! that names one), or any API server by URL (`--server`, or a context whose server is not
//! EKS's), with the CA that signs its certificate.

use super::StartupError;
use crate::cli::Opts;
use crate::model::ServerApi;
use crate::model::lattice::LatticeApi;
use crate::sources::aws::kubeconfig::{KubeCa, Kubeconfig, is_eks_endpoint};
use base64::Engine;
use std::path::Path;

/// What the flags and the kubeconfig chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiChoice {
    /// An EKS cluster: by name when known, else found by its endpoint URL, else the only
    /// one in the region.
    Eks {
        cluster: Option<String>,
        server: Option<String>,
    },
    Server(ServerApi),
    /// A VPC Lattice service (`--lattice-service`).
    Lattice(LatticeApi),
}

/// `--ca-file`, read and checked: base64 PEM, as kubeconfig's `certificate-authority-data`.
fn ca_file(path: &Path, what: &str) -> Result<String, StartupError> {
    let bad = |why: String| StartupError::CaFile {
        what: what.to_string(),
        path: path.to_path_buf(),
        why,
    };
    let text = std::fs::read(path).map_err(|e| {
        bad(match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".into(),
            std::io::ErrorKind::PermissionDenied => "permission denied".into(),
            _ => e.to_string(),
        })
    })?;
    let data = base64::engine::general_purpose::STANDARD.encode(&text);
    crate::sources::probe::check_ca(&data).map_err(bad)?;
    Ok(data)
}

fn kube_ca(ca: &KubeCa, context: &str) -> Result<String, StartupError> {
    match ca {
        KubeCa::File(p) => ca_file(
            p,
            &format!("kubeconfig context '{context}': certificate-authority"),
        ),
        KubeCa::Data(d) => {
            crate::sources::probe::check_ca(d).map_err(|why| StartupError::KubeCa {
                context: context.to_string(),
                why,
            })?;
            Ok(d.clone())
        }
    }
}

/// The API to look at. `--server` wins, then `--context`; without either, an EKS cluster
/// (`--cluster`, else chosen with the help of the current context).
pub fn choose(opts: &Opts, kube: &Kubeconfig) -> Result<ApiChoice, StartupError> {
    let flag_ca = opts
        .ca_file
        .as_deref()
        .map(|p| ca_file(p, "--ca-file"))
        .transpose()?;
    if let Some(service) = &opts.lattice_service {
        let mut l = LatticeApi::new(service);
        l.ca_from = opts
            .ca_file
            .as_ref()
            .map(|p| format!("--ca-file {}", p.display()));
        l.ca_data = flag_ca;
        return Ok(ApiChoice::Lattice(l));
    }
    if let Some(url) = &opts.server {
        let mut s = ServerApi::parse(url).map_err(|accepted| {
            StartupError::Flags(crate::cli::FlagError::Invalid(format!(
                "invalid value for --server: {accepted}"
            )))
        })?;
        // EKS's own CA comes with DescribeCluster.
        if is_eks_endpoint(&s.host) {
            return Ok(ApiChoice::Eks {
                cluster: None,
                server: Some(url.clone()),
            });
        }
        s.ca_from = opts
            .ca_file
            .as_ref()
            .map(|p| format!("--ca-file {}", p.display()));
        s.ca_data = flag_ca;
        return Ok(ApiChoice::Server(s));
    }
    let named = match &opts.context {
        Some(name) => Some(
            kube.context(name)
                .ok_or_else(|| StartupError::UnknownContext {
                    name: name.clone(),
                    available: kube.context_names(),
                })?,
        ),
        // The current context only helps choose among the region's EKS clusters.
        None => None,
    };
    let Some(ctx) = named else {
        return Ok(ApiChoice::Eks {
            cluster: opts.cluster.clone(),
            server: None,
        });
    };
    if ctx.is_eks() {
        return Ok(ApiChoice::Eks {
            cluster: opts.cluster.clone().or_else(|| ctx.arn_cluster_name()),
            server: ctx.server.clone(),
        });
    }
    let url = ctx
        .server
        .clone()
        .ok_or_else(|| StartupError::ContextNoServer {
            context: ctx.context.clone(),
            cluster: ctx.cluster.clone(),
        })?;
    let mut s = ServerApi::parse(&url).map_err(|why| StartupError::KubeServer {
        context: ctx.context.clone(),
        why,
    })?;
    s.context = Some(ctx.context.clone());
    match (flag_ca, &ctx.ca) {
        (Some(data), _) => {
            s.ca_data = Some(data);
            s.ca_from = opts
                .ca_file
                .as_ref()
                .map(|p| format!("--ca-file {}", p.display()));
        }
        (None, Some(ca)) => {
            s.ca_data = Some(kube_ca(ca, &ctx.context)?);
            s.ca_from = Some(format!("kubeconfig context {}", ctx.context));
        }
        (None, None) => {}
    }
    Ok(ApiChoice::Server(s))
}
