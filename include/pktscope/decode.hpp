// decode(): one frame in, every layer this library understands out, in a stack value.
//
// Shape: frame -> decoded_packet, one optional view per layer present (absent layers are
// absent), checksum verdicts, the payload span and the named anomalies met on the way.
// No heap allocation, no exceptions; malformed input is decoded as far as it goes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "pktscope/anomaly.hpp"
#include "pktscope/checksum.hpp"
#include "pktscope/dns.hpp"
#include "pktscope/ethernet.hpp"
#include "pktscope/frame.hpp"
#include "pktscope/icmp.hpp"
#include "pktscope/ipv4.hpp"
#include "pktscope/ipv6.hpp"
#include "pktscope/linux_sll.hpp"
#include "pktscope/tcp.hpp"
#include "pktscope/udp.hpp"
#include "pktscope/vlan.hpp"

namespace pktscope {

/// Knobs for decode().
struct decode_options {
    /// Verify IPv4 header, TCP, UDP, ICMP and ICMPv6 checksums (else all are unverified).
    bool verify_checksums = true;
    /// Decode DNS on UDP/TCP port 53 and UDP port 5353 (mDNS).
    bool decode_dns = true;
};

/// Everything decode() found in one frame. Views point into the frame's bytes and are valid
/// as long as those bytes are.
struct decoded_packet {
    // --- link layer ---
    std::optional<ethernet_view> ethernet;
    std::optional<linux_sll_view> sll;          ///< LINUX_SLL / LINUX_SLL2
    std::optional<std::uint32_t> loopback_family;  ///< NULL/LOOP address family (normalised)
    std::array<vlan_tag, max_vlan_tags> vlan_tags{};
    std::uint8_t vlan_count = 0;
    /// EtherType of the network layer after all tags (0 when none, e.g. 802.3 LLC).
    std::uint16_t ether_type = 0;

    // --- network layer ---
    std::optional<ipv4_view> ipv4;
    checksum_verdict ipv4_checksum;
    std::optional<ipv6_view> ipv6;
    ipv6_extension_chain ipv6_extensions;
    /// Upper-layer protocol (IPv4 protocol or the IPv6 chain's final next header).
    std::uint8_t ip_protocol = 0;
    /// Upper-layer bytes as captured, trimmed to the IP length (Ethernet padding removed).
    byte_span ip_payload;
    /// Upper-layer length per the IP header (may exceed ip_payload.size() when the snapshot
    /// length cut the frame; a frame captured whole caps it at the bytes it has).
    std::uint32_t ip_payload_length = 0;
    /// A fragment that is not the first: it carries no upper-layer header.
    bool later_fragment = false;
    /// Any fragment (first or later).
    bool fragment = false;

    // --- transport layer ---
    std::optional<tcp_view> tcp;
    tcp_options tcp_opts;
    std::optional<udp_view> udp;
    std::optional<icmp_view> icmp;    ///< ICMPv4
    std::optional<icmp_view> icmpv6;  ///< ICMPv6
    std::optional<icmp_quote> quote;  ///< invoking packet of an ICMP/ICMPv6 error
    /// TCP, UDP, ICMP or ICMPv6 checksum verdict (unverified when no such layer).
    checksum_verdict l4_checksum;

    /// Application payload as captured (after the TCP/UDP header).
    byte_span payload;
    /// Application payload length per the headers (tshark's tcp.len; UDP length - 8).
    std::uint32_t payload_length = 0;

    // --- application layer ---
    std::optional<dns_info> dns;

    anomaly_set anomalies;
};

/// Decodes `f` into `out` (fully overwritten). Never throws, never allocates, never reads
/// outside f.data.
void decode(const frame& f, decoded_packet& out, const decode_options& options = {}) noexcept;

/// Convenience form returning the packet by value.
inline decoded_packet decode(const frame& f, const decode_options& options = {}) noexcept {
    decoded_packet p;
    decode(f, p, options);
    return p;
}

}  // namespace pktscope
