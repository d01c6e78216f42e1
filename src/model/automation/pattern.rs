//! EventBridge event patterns, matched as EventBridge matches them, against the CloudTrail
//! event EKS causes when it creates one of a cluster's ENIs.
//!
//! A pattern is an object whose leaves are arrays of matchers; an event field matches when
//! any matcher does (any element, for an array field). Matchers: literals, `prefix`,
//! `suffix`, `equals-ignore-case`, `wildcard`, `anything-but`, `exists`, `numeric`, `cidr`,
//! and `$or` between sub-patterns.

use super::ENI_CREATED;
use crate::model::Eni;
use serde_json::{Value, json};
use std::fmt;

/// Where a pattern turned an event away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// Dotted path of the field: `detail.requestParameters.description`.
    pub field: String,
    /// What the pattern asks for there, as JSON.
    pub wanted: String,
    /// What the event holds there, as JSON (`absent` when it has nothing).
    pub got: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} must be {} but EKS sends {}",
            self.field, self.wanted, self.got
        )
    }
}

/// The facts of one ENI creation that an event carries.
#[derive(Debug, Clone, Default)]
pub struct EniFacts<'a> {
    pub region: Option<&'a str>,
    pub account: Option<&'a str>,
    pub vpc_id: Option<&'a str>,
    pub eni: Option<&'a Eni>,
}

/// The event EventBridge receives (through a trail) when EKS creates an ENI for `cluster`:
/// source `aws.ec2`, event `CreateNetworkInterface`, made by `eks.amazonaws.com`, with the
/// description `Amazon EKS <cluster>`.
pub fn eni_created_event(cluster: &str, facts: Option<&EniFacts>) -> Value {
    eni_event(&format!("Amazon EKS {cluster}"), "eks.amazonaws.com", facts)
}

/// An ENI that someone else created in the account: what a registration rule must let
/// pass only if it registers every ENI.
pub fn foreign_eni_event(facts: Option<&EniFacts>) -> Value {
    eni_event("", "aws-cli/2.15.0", facts)
}

fn eni_event(description: &str, by: &str, facts: Option<&EniFacts>) -> Value {
    let d = facts.cloned().unwrap_or_default();
    let eni = d.eni;
    let mut ev = json!({
        "version": "0",
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.ec2",
        "resources": [],
        "detail": {
            "eventVersion": "1.09",
            "userIdentity": {"type": "AssumedRole"},
            "eventSource": "ec2.amazonaws.com",
            "eventName": ENI_CREATED,
            "sourceIPAddress": by,
            "userAgent": by,
            "requestParameters": {"description": description},
            "responseElements": {"networkInterface": {
                "description": description,
                "interfaceType": "interface",
                "requesterManaged": false,
                "status": "pending",
            }},
            "eventType": "AwsApiCall",
            "managementEvent": true,
            "readOnly": false,
        }
    });
    if by.ends_with(".amazonaws.com") {
        ev["detail"]["userIdentity"]["invokedBy"] = json!(by);
    }
    if let Some(r) = d.region {
        ev["region"] = json!(r);
        ev["detail"]["awsRegion"] = json!(r);
    }
    if let Some(a) = d.account {
        ev["account"] = json!(a);
        ev["detail"]["recipientAccountId"] = json!(a);
    }
    let ni = &mut ev["detail"]["responseElements"]["networkInterface"];
    if let Some(v) = d.vpc_id {
        ni["vpcId"] = json!(v);
    }
    if let Some(e) = eni {
        ni["networkInterfaceId"] = json!(e.id);
        ni["subnetId"] = json!(e.subnet_id);
        ni["availabilityZone"] = json!(e.az);
        ni["privateIpAddress"] = json!(e.ip.to_string());
        ev["detail"]["requestParameters"]["subnetId"] = json!(e.subnet_id);
    }
    ev
}

/// The pattern a registration rule needs: ENI creations made by EKS for this cluster.
pub fn recommended(cluster: &str) -> String {
    serde_json::json!({
        "source": ["aws.ec2"],
        "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {
            "eventSource": ["ec2.amazonaws.com"],
            "eventName": ["CreateNetworkInterface"],
            "sourceIPAddress": ["eks.amazonaws.com"],
            "requestParameters": {"description": [format!("Amazon EKS {cluster}")]},
        }
    })
    .to_string()
}

/// Whether `pattern` lets `event` through; the first field that turns it away otherwise.
pub fn matches(pattern: &Value, event: &Value) -> Result<(), Mismatch> {
    object(pattern, Some(event), "")
}

fn object(pattern: &Value, event: Option<&Value>, path: &str) -> Result<(), Mismatch> {
    let Some(fields) = pattern.as_object() else {
        return Err(mismatch(path, pattern, event));
    };
    for (key, want) in fields {
        if key == "$or" {
            let alternatives = want.as_array().map(Vec::as_slice).unwrap_or_default();
            let mut first = None;
            if !alternatives.iter().any(|p| match object(p, event, path) {
                Ok(()) => true,
                Err(m) => {
                    first.get_or_insert(m);
                    false
                }
            }) {
                return Err(first.unwrap_or_else(|| mismatch(path, want, event)));
            }
            continue;
        }
        let sub = join(path, key);
        let got = event.and_then(|e| e.get(key));
        match want {
            Value::Object(_) => object(want, got, &sub)?,
            Value::Array(matchers) => {
                if !leaf(matchers, got) {
                    return Err(mismatch(&sub, want, got));
                }
            }
            // Not valid in a pattern; EventBridge would refuse it, so nothing matches.
            _ => return Err(mismatch(&sub, want, got)),
        }
    }
    Ok(())
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn mismatch(field: &str, want: &Value, got: Option<&Value>) -> Mismatch {
    Mismatch {
        field: if field.is_empty() { "(event)" } else { field }.to_string(),
        wanted: want.to_string(),
        got: got.map_or_else(|| "absent".to_string(), Value::to_string),
    }
}

/// Any matcher against the field, or against any element of an array field.
fn leaf(matchers: &[Value], got: Option<&Value>) -> bool {
    matchers.iter().any(|m| match (m, got) {
        (Value::Object(o), _) if o.contains_key("exists") => {
            let exists = got.is_some_and(|g| !g.is_null() && !g.is_object());
            o.get("exists").and_then(Value::as_bool) == Some(exists)
        }
        (_, None) => false,
        (_, Some(Value::Array(items))) => items.iter().any(|i| one(m, i)),
        (_, Some(g)) => one(m, g),
    })
}

fn one(m: &Value, v: &Value) -> bool {
    match m {
        Value::Object(o) => o.iter().all(|(op, arg)| operator(op, arg, v)),
        Value::Number(n) => v.as_f64().is_some_and(|x| Some(x) == n.as_f64()),
        literal => literal == v,
    }
}

fn operator(op: &str, arg: &Value, v: &Value) -> bool {
    let text = v.as_str();
    match op {
        "prefix" => string_op(arg, text, |t, a| t.starts_with(a)),
        "suffix" => string_op(arg, text, |t, a| t.ends_with(a)),
        "equals-ignore-case" => arg
            .as_str()
            .zip(text)
            .is_some_and(|(a, t)| a.eq_ignore_ascii_case(t)),
        "wildcard" => arg.as_str().zip(text).is_some_and(|(a, t)| wildcard(a, t)),
        "anything-but" => match arg {
            Value::Array(xs) => !xs.iter().any(|x| one(x, v)),
            Value::Object(_) => !one(arg, v),
            x => !one(x, v),
        },
        "numeric" => numeric(arg, v),
        "cidr" => arg.as_str().zip(text).is_some_and(|(net, ip)| {
            match (net.parse::<ipnet::IpNet>(), ip.parse::<std::net::IpAddr>()) {
                (Ok(net), Ok(ip)) => net.contains(&ip),
                _ => false,
            }
        }),
        _ => false,
    }
}

/// `prefix`/`suffix` take a string or `{"equals-ignore-case": s}`.
fn string_op(arg: &Value, text: Option<&str>, f: fn(&str, &str) -> bool) -> bool {
    let Some(t) = text else { return false };
    match arg {
        Value::String(a) => f(t, a),
        Value::Object(o) => o
            .get("equals-ignore-case")
            .and_then(Value::as_str)
            .is_some_and(|a| f(&t.to_ascii_lowercase(), &a.to_ascii_lowercase())),
        _ => false,
    }
}

/// `*` matches any run of characters.
fn wildcard(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}

/// `["<", 10, ">=", 2]`: every comparison holds.
fn numeric(arg: &Value, v: &Value) -> bool {
    let (Some(items), Some(x)) = (arg.as_array(), v.as_f64()) else {
        return false;
    };
    items.chunks(2).all(|c| {
        match (
            c.first().and_then(Value::as_str),
            c.get(1).and_then(Value::as_f64),
        ) {
            (Some("<"), Some(n)) => x < n,
            (Some("<="), Some(n)) => x <= n,
            (Some(">"), Some(n)) => x > n,
            (Some(">="), Some(n)) => x >= n,
            (Some("="), Some(n)) => x == n,
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eks() -> Value {
        eni_created_event("prod", None)
    }

    fn pat(s: &str) -> Value {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn the_documented_registration_pattern_matches_and_other_clusters_do_not() {
        let p = pat(
            r#"{"source":["aws.ec2"],"detail-type":["AWS API Call via CloudTrail"],
                "detail":{"eventSource":["ec2.amazonaws.com"],"eventName":["CreateNetworkInterface"],
                "sourceIPAddress":["eks.amazonaws.com"],
                "responseElements":{"networkInterface":{"description":["Amazon EKS prod"]}}}}"#,
        );
        assert_eq!(matches(&p, &eks()), Ok(()));
        let other = eni_created_event("staging", None);
        let m = matches(&p, &other).unwrap_err();
        assert_eq!(
            m.field,
            "detail.responseElements.networkInterface.description"
        );
        assert_eq!(m.got, "\"Amazon EKS staging\"");
        assert!(matches(&p, &foreign_eni_event(None)).is_err());
    }

    #[test]
    fn a_wrong_source_is_named() {
        let p = pat(r#"{"source":["aws.eks"],"detail":{"eventName":["CreateNetworkInterface"]}}"#);
        let m = matches(&p, &eks()).unwrap_err();
        assert_eq!(m.field, "source");
        assert_eq!(m.wanted, r#"["aws.eks"]"#);
        assert!(m.to_string().contains("EKS sends \"aws.ec2\""), "{m}");
    }

    #[test]
    fn content_filters_work_as_eventbridge_documents_them() {
        let ok = |p: &str| matches(&pat(p), &eks()).is_ok();
        assert!(ok(
            r#"{"detail":{"requestParameters":{"description":[{"prefix":"Amazon EKS"}]}}}"#
        ));
        assert!(ok(
            r#"{"detail":{"requestParameters":{"description":[{"suffix":" prod"}]}}}"#
        ));
        assert!(ok(
            r#"{"detail":{"requestParameters":{"description":[{"wildcard":"Amazon*prod"}]}}}"#
        ));
        assert!(ok(
            r#"{"detail":{"requestParameters":{"description":[{"equals-ignore-case":"amazon eks PROD"}]}}}"#
        ));
        assert!(ok(
            r#"{"detail":{"requestParameters":{"description":[{"prefix":{"equals-ignore-case":"amazon eks"}}]}}}"#
        ));
        assert!(ok(
            r#"{"detail":{"userIdentity":{"invokedBy":[{"anything-but":["ec2.amazonaws.com"]}]}}}"#
        ));
        assert!(!ok(
            r#"{"detail":{"userIdentity":{"invokedBy":[{"anything-but":{"prefix":"eks"}}]}}}"#
        ));
        assert!(ok(r#"{"detail":{"errorCode":[{"exists":false}]}}"#));
        assert!(!ok(r#"{"detail":{"errorCode":[{"exists":true}]}}"#));
        assert!(ok(
            r#"{"detail":{"eventName":["RunInstances","CreateNetworkInterface"]}}"#
        ));
        assert!(!ok(
            r#"{"detail":{"eventName":["CreateNetworkInterfaces"]}}"#
        ));
        assert!(ok(r#"{"detail":{"eventVersion":[{"wildcard":"1.*"}]}}"#));
        assert!(ok(
            r#"{"$or":[{"source":["aws.s3"]},{"detail":{"eventName":["CreateNetworkInterface"]}}]}"#
        ));
        assert!(!ok(
            r#"{"$or":[{"source":["aws.s3"]},{"detail":{"eventName":["DeleteNetworkInterface"]}}]}"#
        ));
        assert!(!ok(r#"{"detail":{"readOnly":[true]}}"#));
        assert!(ok(r#"{"detail":{"readOnly":[false]}}"#));
    }

    #[test]
    fn facts_fill_the_event_and_can_be_matched() {
        let eni = Eni {
            id: "eni-1".into(),
            ip: "10.0.1.5".parse().unwrap(),
            ipv6: vec![],
            subnet_id: "subnet-1".into(),
            az: "eu-west-1a".into(),
            status: "in-use".into(),
            sg_ids: vec![],
            description: "Amazon EKS prod".into(),
            attached_at: None,
        };
        let facts = EniFacts {
            region: Some("eu-west-1"),
            account: Some("111122223333"),
            vpc_id: Some("vpc-1"),
            eni: Some(&eni),
        };
        let ev = eni_created_event("prod", Some(&facts));
        let p = pat(
            r#"{"region":["eu-west-1"],"detail":{"responseElements":{"networkInterface":{"privateIpAddress":[{"cidr":"10.0.0.0/16"}],"vpcId":["vpc-1"]}}}}"#,
        );
        assert_eq!(matches(&p, &ev), Ok(()));
        let p = pat(r#"{"account":["444455556666"]}"#);
        assert_eq!(matches(&p, &ev).unwrap_err().field, "account");
    }

    #[test]
    fn numeric_ranges() {
        let ev = json!({"n": 5});
        assert!(matches(&pat(r#"{"n":[{"numeric":[">",1,"<=",5]}]}"#), &ev).is_ok());
        assert!(matches(&pat(r#"{"n":[{"numeric":["<",5]}]}"#), &ev).is_err());
        assert!(matches(&pat(r#"{"n":[5]}"#), &ev).is_ok());
    }
}
