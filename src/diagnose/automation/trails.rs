//! The trails that must hand EventBridge the ENI creations, and a registration that did
//! not run since the ENIs came.

use super::checks::{Judging, finding};
use super::{HopStatus, Piece};
use crate::diagnose::finding::{Severity, list};
use crate::model::Source;
use crate::model::automation::{Function, Trail};
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;
use std::net::Ipv4Addr;

impl Judging<'_, '_> {
    /// Whether a trail hands EventBridge the ENI creations of this region.
    pub(super) fn trails(&mut self) {
        let trails: &[Trail] = match &self.found.trails {
            Ok(t) => t,
            Err(e) => {
                self.unknown(e.to_string());
                self.pieces.push(Piece {
                    kind: "trail",
                    name: "—".into(),
                    status: HopStatus::Unknown,
                    detail: e.to_string(),
                    found_by: Source::Trails.spec().label(),
                    runs: None,
                });
                return;
            }
        };
        let mut delivering = false;
        let mut gaps = Vec::new();
        for t in trails {
            let gap = t.gap(&self.region);
            let (status, detail) = match (&gap, t.logging) {
                (Some(g), _) => (HopStatus::Warn, g.clone()),
                (None, None) => (HopStatus::Unknown, "logging state not read".to_string()),
                (None, Some(_)) => {
                    delivering = true;
                    (
                        HopStatus::Ok,
                        format!("logging; {}", t.records_ec2_writes().unwrap_or_default()),
                    )
                }
            };
            if let Some(g) = gap {
                gaps.push((t, g));
            }
            self.pieces.push(Piece {
                kind: "trail",
                name: t.name.clone(),
                status,
                detail,
                found_by: if t.home_region == self.region {
                    "a trail of this region".into()
                } else {
                    format!("a multi-region trail from {}", t.home_region)
                },
                runs: None,
            });
        }
        if delivering {
            return;
        }
        if trails.is_empty() {
            self.pieces.push(Piece {
                kind: "trail",
                name: "(none)".into(),
                status: HopStatus::Warn,
                detail: format!("no trail records {}", self.region),
                found_by: format!("{}, shadow trails included", Source::Trails.spec().label()),
                runs: None,
            });
        }
        let names: Vec<String> = self
            .found
            .registration
            .iter()
            .map(|(r, _)| r.name.clone())
            .collect();
        for n in &names {
            self.mark(
                "registration-rule",
                n,
                HopStatus::Warn,
                "never fires: no trail",
            );
        }
        let rules = list(&names);
        let (evidence, fix) = match gaps.first() {
            None => (
                format!(
                    "no CloudTrail trail records {}: EventBridge never sees CreateNetworkInterface, so {rules} can never fire (the event history alone is not enough)",
                    self.region
                ),
                self.create_trail(),
            ),
            Some((t, g)) => (
                format!(
                    "no trail delivers management write events in {}: {}; so {rules} can never fire",
                    self.region,
                    list(gaps.iter().map(|(t, g)| format!("{} {g}", t.name)))
                ),
                trail_fix(t, g),
            ),
        };
        self.push(finding(
            "automation-no-trail",
            Severity::Warn,
            self.region.clone(),
            evidence,
            fix,
        ));
    }

    fn create_trail(&self) -> String {
        let account = self
            .ctx
            .m
            .cluster
            .value()
            .and_then(|c| c.account())
            .unwrap_or("ACCOUNT")
            .to_string();
        let bucket = format!("eks-management-events-{account}-{}", self.region);
        let location = if self.region == "us-east-1" {
            String::new()
        } else {
            format!(
                " --create-bucket-configuration LocationConstraint={}",
                self.region
            )
        };
        let policy = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                 "Action": "s3:GetBucketAcl", "Resource": format!("arn:aws:s3:::{bucket}")},
                {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                 "Action": "s3:PutObject", "Resource": format!("arn:aws:s3:::{bucket}/AWSLogs/{account}/*"),
                 "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}
            ]
        });
        format!(
            "aws s3api create-bucket --bucket {bucket} --region {r}{location} && aws s3api put-bucket-policy --bucket {bucket} --policy '{policy}' && aws cloudtrail create-trail --name eks-management-events --s3-bucket-name {bucket} --is-multi-region-trail --region {r} && aws cloudtrail start-logging --name eks-management-events --region {r}",
            r = self.region
        )
    }

    /// ENI IPs that no API target group holds, and when the newest of them appeared.
    fn unregistered(&self) -> Option<(Vec<Ipv4Addr>, Option<DateTime<Utc>>)> {
        let m = self.ctx.m;
        let enis = m.enis.value()?;
        let targets = m.targets.value()?;
        let registered: BTreeSet<Ipv4Addr> = targets
            .iter()
            .filter(|t| self.found.groups.iter().any(|g| g.arn == t.tg_arn))
            .filter_map(|t| t.ip())
            .collect();
        let missing: Vec<Ipv4Addr> = enis
            .iter()
            .map(|e| e.ip)
            .filter(|ip| !registered.contains(ip))
            .collect();
        // Seen arriving by this run, else attached (about when EKS created it).
        let appeared = missing
            .iter()
            .filter_map(|ip| {
                m.eni_sightings
                    .appeared(*ip)
                    .or_else(|| enis.iter().find(|e| e.ip == *ip)?.attached_at)
            })
            .max();
        Some((missing, appeared))
    }

    /// The registration function that did not run since the ENIs it should register came.
    pub(super) fn idle(&mut self) {
        let Some((missing, appeared)) = self.unregistered() else {
            return;
        };
        if missing.is_empty() {
            return;
        }
        let functions: Vec<&Function> = self
            .found
            .registration
            .iter()
            .flat_map(|(r, _)| self.found.lambda_targets(r))
            .filter_map(|t| self.found.function(t))
            .collect();
        for f in functions {
            let Some(r) = self.found.runs_of(&f.name) else {
                continue;
            };
            let last = r.last_invocation();
            let idle = match (last, appeared) {
                (None, _) => true,
                // Sums are dated by the start of their period.
                (Some(l), Some(a)) => l + chrono::Duration::seconds(r.period_secs) < a,
                (Some(_), None) => false,
            };
            if !idle {
                continue;
            }
            let since = match appeared {
                Some(a) => format!(
                    "since the newest unregistered ENI appeared at {}",
                    a.format("%H:%M:%S UTC")
                ),
                None => format!("in the last {} h", r.hours()),
            };
            self.mark("function", &f.name, HopStatus::Warn, "idle");
            self.push(finding(
                "automation-idle",
                Severity::Warn,
                &f.name,
                format!(
                    "the registration function {} has not run {since}, while {} EKS-owned ENI IP(s) are not registered: {}",
                    f.name,
                    missing.len(),
                    list(&missing)
                ),
                format!(
                    "aws cloudtrail lookup-events --region {} --max-results 5 --lookup-attributes AttributeKey=EventName,AttributeValue=CreateNetworkInterface",
                    self.region
                ),
            ));
        }
    }
}

fn trail_fix(t: &Trail, gap: &str) -> String {
    if gap.contains("not multi-region") {
        format!(
            "aws cloudtrail update-trail --name {} --is-multi-region-trail --region {}",
            t.arn, t.home_region
        )
    } else if gap.contains("stopped") {
        format!(
            "aws cloudtrail start-logging --name {} --region {}",
            t.arn, t.home_region
        )
    } else {
        format!(
            "aws cloudtrail put-event-selectors --trail-name {} --region {} --event-selectors '[{{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true}}]' (replaces its selectors: add back any data-event selectors it had)",
            t.arn, t.home_region
        )
    }
}
