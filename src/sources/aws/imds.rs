//! Instance metadata (IMDSv2): which instance this host is, when it is on EC2.

use aws_config::imds::Client;
use std::time::Duration;

/// Off EC2 nothing answers at the metadata address; give up quickly instead of retrying.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
const OPERATION_TIMEOUT: Duration = Duration::from_secs(3);

/// A metadata client, unless `AWS_EC2_METADATA_DISABLED` says this host has none.
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT` (or the profile) picks another address.
pub fn from_env() -> Option<Client> {
    let disabled = std::env::var("AWS_EC2_METADATA_DISABLED")
        .is_ok_and(|v| v.trim().eq_ignore_ascii_case("true"));
    if disabled {
        return None;
    }
    Some(
        Client::builder()
            .max_attempts(1)
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(CONNECT_TIMEOUT)
            .operation_timeout(OPERATION_TIMEOUT)
            .build(),
    )
}

/// This instance's id; `None` when metadata does not answer (not on EC2).
pub async fn instance_id(imds: &Client) -> Option<String> {
    match imds.get("/latest/meta-data/instance-id").await {
        Ok(id) => {
            let id = id.as_ref().trim().to_string();
            (!id.is_empty()).then_some(id)
        }
        Err(e) => {
            tracing::info!("no instance metadata: {e}");
            None
        }
    }
}
