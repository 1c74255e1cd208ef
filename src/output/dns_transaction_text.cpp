// The text forms of `dns_transaction` and `dns_chain`: one line per transaction, in the
// spirit of tcpdump's DNS lines ("A? name"), with the status, RCODE, outcome and latency.
#include "address_text.hpp"
#include "dns_names.hpp"
#include "pktscope/dns_output.hpp"

namespace pktscope {
namespace {

using out_it = std::back_insert_iterator<fmt::memory_buffer>;

// The per-record path appends pieces directly (no format-string parsing): this line is
// printed once per transaction, millions of times on a big capture.
void put(fmt::memory_buffer& out, std::string_view s) {
    out.append(s);
}

void put_number(fmt::memory_buffer& out, std::uint64_t v) {
    const fmt::format_int text(v);
    out.append(text.data(), text.data() + text.size());
}

// Milliseconds with three decimals from nanoseconds, rounded to the microsecond.
void put_milliseconds(fmt::memory_buffer& out, std::int64_t ns) {
    if (ns < 0) {
        out.push_back('-');
        ns = -ns;
    }
    const std::uint64_t us = (static_cast<std::uint64_t>(ns) + 500) / 1000;
    put_number(out, us / 1000);
    const auto fraction = static_cast<unsigned>(us % 1000);
    const char digits[4] = {'.', static_cast<char>('0' + fraction / 100),
                            static_cast<char>('0' + fraction / 10 % 10),
                            static_cast<char>('0' + fraction % 10)};
    out.append(digits, digits + 4);
}

void append_endpoint(fmt::memory_buffer& out, const flow_endpoint& e) {
    if (e.address.family == 6)
        append_address(out, e.address.v6());
    else
        append_address(out, e.address.v4());
    out.push_back('.');
    put_number(out, e.port);
}

void append_records(fmt::memory_buffer& out, const std::vector<dns_rr_text>& records,
                    bool verbose) {
    dns_mnemonic_buffer buf;
    for (std::size_t i = 0; i < records.size(); ++i) {
        const dns_rr_text& rr = records[i];
        if (i != 0) out.append(std::string_view(", "));
        if (verbose) {
            put(out, rr.name);
            out.push_back(' ');
            put_number(out, rr.ttl);
            out.push_back(' ');
        }
        put(out, type_mnemonic(buf, rr.type));
        out.push_back(' ');
        put(out, rr.data);
    }
}

void append_edns(fmt::memory_buffer& out, std::string_view label, const dns_edns_facts& e) {
    fmt::format_to(out_it(out), " {} {}", label, e.udp_size);
    if (e.do_bit) out.append(std::string_view(" do"));
    if (!e.client_subnet.empty()) fmt::format_to(out_it(out), " ecs {}", e.client_subnet);
    if (!e.client_cookie.empty()) {
        fmt::format_to(out_it(out), " cookie {}", e.client_cookie);
        if (!e.server_cookie.empty()) fmt::format_to(out_it(out), ":{}", e.server_cookie);
    }
    if (e.nsid) out.append(std::string_view(" nsid"));
}

// Everything after the time of day.
void append_body(fmt::memory_buffer& out, const dns_transaction& t, const dns_text_options& o) {
    dns_mnemonic_buffer buf;
    put(out, dns_transport_name(t.transport));
    out.push_back(' ');
    append_endpoint(out, t.client);
    out.append(std::string_view(" > "));
    append_endpoint(out, t.server);
    put(out, ": id ");
    put_number(out, t.id);
    if (t.opcode != 0) fmt::format_to(out_it(out), " {}", opcode_mnemonic(buf, t.opcode));
    if (t.has_question) {
        out.push_back(' ');
        put(out, type_mnemonic(buf, t.qtype));
        put(out, "? ");
        put(out, t.qname);
    }
    switch (t.status) {
        case dns_status::unanswered:
            out.append(std::string_view(" -> unanswered"));
            if (t.evicted) out.append(std::string_view(" (evicted)"));
            break;
        case dns_status::unsolicited:
            fmt::format_to(out_it(out), " -> unsolicited {} {}", rcode_mnemonic(buf, t.rcode),
                           dns_outcome_name(t.outcome));
            break;
        case dns_status::answered:
            put(out, " -> ");
            put(out, rcode_mnemonic(buf, t.rcode));
            out.push_back(' ');
            put(out, dns_outcome_name(t.outcome));
            out.push_back(' ');
            put_milliseconds(out, t.latency_ns);
            put(out, " ms");
            break;
    }
    if (t.status != dns_status::unanswered) {
        if (t.aa) out.append(std::string_view(" aa"));
        if (t.tc) out.append(std::string_view(" tc"));
        if (!t.answers.empty()) {
            out.append(std::string_view(": "));
            append_records(out, t.answers, o.verbose);
        } else if (!t.delegation.empty()) {
            fmt::format_to(out_it(out), ": delegation {} ", t.delegation);
            std::vector<dns_rr_text> ns;
            for (const dns_rr_text& rr : t.authority)
                if (rr.type == dns_type::ns) ns.push_back(rr);
            append_records(out, ns, o.verbose);
        } else if (t.has_soa) {
            out.append(std::string_view(": "));
            append_records(out, {t.soa}, o.verbose);
        }
        if (o.verbose && !t.authority.empty() && t.delegation.empty() && !t.has_soa) {
            out.append(std::string_view(" authority: "));
            append_records(out, t.authority, true);
        }
    }
    if (t.retransmissions != 0)
        fmt::format_to(out_it(out), " retransmissions {}", t.retransmissions);
    if (t.tcp_retry_frame != 0)
        fmt::format_to(out_it(out), " retried over tcp (frame {})", t.tcp_retry_frame);
    if (t.truncated_udp_frame != 0)
        fmt::format_to(out_it(out), " retry of truncated udp (frame {})", t.truncated_udp_frame);
    if (o.verbose) {
        if (t.has_query_edns) append_edns(out, "edns", t.query_edns);
        if (t.status != dns_status::unanswered && t.has_response_edns)
            append_edns(out, "response-edns", t.response_edns);
    }
    if (!t.anomalies.empty()) {
        out.append(std::string_view(" anomalies"));
        char separator = ' ';
        t.anomalies.for_each([&](anomaly a) {
            out.push_back(separator);
            separator = ',';
            out.append(anomaly_name(a));
        });
    }
    if (t.query_frame != 0 && t.response_frame != 0) {
        put(out, " [frames ");
        put_number(out, t.query_frame);
        out.push_back(',');
        put_number(out, t.response_frame);
    } else {
        put(out, " [frame ");
        put_number(out, t.query_frame != 0 ? t.query_frame : t.response_frame);
    }
    out.push_back(']');
}

std::int64_t line_time(const dns_transaction& t) {
    return t.query_frame != 0 ? t.query_ts_ns : t.response_ts_ns;
}

}  // namespace

void render_dns_transaction_text(fmt::memory_buffer& out, const dns_transaction& t,
                                 text_renderer& clock, const dns_text_options& options) {
    clock.append_time(out, line_time(t));
    out.push_back(' ');
    append_body(out, t, options);
    out.push_back('\n');
}

void render_dns_chain_text(fmt::memory_buffer& out, const dns_chain& chain, text_renderer& clock,
                           const dns_text_options& options) {
    clock.append_time(out, line_time(chain.client));
    out.append(std::string_view(" chain "));
    append_body(out, chain.client, options);
    fmt::format_to(out_it(out), " upstream {}\n", chain.steps.size());
    for (std::size_t i = 0; i < chain.steps.size(); ++i) {
        const dns_transaction& s = chain.steps[i];
        put(out, "  step ");
        put_number(out, i + 1);
        put(out, " +");
        put_milliseconds(out, s.query_ts_ns - chain.client.query_ts_ns);
        put(out, " ms ");
        append_body(out, s, options);
        out.push_back('\n');
    }
}

}  // namespace pktscope
