//! An HTTP client for the SDK that answers from a queue of recorded responses and keeps
//! the requests it was given, so a test can check what a second page asked for.

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Default)]
pub struct Replay {
    responses: Arc<Mutex<VecDeque<(u16, String)>>>,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Replay {
    pub fn new(responses: &[&str]) -> Self {
        let r = Self::default();
        r.responses
            .lock()
            .unwrap()
            .extend(responses.iter().map(|b| (200, b.to_string())));
        r
    }

    /// Each request as `METHOD URI BODY`, in order.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    pub fn exhausted(&self) -> bool {
        self.responses.lock().unwrap().is_empty()
    }
}

impl HttpConnector for Replay {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let body = request
            .body()
            .bytes()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        self.requests.lock().unwrap().push(format!(
            "{} {} {body}",
            request.method(),
            request.uri()
        ));
        let (status, text) = self
            .responses
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or_else(|| panic!("no recorded response left for {}", request.uri()));
        let mut resp = HttpResponse::new(
            StatusCode::try_from(status).expect("status"),
            SdkBody::from(text.clone()),
        );
        let kind = if text.trim_start().starts_with('{') {
            "application/json"
        } else {
            "text/xml"
        };
        resp.headers_mut().insert("content-type", kind);
        HttpConnectorFuture::ready(Ok(resp))
    }
}

impl HttpClient for Replay {
    fn http_connector(
        &self,
        _settings: &HttpConnectorSettings,
        _components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}

/// A client whose every call is answered by `replay`. The endpoint is a discard port on
/// loopback; nothing is ever sent there.
pub async fn client(replay: &Replay) -> super::super::AwsClient {
    let conf = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("eu-west-1"))
        .endpoint_url("http://127.0.0.1:9")
        .credentials_provider(aws_sdk_ec2::config::Credentials::new(
            "replay", "replay", None, None, "test",
        ))
        .http_client(replay.clone())
        .load()
        .await;
    super::super::AwsClient::from_conf(&conf)
}
