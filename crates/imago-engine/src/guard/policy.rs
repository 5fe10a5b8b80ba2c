//! Which addresses a server-side fetch may never reach: the address policy, on its own so
//! it can be read and tested without a network.
//!
//! The rule is "refuse everything that is not plainly a public unicast address". A server
//! can reach its own loopback, its private network, the cloud metadata service and the
//! other machines of its data center; the user who asks for a URL cannot, and must not
//! reach them through us. IPv6 forms that carry an IPv4 address inside (mapped,
//! compatible, NAT64, 6to4, Teredo) are refused outright: a translator or tunnel would
//! deliver them to an IPv4 address we did not check the way it is meant, and no public
//! image host needs them.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why `ip` must not be fetched from, or `None` when it is a public unicast address.
///
/// For IPv6 forms that embed an IPv4 address, the reason is the embedded address's when
/// that one is itself forbidden (`::ffff:127.0.0.1` reads "loopback ..."), so the message
/// names the real target.
pub fn is_forbidden(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

/// IPv4 ranges, most specific first (a broadcast address is also in 240/4, and the
/// message should say broadcast).
const V4_RANGES: &[([u8; 4], u8, &str)] = &[
    (
        [255, 255, 255, 255],
        32,
        "broadcast address (255.255.255.255)",
    ),
    ([0, 0, 0, 0], 32, "unspecified address (0.0.0.0)"),
    ([0, 0, 0, 0], 8, "\"this network\" address (0.0.0.0/8)"),
    ([10, 0, 0, 0], 8, "private address (10.0.0.0/8)"),
    (
        [100, 64, 0, 0],
        10,
        "carrier-grade NAT shared address (100.64.0.0/10)",
    ),
    ([127, 0, 0, 0], 8, "loopback address (127.0.0.0/8)"),
    (
        [169, 254, 169, 254],
        32,
        "cloud metadata address (169.254.169.254)",
    ),
    ([169, 254, 0, 0], 16, "link-local address (169.254.0.0/16)"),
    ([172, 16, 0, 0], 12, "private address (172.16.0.0/12)"),
    (
        [192, 0, 0, 0],
        24,
        "IETF protocol assignment address (192.0.0.0/24)",
    ),
    ([192, 0, 2, 0], 24, "documentation address (192.0.2.0/24)"),
    (
        [192, 88, 99, 0],
        24,
        "6to4 relay anycast address (192.88.99.0/24)",
    ),
    ([192, 168, 0, 0], 16, "private address (192.168.0.0/16)"),
    ([198, 18, 0, 0], 15, "benchmarking address (198.18.0.0/15)"),
    (
        [198, 51, 100, 0],
        24,
        "documentation address (198.51.100.0/24)",
    ),
    (
        [203, 0, 113, 0],
        24,
        "documentation address (203.0.113.0/24)",
    ),
    ([224, 0, 0, 0], 4, "multicast address (224.0.0.0/4)"),
    ([240, 0, 0, 0], 4, "reserved address (240.0.0.0/4)"),
];

fn forbidden_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let bits = u32::from(ip);
    V4_RANGES
        .iter()
        .find(|(net, len, _)| in_prefix32(bits, u32::from_be_bytes(*net), *len))
        .map(|(_, _, why)| *why)
}

fn in_prefix32(bits: u32, net: u32, len: u8) -> bool {
    let mask = if len == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(len))
    };
    bits & mask == net & mask
}

fn in_prefix128(bits: u128, net: u128, len: u8) -> bool {
    let mask = if len == 0 {
        0
    } else {
        u128::MAX << (128 - u32::from(len))
    };
    bits & mask == net & mask
}

/// The IPv6 forms that carry an IPv4 address: prefix, length, where the IPv4 bits sit
/// (right shift of the 128-bit value), and the reason when the embedded address is itself
/// public. Teredo obfuscates its address, so it has no embedded check: it is refused as a
/// whole.
const V6_EMBEDDING: &[(u128, u8, u32, &str)] = &[
    (
        0x0000_0000_0000_0000_0000_ffff_0000_0000,
        96,
        0,
        "IPv4-mapped IPv6 address (::ffff:0:0/96)",
    ),
    (
        0x0064_ff9b_0000_0000_0000_0000_0000_0000,
        96,
        0,
        "NAT64 address (64:ff9b::/96)",
    ),
    (
        0x2002_0000_0000_0000_0000_0000_0000_0000,
        16,
        80,
        "6to4 address (2002::/16)",
    ),
];

/// IPv6 ranges without an embedded IPv4 address, most specific first.
const V6_RANGES: &[(u128, u8, &str)] = &[
    (0, 128, "unspecified address (::)"),
    (1, 128, "loopback address (::1)"),
    (
        0x0064_ff9b_0001_0000_0000_0000_0000_0000,
        48,
        "local-use NAT64 address (64:ff9b:1::/48)",
    ),
    (
        0x0100_0000_0000_0000_0000_0000_0000_0000,
        64,
        "discard-only address (100::/64)",
    ),
    (
        0x2001_0000_0000_0000_0000_0000_0000_0000,
        32,
        "Teredo address (2001::/32)",
    ),
    (
        0x2001_0db8_0000_0000_0000_0000_0000_0000,
        32,
        "documentation address (2001:db8::/32)",
    ),
    (
        0x2001_0000_0000_0000_0000_0000_0000_0000,
        23,
        "IETF protocol assignment address (2001::/23)",
    ),
    (
        0x3fff_0000_0000_0000_0000_0000_0000_0000,
        20,
        "documentation address (3fff::/20)",
    ),
    (
        0xfc00_0000_0000_0000_0000_0000_0000_0000,
        7,
        "unique local address (fc00::/7)",
    ),
    (
        0xfe80_0000_0000_0000_0000_0000_0000_0000,
        10,
        "link-local address (fe80::/10)",
    ),
    (
        0xfec0_0000_0000_0000_0000_0000_0000_0000,
        10,
        "site-local address (fec0::/10)",
    ),
    (
        0xff00_0000_0000_0000_0000_0000_0000_0000,
        8,
        "multicast address (ff00::/8)",
    ),
];

fn forbidden_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let bits = u128::from(ip);
    if let Some((_, _, why)) = V6_RANGES
        .iter()
        .find(|(net, len, _)| in_prefix128(bits, *net, *len))
    {
        return Some(why);
    }
    // ::a.b.c.d (deprecated "IPv4-compatible"): everything in ::/96 except :: and ::1,
    // which matched above.
    if bits >> 32 == 0 {
        let v4 = Ipv4Addr::from((bits & 0xffff_ffff) as u32);
        return Some(forbidden_v4(v4).unwrap_or("IPv4-compatible IPv6 address (::/96)"));
    }
    for (net, len, shift, why) in V6_EMBEDDING {
        if in_prefix128(bits, *net, *len) {
            let v4 = Ipv4Addr::from(((bits >> shift) & 0xffff_ffff) as u32);
            // Refused either way; the embedded address's own reason, when it has one,
            // says what the request was really aimed at.
            return Some(forbidden_v4(v4).unwrap_or(why));
        }
    }
    // Only 2000::/3 is handed out as global unicast; anything else (the rest of ::/8,
    // 4000::/2, ...) is reserved and no public host lives there.
    if !in_prefix128(bits, 0x2000 << 112, 3) {
        return Some("reserved IPv6 address (outside 2000::/3)");
    }
    None
}
