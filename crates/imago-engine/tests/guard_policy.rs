//! The address policy of server-side fetches, address by address: every range the issue
//! names is refused (with its edges), and public addresses next to them are not.

use std::net::IpAddr;

use imago_engine::guard::is_forbidden;

fn ip(s: &str) -> IpAddr {
    s.parse().expect("test address")
}

/// Asserts `addr` is refused and that the reason mentions `word` (so the message tells a
/// user what kind of address it was).
fn refused(addr: &str, word: &str) {
    match is_forbidden(ip(addr)) {
        Some(why) => assert!(
            why.contains(word),
            "{addr}: reason {why:?} does not mention {word:?}"
        ),
        None => panic!("{addr} should be refused ({word})"),
    }
}

fn allowed(addr: &str) {
    assert_eq!(is_forbidden(ip(addr)), None, "{addr} is public");
}

#[test]
fn ipv4_loopback_unspecified_and_this_network() {
    refused("127.0.0.1", "loopback");
    refused("127.255.255.254", "loopback");
    refused("127.1.2.3", "loopback");
    refused("0.0.0.0", "unspecified");
    refused("0.1.2.3", "0.0.0.0/8");
    refused("0.255.255.255", "0.0.0.0/8");
}

#[test]
fn ipv4_private_ranges_and_their_edges() {
    refused("10.0.0.0", "private");
    refused("10.255.255.255", "private");
    allowed("9.255.255.255");
    allowed("11.0.0.0");
    refused("172.16.0.0", "private");
    refused("172.31.255.255", "private");
    allowed("172.15.255.255");
    allowed("172.32.0.0");
    refused("192.168.0.1", "private");
    refused("192.168.255.255", "private");
    allowed("192.167.255.255");
    allowed("192.169.0.0");
}

#[test]
fn ipv4_link_local_and_cloud_metadata() {
    refused("169.254.169.254", "metadata");
    refused("169.254.0.1", "link-local");
    refused("169.254.255.255", "link-local");
    allowed("169.253.255.255");
    allowed("169.255.0.0");
}

#[test]
fn ipv4_carrier_grade_nat() {
    refused("100.64.0.0", "100.64.0.0/10");
    refused("100.127.255.255", "100.64.0.0/10");
    allowed("100.63.255.255");
    allowed("100.128.0.0");
}

#[test]
fn ipv4_multicast_broadcast_reserved() {
    refused("224.0.0.1", "multicast");
    refused("239.255.255.250", "multicast");
    refused("255.255.255.255", "broadcast");
    refused("240.0.0.1", "reserved");
    refused("254.1.2.3", "reserved");
    allowed("223.255.255.255");
}

#[test]
fn ipv4_documentation_benchmark_and_protocol_ranges() {
    refused("192.0.0.8", "192.0.0.0/24");
    refused("192.0.2.1", "documentation");
    refused("198.51.100.7", "documentation");
    refused("203.0.113.200", "documentation");
    refused("198.18.0.1", "benchmark");
    refused("198.19.255.255", "benchmark");
    allowed("198.17.255.255");
    allowed("198.20.0.0");
    allowed("192.0.3.0");
    allowed("203.0.114.0");
}

#[test]
fn ipv4_public_addresses_pass() {
    allowed("8.8.8.8");
    allowed("1.1.1.1");
    allowed("93.184.216.34");
    allowed("151.101.1.69");
}

#[test]
fn ipv6_loopback_unspecified_local_ranges() {
    refused("::1", "loopback");
    refused("::", "unspecified");
    refused("fc00::1", "unique local");
    refused("fd12:3456:789a::1", "unique local");
    refused("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "unique local");
    refused("fe80::1", "link-local");
    refused("febf:ffff::1", "link-local");
    refused("fec0::1", "site-local");
    refused("feff::1", "site-local");
    refused("ff02::1", "multicast");
    refused("ff0e::1", "multicast");
    refused("100::1", "discard");
    refused("100::ffff:ffff:ffff:ffff", "discard");
}

#[test]
fn ipv6_documentation_and_unallocated() {
    refused("2001:db8::1", "documentation");
    refused("3fff::1", "documentation");
    // Outside global unicast 2000::/3.
    refused("4000::1", "2000::/3");
    refused("1::1", "2000::/3");
}

#[test]
fn ipv4_mapped_ipv6_checks_the_embedded_address() {
    refused("::ffff:127.0.0.1", "loopback");
    refused("::ffff:10.1.2.3", "private");
    refused("::ffff:169.254.169.254", "metadata");
    // Refused even around a public address: no public host is reached this way, and the
    // HTTP stack would turn it into an IPv4 connection we checked under another name.
    refused("::ffff:93.184.216.34", "IPv4-mapped");
}

#[test]
fn ipv4_compatible_ipv6_checks_the_embedded_address() {
    refused("::127.0.0.1", "loopback");
    refused("::10.0.0.1", "private");
    refused("::8.8.8.8", "IPv4-compatible");
}

#[test]
fn nat64_checks_the_embedded_address() {
    refused("64:ff9b::7f00:1", "loopback");
    refused("64:ff9b::a9fe:a9fe", "metadata");
    refused("64:ff9b::c0a8:101", "private");
    refused("64:ff9b::808:808", "NAT64");
    refused("64:ff9b:1::1", "local-use NAT64");
    refused("64:ff9b:1:ffff::1", "local-use NAT64");
}

#[test]
fn six_to_four_checks_the_embedded_address() {
    // 2002:AABB:CCDD::/48 carries AA.BB.CC.DD.
    refused("2002:7f00:1::1", "loopback");
    refused("2002:a00:1::", "private");
    refused("2002:a9fe:a9fe::1", "metadata");
    refused("2002:808:808::1", "6to4");
}

#[test]
fn teredo_and_protocol_assignments() {
    refused("2001::1", "Teredo");
    refused("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo");
    refused("2001:2::1", "2001::/23");
}

#[test]
fn ipv6_public_addresses_pass() {
    allowed("2606:4700:4700::1111");
    allowed("2001:4860:4860::8888");
    allowed("2a00:1450:4001:82a::200e");
    // Just past the special ranges.
    allowed("2001:200::1");
    allowed("2003::1");
}
