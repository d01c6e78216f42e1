//! The tool is read-only by construction: every SDK operation the AWS sources call is a
//! Describe/List/Get action granted by docs/iam-policy.json, the policy grants nothing the
//! code does not call, and no mutating verb appears anywhere in `src/`.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// Client variable names in src/sources/aws and their IAM service prefixes.
const CLIENTS: &[(&str, &str)] = &[
    ("ec2", "ec2"),
    ("eks", "eks"),
    ("elb", "elasticloadbalancing"),
    ("r53", "route53"),
    ("resolver", "route53resolver"),
    ("events", "events"),
    ("lambda", "lambda"),
    ("cloudwatch", "cloudwatch"),
    ("cloudtrail", "cloudtrail"),
    ("lattice", "vpc-lattice"),
];

const READ_VERBS: &[&str] = &["describe", "list", "get"];

/// SDK operation verbs that change an account.
const WRITE_VERBS: &[&str] = &[
    "create",
    "delete",
    "modify",
    "put",
    "update",
    "register",
    "deregister",
    "attach",
    "detach",
    "associate",
    "disassociate",
    "accept",
    "reject",
    "run",
    "start",
    "stop",
    "terminate",
    "reboot",
    "tag",
    "untag",
    "add",
    "remove",
    "change",
    "set",
    "authorize",
    "revoke",
    "replace",
    "reset",
    "enable",
    "disable",
    "import",
    "export",
    "copy",
    "allocate",
    "release",
    "assign",
    "unassign",
    "send",
    "cancel",
    "restore",
    "apply",
    "invoke",
    "purchase",
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Source without comments and whitespace, so `ec2\n    .describe_vpcs()` reads as one call.
fn squeezed(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<String>()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `(receiver, method)` for every `receiver.method(` call in `text`.
fn method_calls(text: &str) -> Vec<(String, String)> {
    let b: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    for i in 0..b.len() {
        if b[i] != '.' {
            continue;
        }
        let mut j = i + 1;
        while j < b.len() && ident_char(b[j]) {
            j += 1;
        }
        if j == i + 1 || j >= b.len() || b[j] != '(' {
            continue;
        }
        let method: String = b[i + 1..j].iter().collect();
        let mut k = i;
        while k > 0 && ident_char(b[k - 1]) {
            k -= 1;
        }
        let receiver: String = b[k..i].iter().collect();
        out.push((receiver, method));
    }
    out
}

fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn policy_actions() -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("docs/iam-policy.json")).unwrap())
            .unwrap();
    let mut actions = BTreeSet::new();
    for st in doc["Statement"].as_array().unwrap() {
        assert_eq!(st["Effect"], "Allow");
        for a in st["Action"].as_array().unwrap() {
            actions.insert(a.as_str().unwrap().to_string());
        }
    }
    actions
}

#[test]
fn every_sdk_call_is_a_read_granted_by_the_policy_and_nothing_more() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src/sources/aws"), &mut files);
    // Unit tests there call the AwsApi trait on replayed responses, not the SDK.
    files.retain(|f| !f.starts_with(root.join("src/sources/aws/tests")));
    assert!(!files.is_empty());
    let mut used = BTreeSet::new();
    let mut problems = Vec::new();
    for f in &files {
        for (receiver, method) in method_calls(&squeezed(f)) {
            let verb = method.split('_').next().unwrap_or("");
            let client = CLIENTS.iter().find(|(name, _)| *name == receiver);
            match client {
                Some((_, service)) => {
                    let action = format!("{service}:{}", pascal(&method));
                    if !READ_VERBS.contains(&verb)
                        && !eksnet_tui::model::READS_NAMED_OTHERWISE.contains(&action.as_str())
                    {
                        problems.push(format!("{}: {receiver}.{method}() is not a read", f.display()));
                    }
                    used.insert(format!("{service}:{}", pascal(&method)));
                }
                None if READ_VERBS.contains(&verb) && method.contains('_') => problems.push(format!(
                    "{}: {receiver}.{method}() looks like an SDK call on a client this test cannot name; call it on one of {:?}",
                    f.display(),
                    CLIENTS.iter().map(|c| c.0).collect::<Vec<_>>()
                )),
                None => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let granted = policy_actions();
    let missing: Vec<_> = used.difference(&granted).collect();
    let unused: Vec<_> = granted.difference(&used).collect();
    assert!(
        missing.is_empty(),
        "called but not in docs/iam-policy.json: {missing:?}"
    );
    assert!(
        unused.is_empty(),
        "granted but never called (keep the policy minimal): {unused:?}"
    );
}

#[test]
fn no_mutating_sdk_verb_anywhere_in_src() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let clients: Vec<&str> = CLIENTS.iter().map(|c| c.0).collect();
    let mut bad = Vec::new();
    for f in &files {
        for (receiver, method) in method_calls(&squeezed(f)) {
            let verb = method.split('_').next().unwrap_or("");
            if clients.contains(&receiver.as_str()) && WRITE_VERBS.contains(&verb) {
                bad.push(format!("{}: {receiver}.{method}()", f.display()));
            }
        }
    }
    assert!(bad.is_empty(), "mutating calls: {bad:?}");
}

#[test]
fn the_scanner_sees_calls_split_across_lines() {
    let calls = method_calls(
        &"let x = ec2\n    .describe_vpcs()\n    .send()"
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>(),
    );
    assert!(
        calls.contains(&("ec2".into(), "describe_vpcs".into())),
        "{calls:?}"
    );
    assert_eq!(
        pascal("describe_vpc_endpoint_service_configurations"),
        "DescribeVpcEndpointServiceConfigurations"
    );
}

#[test]
fn the_policy_is_exactly_the_actions_the_catalogue_names() {
    use eksnet_tui::model::{DISCOVERY_ACTIONS, Source};
    let named: BTreeSet<String> = Source::ALL
        .iter()
        .flat_map(|s| s.spec().actions.iter())
        .chain(DISCOVERY_ACTIONS)
        .map(|a| a.to_string())
        .collect();
    assert_eq!(named, policy_actions());
}

/// IAM actions are written down in the catalogue and in the SDK code that calls them; every
/// other place (rules, panes, reports, collection) derives them from the catalogue.
#[test]
fn actions_are_named_only_by_the_catalogue_and_the_sdk_calls() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let allowed = [
        root.join("src/model/catalogue.rs"),
        root.join("src/sources/aws"),
    ];
    let services = [
        "\"ec2:",
        "\"eks:",
        "\"elasticloadbalancing:",
        "\"route53:",
        "\"route53resolver:",
        "\"events:",
        "\"lambda:",
        "\"cloudwatch:",
        "\"cloudtrail:",
        "\"vpc-lattice:",
    ];
    let mut found = Vec::new();
    for f in files
        .iter()
        .filter(|f| !allowed.iter().any(|a| f.starts_with(a)))
    {
        let text = std::fs::read_to_string(f).unwrap();
        // Unit tests may name an action as data.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (n, line) in code.lines().enumerate() {
            if services.iter().any(|s| line.contains(s)) {
                found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The demo counts its calls under the actions the real ones need (`eksnet_api_calls_total`
/// for `serve --demo`): every one of them is a read the policy grants.
#[test]
fn the_demo_counts_its_calls_under_granted_actions() {
    use eksnet_tui::sources::AwsApi;
    use eksnet_tui::sources::demo::{DemoEnv, Scenario};
    let granted = policy_actions();
    let mut counted = BTreeSet::new();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for s in Scenario::ALL {
        let clock = eksnet_tui::clock::Clock::fixed();
        let env = DemoEnv::new(s, clock);
        let settings = eksnet_tui::sources::collect::Settings {
            api: s.api(),
            cluster: Some(eksnet_tui::sources::demo::CLUSTER.into()),
            gap: std::time::Duration::ZERO,
            ..Default::default()
        };
        rt.block_on(eksnet_tui::sources::collect::collect_once(
            &env, &env, &env, &settings, &clock, "demo", None,
        ))
        .unwrap();
        counted.extend(AwsApi::calls(&env).into_keys());
    }
    assert!(counted.len() > 30, "{counted:?}");
    let missing: Vec<_> = counted.difference(&granted).collect();
    assert!(missing.is_empty(), "counted but not granted: {missing:?}");
}
