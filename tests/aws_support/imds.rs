//! A fake EC2 instance metadata service (IMDSv2) on loopback that names one instance.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

/// Serves until the test process ends; returns `http://127.0.0.1:PORT`.
pub fn serve(instance_id: &str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the metadata server");
    let url = format!("http://{}", listener.local_addr().unwrap());
    let id = instance_id.to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            let mut token = false;
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                    break;
                }
                token |= h
                    .to_ascii_lowercase()
                    .starts_with("x-aws-ec2-metadata-token:");
            }
            let (status, body) = match request.split_whitespace().take(2).collect::<Vec<_>>()[..] {
                ["PUT", "/latest/api/token"] => ("200 OK", "fake-token".to_string()),
                ["GET", "/latest/meta-data/instance-id"] if token => ("200 OK", id.clone()),
                ["GET", _] if !token => ("401 Unauthorized", String::new()),
                _ => ("404 Not Found", String::new()),
            };
            let mut s = stream;
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nx-aws-ec2-metadata-token-ttl-seconds: 21600\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}
