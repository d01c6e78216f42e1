//! What the serve benches share: the demo fleet as `serve` resolves it, started as `serve`
//! starts it, and one scrape of `/metrics` over loopback.
#![allow(dead_code)]

use eksnet_tui::cli::{self, Command, Parsed};
use eksnet_tui::env::build_env;
use eksnet_tui::serve::{self, Target, metrics::Metrics};
use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Duration;

/// The first `n` clusters of `serve --demo fleet` with these extra flags, and the refresh
/// interval the flags give.
pub fn demo_fleet(extra: &[&str], n: usize) -> (Vec<Target>, Duration) {
    let args = ["eksnet-tui", "serve", "--demo", "fleet"]
        .into_iter()
        .chain(extra.iter().copied());
    let Ok(Parsed::Run(cli)) = cli::parse(args) else {
        panic!("the bench's flags parse")
    };
    let Some(Command::Serve(opts)) = &cli.command else {
        panic!("serve")
    };
    let mut targets = serve::targets(&cli.opts, opts).expect("the demo fleet");
    targets.truncate(n);
    (targets, opts.every)
}

/// Each cluster's first refresh, then its poller, as `serve` runs them.
pub async fn start(targets: Vec<Target>, metrics: &Arc<Metrics>, every: Duration) {
    for t in targets {
        let env = build_env(&t.startup).await.expect("demo env");
        serve::refresh(&t.name, &t.startup, &env, metrics)
            .await
            .expect("first refresh");
        tokio::spawn(serve::watch(t, env, metrics.clone(), every));
    }
}

/// One GET of `/metrics` on a fresh connection; the bytes of the answer.
pub fn scrape(addr: std::net::SocketAddr) -> usize {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut body = Vec::new();
    s.read_to_end(&mut body).unwrap();
    body.len()
}
