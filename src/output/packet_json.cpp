// The `packet` JSON record. Field names follow DESIGN.md and the README's schema; absent
// layers are absent (never null).
#include "address_text.hpp"
#include "json_writer.hpp"
#include "pktscope/output.hpp"

namespace pktscope {
namespace {

void checksum_json(json::object& parent, const checksum_verdict& v) {
    parent.key("checksum");
    json::object o(parent.out());
    o.field("value", v.value);
    o.field("status", checksum_status_name(v.status));
    if (v.status == checksum_status::bad) o.field("expected", v.expected);
    o.close();
}

template <class Address>
void address_field(json::object& o, std::string_view key, const Address& a) {
    char buf[ipv6_text_max + 1];
    o.field(key, address_view(buf, a));
}

void link_json(json::object& root, const decoded_packet& p, const packet_context& ctx) {
    if (p.ethernet) {
        root.key("eth");
        json::object eth(root.out());
        address_field(eth, "src", p.ethernet->source());
        address_field(eth, "dst", p.ethernet->destination());
        eth.field("ether_type", p.ethernet->ether_type());
        if (p.vlan_count != 0) {
            eth.key("vlan");
            root.out().push_back('[');
            for (std::size_t i = 0; i < p.vlan_count; ++i) {
                if (i != 0) root.out().push_back(',');
                json::object tag(root.out());
                tag.field("vid", p.vlan_tags[i].vid);
                tag.field("pcp", p.vlan_tags[i].pcp);
                tag.field("dei", p.vlan_tags[i].dei);
                tag.field("tpid", p.vlan_tags[i].tpid);
                tag.close();
            }
            root.out().push_back(']');
        }
        eth.close();
    }
    if (p.sll) {
        root.key("sll");
        json::object sll(root.out());
        sll.field("version", p.sll->version);
        sll.field("packet_type", p.sll->packet_type);
        sll.field("direction", p.sll->direction());
        sll.field("protocol", p.sll->protocol);
        if (p.sll->version == 2) sll.field("ifindex", p.sll->interface_index);
        if (!ctx.interface_name.empty()) sll.field("ifname", ctx.interface_name);
        sll.close();
    }
    if (p.loopback_family) root.field("loopback_family", *p.loopback_family);
}

void ipv4_json(json::object& root, const decoded_packet& p) {
    const ipv4_view& ip = *p.ipv4;
    root.key("ipv4");
    json::object o(root.out());
    address_field(o, "src", ip.source());
    address_field(o, "dst", ip.destination());
    o.field("ttl", ip.ttl());
    o.field("ihl", ip.ihl());
    o.field("dscp", ip.dscp());
    o.field("ecn", ip.ecn());
    o.field("total_length", ip.total_length());
    o.field("identification", ip.identification());
    o.field("df", ip.df());
    o.field("mf", ip.mf());
    o.field("fragment_offset", ip.fragment_offset());
    o.field("protocol", ip.protocol());
    checksum_json(o, p.ipv4_checksum);
    o.close();
}

void ipv6_json(json::object& root, const decoded_packet& p) {
    const ipv6_view& ip = *p.ipv6;
    root.key("ipv6");
    json::object o(root.out());
    address_field(o, "src", ip.source());
    address_field(o, "dst", ip.destination());
    o.field("hop_limit", ip.hop_limit());
    o.field("payload_length", ip.payload_length());
    o.field("next_header", ip.next_header());
    o.field("traffic_class", ip.traffic_class());
    o.field("flow_label", ip.flow_label());
    const ipv6_extension_chain& chain = p.ipv6_extensions;
    o.key("extension_headers");
    root.out().push_back('[');
    for (std::size_t i = 0; i < chain.count; ++i) {
        if (i != 0) root.out().push_back(',');
        json::object e(root.out());
        e.field("type", chain.headers[i].type);
        e.field("length", chain.headers[i].length);
        e.close();
    }
    root.out().push_back(']');
    if (chain.has_fragment) {
        o.key("fragment");
        json::object f(root.out());
        f.field("offset", chain.fragment_offset);
        f.field("more", chain.more_fragments);
        f.field("identification", chain.fragment_identification);
        f.close();
    }
    o.field("upper_protocol", p.ip_protocol);
    o.close();
}

constexpr std::pair<std::uint16_t, std::string_view> tcp_flag_names[] = {
    {tcp_flag::fin, "FIN"}, {tcp_flag::syn, "SYN"}, {tcp_flag::rst, "RST"},
    {tcp_flag::psh, "PSH"}, {tcp_flag::ack, "ACK"}, {tcp_flag::urg, "URG"},
    {tcp_flag::ece, "ECE"}, {tcp_flag::cwr, "CWR"}, {tcp_flag::ae, "AE"},
};

void tcp_json(json::object& root, const decoded_packet& p) {
    const tcp_view& t = *p.tcp;
    root.key("tcp");
    json::object o(root.out());
    o.field("sport", t.source_port());
    o.field("dport", t.destination_port());
    o.field("seq", t.sequence_number().value());
    o.field("ack", t.ack_number().value());
    o.field("data_offset", t.data_offset());
    o.key("flags");
    root.out().push_back('[');
    bool first = true;
    for (const auto& [bit, name] : tcp_flag_names) {
        if (!t.has(bit)) continue;
        if (!first) root.out().push_back(',');
        first = false;
        append_json_string(root.out(), name);
    }
    root.out().push_back(']');
    o.field("window", t.window());
    o.field("urgent_pointer", t.urgent_pointer());
    o.field("payload_length", p.payload_length);
    checksum_json(o, p.l4_checksum);
    const tcp_options& opt = p.tcp_opts;
    if (opt.any) {
        o.key("options");
        json::object op(root.out());
        if (opt.mss) op.field("mss", *opt.mss);
        if (opt.window_scale) op.field("window_scale", *opt.window_scale);
        if (opt.sack_permitted) op.field("sack_permitted", true);
        if (opt.timestamp) {
            op.key("timestamp");
            json::object ts(root.out());
            ts.field("tsval", opt.timestamp->tsval);
            ts.field("tsecr", opt.timestamp->tsecr);
            ts.close();
        }
        if (opt.sack_count != 0) {
            op.key("sack");
            root.out().push_back('[');
            for (std::size_t i = 0; i < opt.sack_count; ++i) {
                if (i != 0) root.out().push_back(',');
                fmt::format_to(std::back_inserter(root.out()), "[{},{}]", opt.sack[i].left.value(),
                               opt.sack[i].right.value());
            }
            root.out().push_back(']');
        }
        op.close();
    }
    o.close();
}

void udp_json(json::object& root, const decoded_packet& p) {
    root.key("udp");
    json::object o(root.out());
    o.field("sport", p.udp->source_port());
    o.field("dport", p.udp->destination_port());
    o.field("length", p.udp->length());
    checksum_json(o, p.l4_checksum);
    o.close();
}

void icmp_json(json::object& root, const decoded_packet& p, bool v6) {
    const icmp_view& m = v6 ? *p.icmpv6 : *p.icmp;
    root.key(v6 ? "icmpv6" : "icmp");
    json::object o(root.out());
    o.field("type", m.type());
    o.field("code", m.code());
    checksum_json(o, p.l4_checksum);
    if (m.type() == 0 || m.type() == 8 || m.type() == 128 || m.type() == 129) {
        o.field("identifier", m.identifier());
        o.field("sequence", m.sequence());
    }
    if (p.quote) {
        o.key("quote");
        json::object q(root.out());
        if (p.quote->ipv4) {
            address_field(q, "src", p.quote->ipv4->source());
            address_field(q, "dst", p.quote->ipv4->destination());
            q.field("ttl", p.quote->ipv4->ttl());
        } else if (p.quote->ipv6) {
            address_field(q, "src", p.quote->ipv6->source());
            address_field(q, "dst", p.quote->ipv6->destination());
            q.field("hop_limit", p.quote->ipv6->hop_limit());
        }
        q.field("protocol", p.quote->protocol);
        if (p.quote->source_port) q.field("sport", *p.quote->source_port);
        if (p.quote->destination_port) q.field("dport", *p.quote->destination_port);
        q.close();
    }
    o.close();
}

void dns_type_field(json::object& o, std::string_view key, std::uint16_t type) {
    const std::string_view name = dns_type_name(type);
    if (!name.empty()) {
        o.field(key, name);
    } else {
        char buf[16];
        const auto end = fmt::format_to(buf, "TYPE{}", type);
        o.field(key, std::string_view(buf, static_cast<std::size_t>(end - buf)));
    }
}

void dns_json(json::object& root, const dns_info& info) {
    const dns_message& m = info.message;
    const byte_span msg = m.bytes();
    root.key("dns");
    json::object o(root.out());
    o.field("id", m.id());
    o.field("qr", m.qr());
    o.field("opcode", m.opcode());
    o.field("aa", m.aa());
    o.field("tc", m.tc());
    o.field("rd", m.rd());
    o.field("ra", m.ra());
    o.field("rcode", m.rcode());
    o.field("qdcount", m.qdcount());
    o.field("ancount", m.ancount());
    o.field("nscount", m.nscount());
    o.field("arcount", m.arcount());
    if (info.over_tcp) o.field("transport", "tcp");

    dns_walker walker(m);
    dns_name_text name;
    o.key("questions");
    root.out().push_back('[');
    dns_question q;
    for (bool first = true; walker.next_question(q); first = false) {
        if (!first) root.out().push_back(',');
        json::object qo(root.out());
        read_dns_name(msg, q.name_offset, &name);
        qo.field("name", name.view());
        dns_type_field(qo, "type", q.qtype);
        qo.field("class", q.qclass);
        qo.close();
    }
    root.out().push_back(']');

    // Records grouped by section, in message order; OPT is reported as `edns`.
    dns_section open_section = dns_section::question;
    dns_record r;
    dns_rdata_text data;
    bool first_in_section = true;
    auto close_section = [&] {
        if (open_section != dns_section::question) root.out().push_back(']');
    };
    while (walker.next_record(r)) {
        if (r.type == dns_type::opt) continue;
        if (r.section != open_section) {
            close_section();
            open_section = r.section;
            o.key(r.section == dns_section::answer      ? "answers"
                  : r.section == dns_section::authority ? "authority"
                                                        : "additional");
            root.out().push_back('[');
            first_in_section = true;
        }
        if (!first_in_section) root.out().push_back(',');
        first_in_section = false;
        json::object ro(root.out());
        read_dns_name(msg, r.name_offset, &name);
        ro.field("name", name.view());
        dns_type_field(ro, "type", r.type);
        ro.field("ttl", r.ttl);
        data.clear();
        format_dns_rdata(msg, r, data);
        ro.field("data", data.view());
        ro.close();
    }
    close_section();
    if (info.edns) {
        o.key("edns");
        json::object e(root.out());
        e.field("udp_size", info.edns->udp_size);
        e.field("do", info.edns->do_bit);
        e.field("version", info.edns->version);
        e.close();
    }
    o.close();
}

}  // namespace

void render_packet_json(fmt::memory_buffer& out, const frame& f, const decoded_packet& p,
                        const packet_context& ctx) {
    json::object root(out);
    root.field("type", "packet");
    root.field("frame", ctx.frame_number);
    root.field("ts_ns", f.ts_ns);
    root.field("caplen", f.caplen);
    root.field("wirelen", f.wirelen);
    root.field("linktype", f.linktype);
    link_json(root, p, ctx);
    if (p.ipv4) ipv4_json(root, p);
    if (p.ipv6) ipv6_json(root, p);
    if (p.tcp) tcp_json(root, p);
    if (p.udp) udp_json(root, p);
    if (p.icmp) icmp_json(root, p, false);
    if (p.icmpv6) icmp_json(root, p, true);
    if (p.dns) dns_json(root, *p.dns);
    if (!p.anomalies.empty()) {
        root.key("anomalies");
        out.push_back('[');
        bool first = true;
        p.anomalies.for_each([&](anomaly a) {
            if (!first) out.push_back(',');
            first = false;
            append_json_string(out, anomaly_name(a));
        });
        out.push_back(']');
    }
    if (ctx.route) {
        root.key("route");
        json::object r(out);
        r.field("prefix", ctx.route->prefix);
        r.field("dev", ctx.route->dev);
        if (!ctx.route->via.empty()) r.field("via", ctx.route->via);
        r.close();
    }
    root.close();
    out.push_back('\n');
}

void render_meta_json(fmt::memory_buffer& out, std::string_view command, std::string_view source,
                      int linktype) {
    json::object o(out);
    o.field("type", "meta");
    o.field("schema_version", json_schema_version);
    o.field("tool", "pktscope");
    o.field("version", PKTSCOPE_VERSION);
    o.field("command", command);
    o.field("source", source);
    if (linktype >= 0) o.field("linktype", linktype);
    o.close();
    out.push_back('\n');
}

void render_summary_json(fmt::memory_buffer& out, const capture_summary& s) {
    json::object o(out);
    o.field("type", "summary");
    o.field("packets", s.packets);
    o.field("bytes", s.bytes);
    o.key("anomalies");
    json::object a(out);
    for (std::size_t i = 0; i < anomaly_count; ++i)
        if (s.anomalies.counts[i] != 0) a.field(anomaly_name(static_cast<anomaly>(i)), s.anomalies.counts[i]);
    a.close();
    if (s.stats) {
        o.key("capture");
        json::object c(out);
        c.field("received", s.stats->received);
        c.field("dropped_kernel", s.stats->dropped_kernel);
        c.field("dropped_interface", s.stats->dropped_interface);
        c.close();
    }
    if (!s.analyzer_json.empty()) {
        out.push_back(',');
        out.append(s.analyzer_json);
    }
    o.close();
    out.push_back('\n');
}

void render_summary_text(fmt::memory_buffer& out, const capture_summary& s) {
    auto it = std::back_inserter(out);
    fmt::format_to(it, "{} packets, {} bytes\n", s.packets, s.bytes);
    for (std::size_t i = 0; i < anomaly_count; ++i)
        if (s.anomalies.counts[i] != 0)
            fmt::format_to(it, "  {}: {}\n", anomaly_name(static_cast<anomaly>(i)), s.anomalies.counts[i]);
    if (s.stats)
        fmt::format_to(it, "{} packets received by filter\n{} packets dropped by kernel\n"
                           "{} packets dropped by interface\n",
                       s.stats->received, s.stats->dropped_kernel, s.stats->dropped_interface);
    out.append(s.analyzer_text);
}

}  // namespace pktscope
