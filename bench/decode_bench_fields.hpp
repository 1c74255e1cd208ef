// The header fields both benchmark loops read, once through our decoder's views and once
// through libtins' PDUs, summed into one number. Reading the same fields makes the two loops
// do the same work (and keeps the compiler from dropping it); equal numbers per packet show
// the two parsers agree.
#pragma once

#include <cstdint>
#include <cstring>

#include <tins/tins.h>

#include "pktscope/decode.hpp"

namespace pktscope::bench {

/// Sum of field values. A plain sum on purpose: a multiply-and-xor hash would put a serial
/// chain of multiplications into both loops and hide the parsers' own cost behind it.
class field_hash {
  public:
    void add(std::uint64_t v) noexcept { value_ += v; }
    std::uint64_t value() const noexcept { return value_; }

  private:
    std::uint64_t value_ = 0;
};

/// First 8 / last 8 bytes of a 16-byte address, or the 6 bytes of a MAC, as integers.
/// A MAC is read as 4 + 2 bytes: one 8-byte load over a just-returned 6-byte value (stored as
/// 4 + 2) cannot be forwarded from those stores and stalled every read (perf annotate).
inline std::uint64_t bits_at(const std::uint8_t* p, std::size_t n) noexcept {
    if (n == 6) {
        std::uint32_t low = 0;
        std::uint16_t high = 0;
        std::memcpy(&low, p, 4);
        std::memcpy(&high, p + 4, 2);
        return low | (std::uint64_t{high} << 32);
    }
    std::uint64_t v = 0;
    std::memcpy(&v, p, n);
    return v;
}

/// Fields read from our decoded_packet: MACs, VLAN ID, IPv4/IPv6 addresses, TTL/hop limit,
/// lengths, protocol, TCP ports/seq/ack/flags/window/MSS/window scale/timestamps, UDP
/// ports/length, ICMP type/code.
inline std::uint64_t pktscope_fields(const decoded_packet& p) noexcept {
    field_hash h;
    if (p.ethernet) {
        h.add(bits_at(p.ethernet->source().octets.data(), 6));
        h.add(bits_at(p.ethernet->destination().octets.data(), 6));
    }
    h.add(p.vlan_count != 0 ? p.vlan_tags[0].vid : 0);
    if (p.ipv4) {
        h.add(p.ipv4->source().value);
        h.add(p.ipv4->destination().value);
        h.add(p.ipv4->ttl());
        h.add(p.ipv4->total_length());
        h.add(p.ipv4->identification());
        h.add(p.ipv4->protocol());
    } else if (p.ipv6) {
        const ipv6_address src = p.ipv6->source(), dst = p.ipv6->destination();
        h.add(bits_at(src.octets.data(), 8));
        h.add(bits_at(src.octets.data() + 8, 8));
        h.add(bits_at(dst.octets.data(), 8));
        h.add(bits_at(dst.octets.data() + 8, 8));
        h.add(p.ipv6->hop_limit());
        h.add(p.ipv6->payload_length());
        h.add(p.ipv6->next_header());
    }
    if (p.tcp) {
        h.add(p.tcp->source_port());
        h.add(p.tcp->destination_port());
        h.add(p.tcp->sequence_number().value());
        h.add(p.tcp->ack_number().value());
        h.add(p.tcp->flags() & 0xffU);
        h.add(p.tcp->window());
        h.add(p.tcp_opts.mss.value_or(0));
        h.add(p.tcp_opts.window_scale.value_or(0));
        if (p.tcp_opts.timestamp) {
            h.add(p.tcp_opts.timestamp->tsval);
            h.add(p.tcp_opts.timestamp->tsecr);
        }
    } else if (p.udp) {
        h.add(p.udp->source_port());
        h.add(p.udp->destination_port());
        h.add(p.udp->length());
    } else if (p.icmp || p.icmpv6) {
        const icmp_view& m = p.icmp ? *p.icmp : *p.icmpv6;
        h.add(m.type());
        h.add(m.code());
    }
    return h.value();
}

/// The same fields read from a libtins parse (`find_pdu` per layer, options by search_option,
/// which does not throw when an option is absent).
inline std::uint64_t libtins_fields(const Tins::EthernetII& eth) {
    field_hash h;
    h.add(bits_at(eth.src_addr().begin(), 6));
    h.add(bits_at(eth.dst_addr().begin(), 6));
    const auto* tag = eth.find_pdu<Tins::Dot1Q>();
    h.add(tag != nullptr ? std::uint64_t{tag->id()} : 0);
    if (const auto* ip = eth.find_pdu<Tins::IP>()) {
        h.add(Tins::Endian::be_to_host(static_cast<std::uint32_t>(ip->src_addr())));
        h.add(Tins::Endian::be_to_host(static_cast<std::uint32_t>(ip->dst_addr())));
        h.add(ip->ttl());
        h.add(ip->tot_len());
        h.add(ip->id());
        h.add(ip->protocol());
    } else if (const auto* ip6 = eth.find_pdu<Tins::IPv6>()) {
        const auto src = ip6->src_addr(), dst = ip6->dst_addr();
        h.add(bits_at(src.begin(), 8));
        h.add(bits_at(src.begin() + 8, 8));
        h.add(bits_at(dst.begin(), 8));
        h.add(bits_at(dst.begin() + 8, 8));
        h.add(ip6->hop_limit());
        h.add(ip6->payload_length());
        h.add(ip6->next_header());
    }
    if (const auto* tcp = eth.find_pdu<Tins::TCP>()) {
        h.add(tcp->sport());
        h.add(tcp->dport());
        h.add(tcp->seq());
        h.add(tcp->ack_seq());
        h.add(tcp->flags() & 0xffU);
        h.add(tcp->window());
        const auto* mss = tcp->search_option(Tins::TCP::MSS);
        h.add(mss != nullptr ? mss->to<std::uint16_t>() : 0);
        const auto* wscale = tcp->search_option(Tins::TCP::WSCALE);
        h.add(wscale != nullptr ? wscale->to<std::uint8_t>() : 0);
        if (const auto* ts = tcp->search_option(Tins::TCP::TSOPT)) {
            const auto values = ts->to<std::pair<std::uint32_t, std::uint32_t>>();
            h.add(values.first);
            h.add(values.second);
        }
    } else if (const auto* udp = eth.find_pdu<Tins::UDP>()) {
        h.add(udp->sport());
        h.add(udp->dport());
        h.add(udp->length());
    } else if (const auto* icmp = eth.find_pdu<Tins::ICMP>()) {
        h.add(icmp->type());
        h.add(icmp->code());
    } else if (const auto* icmp6 = eth.find_pdu<Tins::ICMPv6>()) {
        h.add(icmp6->type());
        h.add(icmp6->code());
    }
    return h.value();
}

}  // namespace pktscope::bench
