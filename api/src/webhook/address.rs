//! Where a webhook may be delivered: public internet addresses only, so a partner cannot make
//! the directory reach inside its own network (Redis, the database, cloud metadata).
//!
//! Checked twice: at registration (address literals and `localhost` names, which need no
//! lookup) and when sending, where [`PublicOnly`] is the HTTP client's resolver: it looks the
//! host up, drops every address that is not public and hands the client the addresses it
//! checked, so the connection goes exactly where the check looked (no DNS rebinding).
//! `WEBHOOK_ALLOW_PRIVATE=true` lifts the rule for on-premises deployments.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Whether `ip` is an ordinary public unicast address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => match ip.to_ipv4_mapped() {
            // `::ffff:127.0.0.1` is 127.0.0.1.
            Some(mapped) => is_public_v4(mapped),
            None => is_public_v6(ip),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [first, second, third, _] = ip.octets();
    let this_network = first == 0;
    let carrier_nat = first == 100 && (64..128).contains(&second);
    let protocol_assignments = first == 192 && second == 0 && third == 0;
    let benchmarking = first == 198 && (second == 18 || second == 19);
    let reserved = first >= 240;
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_unspecified()
        || ip.is_documentation()
        || this_network
        || carrier_nat
        || protocol_assignments
        || benchmarking
        || reserved)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let segments = ip.segments();
    let documentation = segments[0] == 0x2001 && segments[1] == 0x0db8;
    // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) embed IPv4 addresses: judge the embedded one.
    if segments[0] == 0x0064 && segments[1] == 0xff9b && segments[2..6] == [0, 0, 0, 0] {
        let [a, b] = segments[6].to_be_bytes();
        let [c, d] = segments[7].to_be_bytes();
        return is_public_v4(Ipv4Addr::new(a, b, c, d));
    }
    if segments[0] == 0x2002 {
        let [a, b] = segments[1].to_be_bytes();
        let [c, d] = segments[2].to_be_bytes();
        return is_public_v4(Ipv4Addr::new(a, b, c, d));
    }
    // IPv4-compatible (deprecated) `::a.b.c.d`.
    if segments[..6] == [0, 0, 0, 0, 0, 0] {
        return false;
    }
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_unique_local()
        || ip.is_unicast_link_local()
        || documentation)
}

/// Checks the host of a receiver's URL as far as it can be without a lookup: address literals
/// (in any notation the URL parser accepts: `0x7f000001`, `2130706433`, `[::ffff:7f00:1]` all
/// arrive here as 127.0.0.1) and names that always mean this machine.
pub fn check_host(url: &reqwest::Url, allow_private: bool) -> Result<(), String> {
    if allow_private {
        return Ok(());
    }
    let refused =
        || "`url` points at a private, loopback or reserved address: webhooks go to public addresses only".to_owned();
    match url.host() {
        Some(url::Host::Ipv4(ip)) if !is_public(IpAddr::V4(ip)) => Err(refused()),
        Some(url::Host::Ipv6(ip)) if !is_public(IpAddr::V6(ip)) => Err(refused()),
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if name == "localhost" || name.ends_with(".localhost") || !name.contains('.') {
                return Err(refused());
            }
            Ok(())
        }
        Some(_) => Ok(()),
        None => Err("`url` needs a host".to_owned()),
    }
}

/// The webhook client's resolver: only public addresses come out of it.
#[derive(Debug, Clone, Copy)]
pub struct PublicOnly {
    pub allow_private: bool,
}

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|address| allow_private || is_public(address.ip()))
                .collect();
            if allowed.is_empty() {
                return Err(format!("{host} has no public address: webhooks go to public addresses only").into());
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> reqwest::Url {
        reqwest::Url::parse(text).expect("a URL")
    }

    #[test]
    fn private_loopback_and_reserved_addresses_are_not_public() {
        for address in [
            "127.0.0.1",
            "127.1.2.3",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.0.8",
            "198.18.0.1",
            "240.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
            "::127.0.0.1",
            "2001:db8::1",
        ] {
            let ip: IpAddr = address.parse().expect("an address");
            assert!(!is_public(ip), "{address} must not be public");
        }
        for address in [
            "93.184.215.14",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "::ffff:93.184.215.14",
        ] {
            let ip: IpAddr = address.parse().expect("an address");
            assert!(is_public(ip), "{address} is public");
        }
    }

    #[test]
    fn every_notation_of_an_inside_address_is_refused() {
        for target in [
            "http://127.0.0.1:6379/",
            "http://localhost:5432/",
            "http://LOCALHOST./x",
            "http://api.localhost/x",
            "http://[::1]:8080/x",
            "http://0x7f000001/",
            "http://2130706433/",
            "http://0177.0.0.1/",
            "http://127.1/",
            "http://[::ffff:7f00:1]/",
            "http://[::ffff:169.254.169.254]/latest/meta-data",
            "http://169.254.169.254/latest/meta-data",
            "http://10.0.0.5/hook",
            "http://intranet/hook",
        ] {
            assert!(check_host(&url(target), false).is_err(), "{target} must be refused");
            assert!(
                check_host(&url(target), true).is_ok(),
                "{target} is allowed on premises"
            );
        }
        for target in ["https://hooks.example.org/directory", "http://93.184.215.14/x"] {
            assert!(check_host(&url(target), false).is_ok(), "{target} is public");
        }
    }

    #[tokio::test]
    async fn the_resolver_hands_out_no_private_address() {
        use reqwest::dns::Resolve;
        // `localhost` resolves on every machine, to loopback only: nothing may come out.
        let name: reqwest::dns::Name = "localhost".parse().expect("a name");
        let refused = PublicOnly { allow_private: false }.resolve(name).await;
        assert!(refused.is_err());
        let name: reqwest::dns::Name = "localhost".parse().expect("a name");
        let allowed = PublicOnly { allow_private: true }
            .resolve(name)
            .await
            .expect("resolves");
        assert!(allowed.into_iter().all(|address| address.ip().is_loopback()));
    }
}
