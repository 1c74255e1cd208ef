#include "capture_gen_frames.hpp"

#include <cstddef>

namespace pktscope::bench {
namespace {

constexpr std::size_t ethernet_header_bytes = 14;
constexpr std::size_t vlan_tag_bytes = 4;
constexpr std::size_t ipv4_header_bytes = 20;  // we never add IPv4 options
constexpr std::size_t ipv6_header_bytes = 40;

// Flips bits of a 16-bit checksum field so it no longer verifies (and never becomes 0, which
// would mean "no checksum" for UDP over IPv4).
void flip_checksum(std::vector<std::uint8_t>& bytes, std::size_t offset) {
    if (offset + 2 > bytes.size()) return;
    bytes[offset] ^= 0x5a;
    bytes[offset + 1] ^= 0xa5;
    if (bytes[offset] == 0 && bytes[offset + 1] == 0) bytes[offset + 1] = 1;
}

// Wraps the network layer in Ethernet (and 802.1Q when the pair has a VLAN), serialises it and
// spoils the requested checksum. `transport_checksum_at` is the field's offset in the L4 header.
std::vector<std::uint8_t> finish(const host_pair& hosts, bool from_client, Tins::PDU&& network,
                                 spoil spoiled, std::size_t transport_checksum_at) {
    const auto& src = from_client ? hosts.client_mac : hosts.server_mac;
    const auto& dst = from_client ? hosts.server_mac : hosts.client_mac;
    Tins::EthernetII eth(dst, src);
    std::vector<std::uint8_t> bytes;
    if (hosts.vlan_id != 0) {
        Tins::Dot1Q tag(hosts.vlan_id);
        bytes = (eth / tag / network).serialize();
    } else {
        bytes = (eth / network).serialize();
    }
    const std::size_t l3 = ethernet_header_bytes + (hosts.vlan_id != 0 ? vlan_tag_bytes : 0);
    const std::size_t l4 = l3 + (hosts.ipv6 ? ipv6_header_bytes : ipv4_header_bytes);
    if (spoiled == spoil::ipv4_header && !hosts.ipv6) flip_checksum(bytes, l3 + 10);
    if (spoiled == spoil::transport || (spoiled == spoil::ipv4_header && hosts.ipv6))
        flip_checksum(bytes, l4 + transport_checksum_at);
    return bytes;
}

// Network layer between the pair in the given direction, carrying `inner`.
std::vector<std::uint8_t> over_ip(const host_pair& hosts, bool from_client, Tins::PDU& inner,
                                  spoil spoiled, std::size_t transport_checksum_at) {
    const std::uint8_t ttl = from_client ? hosts.client_ttl : hosts.server_ttl;
    if (hosts.ipv6) {
        Tins::IPv6 ip(from_client ? hosts.server_v6 : hosts.client_v6,
                      from_client ? hosts.client_v6 : hosts.server_v6);
        ip.hop_limit(ttl);
        return finish(hosts, from_client, ip / inner, spoiled, transport_checksum_at);
    }
    Tins::IP ip(from_client ? hosts.server_v4 : hosts.client_v4,
                from_client ? hosts.client_v4 : hosts.server_v4);
    ip.ttl(ttl);
    ip.flags(Tins::IP::DONT_FRAGMENT);
    return finish(hosts, from_client, ip / inner, spoiled, transport_checksum_at);
}

}  // namespace

std::vector<std::uint8_t> dns_wire_bytes(const dns_message_spec& spec) {
    Tins::DNS dns;
    dns.id(spec.id);
    dns.type(spec.response ? Tins::DNS::RESPONSE : Tins::DNS::QUERY);
    dns.recursion_desired(1);
    if (spec.response) {
        dns.recursion_available(1);
        dns.rcode(spec.rcode);
    }
    dns.add_query(Tins::DNS::query(spec.qname, static_cast<Tins::DNS::QueryType>(spec.qtype),
                                   Tins::DNS::INTERNET));
    for (const auto& a : spec.answers) {
        const std::uint16_t preference = a.type == Tins::DNS::MX ? 10 : 0;
        dns.add_answer(
            Tins::DNS::resource(a.name, a.data, a.type, Tins::DNS::INTERNET, a.ttl, preference));
    }
    // OPT pseudo-record (RFC 6891): root name, class = UDP payload size, TTL = flags.
    if (spec.edns) dns.add_additional(Tins::DNS::resource("", "", Tins::DNS::OPT, 1232, 0));
    return dns.serialize();
}

std::vector<std::uint8_t> tcp_frame(const host_pair& hosts, bool from_client,
                                    const tcp_segment& seg, std::uint32_t ts_ms,
                                    std::uint32_t peer_ts_ms, std::span<const std::uint8_t> filler,
                                    std::span<const std::uint8_t> payload, spoil spoiled) {
    Tins::TCP tcp(from_client ? hosts.server_port : hosts.client_port,
                  from_client ? hosts.client_port : hosts.server_port);
    tcp.flags(seg.flags);
    tcp.seq(seg.seq);
    tcp.ack_seq(seg.ack);
    tcp.window(seg.window);
    // Option layouts Linux sends: MSS,SACK_PERM,TS,NOP,WS on SYNs; NOP,NOP,TS otherwise.
    if (seg.syn_options) {
        tcp.mss(seg.mss);
        tcp.sack_permitted();
        tcp.timestamp(ts_ms, peer_ts_ms);
        tcp.add_option(Tins::TCP::option(Tins::TCP::NOP));
        tcp.winscale(7);
    } else if (seg.timestamps) {
        tcp.add_option(Tins::TCP::option(Tins::TCP::NOP));
        tcp.add_option(Tins::TCP::option(Tins::TCP::NOP));
        tcp.timestamp(ts_ms, peer_ts_ms);
    }
    if (seg.sack_blocks != 0) {
        std::vector<std::uint32_t> edges;
        for (std::uint32_t i = 0; i < seg.sack_blocks; ++i) {
            edges.push_back(seg.ack + 1448 * (2 * i + 1));
            edges.push_back(seg.ack + 1448 * (2 * i + 2));
        }
        tcp.add_option(Tins::TCP::option(Tins::TCP::NOP));
        tcp.add_option(Tins::TCP::option(Tins::TCP::NOP));
        tcp.sack(edges);
    }
    if (!payload.empty()) {
        Tins::RawPDU raw(payload.data(), static_cast<std::uint32_t>(payload.size()));
        Tins::PDU&& segment = tcp / raw;
        return over_ip(hosts, from_client, segment, spoiled, 16);
    }
    if (seg.payload_bytes != 0) {
        Tins::RawPDU raw(filler.data(), seg.payload_bytes);
        Tins::PDU&& segment = tcp / raw;
        return over_ip(hosts, from_client, segment, spoiled, 16);
    }
    return over_ip(hosts, from_client, tcp, spoiled, 16);
}

std::vector<std::uint8_t> udp_frame(const host_pair& hosts, bool from_client,
                                    std::span<const std::uint8_t> payload, spoil spoiled) {
    Tins::UDP udp(from_client ? hosts.server_port : hosts.client_port,
                  from_client ? hosts.client_port : hosts.server_port);
    Tins::RawPDU raw(payload.data(), static_cast<std::uint32_t>(payload.size()));
    Tins::PDU&& datagram = udp / raw;
    return over_ip(hosts, from_client, datagram, spoiled, 6);
}

std::vector<std::uint8_t> icmp_echo_frame(const host_pair& hosts, bool from_client,
                                          std::uint16_t identifier, std::uint16_t sequence,
                                          std::span<const std::uint8_t> filler, spoil spoiled) {
    Tins::RawPDU data(filler.data(), 56);  // ping's default 56 data bytes
    if (hosts.ipv6) {
        Tins::ICMPv6 icmp(from_client ? Tins::ICMPv6::ECHO_REQUEST : Tins::ICMPv6::ECHO_REPLY);
        icmp.identifier(identifier);
        icmp.sequence(sequence);
        Tins::PDU&& message = icmp / data;
        return over_ip(hosts, from_client, message, spoiled, 2);
    }
    Tins::ICMP icmp(from_client ? Tins::ICMP::ECHO_REQUEST : Tins::ICMP::ECHO_REPLY);
    icmp.id(identifier);
    icmp.sequence(sequence);
    Tins::PDU&& message = icmp / data;
    return over_ip(hosts, from_client, message, spoiled, 2);
}

std::vector<std::uint8_t> icmp_error_frame(const host_pair& hosts, bool time_exceeded,
                                           const Tins::IPv4Address& reporter,
                                           std::span<const std::uint8_t> probe_payload) {
    // The quoted probe: the client's UDP datagram as it reached the reporter.
    Tins::IP quoted_ip(hosts.server_v4, hosts.client_v4);
    quoted_ip.ttl(time_exceeded ? 1 : static_cast<std::uint8_t>(hosts.client_ttl - 7));
    Tins::UDP quoted_udp(hosts.server_port, hosts.client_port);
    Tins::RawPDU quoted_data(probe_payload.data(),
                             static_cast<std::uint32_t>(probe_payload.size()));
    Tins::ICMP icmp(time_exceeded ? Tins::ICMP::TIME_EXCEEDED : Tins::ICMP::DEST_UNREACHABLE);
    icmp.code(time_exceeded ? 0 : 3);  // TTL exceeded in transit / port unreachable
    Tins::IP ip(hosts.client_v4, reporter);
    ip.ttl(hosts.server_ttl);
    Tins::EthernetII eth(hosts.client_mac, hosts.server_mac);
    if (hosts.vlan_id != 0) {
        Tins::Dot1Q tag(hosts.vlan_id);
        return (eth / tag / ip / icmp / quoted_ip / quoted_udp / quoted_data).serialize();
    }
    return (eth / ip / icmp / quoted_ip / quoted_udp / quoted_data).serialize();
}

}  // namespace pktscope::bench
