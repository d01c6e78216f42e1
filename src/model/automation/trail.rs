//! CloudTrail trails, and whether one hands EventBridge the management write events it
//! needs to see an ENI created.

use serde::{Deserialize, Serialize};

/// The event source of EC2's API calls.
pub const EC2_EVENTS: &str = "ec2.amazonaws.com";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trail {
    pub name: String,
    pub arn: String,
    pub home_region: String,
    pub multi_region: bool,
    pub organization: bool,
    /// `IsLogging` from GetTrailStatus; `None` when not read.
    pub logging: Option<bool>,
    pub selectors: TrailSelectors,
}

/// What the trail records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "selectors", rename_all = "kebab-case")]
pub enum TrailSelectors {
    /// No selectors set: every management event, as a new trail records.
    Default,
    Basic(Vec<BasicSelector>),
    Advanced(Vec<AdvancedSelector>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BasicSelector {
    /// `All`, `ReadOnly`, `WriteOnly`.
    pub read_write: String,
    pub management: bool,
    pub excluded_sources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdvancedSelector {
    pub name: Option<String>,
    pub fields: Vec<FieldSelector>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldSelector {
    pub field: String,
    pub equals: Vec<String>,
    pub not_equals: Vec<String>,
    pub starts_with: Vec<String>,
    pub not_starts_with: Vec<String>,
    pub ends_with: Vec<String>,
    pub not_ends_with: Vec<String>,
}

impl FieldSelector {
    /// Whether a field holding `value` passes this selector.
    fn admits(&self, value: &str) -> bool {
        let any = |xs: &[String], f: &dyn Fn(&str) -> bool| xs.iter().any(|x| f(x));
        (self.equals.is_empty() || any(&self.equals, &|x| x == value))
            && !any(&self.not_equals, &|x| x == value)
            && (self.starts_with.is_empty() || any(&self.starts_with, &|x| value.starts_with(x)))
            && !any(&self.not_starts_with, &|x| value.starts_with(x))
            && (self.ends_with.is_empty() || any(&self.ends_with, &|x| value.ends_with(x)))
            && !any(&self.not_ends_with, &|x| value.ends_with(x))
    }
}

impl AdvancedSelector {
    /// Whether the selector records EC2's management write events.
    fn records_ec2_writes(&self) -> bool {
        let field = |name: &str| self.fields.iter().find(|f| f.field == name);
        field("eventCategory").is_some_and(|f| f.admits("Management"))
            && field("readOnly").is_none_or(|f| f.admits("false"))
            && field("eventSource").is_none_or(|f| f.admits(EC2_EVENTS))
    }
}

impl Trail {
    /// Whether the trail records events of `region`.
    pub fn covers(&self, region: &str) -> bool {
        self.multi_region || self.home_region == region
    }

    /// Whether the trail records EC2's management write events (such as
    /// `CreateNetworkInterface`): `Ok(how)`, or `Err(why not)`.
    pub fn records_ec2_writes(&self) -> Result<String, String> {
        match &self.selectors {
            TrailSelectors::Default => Ok("all management events (no selectors)".into()),
            TrailSelectors::Basic(sels) => sels
                .iter()
                .find(|s| {
                    s.management
                        && !s.read_write.eq_ignore_ascii_case("ReadOnly")
                        && !s.excluded_sources.iter().any(|x| x == EC2_EVENTS)
                })
                .map(|s| format!("management events, {}", s.read_write))
                .ok_or_else(|| {
                    if sels.iter().any(|s| s.management) {
                        "its event selectors record read-only management events only".into()
                    } else {
                        "its event selectors exclude management events".into()
                    }
                }),
            TrailSelectors::Advanced(sels) => sels
                .iter()
                .find(|s| s.records_ec2_writes())
                .map(|s| {
                    format!(
                        "advanced selector {}",
                        s.name.as_deref().unwrap_or("(unnamed)")
                    )
                })
                .ok_or_else(|| {
                    "no advanced selector records management write events from ec2.amazonaws.com"
                        .into()
                }),
        }
    }

    /// Why this trail does not deliver an ENI's creation in `region`; `None` when it does,
    /// or when its logging state is not known.
    pub fn gap(&self, region: &str) -> Option<String> {
        if !self.covers(region) {
            return Some(format!(
                "records only {} (not multi-region)",
                self.home_region
            ));
        }
        if self.logging == Some(false) {
            return Some("logging is stopped".into());
        }
        self.records_ec2_writes().err()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trail(selectors: TrailSelectors) -> Trail {
        Trail {
            name: "t".into(),
            arn: "arn:aws:cloudtrail:eu-west-1:1:trail/t".into(),
            home_region: "eu-west-1".into(),
            multi_region: false,
            organization: false,
            logging: Some(true),
            selectors,
        }
    }

    fn adv(fields: &[(&str, &[&str], &[&str])]) -> TrailSelectors {
        TrailSelectors::Advanced(vec![AdvancedSelector {
            name: Some("mgmt".into()),
            fields: fields
                .iter()
                .map(|(f, eq, ne)| FieldSelector {
                    field: f.to_string(),
                    equals: eq.iter().map(|s| s.to_string()).collect(),
                    not_equals: ne.iter().map(|s| s.to_string()).collect(),
                    ..Default::default()
                })
                .collect(),
        }])
    }

    #[test]
    fn default_and_write_selectors_deliver() {
        assert_eq!(trail(TrailSelectors::Default).gap("eu-west-1"), None);
        let basic = |rw: &str, mgmt: bool| {
            trail(TrailSelectors::Basic(vec![BasicSelector {
                read_write: rw.into(),
                management: mgmt,
                excluded_sources: vec![],
            }]))
        };
        assert_eq!(basic("All", true).gap("eu-west-1"), None);
        assert_eq!(basic("WriteOnly", true).gap("eu-west-1"), None);
        assert!(
            basic("ReadOnly", true)
                .gap("eu-west-1")
                .unwrap()
                .contains("read-only")
        );
        assert!(
            basic("All", false)
                .gap("eu-west-1")
                .unwrap()
                .contains("exclude")
        );
    }

    #[test]
    fn advanced_selectors_are_read_field_by_field() {
        let gap = |s| trail(s).gap("eu-west-1");
        assert_eq!(gap(adv(&[("eventCategory", &["Management"], &[])])), None);
        assert_eq!(
            gap(adv(&[
                ("eventCategory", &["Management"], &[]),
                ("readOnly", &["false"], &[])
            ])),
            None
        );
        assert!(
            gap(adv(&[
                ("eventCategory", &["Management"], &[]),
                ("readOnly", &["true"], &[])
            ]))
            .is_some()
        );
        assert!(
            gap(adv(&[
                ("eventCategory", &["Management"], &[]),
                ("eventSource", &[], &["ec2.amazonaws.com"])
            ]))
            .is_some()
        );
        assert!(gap(adv(&[("eventCategory", &["Data"], &[])])).is_some());
    }

    #[test]
    fn region_and_logging_count() {
        let mut t = trail(TrailSelectors::Default);
        assert!(t.gap("us-east-1").unwrap().contains("not multi-region"));
        t.multi_region = true;
        assert_eq!(t.gap("us-east-1"), None);
        t.logging = Some(false);
        assert_eq!(t.gap("us-east-1").as_deref(), Some("logging is stopped"));
    }
}
