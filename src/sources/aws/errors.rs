//! SDK failures as [`SourceError`] kinds, so panes and rules can say what to do: a denied
//! call names the IAM action to grant, throttling and timeouts say "try again".

use crate::model::{ErrorKind, SourceError};
use aws_sdk_ec2::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

/// Error codes AWS services use for a missing permission.
const DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedAccess",
    "AccessDeniedForDependencyException",
];

/// Error codes for rate limits (the SDK has already retried with backoff).
const THROTTLED: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "TooManyRequestsException",
    "PriorRequestNotComplete",
    "SlowDown",
    "EC2ThrottledException",
    "BandwidthLimitExceeded",
];

/// The kind for a service error code, falling back on the HTTP status.
pub fn classify(action: &str, code: Option<&str>, status: Option<u16>) -> ErrorKind {
    let denied = || ErrorKind::AccessDenied {
        action: action.to_string(),
    };
    if let Some(code) = code {
        if DENIED.contains(&code) {
            return denied();
        }
        if THROTTLED.contains(&code) {
            return ErrorKind::Throttled;
        }
        if code.ends_with("NotFound")
            || code.ends_with("NotFoundException")
            || code.starts_with("NoSuch")
        {
            return ErrorKind::NotFound;
        }
    }
    match status {
        Some(403) => denied(),
        Some(429) => ErrorKind::Throttled,
        Some(404) => ErrorKind::NotFound,
        _ => ErrorKind::Other,
    }
}

/// Map one failed call of `action` (e.g. `ec2:DescribeSubnets`).
pub fn source_error<E>(action: &str, err: SdkError<E>) -> SourceError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match &err {
        SdkError::ServiceError(se) => {
            let status = se.raw().status().as_u16();
            let code = se.err().code();
            let kind = classify(action, code, Some(status));
            let detail = se
                .err()
                .message()
                .map(str::to_string)
                .unwrap_or_else(|| format!("HTTP {status}"));
            let message = match &kind {
                ErrorKind::AccessDenied { .. } => {
                    format!("not authorized to perform {action}: {detail}")
                }
                _ => format!("{action}: {} ({detail})", code.unwrap_or("error")),
            };
            SourceError::new(kind, message)
        }
        SdkError::TimeoutError(_) => SourceError::timeout(action),
        SdkError::DispatchFailure(d) if d.is_timeout() => SourceError::timeout(action),
        SdkError::DispatchFailure(_) => SourceError::other(format!(
            "{action}: cannot reach the API endpoint: {}",
            DisplayErrorContext(&err)
        )),
        SdkError::ResponseError(r) => {
            let status = r.raw().status().as_u16();
            let kind = classify(action, None, Some(status));
            SourceError::new(
                kind,
                format!(
                    "{action}: unreadable response (HTTP {status}): {}",
                    DisplayErrorContext(&err)
                ),
            )
        }
        _ => SourceError::other(format!("{action}: {}", DisplayErrorContext(&err))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_kinds_and_denials_name_the_action() {
        let a = "ec2:DescribeSubnets";
        assert_eq!(
            classify(a, Some("UnauthorizedOperation"), Some(403)),
            ErrorKind::AccessDenied { action: a.into() }
        );
        assert_eq!(
            classify(a, Some("AccessDeniedException"), Some(403)),
            ErrorKind::AccessDenied { action: a.into() }
        );
        assert_eq!(
            classify(a, Some("RequestLimitExceeded"), Some(503)),
            ErrorKind::Throttled
        );
        assert_eq!(
            classify(a, Some("Throttling"), Some(400)),
            ErrorKind::Throttled
        );
        assert_eq!(
            classify(a, Some("InvalidVpcID.NotFound"), Some(400)),
            ErrorKind::NotFound
        );
        assert_eq!(
            classify(a, Some("ResourceNotFoundException"), Some(404)),
            ErrorKind::NotFound
        );
        assert_eq!(
            classify(a, Some("NoSuchHostedZone"), Some(404)),
            ErrorKind::NotFound
        );
        assert_eq!(
            classify(a, None, Some(403)),
            ErrorKind::AccessDenied { action: a.into() }
        );
        assert_eq!(classify(a, None, Some(429)), ErrorKind::Throttled);
        assert_eq!(
            classify(a, Some("InternalError"), Some(500)),
            ErrorKind::Other
        );
    }
}
