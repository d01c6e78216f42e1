//! What each rule of the nlb route rests on: a demo run replayed with one source failed at
//! a time must change a rule's result only through what `SERVER_READS` lists for it.

use super::*;

/// Everything `check` receives from the self-managed demo, in order: the DNS samples, the
/// collection graph's updates, then the probes.
fn updates(s: Scenario) -> (crate::model::Context, Vec<Fetched>) {
    use crate::clock::Clock;
    use crate::sources::Resolver;
    use crate::sources::graph::{Graph, Scope};
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let clock = Clock::fixed();
        let env = DemoEnv::new(s, clock);
        let context = crate::model::Context {
            cluster_name: "k8s-prod".into(),
            region: None,
            source: "test".into(),
            live: crate::model::LiveMode::ALL,
            api: crate::model::Api::Server(s.server().unwrap()),
        };
        let mut m = Model::new(context.clone());
        let mut out = Vec::new();
        let host = m.endpoint_host().unwrap();
        for _ in 0..3 {
            let f = Fetched::Dns(env.lookup(&host).await);
            m.apply(f.clone(), clock.now());
            out.push(f);
        }
        let mut graph = Graph::new(None, std::time::Duration::from_secs(20));
        let mut seen = Vec::new();
        graph
            .cycle(&env, &mut m, Scope::All, &clock, None, &mut |f| {
                seen.push(f.clone())
            })
            .await;
        out.extend(seen);
        let port = m.endpoint_port();
        out.extend(crate::sources::collect::probe_answers(&env, &m, port).await);
        (context, out)
    })
}

/// The model from `updates`, with `without` taken away as a failed first read leaves it.
fn replay(
    context: &crate::model::Context,
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

#[test]
fn every_rule_lists_each_source_that_changes_its_result() {
    use crate::diagnose::rests_on::reads_on;
    use crate::model::Basis;
    let api = crate::model::Api::Server(Scenario::SelfManaged.server().unwrap());
    let bases: Vec<Basis> = Source::ALL
        .iter()
        .filter(|s| s.used_for(&api))
        .map(|&s| Basis::Source(s))
        .chain([Basis::Dns, Basis::Probes])
        .collect();
    let mut missing = Vec::new();
    for s in [
        Scenario::SelfManaged,
        Scenario::SelfManagedSg,
        Scenario::SelfManagedOneDown,
        Scenario::SelfManagedNoCrossZone,
    ] {
        let (context, ups) = updates(s);
        let base = replay(&context, &ups, None);
        let (replayed, collected) = (diagnose(&base), diagnose(&model(s)));
        assert_eq!(
            (replayed.verdict, &replayed.findings),
            (collected.verdict, &collected.findings),
            "{s}: the replay is what check collects"
        );
        for rule in RULES {
            let want = format!("{:?}", (rule.check)(&Ctx::new(&base)));
            let listed: Vec<Basis> = reads_on(Route::Nlb, rule.name).collect();
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
    assert!(missing.is_empty(), "not in SERVER_READS: {missing:#?}");
}
