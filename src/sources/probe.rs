//! One probe of one DNS answer: TCP connect, TLS handshake verified against the cluster CA
//! with the endpoint name as SNI, then `GET /livez`. A Lattice HTTPS listener without a
//! given CA is verified against the system's trusted roots; an HTTP listener gets no TLS.
//! Any HTTP status proves the API server answered; 401 and 403 are what an anonymous
//! client normally gets.
//!
//! Safety: the prober connects to `req.ip:req.port` and nowhere else, and never trusts a
//! certificate it cannot verify. Requests are built only from DNS answers of the endpoint
//! name (`collect::answer_requests`), so this host never probes an address it was not given
//! by the endpoint's own DNS.

use super::{ProbeRequest, Prober};
use crate::clock::Clock;
use crate::model::live::PeerCert;
use crate::model::proxy::ProxyEnv;
use crate::model::{ProbeMode, ProbeOutcome, ProbeSample};
use async_trait::async_trait;
use base64::Engine;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout};
use tokio_rustls::TlsConnector;

/// How long each phase may take. A probe never runs longer than their sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeTimeouts {
    pub connect: Duration,
    pub tls: Duration,
    pub http: Duration,
}

impl Default for ProbeTimeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(3),
            tls: Duration::from_secs(5),
            http: Duration::from_secs(5),
        }
    }
}

/// The status line is all we read; a longer first line is not an API server.
const MAX_STATUS_LINE: usize = 1024;

/// What a probe asks for by default: the API server's liveness, open to anonymous clients.
pub const DEFAULT_PATH: &str = "/livez";

pub struct TlsProber {
    timeouts: ProbeTimeouts,
    clock: Clock,
    /// The last CA bundle and the verifier built from it: the CA rarely changes, so
    /// parsing it once per change keeps probes cheap.
    config: Mutex<Option<(String, Arc<WebPkiServerVerifier>)>>,
    /// This process's proxy settings, for the diagnosis (probes never use them).
    proxy: ProxyEnv,
    /// What the probe asks for once TLS is up: `/livez` unless told otherwise.
    path: String,
}

impl TlsProber {
    pub fn new(clock: Clock) -> Self {
        Self::with_timeouts(clock, ProbeTimeouts::default())
    }

    pub fn with_timeouts(clock: Clock, timeouts: ProbeTimeouts) -> Self {
        Self {
            timeouts,
            clock,
            config: Mutex::new(None),
            proxy: ProxyEnv::default(),
            path: DEFAULT_PATH.into(),
        }
    }

    /// Report these proxy settings as kubectl's on this host.
    pub fn with_proxy(mut self, proxy: ProxyEnv) -> Self {
        self.proxy = proxy;
        self
    }

    /// Ask for `path` (`/healthz` on servers without `/livez`).
    pub fn with_path(mut self, path: &str) -> Self {
        self.path = path.to_string();
        self
    }

    /// A client for one probe that trusts the cluster CA and nothing else, and keeps the
    /// certificate it refused.
    fn client_config(
        &self,
        ca_data: Option<&str>,
    ) -> Result<(Arc<ClientConfig>, Arc<Recording>), String> {
        let verifier = match ca_data {
            Some(ca_data) => self.ca_verifier(ca_data)?,
            None => system_verifier()?,
        };
        let recording = Arc::new(Recording {
            inner: verifier,
            refused: Mutex::new(None),
        });
        let mut cfg = ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS setup: {e}"))?
            .dangerous()
            .with_custom_certificate_verifier(recording.clone())
            .with_no_client_auth();
        cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok((Arc::new(cfg), recording))
    }

    fn ca_verifier(&self, ca_data: &str) -> Result<Arc<WebPkiServerVerifier>, String> {
        Ok({
            let mut cached = self.config.lock().unwrap_or_else(|e| e.into_inner());
            match cached.as_ref() {
                Some((data, v)) if data == ca_data => v.clone(),
                _ => {
                    let v = verifier(ca_data)?;
                    *cached = Some((ca_data.to_string(), v.clone()));
                    v
                }
            }
        })
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// The webpki verifier over the cluster CA, remembering the end-entity certificate of a
/// handshake it refused, so that the probe can say who presented it.
#[derive(Debug)]
struct Recording {
    inner: Arc<WebPkiServerVerifier>,
    refused: Mutex<Option<CertificateDer<'static>>>,
}

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        if verdict.is_err() {
            *self.refused.lock().unwrap_or_else(|e| e.into_inner()) =
                Some(end_entity.clone().into_owned());
        }
        verdict
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Who issued a certificate and to whom, as its distinguished names read.
pub fn cert_names(der: &[u8]) -> Option<PeerCert> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    Some(PeerCert {
        issuer: cert.issuer().to_string(),
        subject: cert.subject().to_string(),
    })
}

/// The system's trusted roots, read once: what a public certificate (a VPC Lattice
/// service's, say) is checked against.
fn system_verifier() -> Result<Arc<WebPkiServerVerifier>, String> {
    static SYSTEM: std::sync::OnceLock<Result<Arc<WebPkiServerVerifier>, String>> =
        std::sync::OnceLock::new();
    SYSTEM
        .get_or_init(|| {
            let mut roots = RootCertStore::empty();
            let found = rustls_native_certs::load_native_certs();
            let (added, _) = roots.add_parsable_certificates(found.certs);
            if added == 0 {
                return Err("no trusted root certificates on this host".into());
            }
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider())
                .build()
                .map_err(|e| format!("TLS setup: {e}"))
        })
        .clone()
}

fn verifier(ca_data: &str) -> Result<Arc<WebPkiServerVerifier>, String> {
    let roots = roots(ca_data)?;
    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider())
        .build()
        .map_err(|e| format!("TLS setup: {e}"))
}

/// Whether `ca_data` (base64 PEM) holds a CA certificate the probe can trust.
pub fn check_ca(ca_data: &str) -> Result<(), String> {
    let pem = base64::engine::general_purpose::STANDARD
        .decode(ca_data.trim())
        .map_err(|_| "it is not base64-encoded PEM".to_string())?;
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(&pem) {
        let cert = cert.map_err(|_| "it holds an unreadable PEM certificate".to_string())?;
        roots
            .add(cert)
            .map_err(|e| format!("its certificate is not a usable CA: {e}"))?;
    }
    if roots.is_empty() {
        return Err("it holds no PEM certificate".into());
    }
    Ok(())
}

fn roots(ca_data: &str) -> Result<RootCertStore, String> {
    let pem = base64::engine::general_purpose::STANDARD
        .decode(ca_data.trim())
        .map_err(|e| format!("cluster CA is not base64: {e}"))?;
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(&pem) {
        let cert = cert.map_err(|e| format!("cluster CA is not a PEM certificate: {e}"))?;
        roots
            .add(cert)
            .map_err(|e| format!("cluster CA certificate rejected: {e}"))?;
    }
    if roots.is_empty() {
        return Err("cluster CA holds no certificate".into());
    }
    Ok(roots)
}

/// A TLS client that trusts the cluster CA and nothing else.
pub fn client_config(ca_data: &str) -> Result<ClientConfig, String> {
    let mut cfg = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup: {e}"))?
        .with_root_certificates(roots(ca_data)?)
        .with_no_client_auth();
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(cfg)
}

fn connect_error(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => "connection refused".into(),
        io::ErrorKind::TimedOut => "connection timed out".into(),
        io::ErrorKind::HostUnreachable => "host unreachable".into(),
        io::ErrorKind::NetworkUnreachable => "network unreachable".into(),
        io::ErrorKind::ConnectionReset => "connection reset".into(),
        _ => e.to_string(),
    }
}

fn tls_error(e: &io::Error, host: &str) -> String {
    let Some(err) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) else {
        return match e.kind() {
            io::ErrorKind::UnexpectedEof => {
                "connection closed during the handshake (not a TLS server?)".into()
            }
            io::ErrorKind::ConnectionReset => "connection reset during the handshake".into(),
            _ => format!("handshake failed: {e}"),
        };
    };
    match err {
        rustls::Error::InvalidCertificate(c) => match c {
            CertificateError::UnknownIssuer => {
                "unknown CA: the certificate is not signed by the cluster CA".into()
            }
            CertificateError::NotValidForName => {
                format!("name mismatch: the certificate is not valid for {host}")
            }
            CertificateError::NotValidForNameContext { presented, .. } => format!(
                "name mismatch: the certificate is not valid for {host} (it names {})",
                presented.join(", ")
            ),
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "certificate expired".into()
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "certificate not valid yet (check this host's clock)".into()
            }
            other => format!("invalid certificate: {other:?}"),
        },
        rustls::Error::AlertReceived(a) => format!("server refused the handshake: {a:?}"),
        other => format!("handshake failed: {other}"),
    }
}

fn unknown_issuer(e: &io::Error) -> bool {
    matches!(
        e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()),
        Some(rustls::Error::InvalidCertificate(
            CertificateError::UnknownIssuer
        ))
    )
}

/// `HTTP/1.1 401 Unauthorized` -> 401.
fn status_code(line: &[u8]) -> Option<u16> {
    let line = std::str::from_utf8(line).ok()?;
    let mut parts = line.split_whitespace();
    let version = parts.next()?;
    if !version.starts_with("HTTP/") {
        return None;
    }
    let code = parts.next()?;
    (code.len() == 3)
        .then(|| code.parse().ok())
        .flatten()
        .filter(|c| (100..600).contains(c))
}

#[async_trait]
impl Prober for TlsProber {
    fn proxy(&self) -> ProxyEnv {
        self.proxy.clone()
    }

    async fn probe(&self, req: &ProbeRequest) -> ProbeSample {
        let start = Instant::now();
        let mut s = ProbeSample {
            peer: None,
            at: self.clock.now(),
            ip: req.ip,
            port: req.port,
            connect: None,
            tls: None,
            first_byte: None,
            http_status: None,
            outcome: ProbeOutcome::Ok,
        };
        let t = self.timeouts;
        let addr = SocketAddr::new(req.ip, req.port);
        let tcp = match timeout(t.connect, TcpStream::connect(addr)).await {
            Err(_) => {
                s.outcome = ProbeOutcome::TcpFailed(format!(
                    "connection timed out after {}",
                    secs(t.connect)
                ));
                return s;
            }
            Ok(Err(e)) => {
                s.outcome = ProbeOutcome::TcpFailed(connect_error(&e));
                return s;
            }
            Ok(Ok(tcp)) => tcp,
        };
        s.connect = Some(start.elapsed());
        let host = req.host.trim_end_matches('.').to_ascii_lowercase();
        if req.mode == ProbeMode::Http {
            self.http(&mut s, tcp, &host, req.port, start).await;
            return s;
        }

        let trust = match (req.mode, req.ca_data.as_deref()) {
            (_, Some(ca)) => Some(ca),
            (ProbeMode::TlsPublic, None) => None,
            _ => {
                s.outcome = ProbeOutcome::TlsFailed(
                    "not verified: no cluster CA (eks:DescribeCluster) to check the certificate against".into(),
                );
                return s;
            }
        };
        let (config, recording) = match self.client_config(trust) {
            Ok(c) => c,
            Err(e) => {
                s.outcome = ProbeOutcome::TlsFailed(format!("not verified: {e}"));
                return s;
            }
        };
        let name = match ServerName::try_from(host.clone()) {
            Ok(n) => n,
            Err(e) => {
                s.outcome = ProbeOutcome::TlsFailed(format!("'{host}' cannot be sent as SNI: {e}"));
                return s;
            }
        };
        let connector = TlsConnector::from(config);
        let tls = match timeout(t.tls, connector.connect(name, tcp)).await {
            Err(_) => {
                s.outcome =
                    ProbeOutcome::TlsFailed(format!("handshake timed out after {}", secs(t.tls)));
                return s;
            }
            Ok(Err(e)) => {
                s.outcome = ProbeOutcome::TlsFailed(tls_error(&e, &host));
                let refused = recording
                    .refused
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .take();
                // Another CA's certificate is what an intercepting proxy presents; say whose.
                if unknown_issuer(&e) {
                    s.peer = refused.and_then(|der| cert_names(&der));
                }
                return s;
            }
            Ok(Ok(tls)) => tls,
        };
        s.tls = Some(start.elapsed());
        self.http(&mut s, tls, &host, req.port, start).await;
        s
    }
}

impl TlsProber {
    /// `GET` the probe path over `stream` and keep the status line's code.
    async fn http<S>(
        &self,
        s: &mut ProbeSample,
        mut stream: S,
        host: &str,
        port: u16,
        start: Instant,
    ) where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    {
        let t = self.timeouts;
        let default_port = if s.tls.is_some() { 443 } else { 80 };
        let authority = if port == default_port {
            host.to_string()
        } else {
            format!("{host}:{port}")
        };
        let request = format!(
            "GET {} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: eksnet-tui/{}\r\nAccept: */*\r\nConnection: close\r\n\r\n",
            self.path,
            env!("CARGO_PKG_VERSION")
        );
        let exchange = async {
            stream.write_all(request.as_bytes()).await?;
            stream.flush().await?;
            let mut buf = Vec::with_capacity(256);
            let mut first = None;
            loop {
                let mut chunk = [0u8; 256];
                let n = stream.read(&mut chunk).await?;
                if n == 0 {
                    return Ok::<_, io::Error>((first, buf, true));
                }
                first.get_or_insert_with(|| start.elapsed());
                buf.extend_from_slice(&chunk[..n]);
                if buf.contains(&b'\n') || buf.len() >= MAX_STATUS_LINE {
                    return Ok((first, buf, false));
                }
            }
        };
        match timeout(t.http, exchange).await {
            Err(_) => {
                s.outcome = ProbeOutcome::HttpFailed(format!(
                    "no response to GET {} within {}",
                    self.path,
                    secs(t.http)
                ))
            }
            Ok(Err(e)) => s.outcome = ProbeOutcome::HttpFailed(format!("GET {}: {e}", self.path)),
            Ok(Ok((first, buf, closed))) => {
                s.first_byte = first;
                let line = buf.split(|b| *b == b'\n').next().unwrap_or_default();
                match status_code(line) {
                    Some(code) => s.http_status = Some(code),
                    None if buf.is_empty() && closed => {
                        s.outcome =
                            ProbeOutcome::HttpFailed("connection closed before a response".into())
                    }
                    None => {
                        let shown = String::from_utf8_lossy(&line[..line.len().min(60)]);
                        s.outcome = ProbeOutcome::HttpFailed(format!(
                            "not an HTTP response: {:?}",
                            shown.trim_end()
                        ))
                    }
                }
            }
        }
    }
}

fn secs(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines() {
        assert_eq!(status_code(b"HTTP/1.1 401 Unauthorized\r"), Some(401));
        assert_eq!(status_code(b"HTTP/1.0 200 OK"), Some(200));
        assert_eq!(status_code(b"SSH-2.0-OpenSSH_9.6"), None);
        assert_eq!(status_code(b"HTTP/1.1 99999 x"), None);
    }

    #[test]
    fn bad_ca_data_says_why() {
        assert!(client_config("%%%").unwrap_err().contains("base64"));
        let not_pem = base64::engine::general_purpose::STANDARD.encode("hello");
        assert!(
            client_config(&not_pem)
                .unwrap_err()
                .contains("no certificate")
        );
    }
}
