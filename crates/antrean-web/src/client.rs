//! Who a request comes from, for per-address limits (the booking APIs of a site and of
//! Antrean Pusat).

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;

/// The client's address: the peer, or the last `X-Forwarded-For` entry when the peer is
/// the reverse proxy trusted to set it. From anyone else the header is ignored, or a
/// client would dodge the limits by writing it.
pub fn client_address(
    peer: SocketAddr,
    trusted_proxy: Option<IpAddr>,
    headers: &HeaderMap,
) -> IpAddr {
    if Some(peer.ip()) == trusted_proxy
        && let Some(forwarded) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return forwarded;
    }
    peer.ip()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_trusted_proxy_names_the_client() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.7".parse().unwrap(),
        );
        let proxy: SocketAddr = "10.0.0.2:50000".parse().unwrap();
        let stranger: SocketAddr = "10.0.0.3:50000".parse().unwrap();
        let trusted = Some("10.0.0.2".parse().unwrap());
        assert_eq!(
            client_address(proxy, trusted, &headers),
            "198.51.100.7".parse::<IpAddr>().unwrap(),
            "the proxy's own entry, the last"
        );
        assert_eq!(client_address(stranger, trusted, &headers), stranger.ip());
        assert_eq!(client_address(proxy, None, &headers), proxy.ip());
    }
}
