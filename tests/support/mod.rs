//! Real servers on loopback for the live tests: DNS, a TLS API server, and the demo account
//! rewired to point at them. Nothing here talks to anything but 127.0.0.0/8.

#![allow(dead_code)]

pub mod api;
pub mod dns;
pub mod tls;
