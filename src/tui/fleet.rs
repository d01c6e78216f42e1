//! `:clusters` in the view: which clusters it can switch to, and a background check of
//! each of them, one at a time and a few seconds apart, so that watching a fleet does not
//! hammer an account.

use crate::app::Msg;
use crate::cli::{CheckOpts, Cli, Command};
use crate::diagnose::diagnose;
use crate::env::build_env;
use crate::model::Api;
use crate::model::fleet::{Fleet, MemberCheck, MemberOutcome};
use crate::sources::AwsApi;
use crate::sources::aws::kubeconfig::Kubeconfig;
use crate::startup::fleet::Member;
use crate::startup::{self, Backend, Startup};
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// Between two members' checks.
const GAP: Duration = Duration::from_secs(2);
/// Between two rounds over the whole fleet.
const ROUND: Duration = Duration::from_secs(60);
/// One member's check gives up after this.
const TIMEOUT: Duration = Duration::from_secs(20);

/// The fleet's members; without one, the region's EKS clusters and, on a real account, the
/// kubeconfig's contexts (a name listed twice is kept once).
pub async fn members(startup: &Startup, api: &dyn AwsApi) -> Vec<Member> {
    if !startup.fleet.is_empty() {
        return startup.fleet.clone();
    }
    if startup.settings.api != Api::Eks {
        return Vec::new();
    }
    let region = api.region().unwrap_or_else(|| "this region".into());
    let mut out: Vec<Member> = Vec::new();
    for name in api.list_clusters().await.unwrap_or_default() {
        let mut opts = startup.opts.clone();
        opts.cluster = Some(name.clone());
        opts.context = None;
        out.push(Member {
            name,
            origin: format!("region {region}"),
            opts,
        });
    }
    if matches!(startup.backend, Backend::Aws(_)) {
        for ctx in Kubeconfig::load().context_names() {
            if out.iter().any(|m| m.name == ctx) {
                continue;
            }
            let mut opts = startup.opts.clone();
            opts.cluster = None;
            opts.context = Some(ctx.clone());
            out.push(Member {
                name: ctx,
                origin: "kubeconfig".into(),
                opts,
            });
        }
    }
    // One cluster alone is nothing to switch between.
    if out.len() < 2 { Vec::new() } else { out }
}

/// What the view lists, with `current` marked.
pub fn listing(members: &[Member], current: &str) -> Fleet {
    Fleet::new(
        members.iter().map(|m| (m.name.clone(), m.origin.clone())),
        Some(current.to_string()),
    )
}

/// Checks every member but the one on screen, forever, until the receiver is gone.
pub fn spawn_checks(
    members: Vec<Member>,
    current: watch::Receiver<String>,
    tx: mpsc::Sender<Msg>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if members.is_empty() {
            return;
        }
        loop {
            for m in &members {
                if *current.borrow() == m.name {
                    continue;
                }
                let check = check(m).await;
                let msg = Msg::Member {
                    name: m.name.clone(),
                    check,
                };
                if tx.send(msg).await.is_err() {
                    return;
                }
                tokio::time::sleep(GAP).await;
            }
            tokio::time::sleep(ROUND).await;
        }
    })
}

/// One member collected and judged once, as `check --samples 1` would.
pub async fn check(m: &Member) -> MemberCheck {
    let outcome = match judge(m).await {
        Ok(o) => o,
        Err(error) => MemberOutcome::Failed { error },
    };
    MemberCheck {
        at: chrono::Utc::now(),
        outcome,
    }
}

async fn judge(m: &Member) -> Result<MemberOutcome, String> {
    let cli = Cli {
        command: Some(Command::Check(
            CheckOpts {
                samples: 1,
                timeout: TIMEOUT,
            }
            .into(),
        )),
        opts: m.opts.clone(),
    };
    let startup = startup::resolve(cli).map_err(|e| e.to_string())?;
    let env = build_env(&startup).await.map_err(|e| e.to_string())?;
    let model = env
        .collect(&startup.settings)
        .await
        .map_err(|e| e.to_string())?;
    let d = diagnose(&model);
    Ok(MemberOutcome::Judged {
        verdict: d.verdict.label().to_string(),
        summary: d.summary,
    })
}

/// The flags of the member named `name`, resolved for the view.
pub fn startup_of(members: &[Member], name: &str) -> Result<Startup, String> {
    let m = members
        .iter()
        .find(|m| m.name == name)
        .ok_or_else(|| format!("no cluster '{name}' in the list"))?;
    let mut s = startup::resolve(Cli {
        command: None,
        opts: m.opts.clone(),
    })
    .map_err(|e| e.to_string())?;
    s.member = Some(name.to_string());
    s.fleet = members.to_vec();
    Ok(s)
}
