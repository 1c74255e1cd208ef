// Our decoder's answer for each tshark field of the corpus reference tables, rendered the way
// `tshark -T fields` prints it (hex with 0x and 4 digits for ids/checksums/flags, decimal
// otherwise, "<Root>" for the DNS root), so a comparison is a string comparison.
//
// The map is one-to-one with DESIGN.md's names; a field this decoder does not decode in a
// frame is absent (as tshark leaves its cell empty).
#pragma once

#include <fmt/format.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "pktscope/address.hpp"
#include "pktscope/decode.hpp"

namespace pktscope::corpus {

/// Every reference column this decoder decodes, in the tables' order.
inline constexpr std::array<std::string_view, 62> compared_fields = {"frame.time_epoch",
                                                                     "frame.len",
                                                                     "frame.cap_len",
                                                                     "eth.src",
                                                                     "eth.dst",
                                                                     "eth.type",
                                                                     "vlan.id",
                                                                     "sll.pkttype",
                                                                     "ip.version",
                                                                     "ip.hdr_len",
                                                                     "ip.len",
                                                                     "ip.id",
                                                                     "ip.flags.df",
                                                                     "ip.flags.mf",
                                                                     "ip.frag_offset",
                                                                     "ip.ttl",
                                                                     "ip.proto",
                                                                     "ip.checksum",
                                                                     "ip.checksum.status",
                                                                     "ip.src",
                                                                     "ip.dst",
                                                                     "ipv6.plen",
                                                                     "ipv6.nxt",
                                                                     "ipv6.hlim",
                                                                     "ipv6.src",
                                                                     "ipv6.dst",
                                                                     "tcp.srcport",
                                                                     "tcp.dstport",
                                                                     "tcp.seq_raw",
                                                                     "tcp.ack_raw",
                                                                     "tcp.hdr_len",
                                                                     "tcp.flags",
                                                                     "tcp.window_size_value",
                                                                     "tcp.urgent_pointer",
                                                                     "tcp.len",
                                                                     "tcp.checksum",
                                                                     "tcp.checksum.status",
                                                                     "tcp.options.mss_val",
                                                                     "tcp.options.wscale.shift",
                                                                     "tcp.options.sack_perm",
                                                                     "tcp.options.timestamp.tsval",
                                                                     "tcp.options.timestamp.tsecr",
                                                                     "udp.srcport",
                                                                     "udp.dstport",
                                                                     "udp.length",
                                                                     "udp.checksum",
                                                                     "udp.checksum.status",
                                                                     "icmp.type",
                                                                     "icmp.code",
                                                                     "icmpv6.type",
                                                                     "icmpv6.code",
                                                                     "dns.id",
                                                                     "dns.flags.response",
                                                                     "dns.flags.opcode",
                                                                     "dns.flags.rcode",
                                                                     "dns.flags.truncated",
                                                                     "dns.count.queries",
                                                                     "dns.count.answers",
                                                                     "dns.qry.name",
                                                                     "dns.qry.type",
                                                                     "dns.a",
                                                                     "dns.aaaa"};
// dns.cname is compared too; kept apart only to keep the array literal short.
inline constexpr std::string_view cname_field = "dns.cname";

/// One value per compared field (nullopt = absent), indexed like compared_fields then cname.
using field_values = std::array<std::optional<std::string>, compared_fields.size() + 1>;

/// Index of `field` in field_values (compared_fields, then dns.cname); size() when unknown.
inline std::size_t field_index(std::string_view field) {
    for (std::size_t i = 0; i < compared_fields.size(); ++i)
        if (compared_fields[i] == field) return i;
    if (field == cname_field) return compared_fields.size();
    return compared_fields.size() + 1;
}

/// Name of the field at `index` of field_values.
inline std::string_view field_name(std::size_t index) {
    return index < compared_fields.size() ? compared_fields[index] : cname_field;
}

namespace detail {

inline std::string hex16(std::uint32_t v) {
    return fmt::format("0x{:04x}", v);
}
inline std::string dec(std::uint64_t v) {
    return std::to_string(v);
}
inline std::string flag(bool v) {
    return v ? "1" : "0";
}

// Seconds since the epoch with 9 decimals; the seconds are floored so the fraction is
// never negative.
inline std::string epoch_text(std::int64_t ts_ns) {
    std::int64_t sec = ts_ns / 1'000'000'000;
    std::int64_t frac = ts_ns % 1'000'000'000;
    if (frac < 0) {
        frac += 1'000'000'000;
        --sec;
    }
    return fmt::format("{}.{:09}", sec, frac);
}

template <class Address>
std::string text(const Address& a) {
    return to_string(a);
}

// tshark's proto_checksum_enum_e: 0 bad, 1 good, 2 unverified, 3 not present, 4 illegal.
// "offloaded" is our refinement of a sum that does not verify, so it reads as bad.
inline std::string checksum_status_code(const checksum_verdict& v) {
    switch (v.status) {
        case checksum_status::ok:
            return "1";
        case checksum_status::bad:
            return "0";
        case checksum_status::offloaded:
            return "0";
        case checksum_status::unverified:
            return "2";
    }
    return "2";
}

// First question's name and type, first A / AAAA / CNAME record of any section.
inline void dns_values(const dns_info& dns, field_values& out) {
    const auto index = [](std::string_view name) { return field_index(name); };
    const dns_message& m = dns.message;
    out[index("dns.id")] = hex16(m.id());
    out[index("dns.flags.response")] = flag(m.qr());
    out[index("dns.flags.opcode")] = dec(m.opcode());
    // tshark shows the rcode only in responses.
    if (m.qr()) out[index("dns.flags.rcode")] = dec(m.rcode());
    out[index("dns.flags.truncated")] = flag(m.tc());
    out[index("dns.count.queries")] = dec(m.qdcount());
    out[index("dns.count.answers")] = dec(m.ancount());

    dns_walker walker(m);
    dns_question q;
    if (walker.next_question(q)) {
        dns_name_text name;
        if (read_dns_name(m.bytes(), q.name_offset, &name)) {
            out[index("dns.qry.name")] =
                name.view() == "." ? std::string("<Root>") : std::string(name.view());
        }
        out[index("dns.qry.type")] = dec(q.qtype);
    }
    dns_record r;
    while (walker.next_record(r)) {
        std::size_t slot = 0;
        if (r.type == dns_type::a)
            slot = index("dns.a");
        else if (r.type == dns_type::aaaa)
            slot = index("dns.aaaa");
        else if (r.type == dns_type::cname)
            slot = index(cname_field);
        else
            continue;
        if (out[slot]) continue;
        dns_rdata_text data;
        if (!format_dns_rdata(m.bytes(), r, data)) out[slot] = std::string(data.view());
    }
}

}  // namespace detail

/// Our value for every compared field of one decoded frame.
inline field_values tshark_values(const frame& f, const decoded_packet& p) {
    using namespace detail;
    field_values out;
    auto set = [&out](std::string_view name, std::string v) {
        out[field_index(name)] = std::move(v);
    };

    set("frame.time_epoch", epoch_text(f.ts_ns));
    set("frame.len", dec(f.wirelen));
    set("frame.cap_len", dec(f.caplen));
    if (p.ethernet) {
        set("eth.src", text(p.ethernet->source()));
        set("eth.dst", text(p.ethernet->destination()));
        // An 802.3 length field is tshark's eth.len, not eth.type.
        if (p.ethernet->ether_type() > ether_type::max_8023_length)
            set("eth.type", hex16(p.ethernet->ether_type()));
    }
    // tshark's vlan.id is the first 802.1Q tag; an 802.1ad S-tag is its ieee8021ad.id.
    for (std::size_t i = 0; i < p.vlan_count; ++i) {
        if (p.vlan_tags[i].tpid == ether_type::vlan_8021ad) continue;
        set("vlan.id", dec(p.vlan_tags[i].vid));
        break;
    }
    if (p.sll) set("sll.pkttype", dec(p.sll->packet_type));

    if (p.ipv4) {
        const ipv4_view& ip = *p.ipv4;
        set("ip.version", dec(ip.version()));
        set("ip.hdr_len", dec(ip.header_length()));
        set("ip.len", dec(ip.total_length()));
        set("ip.id", hex16(ip.identification()));
        set("ip.flags.df", flag(ip.df()));
        set("ip.flags.mf", flag(ip.mf()));
        // tshark 4.0 shows the 13-bit field itself (8-octet units), not bytes.
        set("ip.frag_offset", dec(ip.fragment_offset()));
        set("ip.ttl", dec(ip.ttl()));
        set("ip.proto", dec(ip.protocol()));
        set("ip.checksum", hex16(ip.header_checksum()));
        set("ip.checksum.status", checksum_status_code(p.ipv4_checksum));
        set("ip.src", text(ip.source()));
        set("ip.dst", text(ip.destination()));
    }
    if (p.ipv6) {
        const ipv6_view& ip = *p.ipv6;
        // tshark's IPv6 dissector also fills ip.version.
        if (!p.ipv4) set("ip.version", dec(ip.version()));
        set("ipv6.plen", dec(ip.payload_length()));
        set("ipv6.nxt", dec(ip.next_header()));
        set("ipv6.hlim", dec(ip.hop_limit()));
        set("ipv6.src", text(ip.source()));
        set("ipv6.dst", text(ip.destination()));
    }
    if (p.tcp) {
        const tcp_view& t = *p.tcp;
        set("tcp.srcport", dec(t.source_port()));
        set("tcp.dstport", dec(t.destination_port()));
        set("tcp.seq_raw", dec(t.sequence_number().value()));
        set("tcp.ack_raw", dec(t.ack_number().value()));
        set("tcp.hdr_len", dec(t.header_length()));
        set("tcp.flags", hex16(t.flags()));
        set("tcp.window_size_value", dec(t.window()));
        set("tcp.urgent_pointer", dec(t.urgent_pointer()));
        set("tcp.len", dec(p.payload_length));
        set("tcp.checksum", hex16(t.checksum()));
        set("tcp.checksum.status", checksum_status_code(p.l4_checksum));
        const tcp_options& o = p.tcp_opts;
        if (o.mss) set("tcp.options.mss_val", dec(*o.mss));
        if (o.window_scale) set("tcp.options.wscale.shift", dec(*o.window_scale));
        // tshark prints the option's bytes (kind 4, length 2).
        if (o.sack_permitted) set("tcp.options.sack_perm", "0402");
        if (o.timestamp) {
            set("tcp.options.timestamp.tsval", dec(o.timestamp->tsval));
            set("tcp.options.timestamp.tsecr", dec(o.timestamp->tsecr));
        }
    }
    if (p.udp) {
        const udp_view& u = *p.udp;
        set("udp.srcport", dec(u.source_port()));
        set("udp.dstport", dec(u.destination_port()));
        set("udp.length", dec(u.length()));
        set("udp.checksum", hex16(u.checksum()));
        // A zero sum over IPv4 is "not present" (3) in tshark's terms.
        const bool absent = u.checksum() == 0 && p.ipv4 && !p.ipv6;
        set("udp.checksum.status", absent ? "3" : checksum_status_code(p.l4_checksum));
    }
    if (p.icmp) {
        set("icmp.type", dec(p.icmp->type()));
        set("icmp.code", dec(p.icmp->code()));
    }
    if (p.icmpv6) {
        set("icmpv6.type", dec(p.icmpv6->type()));
        set("icmpv6.code", dec(p.icmpv6->code()));
    }
    // The ports of the packet quoted by an ICMP error are the first TCP/UDP fields tshark
    // sees in such a frame.
    if (p.quote && !p.tcp && !p.udp) {
        const icmp_quote& q = *p.quote;
        const std::string_view l4 = q.protocol == ip_protocol::tcp ? "tcp" : "udp";
        if (q.protocol == ip_protocol::tcp || q.protocol == ip_protocol::udp) {
            if (q.source_port) set(std::string(l4) + ".srcport", dec(*q.source_port));
            if (q.destination_port) set(std::string(l4) + ".dstport", dec(*q.destination_port));
        }
        if (q.tcp_sequence) set("tcp.seq_raw", dec(*q.tcp_sequence));
    }
    if (p.dns) dns_values(*p.dns, out);
    return out;
}

}  // namespace pktscope::corpus
