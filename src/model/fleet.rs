//! The clusters the view can switch to (`:clusters`), each with the verdict a background
//! check last gave it. Plain data: who fills it and how it is judged live elsewhere.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fleet {
    pub members: Vec<FleetMember>,
    /// The member the view shows now.
    pub current: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetMember {
    pub name: String,
    /// Where it was listed from: `demo`, `fleet PATH`, `region eu-west-1`, `kubeconfig`.
    pub origin: String,
    /// `None` until its first background check is done.
    pub checked: Option<MemberCheck>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberCheck {
    pub at: DateTime<Utc>,
    pub outcome: MemberOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "kind")]
pub enum MemberOutcome {
    /// The verdict's word (`ok`, `warn`, `fail`, `unknown`) and its one-line summary.
    Judged { verdict: String, summary: String },
    /// It could not be read at all.
    Failed { error: String },
}

impl Fleet {
    pub fn new(
        members: impl IntoIterator<Item = (String, String)>,
        current: Option<String>,
    ) -> Self {
        Self {
            members: members
                .into_iter()
                .map(|(name, origin)| FleetMember {
                    name,
                    origin,
                    checked: None,
                })
                .collect(),
            current,
        }
    }

    /// Note a background check's result; a name not in the fleet is ignored.
    pub fn record(&mut self, name: &str, check: MemberCheck) {
        if let Some(m) = self.members.iter_mut().find(|m| m.name == name) {
            m.checked = Some(check);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_lands_on_its_member_only() {
        let mut f = Fleet::new(
            [
                ("a".to_string(), "demo".to_string()),
                ("b".into(), "demo".into()),
            ],
            Some("a".into()),
        );
        let check = MemberCheck {
            at: Utc::now(),
            outcome: MemberOutcome::Failed { error: "x".into() },
        };
        f.record("b", check.clone());
        f.record("zz", check.clone());
        assert!(f.members[0].checked.is_none());
        assert_eq!(f.members[1].checked.as_ref(), Some(&check));
    }
}
