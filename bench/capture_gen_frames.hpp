// Building one Ethernet frame (optionally 802.1Q-tagged) for the benchmark captures, with
// libtins as the encoder: an implementation independent of our decoder writes the bytes, and
// it computes every checksum, which we then spoil on purpose for a few frames.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <tins/tins.h>

namespace pktscope::bench {

/// The two ends of one conversation as seen at the capture point.
struct host_pair {
    bool ipv6 = false;
    Tins::IPv4Address client_v4, server_v4;
    Tins::IPv6Address client_v6, server_v6;
    Tins::HWAddress<6> client_mac, server_mac;
    std::uint16_t client_port = 0, server_port = 0;
    std::uint16_t vlan_id = 0;     ///< 802.1Q VID, 0 = untagged
    std::uint8_t client_ttl = 64;  ///< TTL / hop limit of the client's packets
    std::uint8_t server_ttl = 57;  ///< as received from a server a few hops away
};

/// Which checksum of the frame to spoil (a few "bad checksum" frames in the mixed file).
enum class spoil : std::uint8_t { none, ipv4_header, transport };

/// One TCP segment of a scripted connection.
struct tcp_segment {
    std::uint16_t flags = 0;  ///< Tins::TCP flag bits (SYN, ACK, ...)
    std::uint32_t seq = 0, ack = 0;
    std::uint16_t window = 0;
    std::uint16_t payload_bytes = 0;
    bool syn_options = false;      ///< MSS, SACK-permitted, timestamps, window scale
    bool timestamps = false;       ///< RFC 7323 timestamps on this segment
    std::uint8_t sack_blocks = 0;  ///< SACK blocks (RFC 2018) to carry, 0-2
    std::uint16_t mss = 1460;
};

/// One DNS message (RFC 1035), query or response.
struct dns_message_spec {
    bool response = false;
    std::uint16_t id = 0;
    std::string qname;
    std::uint16_t qtype = 1;
    std::uint8_t rcode = 0;
    bool edns = false;  ///< add an OPT record (EDNS0, UDP size 1232)
    struct answer {
        std::string name;
        std::uint16_t type = 1;
        std::uint32_t ttl = 300;
        std::string data;  ///< libtins' text form: "192.0.2.1", "2001:db8::1", a name
    };
    std::vector<answer> answers;
};

/// Serialises `dns` to wire bytes (no transport header).
std::vector<std::uint8_t> dns_wire_bytes(const dns_message_spec& dns);

/// A TCP segment from the client (`from_client`) or the server. `ts_ms` feeds the TSval,
/// `peer_ts_ms` the TSecr; `filler` supplies payload bytes (at least payload_bytes long), or
/// `payload` when not empty (for DNS over TCP).
std::vector<std::uint8_t> tcp_frame(const host_pair& hosts, bool from_client,
                                    const tcp_segment& seg, std::uint32_t ts_ms,
                                    std::uint32_t peer_ts_ms, std::span<const std::uint8_t> filler,
                                    std::span<const std::uint8_t> payload, spoil spoiled);

/// A UDP datagram carrying `payload`.
std::vector<std::uint8_t> udp_frame(const host_pair& hosts, bool from_client,
                                    std::span<const std::uint8_t> payload, spoil spoiled);

/// An ICMP / ICMPv6 echo request (from the client) or reply (from the server).
std::vector<std::uint8_t> icmp_echo_frame(const host_pair& hosts, bool from_client,
                                          std::uint16_t identifier, std::uint16_t sequence,
                                          std::span<const std::uint8_t> filler, spoil spoiled);

/// An ICMP error sent to the client by `reporter` (IPv4 text): port unreachable (the server
/// itself) or time exceeded (a router), quoting the client's UDP probe.
std::vector<std::uint8_t> icmp_error_frame(const host_pair& hosts, bool time_exceeded,
                                           const Tins::IPv4Address& reporter,
                                           std::span<const std::uint8_t> probe_payload);

}  // namespace pktscope::bench
