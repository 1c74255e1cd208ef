#include "pktscope/icmp.hpp"

namespace pktscope {

std::optional<icmp_quote> parse_icmp_quote(byte_span message, bool is_icmpv6) noexcept {
    const byte_span quoted = clamp_subspan(message, 8);
    icmp_quote q;
    byte_span l4;
    if (!is_icmpv6) {
        const auto ip = ipv4_view::parse(quoted);
        if (!ip || ip->ihl() < 5) return std::nullopt;
        q.ipv4 = *ip;
        q.protocol = ip->protocol();
        if (ip->fragment_offset() == 0) l4 = clamp_subspan(quoted, ip->header_length());
    } else {
        const auto ip = ipv6_view::parse(quoted);
        if (!ip) return std::nullopt;
        q.ipv6 = *ip;
        anomaly_set ignored;  // a quote is usually cut short; that is not an anomaly
        const byte_span after = clamp_subspan(quoted, ipv6_view::header_length);
        const ipv6_extension_chain chain = parse_ipv6_extensions(ip->next_header(), after, ignored);
        q.protocol = chain.upper_protocol;
        if (chain.complete && !(chain.has_fragment && chain.fragment_offset != 0))
            l4 = clamp_subspan(after, chain.upper_offset);
    }
    if ((q.protocol == ip_protocol::tcp || q.protocol == ip_protocol::udp) && l4.size() >= 4) {
        q.source_port = load_be16(l4, 0);
        q.destination_port = load_be16(l4, 2);
        if (q.protocol == ip_protocol::tcp && l4.size() >= 8) q.tcp_sequence = load_be32(l4, 4);
    }
    return q;
}

std::string_view icmpv4_type_name(std::uint8_t type) noexcept {
    switch (type) {
        case 0: return "echo reply";
        case 3: return "destination unreachable";
        case 4: return "source quench";
        case 5: return "redirect";
        case 8: return "echo request";
        case 9: return "router advertisement";
        case 10: return "router solicitation";
        case 11: return "time exceeded";
        case 12: return "parameter problem";
        case 13: return "timestamp request";
        case 14: return "timestamp reply";
        case 17: return "address mask request";
        case 18: return "address mask reply";
        default: return "";
    }
}

std::string_view icmpv6_type_name(std::uint8_t type) noexcept {
    switch (type) {
        case 1: return "destination unreachable";
        case 2: return "packet too big";
        case 3: return "time exceeded";
        case 4: return "parameter problem";
        case 128: return "echo request";
        case 129: return "echo reply";
        case 130: return "multicast listener query";
        case 131: return "multicast listener report";
        case 132: return "multicast listener done";
        case 133: return "router solicitation";
        case 134: return "router advertisement";
        case 135: return "neighbor solicitation";
        case 136: return "neighbor advertisement";
        case 137: return "redirect";
        case 143: return "multicast listener report v2";
        default: return "";
    }
}

}  // namespace pktscope
