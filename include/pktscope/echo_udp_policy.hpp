// When the UDP echo server may answer a datagram. An echo service answers anything, so an
// unguarded one is a reflector (CERT CA-1996-01 "UDP port denial-of-service"): a forged source
// of another service's port starts an endless loop, a broadcast request multiplies replies,
// and spoofed sources aim the replies at a victim. These rules refuse all three.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "pktscope/socket_address.hpp"

namespace pktscope {

/// Why a datagram got no reply.
enum class udp_drop_reason : std::uint8_t {
    reflector_source_port,  ///< source port 0, 7, 13, 19, 53, 123 or 161
    invalid_source,         ///< source address unspecified, multicast or broadcast
    broadcast_destination,  ///< sent to a broadcast address (limited or subnet-directed)
    multicast_destination,  ///< sent to a multicast group (224.0.0.0/4, ff00::/8)
    unknown_destination,    ///< the kernel did not report the destination (no PKTINFO)
    truncated,              ///< larger than the receive buffer (never echoed in part)
    rate_limited_source,    ///< over the per-source rate
    rate_limited_total,     ///< over the rate of all sources together
};
/// Number of udp_drop_reason values.
inline constexpr std::size_t udp_drop_reason_count = 8;

/// snake_case name of `reason` ("reflector_source_port", ...).
std::string_view udp_drop_reason_name(udp_drop_reason reason) noexcept;

/// True for port 0 and the well-known UDP services that answer unsolicited datagrams: echo 7
/// (RFC 862), daytime 13 (RFC 867), chargen 19 (RFC 864), DNS 53, NTP 123, SNMP 161.
bool is_reflector_port(std::uint16_t port) noexcept;

/// What the kernel reported about one received datagram (recvmsg with IP_PKTINFO /
/// IPV6_RECVPKTINFO, RFC 3542 6.1).
struct udp_request_facts {
    socket_address source;
    /// Destination address of the IP header (port unset); empty when no PKTINFO arrived.
    socket_address destination;
    /// IPv4 only: the kernel's spec_dst differs from the header destination, which Linux
    /// does exactly for broadcast and multicast deliveries (fib_compute_spec_dst).
    bool ipv4_not_local_unicast = false;
    /// recvmsg set MSG_TRUNC.
    bool truncated = false;
};

/// The reason a reply must not be sent, or nullopt when the datagram may be echoed. Checks
/// everything except the rate limits (see source_rate_limiter).
std::optional<udp_drop_reason> udp_reply_refusal(const udp_request_facts& request) noexcept;

}  // namespace pktscope
