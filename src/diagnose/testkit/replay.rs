//! A demo run as `check` receives it, replayed with one source failed at a time: what the
//! tests of each route's READS table use.

use crate::model::{Api, Context, Fetched, Model, SourceError};
use crate::sources::demo::{DemoEnv, Scenario};
use chrono::Utc;

/// Everything `check` receives from the demo `s` checking `api`, in order: the DNS samples, the
/// collection graph's updates, then the probes.
pub fn updates(s: Scenario, api: Api) -> (Context, Vec<Fetched>) {
    use crate::clock::Clock;
    use crate::sources::graph::{Graph, Scope};
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let clock = Clock::fixed();
        let env = DemoEnv::new(s, clock);
        let cluster_name = match api {
            Api::Eks => crate::sources::demo::CLUSTER,
            _ => "k8s-prod",
        };
        let context = Context {
            cluster_name: cluster_name.into(),
            region: None,
            source: "test".into(),
            live: crate::model::LiveMode::ALL,
            api,
        };
        let mut m = Model::new(context.clone());
        let mut out = Vec::new();
        // A server's name is known at once and sampled first, as `check` does; a Lattice
        // service's once the graph has found it.
        let early = m.endpoint_host();
        if let Some(host) = &early {
            sample(&env, &mut m, host, &mut out).await;
        }
        let mut graph = Graph::new(None, std::time::Duration::from_secs(20));
        let mut seen = Vec::new();
        graph
            .cycle(&env, &mut m, Scope::All, &clock, None, &mut |f, _| {
                seen.push(f.clone())
            })
            .await;
        out.extend(seen);
        if early.is_none() {
            let host = m.endpoint_host().expect("the graph found the name");
            sample(&env, &mut m, &host, &mut out).await;
        }
        let port = m.endpoint_port();
        out.extend(crate::sources::collect::probe_answers(&env, &m, port).await);
        (context, out)
    })
}

/// Three DNS samples of `host`, applied and kept.
async fn sample(env: &DemoEnv, m: &mut Model, host: &str, out: &mut Vec<Fetched>) {
    use crate::sources::Resolver;
    for _ in 0..3 {
        let f = Fetched::Dns(env.lookup(host).await);
        m.apply(f.clone(), Utc::now());
        out.push(f);
    }
}

/// The model from `updates`, with `without` taken away as a failed first read leaves it.
pub fn replay(
    context: &Context,
    updates: &[Fetched],
    without: Option<crate::model::Basis>,
) -> Model {
    use crate::model::Basis;
    let mut m = Model::new(context.clone());
    let at = Utc::now();
    for f in updates {
        let f = match (f, f.source(), without) {
            (Fetched::Dns(_), _, Some(Basis::Dns))
            | (Fetched::Probe(_), _, Some(Basis::Probes)) => {
                continue;
            }
            (_, Some(s), Some(Basis::Source(w))) if s == w => {
                Fetched::failed(s, SourceError::denied(s.spec().action()))
            }
            _ => f.clone(),
        };
        m.apply(f, at);
    }
    m
}

/// The sources a rule of `route` changes its result on, over the demo `scenarios` run for
/// `api` with each source (and the live samples) failed in turn, that `reads_on` does not
/// list: `scenario: rule reads source`. Also requires the replay to judge as `check` does.
pub fn unlisted_reads(
    route: crate::diagnose::Route,
    rules: &[crate::diagnose::rules::Rule],
    scenarios: &[Scenario],
    api: &Api,
) -> Vec<String> {
    use crate::diagnose::rests_on::reads_on;
    use crate::diagnose::{Ctx, diagnose};
    use crate::model::{Basis, Source};
    let bases: Vec<Basis> = Source::ALL
        .iter()
        .filter(|s| s.used_for(api))
        .map(|&s| Basis::Source(s))
        .chain([Basis::Dns, Basis::Probes])
        .collect();
    let mut missing = Vec::new();
    for &s in scenarios {
        let (context, ups) = updates(s, api.clone());
        let base = replay(&context, &ups, None);
        let (replayed, collected) = (diagnose(&base), diagnose(&DemoEnv::model_at_start(s)));
        assert_eq!(
            (replayed.verdict, &replayed.findings),
            (collected.verdict, &collected.findings),
            "{s}: the replay is what check collects"
        );
        for rule in rules {
            let want = format!("{:?}", (rule.check)(&Ctx::new(&base)));
            let listed: Vec<Basis> = reads_on(route, rule.name).collect();
            for &b in &bases {
                let m = replay(&context, &ups, Some(b));
                let got = format!("{:?}", (rule.check)(&Ctx::new(&m)));
                if got != want && !listed.contains(&b) {
                    missing.push(format!("{s}: {} reads {}", rule.name, b.name()));
                }
            }
        }
    }
    missing.sort();
    missing.dedup();
    missing
}
