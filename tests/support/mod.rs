//! Real servers on loopback for the live tests: DNS and a TLS API server. Nothing here
//! talks to anything but 127.0.0.0/8.

#![allow(dead_code)]

pub mod dns;
pub mod tls;
