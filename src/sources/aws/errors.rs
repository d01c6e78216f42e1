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

/// AWS's own message, cut to one short line.
fn short(s: &str) -> String {
    let line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(120) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line,
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
            tracing::warn!(action, error = %DisplayErrorContext(&err), "AWS call refused");
            let detail = short(&detail);
            let message = match &kind {
                ErrorKind::AccessDenied { .. } => {
                    format!("not authorized to perform {action}: {detail}")
                }
                _ => format!("{action}: {} ({detail})", code.unwrap_or("error")),
            };
            SourceError::new(kind, message)
        }
        SdkError::TimeoutError(_) => SourceError::timeout(action),
        SdkError::DispatchFailure(d) => {
            tracing::warn!(action, error = %DisplayErrorContext(&err), "AWS call not sent");
            let reason = if d.is_timeout() {
                "timed out".to_string()
            } else {
                transport_reason(&err)
            };
            SourceError::unreachable(reason)
        }
        SdkError::ResponseError(r) => {
            let status = r.raw().status().as_u16();
            tracing::warn!(action, error = %DisplayErrorContext(&err), "unreadable AWS response");
            let kind = classify(action, None, Some(status));
            SourceError::new(
                kind,
                format!("{action}: unreadable response (HTTP {status})"),
            )
        }
        _ => {
            tracing::warn!(action, error = %DisplayErrorContext(&err), "AWS call failed");
            SourceError::other(format!("{action}: the request could not be made"))
        }
    }
}

/// Why a request never got an answer, in a few words, from the error's source chain.
pub fn transport_reason(err: &(dyn std::error::Error + 'static)) -> String {
    let mut texts = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return "connection refused".into(),
                std::io::ErrorKind::TimedOut => return "timed out".into(),
                std::io::ErrorKind::ConnectionReset => return "connection reset".into(),
                std::io::ErrorKind::HostUnreachable => return "host unreachable".into(),
                std::io::ErrorKind::NetworkUnreachable => return "network unreachable".into(),
                _ => {}
            }
            if std::io::Error::get_ref(io).is_some_and(|i| i.is::<rustls::Error>()) {
                return "TLS handshake failed".into();
            }
        }
        if e.downcast_ref::<rustls::Error>().is_some() {
            return "TLS handshake failed".into();
        }
        texts.push(e.to_string().to_lowercase());
        cur = e.source();
    }
    reason_from_text(&texts.join(": "))
}

/// The words of the connector's messages, for causes that carry no typed error.
fn reason_from_text(t: &str) -> String {
    let has = |w: &str| t.contains(w);
    if has("dns error") || has("failed to lookup") || has("name or service not known") {
        "name not found".into()
    } else if has("connection refused") {
        "connection refused".into()
    } else if has("tls") || has("certificate") || has("handshake") {
        "TLS handshake failed".into()
    } else if has("timed out") || has("timeout") {
        "timed out".into()
    } else if has("scheme") || has("invalid uri") || has("invalid url") {
        "not an http or https URL".into()
    } else {
        "connection failed".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Wrap(&'static str, Option<Box<dyn std::error::Error + 'static>>);
    impl std::fmt::Display for Wrap {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }
    impl std::error::Error for Wrap {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref()
        }
    }

    fn chain(outer: &'static str, inner: Box<dyn std::error::Error + 'static>) -> Wrap {
        Wrap(
            "client error (Connect)",
            Some(Box::new(Wrap(outer, Some(inner)))),
        )
    }

    #[test]
    fn transport_failures_are_a_few_words() {
        let io = |k| -> Box<dyn std::error::Error> { Box::new(std::io::Error::from(k)) };
        let refused = chain(
            "tcp connect error",
            io(std::io::ErrorKind::ConnectionRefused),
        );
        assert_eq!(transport_reason(&refused), "connection refused");
        let timed = chain("tcp connect error", io(std::io::ErrorKind::TimedOut));
        assert_eq!(transport_reason(&timed), "timed out");
        let dns = chain(
            "dns error",
            Box::new(Wrap("failed to lookup address information", None)),
        );
        assert_eq!(transport_reason(&dns), "name not found");
        let tls = chain(
            "tls error",
            Box::new(rustls::Error::InvalidCertificate(
                rustls::CertificateError::UnknownIssuer,
            )),
        );
        assert_eq!(transport_reason(&tls), "TLS handshake failed");
        let other = chain("something odd", Box::new(Wrap("deep", None)));
        assert_eq!(transport_reason(&other), "connection failed");
        let long = "x ".repeat(300);
        assert!(short(&long).chars().count() <= 121);
    }

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
