// TTL / hop-limit probing (traceroute): probes sent with increasing TTL, ICMP time-exceeded
// and destination-unreachable answers (RFC 792, RFC 4443 section 3) decoded with this
// project's decoder and matched to their probe through the quoted header.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "pktscope/route_table.hpp"

namespace pktscope {

/// How probes are sent.
enum class probe_method : std::uint8_t {
    udp,   ///< UDP to port base+n (traceroute's default); the destination answers port unreachable
    icmp,  ///< ICMP / ICMPv6 echo requests; the destination answers echo reply
    tcp,   ///< TCP SYN (a non-blocking connect); the destination answers SYN-ACK or RST
};

/// What to probe and how.
struct probe_options {
    any_address destination;
    probe_method method = probe_method::udp;
    unsigned first_ttl = 1;
    unsigned max_ttl = 30;
    unsigned probes_per_hop = 3;
    std::chrono::milliseconds wait{1000};  ///< per probe
    std::uint16_t port = 0;                ///< UDP base port (0: 33434) or TCP port (0: 80)
};

/// One probe's answer.
struct probe_reply {
    bool answered = false;
    any_address from;   ///< who answered
    double rtt_ms = 0;  ///< send to answer
    std::uint8_t icmp_type = 0;
    std::uint8_t icmp_code = 0;
    bool reached = false;  ///< the destination itself answered
    std::string what;      ///< "time exceeded", "port unreachable", "echo reply", "syn-ack"...
};

/// All probes of one TTL.
struct hop_result {
    unsigned ttl = 0;
    std::vector<probe_reply> probes;
    bool reached() const noexcept;
};

/// Probes hop by hop, calling `on_hop` after each TTL, until the destination answers or
/// max_ttl. Uses raw ICMP sockets (CAP_NET_RAW); without them, UDP probing falls back to
/// IP_RECVERR error queues (the kernel's parse, not ours). Throws capture_error naming the
/// missing privilege or the socket failure.
void trace_route(const probe_options& options,
                 const std::function<void(const hop_result&)>& on_hop);

}  // namespace pktscope
