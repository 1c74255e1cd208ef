// The `dns_transaction` and `dns_chain` JSON records. Absent facts are absent (an
// unanswered query has no rcode, an unsolicited response no query_frame), never null.
#include "address_text.hpp"
#include "dns_names.hpp"
#include "json_writer.hpp"
#include "pktscope/dns_output.hpp"

namespace pktscope {
namespace {

void address_field(json::object& o, std::string_view key, const ip_address& a) {
    char buf[ipv6_text_max + 1];
    o.field(key, a.family == 6 ? address_view(buf, a.v6()) : address_view(buf, a.v4()));
}

void records_field(json::object& o, std::string_view key, const std::vector<dns_rr_text>& records) {
    o.key(key);
    o.out().push_back('[');
    dns_mnemonic_buffer buf;
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (i != 0) o.out().push_back(',');
        const dns_rr_text& rr = records[i];
        json::object r(o.out());
        r.field("name", rr.name);
        r.field("type", type_mnemonic(buf, rr.type));
        r.field("ttl", rr.ttl);
        r.field("data", rr.data);
        r.close();
    }
    o.out().push_back(']');
}

void edns_field(json::object& o, std::string_view key, const dns_edns_facts& e) {
    o.key(key);
    json::object x(o.out());
    x.field("udp_size", e.udp_size);
    x.field("do", e.do_bit);
    x.field("version", e.version);
    if (!e.client_subnet.empty()) x.field("client_subnet", e.client_subnet);
    if (!e.client_cookie.empty()) x.field("client_cookie", e.client_cookie);
    if (!e.server_cookie.empty()) x.field("server_cookie", e.server_cookie);
    if (e.nsid) x.field("nsid", true);
    x.close();
}

// Milliseconds with six decimals, exact from the nanoseconds (no floating point on the way).
void milliseconds_field(json::object& o, std::string_view key, std::int64_t ns) {
    o.key(key);
    fmt::memory_buffer& out = o.out();
    if (ns < 0) {
        out.push_back('-');
        ns = -ns;
    }
    const auto whole = fmt::format_int(static_cast<unsigned long long>(ns / 1'000'000));
    out.append(whole.data(), whole.data() + whole.size());
    char fraction[7] = {'.', '0', '0', '0', '0', '0', '0'};
    for (std::int64_t rest = ns % 1'000'000, i = 6; i > 0; rest /= 10, --i)
        fraction[i] = static_cast<char>('0' + rest % 10);
    out.append(fraction, fraction + 7);
}

// Every field of `t` into the open object `o` (without "type").
void transaction_fields(json::object& o, const dns_transaction& t) {
    dns_mnemonic_buffer buf;
    o.field("transport", dns_transport_name(t.transport));
    address_field(o, "client_ip", t.client.address);
    o.field("client_port", t.client.port);
    address_field(o, "server_ip", t.server.address);
    o.field("server_port", t.server.port);
    o.field("id", t.id);
    o.field("opcode", opcode_mnemonic(buf, t.opcode));
    o.field("rd", t.rd);
    if (t.has_question) {
        o.field("qname", t.qname);
        o.field("qtype", type_mnemonic(buf, t.qtype));
        o.field("qclass", class_mnemonic(buf, t.qclass));
    }
    o.field("status", dns_status_name(t.status));
    if (t.evicted) o.field("evicted", true);
    if (t.status != dns_status::unanswered) {
        o.field("rcode", rcode_mnemonic(buf, t.rcode));
        o.field("outcome", dns_outcome_name(t.outcome));
        o.field("aa", t.aa);
        o.field("tc", t.tc);
        o.field("ra", t.ra);
        o.field("ad", t.ad);
        records_field(o, "answers", t.answers);
        if (!t.authority.empty()) records_field(o, "authority", t.authority);
        if (t.has_soa) {
            o.key("soa");
            json::object s(o.out());
            s.field("name", t.soa.name);
            s.field("ttl", t.soa.ttl);
            s.field("data", t.soa.data);
            s.close();
        }
        if (!t.delegation.empty()) o.field("delegation", t.delegation);
    }
    if (t.query_frame != 0) {
        o.field("query_frame", t.query_frame);
        o.field("query_ts_ns", t.query_ts_ns);
    }
    if (t.status != dns_status::unanswered) {
        o.field("response_frame", t.response_frame);
        o.field("response_ts_ns", t.response_ts_ns);
    }
    if (t.status == dns_status::answered) milliseconds_field(o, "latency_ms", t.latency_ns);
    if (t.query_frame != 0) {
        o.field("retransmissions", t.retransmissions);
        if (!t.retransmission_frames.empty()) {
            o.key("retransmission_frames");
            o.out().push_back('[');
            for (std::size_t i = 0; i < t.retransmission_frames.size(); ++i) {
                if (i != 0) o.out().push_back(',');
                json::number(o.out(), t.retransmission_frames[i]);
            }
            o.out().push_back(']');
        }
    }
    if (t.has_query_edns) edns_field(o, "edns", t.query_edns);
    if (t.status != dns_status::unanswered && t.has_response_edns)
        edns_field(o, "response_edns", t.response_edns);
    if (t.tcp_retry_frame != 0) o.field("tcp_retry_frame", t.tcp_retry_frame);
    if (t.truncated_udp_frame != 0) o.field("truncated_udp_frame", t.truncated_udp_frame);
    if (!t.anomalies.empty()) {
        o.key("anomalies");
        o.out().push_back('[');
        bool first = true;
        t.anomalies.for_each([&](anomaly a) {
            if (!first) o.out().push_back(',');
            first = false;
            append_json_string(o.out(), anomaly_name(a));
        });
        o.out().push_back(']');
    }
}

}  // namespace

void render_dns_transaction_json(fmt::memory_buffer& out, const dns_transaction& t) {
    json::object o(out);
    o.field("type", "dns_transaction");
    transaction_fields(o, t);
    o.close();
    out.push_back('\n');
}

void render_dns_chain_json(fmt::memory_buffer& out, const dns_chain& chain) {
    json::object o(out);
    o.field("type", "dns_chain");
    address_field(o, "resolver_ip", chain.client.server.address);
    o.key("client");
    json::object c(out);
    transaction_fields(c, chain.client);
    c.close();
    o.key("steps");
    out.push_back('[');
    for (std::size_t i = 0; i < chain.steps.size(); ++i) {
        if (i != 0) out.push_back(',');
        json::object s(out);
        s.field("step", i + 1);
        milliseconds_field(s, "offset_ms", chain.steps[i].query_ts_ns - chain.client.query_ts_ns);
        transaction_fields(s, chain.steps[i]);
        s.close();
    }
    out.push_back(']');
    o.close();
    out.push_back('\n');
}

}  // namespace pktscope
