//! An authoritative DNS server on 127.0.0.1 at a free port, in the test process: an
//! in-memory zone in a `Catalog`, plus names that answer SERVFAIL or never answer.

use hickory_server::Server;
use hickory_server::net::runtime::{Time, TokioRuntimeProvider};
use hickory_server::proto::op::ResponseCode;
use hickory_server::proto::rr::rdata::{A, AAAA, SOA, TXT};
use hickory_server::proto::rr::{LowerName, Name, RData, Record, RecordType, RrKey};
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, MessageResponseBuilder, ZoneType};
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::UdpSocket;
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Misbehave {
    ServFail,
    /// Never answers, so the client times out.
    Silent,
}

type Rules = Arc<Mutex<BTreeMap<String, Misbehave>>>;

struct Handler {
    catalog: Catalog,
    rules: Rules,
}

fn key(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

#[async_trait::async_trait]
impl RequestHandler for Handler {
    async fn handle_request<R: ResponseHandler, T: Time>(
        &self,
        request: &Request,
        mut response_handle: R,
    ) -> ResponseInfo {
        let name = request
            .queries
            .queries()
            .first()
            .map(|q| key(&q.name().to_string()))
            .unwrap_or_default();
        let rule = self.rules.lock().unwrap().get(&name).copied();
        match rule {
            Some(Misbehave::ServFail) => {
                let response = MessageResponseBuilder::new(&request.queries, None)
                    .error_msg(&request.metadata, ResponseCode::ServFail);
                response_handle
                    .send_response(response)
                    .await
                    .expect("send SERVFAIL")
            }
            Some(Misbehave::Silent) => {
                // Longer than any client timeout; the task is dropped with the server.
                tokio::time::sleep(Duration::from_secs(3600)).await;
                self.catalog
                    .handle_request::<R, T>(request, response_handle)
                    .await
            }
            None => {
                self.catalog
                    .handle_request::<R, T>(request, response_handle)
                    .await
            }
        }
    }
}

pub struct TestDns {
    pub addr: SocketAddr,
    zone: Arc<InMemoryZoneHandler<TokioRuntimeProvider>>,
    rules: Rules,
    serial: AtomicU32,
    stop: CancellationToken,
}

impl Drop for TestDns {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

fn name(s: &str) -> Name {
    Name::from_str(&format!("{}.", s.trim_end_matches('.'))).unwrap()
}

impl TestDns {
    /// Authoritative for `origin`; names under it exist only once set.
    pub async fn start(origin: &str) -> TestDns {
        let origin_name = name(origin);
        let mut zone = InMemoryZoneHandler::<TokioRuntimeProvider>::empty(
            origin_name.clone(),
            ZoneType::Primary,
            AxfrPolicy::Deny,
        );
        let soa = SOA::new(
            name(&format!("ns.{origin}")),
            name(&format!("hostmaster.{origin}")),
            1,
            3600,
            600,
            86400,
            30,
        );
        assert!(zone.upsert_mut(
            Record::from_rdata(origin_name.clone(), 300, RData::SOA(soa)),
            1
        ));
        let zone = Arc::new(zone);
        let mut catalog = Catalog::new();
        catalog.upsert(LowerName::new(&origin_name), vec![zone.clone()]);
        let rules: Rules = Arc::default();
        let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = socket.local_addr().unwrap();
        let mut server = Server::new(Handler {
            catalog,
            rules: rules.clone(),
        });
        server.register_socket(socket);
        let stop = server.shutdown_token().clone();
        tokio::spawn(async move {
            let _ = server.block_until_done().await;
        });
        TestDns {
            addr,
            zone,
            rules,
            serial: AtomicU32::new(2),
            stop,
        }
    }

    /// Replace the A and AAAA records of `host` with these addresses.
    pub async fn set(&self, host: &str, ips: &[&str], ttl: u32) {
        let n = name(host);
        {
            let mut records = self.zone.records_mut().await;
            for t in [RecordType::A, RecordType::AAAA] {
                records.remove(&RrKey::new(LowerName::new(&n), t));
            }
        }
        let serial = self.serial.fetch_add(1, Ordering::SeqCst);
        for ip in ips {
            let data = match ip.parse::<IpAddr>().unwrap() {
                IpAddr::V4(v4) => RData::A(A(v4)),
                IpAddr::V6(v6) => RData::AAAA(AAAA(v6)),
            };
            assert!(
                self.zone
                    .upsert(Record::from_rdata(n.clone(), ttl, data), serial)
                    .await
            );
        }
    }

    /// The name exists, with no address: NOERROR and an empty answer.
    pub async fn set_txt_only(&self, host: &str) {
        let serial = self.serial.fetch_add(1, Ordering::SeqCst);
        let txt = RData::TXT(TXT::new(vec!["no address here".into()]));
        assert!(
            self.zone
                .upsert(Record::from_rdata(name(host), 60, txt), serial)
                .await
        );
    }

    pub fn misbehave(&self, host: &str, how: Misbehave) {
        self.rules.lock().unwrap().insert(key(host), how);
    }
}
