//! A stand-in API server on loopback: a test CA made with rcgen, and a TLS listener that
//! answers `GET /livez` like an API server does to an anonymous client, or misbehaves.

use base64::Engine;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;

/// A certificate authority, like the one EKS makes per cluster.
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    pem: String,
}

impl TestCa {
    pub fn new(cn: &str) -> TestCa {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, cn);
        let cert = params.self_signed(&key).unwrap();
        TestCa {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// `certificateAuthority.data` as DescribeCluster returns it: base64 of the PEM.
    pub fn ca_data(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(&self.pem)
    }

    /// The CA certificate as PEM, as a `certificate-authority` file holds it.
    pub fn pem(&self) -> &str {
        &self.pem
    }

    /// A server certificate for these names.
    pub fn leaf(&self, names: &[&str]) -> Identity {
        let key = KeyPair::generate().unwrap();
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        let mut params = CertificateParams::new(names).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "kube-apiserver");
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        Identity {
            chain: vec![cert.der().clone()],
            key: PrivatePkcs8KeyDer::from(key.serialize_der()).into(),
        }
    }
}

pub struct Identity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Complete the handshake and answer `GET /livez` with this status.
    Answer(u16),
    /// Accept TCP and never say a word: the handshake hangs.
    Hang,
    /// Complete the handshake, then close without an HTTP response.
    CloseAfterHandshake,
    /// Answer 200 to `GET` of this path only; close without a response on any other.
    OnlyPath(&'static str),
}

pub struct TlsServer {
    pub addr: SocketAddr,
    stop: CancellationToken,
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

fn server_config(id: Identity) -> Arc<ServerConfig> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let cfg = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(id.chain, id.key)
        .unwrap();
    Arc::new(cfg)
}

impl TlsServer {
    /// Listen on `ip` at a free port.
    pub async fn start(ip: &str, id: Identity, behaviour: Behaviour) -> TlsServer {
        let ip: IpAddr = ip.parse().unwrap();
        let listener = TcpListener::bind((ip, 0)).await.unwrap();
        Self::serve(listener, id, behaviour)
    }

    /// Listen on `ip` at this port, for a second address serving the same port.
    pub async fn start_at(
        addr: SocketAddr,
        id: Identity,
        behaviour: Behaviour,
    ) -> Option<TlsServer> {
        let listener = TcpListener::bind(addr).await.ok()?;
        Some(Self::serve(listener, id, behaviour))
    }

    fn serve(listener: TcpListener, id: Identity, behaviour: Behaviour) -> TlsServer {
        let addr = listener.local_addr().unwrap();
        let acceptor = TlsAcceptor::from(server_config(id));
        let stop = CancellationToken::new();
        let token = stop.clone();
        tokio::spawn(async move {
            loop {
                let (tcp, _) = tokio::select! {
                    _ = token.cancelled() => return,
                    r = listener.accept() => match r { Ok(c) => c, Err(_) => return },
                };
                let acceptor = acceptor.clone();
                let token = token.clone();
                tokio::spawn(async move {
                    tokio::select! {
                        _ = token.cancelled() => {}
                        _ = serve_one(tcp, acceptor, behaviour) => {}
                    }
                });
            }
        });
        TlsServer { addr, stop }
    }
}

async fn serve_one(tcp: tokio::net::TcpStream, acceptor: TlsAcceptor, behaviour: Behaviour) {
    if behaviour == Behaviour::Hang {
        let _held = tcp;
        std::future::pending::<()>().await;
        return;
    }
    let Ok(mut tls) = acceptor.accept(tcp).await else {
        return;
    };
    let (code, only) = match behaviour {
        Behaviour::Answer(code) => (code, None),
        Behaviour::OnlyPath(path) => (200, Some(path)),
        _ => {
            let _ = tls.shutdown().await;
            return;
        }
    };
    let mut req = Vec::new();
    let mut buf = [0u8; 512];
    while !req.windows(4).any(|w| w == b"\r\n\r\n") {
        match tls.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => req.extend_from_slice(&buf[..n]),
        }
    }
    if let Some(path) = only
        && !req.starts_with(format!("GET {path} ").as_bytes())
    {
        let _ = tls.shutdown().await;
        return;
    }
    let body = r#"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}"#;
    let reply = format!(
        "HTTP/1.1 {code} Unauthorized\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tls.write_all(reply.as_bytes()).await;
    let _ = tls.shutdown().await;
}

/// A port on 127.0.0.1 where nothing listens.
pub async fn closed_port() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap()
}

/// A plain HTTP listener (a Lattice listener without TLS) answering every request with
/// `code`.
pub struct HttpServer {
    pub addr: SocketAddr,
    stop: CancellationToken,
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

impl HttpServer {
    pub async fn start(ip: &str, code: u16) -> HttpServer {
        let ip: IpAddr = ip.parse().unwrap();
        let listener = TcpListener::bind((ip, 0)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = CancellationToken::new();
        let token = stop.clone();
        tokio::spawn(async move {
            loop {
                let (mut tcp, _) = tokio::select! {
                    _ = token.cancelled() => return,
                    r = listener.accept() => match r { Ok(c) => c, Err(_) => return },
                };
                tokio::spawn(async move {
                    let mut req = Vec::new();
                    let mut buf = [0u8; 512];
                    while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                        match tcp.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => req.extend_from_slice(&buf[..n]),
                        }
                    }
                    let reply = format!(
                        "HTTP/1.1 {code} OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                    );
                    let _ = tcp.write_all(reply.as_bytes()).await;
                    let _ = tcp.shutdown().await;
                });
            }
        });
        HttpServer { addr, stop }
    }
}
