// The tcpdump-like text line. Reads only decoded_packet facts; computes nothing new.
#include <ctime>

#include "address_text.hpp"
#include "pktscope/output.hpp"

namespace pktscope {
namespace {

// fmt::appender writes straight into the buffer; a std::back_insert_iterator made fmt copy
// through a temporary buffer first.
using out_it = fmt::appender;

void append(fmt::memory_buffer& out, std::string_view s) { out.append(s); }

// Unsigned decimal without a format string: on the per-packet path fmt::format_int costs a
// fraction of format_to("{}") (no format parsing, no argument type dispatch).
void append_uint(fmt::memory_buffer& out, std::uint64_t v) {
    const fmt::format_int text(static_cast<unsigned long long>(v));
    out.append(text.data(), text.data() + text.size());
}

// tcpdump's flag letters, in tcpdump's order (F S R P . U E W e).
void append_tcp_flags(fmt::memory_buffer& out, std::uint16_t flags) {
    constexpr std::pair<std::uint16_t, char> letters[] = {
        {tcp_flag::fin, 'F'}, {tcp_flag::syn, 'S'}, {tcp_flag::rst, 'R'},
        {tcp_flag::psh, 'P'}, {tcp_flag::ack, '.'}, {tcp_flag::urg, 'U'},
        {tcp_flag::ece, 'E'}, {tcp_flag::cwr, 'W'}, {tcp_flag::ae, 'e'},
    };
    out.push_back('[');
    if (flags == 0) append(out, "none");
    for (const auto& [bit, letter] : letters)
        if (flags & bit) out.push_back(letter);
    out.push_back(']');
}

// ", cksum 0x1234 (incorrect -> 0x5678)" whenever the verdict is not ok (always with -v).
void append_checksum(fmt::memory_buffer& out, const checksum_verdict& v, bool verbose) {
    switch (v.status) {
        case checksum_status::ok:
            if (verbose) fmt::format_to(out_it(out), ", cksum 0x{:04x} (correct)", v.value);
            return;
        case checksum_status::bad:
            fmt::format_to(out_it(out), ", cksum 0x{:04x} (incorrect -> 0x{:04x})", v.value, v.expected);
            return;
        case checksum_status::offloaded:
            fmt::format_to(out_it(out), ", cksum 0x{:04x} (offloaded)", v.value);
            return;
        case checksum_status::unverified:
            fmt::format_to(out_it(out), ", cksum 0x{:04x} (unverified)", v.value);
            return;
    }
}

void append_tcp_options(fmt::memory_buffer& out, const tcp_options& o) {
    if (!o.any) return;
    append(out, ", options [");
    bool first = true;
    auto sep = [&] {
        if (!first) out.push_back(',');
        first = false;
    };
    if (o.mss) {
        sep();
        append(out, "mss ");
        append_uint(out, *o.mss);
    }
    if (o.sack_permitted) { sep(); append(out, "sackOK"); }
    if (o.timestamp) {
        sep();
        append(out, "TS val ");
        append_uint(out, o.timestamp->tsval);
        append(out, " ecr ");
        append_uint(out, o.timestamp->tsecr);
    }
    if (o.window_scale) {
        sep();
        append(out, "wscale ");
        append_uint(out, *o.window_scale);
    }
    if (o.sack_count != 0) {
        sep();
        fmt::format_to(out_it(out), "sack {}", o.sack_count);
        for (std::size_t i = 0; i < o.sack_count; ++i)
            fmt::format_to(out_it(out), " {{{}:{}}}", o.sack[i].left.value(), o.sack[i].right.value());
    }
    out.push_back(']');
}

void append_dns_type(fmt::memory_buffer& out, std::uint16_t type) {
    const std::string_view name = dns_type_name(type);
    if (!name.empty()) append(out, name);
    else fmt::format_to(out_it(out), "TYPE{}", type);
}

// tcpdump's DNS summary: "id+ A? name. (len)" for queries,
// "id* - 2/0/1 CNAME x., A 1.2.3.4 (len)" for responses.
void append_dns(fmt::memory_buffer& out, const dns_info& info, bool verbose) {
    const dns_message& m = info.message;
    const byte_span msg = m.bytes();
    fmt::format_to(out_it(out), "{}", m.id());
    if (!m.qr()) {
        if (m.rd()) out.push_back('+');
    } else {
        if (m.aa()) out.push_back('*');
        if (!m.ra()) out.push_back('-');
        if (m.tc()) out.push_back('|');
    }
    if (m.opcode() != 0) {
        const std::string_view op = dns_opcode_name(m.opcode());
        out.push_back(' ');
        if (op.empty()) fmt::format_to(out_it(out), "op{}", m.opcode());
        else append(out, op);
    }
    if (m.qr() && m.rcode() != 0) {
        const std::string_view rc = dns_rcode_name(m.rcode());
        out.push_back(' ');
        if (rc.empty()) fmt::format_to(out_it(out), "rcode{}", m.rcode());
        else append(out, rc);
    }
    dns_walker walker(m);
    dns_name_text name;
    dns_question q;
    if (m.qr()) {
        if (verbose && walker.next_question(q)) {
            read_dns_name(msg, q.name_offset, &name);
            append(out, " q: ");
            append_dns_type(out, q.qtype);
            append(out, "? ");
            append(out, name.view());
            if (name.view() != ".") out.push_back('.');
        }
        fmt::format_to(out_it(out), " {}/{}/{}", m.ancount(), m.nscount(), m.arcount());
        dns_record r;
        dns_rdata_text data;
        bool first = true;
        while (walker.next_record(r)) {
            if (r.section != dns_section::answer) break;
            append(out, first ? " " : ", ");
            first = false;
            if (verbose) {
                read_dns_name(msg, r.name_offset, &name);
                append(out, name.view());
                out.push_back(' ');
            }
            append_dns_type(out, r.type);
            out.push_back(' ');
            data.clear();
            format_dns_rdata(msg, r, data);
            append(out, data.view());
        }
    } else {
        if (m.arcount() != 0 && info.edns) append(out, " [1au]");
        if (walker.next_question(q)) {
            read_dns_name(msg, q.name_offset, &name);
            out.push_back(' ');
            append_dns_type(out, q.qtype);
            append(out, "? ");
            append(out, name.view());
            if (name.view() != ".") out.push_back('.');
        }
    }
    if (!info.complete) append(out, " [|domain]");
    fmt::format_to(out_it(out), " ({})", msg.size());
}

// "a.b.c.d.port > e.f.g.h.port" or without ports.
template <class Address>
void append_endpoints(fmt::memory_buffer& out, const Address& src, const Address& dst,
                      std::optional<std::uint16_t> sport, std::optional<std::uint16_t> dport) {
    append_address(out, src);
    if (sport) {
        out.push_back('.');
        append_uint(out, *sport);
    }
    append(out, " > ");
    append_address(out, dst);
    if (dport) {
        out.push_back('.');
        append_uint(out, *dport);
    }
    append(out, ": ");
}

std::string_view protocol_name(std::uint8_t protocol) {
    switch (protocol) {
        case ip_protocol::tcp: return "TCP";
        case ip_protocol::udp: return "UDP";
        case ip_protocol::icmp: return "ICMP";
        case ip_protocol::icmpv6: return "ICMPv6";
        case ip_protocol::esp: return "ESP";
        case ip_protocol::ah: return "AH";
        default: return "";
    }
}

void append_protocol(fmt::memory_buffer& out, std::uint8_t protocol) {
    const std::string_view name = protocol_name(protocol);
    if (name.empty()) fmt::format_to(out_it(out), "ip-proto-{}", protocol);
    else fmt::format_to(out_it(out), "{} ({})", name, protocol);
}

void append_icmp(fmt::memory_buffer& out, const decoded_packet& p, bool v6, bool verbose) {
    const icmp_view& m = v6 ? *p.icmpv6 : *p.icmp;
    append(out, v6 ? "ICMP6, " : "ICMP ");
    const std::string_view name = v6 ? icmpv6_type_name(m.type()) : icmpv4_type_name(m.type());
    if (name.empty()) fmt::format_to(out_it(out), "type {}", m.type());
    else append(out, name);
    if (m.code() != 0) fmt::format_to(out_it(out), " code {}", m.code());
    const bool echo = v6 ? (m.type() == 128 || m.type() == 129) : (m.type() == 0 || m.type() == 8);
    if (echo) fmt::format_to(out_it(out), ", id {}, seq {}", m.identifier(), m.sequence());
    if (p.quote) {
        append(out, " for ");
        append_protocol(out, p.quote->protocol);
        out.push_back(' ');
        if (p.quote->ipv4) {
            append_address(out, p.quote->ipv4->source());
            if (p.quote->source_port) fmt::format_to(out_it(out), ".{}", *p.quote->source_port);
            append(out, " > ");
            append_address(out, p.quote->ipv4->destination());
        } else if (p.quote->ipv6) {
            append_address(out, p.quote->ipv6->source());
            if (p.quote->source_port) fmt::format_to(out_it(out), ".{}", *p.quote->source_port);
            append(out, " > ");
            append_address(out, p.quote->ipv6->destination());
        }
        if (p.quote->destination_port) fmt::format_to(out_it(out), ".{}", *p.quote->destination_port);
    }
    append_checksum(out, p.l4_checksum, verbose);
    fmt::format_to(out_it(out), ", length {}", p.ip_payload_length);
}

void append_transport(fmt::memory_buffer& out, const decoded_packet& p, bool verbose) {
    if (p.tcp) {
        const tcp_view& t = *p.tcp;
        append(out, "Flags ");
        append_tcp_flags(out, t.flags());
        append_checksum(out, p.l4_checksum, verbose);
        const std::uint32_t seq = t.sequence_number().value();
        if (p.payload_length != 0 || t.has(tcp_flag::syn) || t.has(tcp_flag::fin) || t.has(tcp_flag::rst)) {
            append(out, ", seq ");
            append_uint(out, seq);
        }
        if (p.payload_length != 0) {
            out.push_back(':');
            append_uint(out, static_cast<std::uint32_t>(seq + p.payload_length));
        }
        if (t.has(tcp_flag::ack)) {
            append(out, ", ack ");
            append_uint(out, t.ack_number().value());
        }
        append(out, ", win ");
        append_uint(out, t.window());
        if (t.has(tcp_flag::urg)) fmt::format_to(out_it(out), ", urg {}", t.urgent_pointer());
        append_tcp_options(out, p.tcp_opts);
        append(out, ", length ");
        append_uint(out, p.payload_length);
        if (p.dns) {
            append(out, ": ");
            append_dns(out, *p.dns, verbose);
        }
    } else if (p.udp) {
        if (p.dns) {
            // tcpdump prints DNS in place of "UDP, length N".
            append_dns(out, *p.dns, verbose);
            append_checksum(out, p.l4_checksum, verbose);
        } else {
            append(out, "UDP");
            append_checksum(out, p.l4_checksum, verbose);
            fmt::format_to(out_it(out), ", length {}", p.payload_length);
        }
    } else if (p.icmp) {
        append_icmp(out, p, false, verbose);
    } else if (p.icmpv6) {
        append_icmp(out, p, true, verbose);
    } else {
        append_protocol(out, p.ip_protocol);
        fmt::format_to(out_it(out), ", length {}", p.ip_payload_length);
    }
}

std::optional<std::uint16_t> source_port(const decoded_packet& p) {
    if (p.tcp) return p.tcp->source_port();
    if (p.udp) return p.udp->source_port();
    return std::nullopt;
}
std::optional<std::uint16_t> destination_port(const decoded_packet& p) {
    if (p.tcp) return p.tcp->destination_port();
    if (p.udp) return p.udp->destination_port();
    return std::nullopt;
}

void append_ipv4(fmt::memory_buffer& out, const decoded_packet& p, bool verbose) {
    const ipv4_view& ip = *p.ipv4;
    append(out, "IP ");
    const bool show_checksum = p.ipv4_checksum.status == checksum_status::bad;
    if (verbose || show_checksum) {
        fmt::format_to(out_it(out), "(tos 0x{:x}, ttl {}, id {}, offset {}, flags [", ip.dscp() << 2 | ip.ecn(),
                       ip.ttl(), ip.identification(), ip.fragment_offset_bytes());
        if (ip.df()) append(out, "DF");
        else if (ip.mf()) append(out, "+");
        else append(out, "none");
        append(out, "], proto ");
        append_protocol(out, ip.protocol());
        fmt::format_to(out_it(out), ", length {}", ip.total_length());
        if (show_checksum)
            fmt::format_to(out_it(out), ", bad cksum {:x} (->{:x})!", p.ipv4_checksum.value,
                           p.ipv4_checksum.expected);
        append(out, ") ");
    }
    if (p.later_fragment) {
        append_endpoints(out, ip.source(), ip.destination(), std::nullopt, std::nullopt);
        fmt::format_to(out_it(out), "frag id {}, offset {}{}, proto ", ip.identification(),
                       ip.fragment_offset_bytes(), ip.mf() ? "+" : "");
        append_protocol(out, ip.protocol());
        fmt::format_to(out_it(out), ", length {}", p.ip_payload_length);
        return;
    }
    append_endpoints(out, ip.source(), ip.destination(), source_port(p), destination_port(p));
    append_transport(out, p, verbose);
    if (p.fragment) fmt::format_to(out_it(out), " (frag id {}, more fragments)", ip.identification());
}

void append_ipv6(fmt::memory_buffer& out, const decoded_packet& p, bool verbose) {
    const ipv6_view& ip = *p.ipv6;
    append(out, "IP6 ");
    if (verbose) {
        fmt::format_to(out_it(out), "(flowlabel 0x{:05x}, hlim {}, next-header ", ip.flow_label(), ip.hop_limit());
        append_protocol(out, ip.next_header());
        fmt::format_to(out_it(out), ", payload length {}", ip.payload_length());
        for (std::size_t i = 0; i < p.ipv6_extensions.count; ++i)
            fmt::format_to(out_it(out), ", ext {} ({} bytes)", p.ipv6_extensions.headers[i].type,
                           p.ipv6_extensions.headers[i].length);
        append(out, ") ");
    }
    if (p.later_fragment || !p.ipv6_extensions.complete) {
        append_endpoints(out, ip.source(), ip.destination(), std::nullopt, std::nullopt);
        if (p.later_fragment)
            fmt::format_to(out_it(out), "frag id {}, offset {}{}, ", p.ipv6_extensions.fragment_identification,
                           p.ipv6_extensions.fragment_offset * 8, p.ipv6_extensions.more_fragments ? "+" : "");
        append_protocol(out, p.ip_protocol);
        fmt::format_to(out_it(out), ", length {}", ip.payload_length());
        return;
    }
    append_endpoints(out, ip.source(), ip.destination(), source_port(p), destination_port(p));
    append_transport(out, p, verbose);
}

}  // namespace

void text_renderer::append_time(fmt::memory_buffer& out, std::int64_t ts_ns) {
    std::int64_t second = ts_ns / 1'000'000'000;
    std::int64_t nanos = ts_ns % 1'000'000'000;
    if (nanos < 0) {
        nanos += 1'000'000'000;
        --second;
    }
    if (second != cached_second_) {
        const auto t = static_cast<std::time_t>(second);
        std::tm tm{};
        if (options_.utc) gmtime_r(&t, &tm);
        else localtime_r(&t, &tm);
        fmt::format_to(cached_hms_, "{:02}:{:02}:{:02}", tm.tm_hour, tm.tm_min, tm.tm_sec);
        cached_second_ = second;
    }
    out.append(std::string_view(cached_hms_, 8));
    // ".nnnnnnnnn" by hand: the one format_to("{:09}") per packet was a visible cost.
    char fraction[10];
    fraction[0] = '.';
    auto n = static_cast<std::uint32_t>(nanos);
    for (std::size_t i = 9; i >= 1; --i) {
        fraction[i] = static_cast<char>('0' + n % 10);
        n /= 10;
    }
    out.append(std::string_view(fraction, sizeof fraction));
}

void text_renderer::render(fmt::memory_buffer& out, const frame& f, const decoded_packet& p,
                           const packet_context& ctx) {
    append_time(out, f.ts_ns);
    out.push_back(' ');
    if (p.sll) {
        // SLL v1 names no interface: then the direction follows the time directly.
        if (!ctx.interface_name.empty()) {
            append(out, ctx.interface_name);
            out.push_back(' ');
        } else if (p.sll->version == 2) {
            fmt::format_to(out_it(out), "if{} ", p.sll->interface_index);
        }
        append(out, p.sll->direction());
        out.push_back(' ');
    }
    for (std::size_t i = 0; i < p.vlan_count; ++i)
        fmt::format_to(out_it(out), "vlan {}, p {}{}, ", p.vlan_tags[i].vid, p.vlan_tags[i].pcp,
                       p.vlan_tags[i].tpid == ether_type::vlan_8021ad ? " (802.1ad)" : "");
    if (p.ipv4) {
        append_ipv4(out, p, options_.verbose);
    } else if (p.ipv6) {
        append_ipv6(out, p, options_.verbose);
    } else if (p.ether_type != 0) {
        fmt::format_to(out_it(out), "ethertype 0x{:04x}, length {}", p.ether_type, f.wirelen);
    } else if (p.ethernet) {
        fmt::format_to(out_it(out), "802.3, length {}", f.wirelen);
    } else if (p.loopback_family) {
        fmt::format_to(out_it(out), "loopback family {}, length {}", *p.loopback_family, f.wirelen);
    } else {
        fmt::format_to(out_it(out), "linktype {}, length {}", f.linktype, f.wirelen);
    }
    if (!p.anomalies.empty()) {
        append(out, " [");
        bool first = true;
        p.anomalies.for_each([&](anomaly a) {
            if (!first) out.push_back(',');
            first = false;
            append(out, anomaly_name(a));
        });
        out.push_back(']');
    }
    if (ctx.route) {
        fmt::format_to(out_it(out), " [route {}", ctx.route->prefix);
        if (!ctx.route->dev.empty()) fmt::format_to(out_it(out), " dev {}", ctx.route->dev);
        if (!ctx.route->via.empty()) fmt::format_to(out_it(out), " via {}", ctx.route->via);
        out.push_back(']');
    }
    out.push_back('\n');
}

}  // namespace pktscope
