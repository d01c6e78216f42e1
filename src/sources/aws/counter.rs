//! Counts API operations made through the clients, by IAM action, for the exporter's
//! `eksnet_api_calls_total`, cost figures in benchmarks and logs.

use aws_sdk_ec2::config::interceptors::BeforeSerializationInterceptorContextRef;
use aws_sdk_ec2::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_ec2::error::BoxError;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Default)]
pub struct CallCounter(Arc<Mutex<BTreeMap<String, u64>>>);

impl CallCounter {
    /// Every call so far.
    pub fn get(&self) -> u64 {
        self.by_action().values().sum()
    }

    /// Calls so far by IAM action, e.g. `ec2:DescribeVpcs`.
    pub fn by_action(&self) -> BTreeMap<String, u64> {
        self.0.lock().map(|m| m.clone()).unwrap_or_default()
    }
}

/// The IAM prefix of an SDK's service name, as the policy names its actions.
pub fn iam_prefix(service: &str) -> String {
    match service {
        "Elastic Load Balancing v2" => "elasticloadbalancing".into(),
        "VPC Lattice" => "vpc-lattice".into(),
        "EventBridge" => "events".into(),
        other => other.replace(' ', "").to_ascii_lowercase(),
    }
}

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "CallCounter"
    }

    // Once per call (each page is one), not per retry attempt: the figure is API cost. The
    // operation's metadata is in the bag by serialization, not yet at execution.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let action = cfg.load::<Metadata>().map_or_else(
            || "unknown".to_string(),
            |m| format!("{}:{}", iam_prefix(m.service()), m.name()),
        );
        if let Ok(mut counts) = self.0.lock() {
            *counts.entry(action).or_default() += 1;
        }
        Ok(())
    }
}
