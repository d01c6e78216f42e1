//! SDK configuration the way the AWS CLI finds it, with the retry and time limits the
//! collectors rely on, and an early, bounded check that credentials exist.

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_ec2::config::ProvideCredentials;
use std::time::Duration;

/// `--profile`, `--region`, `--endpoint-url`; `None` leaves each to the default chain
/// (environment, shared config, `AWS_ENDPOINT_URL`).
#[derive(Debug, Clone, Default)]
pub struct AwsOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
}

/// A refresh must not hang on one slow call; the SDK retries inside this bound.
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(8);
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(3);
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// Off EC2 the chain ends at instance metadata, which must not stall startup.
pub const CREDENTIALS_TIMEOUT: Duration = Duration::from_secs(5);
/// Throttled calls are retried with the standard jittered backoff, then reported.
pub const MAX_ATTEMPTS: u32 = 3;

/// Why the account cannot be read at all; each says what to do or what was tried.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AwsConfigError {
    #[error("no AWS region: pass --region, set AWS_REGION, or set region in the profile")]
    NoRegion,
    /// `--endpoint-url` or `AWS_ENDPOINT_URL` that no call could be sent to.
    #[error(
        "'{0}' is not an endpoint URL; accepted: http://HOST[:PORT] or https://HOST[:PORT], e.g. http://127.0.0.1:5000"
    )]
    BadEndpoint(String),
    #[error("no AWS credentials provider; {}", tried(.profile.as_deref()))]
    NoProvider { profile: Option<String> },
    /// `reason` is what the providers answered, on one line.
    #[error("no AWS credentials: {}; last error: {reason}", tried(.profile.as_deref()))]
    NoCredentials {
        profile: Option<String>,
        reason: String,
    },
    #[error("no AWS credentials within {}s: {}", .after.as_secs(), tried(.profile.as_deref()))]
    CredentialsTimedOut {
        profile: Option<String>,
        after: Duration,
    },
}

pub async fn load(opts: &AwsOptions) -> Result<SdkConfig, AwsConfigError> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                .operation_timeout(OPERATION_TIMEOUT)
                .build(),
        );
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = &opts.region {
        loader = loader.region(Region::new(r.clone()));
    }
    if let Some(u) = &opts.endpoint_url {
        loader = loader.endpoint_url(u);
    }
    let conf = loader.load().await;
    if let Some(u) = conf.endpoint_url()
        && !is_http_url(u)
    {
        return Err(AwsConfigError::BadEndpoint(u.to_string()));
    }
    if conf.region().is_none() {
        return Err(AwsConfigError::NoRegion);
    }
    Ok(conf)
}

/// `http://` or `https://` followed by a host (and maybe a port and path).
fn is_http_url(u: &str) -> bool {
    let rest = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"));
    rest.and_then(|r| r.split(['/', '?', '#']).next())
        .and_then(|auth| auth.rsplit('@').next())
        .is_some_and(|host| {
            let name = host.rsplit_once(':').map_or(host, |(h, p)| {
                if p.chars().all(|c| c.is_ascii_digit()) {
                    h
                } else {
                    host
                }
            });
            !name.is_empty() && !name.contains(char::is_whitespace)
        })
}

fn tried(profile: Option<&str>) -> String {
    format!(
        "tried environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), the shared config and credentials files for profile '{}' (static keys, SSO, credential_process, role assumption), web identity (AWS_WEB_IDENTITY_TOKEN_FILE), ECS container credentials and EC2 instance metadata (IMDSv2)",
        profile.unwrap_or("default")
    )
}

/// Resolve credentials once, so a missing login fails before any collection starts.
pub async fn check_credentials(
    conf: &SdkConfig,
    profile: Option<&str>,
) -> Result<(), AwsConfigError> {
    // Without --profile the SDK reads AWS_PROFILE; the message must name that one.
    let profile = profile
        .map(str::to_string)
        .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()));
    let Some(provider) = conf.credentials_provider() else {
        return Err(AwsConfigError::NoProvider { profile });
    };
    match tokio::time::timeout(CREDENTIALS_TIMEOUT, provider.provide_credentials()).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => {
            // The Display chain says what each provider answered; the Debug dump adds nothing.
            let mut parts = vec![e.to_string()];
            let mut src = std::error::Error::source(&e);
            while let Some(inner) = src {
                let text = inner.to_string();
                if !parts.iter().any(|p| p.contains(&text)) {
                    parts.push(text);
                }
                src = inner.source();
            }
            let reason = parts
                .join(": ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            Err(AwsConfigError::NoCredentials { profile, reason })
        }
        Err(_) => Err(AwsConfigError::CredentialsTimedOut {
            profile,
            after: CREDENTIALS_TIMEOUT,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_urls_must_be_http_with_a_host() {
        for ok in [
            "http://127.0.0.1:9",
            "https://ec2.example.com",
            "http://[::1]:5000/",
        ] {
            assert!(is_http_url(ok), "{ok}");
        }
        for bad in [
            "garbage",
            "ftp://x",
            "http://",
            "https://:443",
            "127.0.0.1:9",
        ] {
            assert!(!is_http_url(bad), "{bad}");
        }
    }
}
