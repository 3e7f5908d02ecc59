//! The client's address, for throttling, rate limits and the audit trail.

use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use std::net::SocketAddr;

/// The client's address. Behind `trusted_proxy_hops` reverse proxies it is taken from
/// `X-Forwarded-For`, counting that many entries from the right (each proxy appends the address
/// it saw); otherwise it is the socket's peer.
pub struct ClientIp(pub String);

pub fn client_ip(parts: &Parts, trusted_proxy_hops: usize) -> String {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    if trusted_proxy_hops == 0 {
        return peer;
    }
    let hops: Vec<String> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().to_owned())
        .filter(|s| s.parse::<std::net::IpAddr>().is_ok())
        .collect();
    match hops.len().checked_sub(trusted_proxy_hops) {
        Some(i) => hops[i].clone(),
        None => peer,
    }
}

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts, state.cfg.trusted_proxy_hops)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_is_found_behind_trusted_proxies_only() {
        let req = axum::http::Request::builder()
            .header("x-forwarded-for", "203.0.113.9, 10.0.0.2")
            .body(())
            .unwrap();
        let (mut parts, _) = req.into_parts();
        parts
            .extensions
            .insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 1], 443))));
        assert_eq!(
            client_ip(&parts, 0),
            "10.0.0.1",
            "no proxies trusted: the peer, whatever the header says"
        );
        assert_eq!(client_ip(&parts, 1), "10.0.0.2");
        assert_eq!(client_ip(&parts, 2), "203.0.113.9");
        assert_eq!(
            client_ip(&parts, 3),
            "10.0.0.1",
            "fewer hops than proxies: the peer"
        );
    }
}
