// The `dns_stats` (--stats) and `dns_summary` records, as JSON and as text.
#include "address_text.hpp"
#include "dns_names.hpp"
#include "json_writer.hpp"
#include "pktscope/dns_output.hpp"

namespace pktscope {
namespace {

using out_it = std::back_insert_iterator<fmt::memory_buffer>;

double ms(std::uint64_t ns) {
    return static_cast<double>(ns) / 1e6;
}

// "192.0.2.1.53", or "other" for the pooled row.
std::string server_text(const dns_server_stats& s) {
    if (s.other) return "other";
    fmt::memory_buffer b;
    if (s.server.address.family == 6)
        append_address(b, s.server.address.v6());
    else
        append_address(b, s.server.address.v4());
    fmt::format_to(out_it(b), ".{}", s.server.port);
    return fmt::to_string(b);
}

template <class Counts, class Name>
void counts_object(json::object& o, std::string_view key, const Counts& counts, Name name) {
    o.key(key);
    json::object c(o.out());
    for (const auto& [k, n] : counts) c.field(name(k), n);
    c.close();
}

template <class Counts, class Name>
void counts_line(fmt::memory_buffer& out, std::string_view label, const Counts& counts, Name name) {
    fmt::format_to(out_it(out), "{}:", label);
    for (const auto& [k, n] : counts) fmt::format_to(out_it(out), " {} {}", name(k), n);
    out.push_back('\n');
}

}  // namespace

void render_dns_stats_json(fmt::memory_buffer& out, const dns_stats_report& r) {
    dns_mnemonic_buffer buf;
    json::object o(out);
    o.field("type", "dns_stats");
    o.field("transactions", r.transactions);
    o.field("answered", r.answered);
    o.field("unanswered", r.unanswered);
    o.field("unsolicited", r.unsolicited);
    o.field("retransmissions", r.retransmissions);
    o.field("truncated", r.truncated);
    o.key("servers");
    out.push_back('[');
    for (std::size_t i = 0; i < r.servers.size(); ++i) {
        const dns_server_stats& s = r.servers[i];
        if (i != 0) out.push_back(',');
        json::object row(out);
        if (s.other) {
            row.field("server", "other");
        } else {
            char text[ipv6_text_max + 1];
            row.field("server_ip", s.server.address.family == 6
                                       ? address_view(text, s.server.address.v6())
                                       : address_view(text, s.server.address.v4()));
            row.field("server_port", s.server.port);
        }
        row.field("queries", s.queries);
        row.field("answered", s.answered);
        row.field("unanswered", s.unanswered);
        row.field("retransmissions", s.retransmissions);
        row.field("truncated", s.truncated);
        if (s.answered != 0) {
            row.field("p50_ms", ms(s.p50_ns));
            row.field("p90_ms", ms(s.p90_ns));
            row.field("p99_ms", ms(s.p99_ns));
            row.field("max_ms", ms(s.max_ns));
        }
        row.close();
    }
    out.push_back(']');
    counts_object(o, "rcodes", r.rcodes, [&](std::uint16_t rc) { return rcode_mnemonic(buf, rc); });
    counts_object(o, "outcomes", r.outcomes, [](dns_outcome x) { return dns_outcome_name(x); });
    counts_object(o, "qtypes", r.qtypes, [&](std::uint16_t t) { return type_mnemonic(buf, t); });
    o.key("top_names");
    out.push_back('[');
    for (std::size_t i = 0; i < r.top_names.size(); ++i) {
        if (i != 0) out.push_back(',');
        json::object n(out);
        n.field("name", r.top_names[i].name);
        n.field("count", r.top_names[i].count);
        if (r.top_names[i].error != 0) n.field("count_error", r.top_names[i].error);
        n.close();
    }
    out.push_back(']');
    o.close();
    out.push_back('\n');
}

void render_dns_stats_text(fmt::memory_buffer& out, const dns_stats_report& r) {
    dns_mnemonic_buffer buf;
    fmt::format_to(out_it(out),
                   "DNS statistics: {} transactions, {} answered, {} unanswered, {} unsolicited, "
                   "{} retransmissions, {} truncated\n",
                   r.transactions, r.answered, r.unanswered, r.unsolicited, r.retransmissions,
                   r.truncated);
    fmt::format_to(out_it(out), "{:<46} {:>9} {:>9} {:>10} {:>8} {:>10} {:>10} {:>10} {:>10}\n",
                   "server", "queries", "answered", "unanswered", "retrans", "p50_ms", "p90_ms",
                   "p99_ms", "max_ms");
    for (const dns_server_stats& s : r.servers) {
        fmt::format_to(out_it(out), "{:<46} {:>9} {:>9} {:>10} {:>8}", server_text(s), s.queries,
                       s.answered, s.unanswered, s.retransmissions);
        if (s.answered != 0)
            fmt::format_to(out_it(out), " {:>10.3f} {:>10.3f} {:>10.3f} {:>10.3f}\n", ms(s.p50_ns),
                           ms(s.p90_ns), ms(s.p99_ns), ms(s.max_ns));
        else
            fmt::format_to(out_it(out), " {:>10} {:>10} {:>10} {:>10}\n", "-", "-", "-", "-");
    }
    counts_line(out, "rcodes", r.rcodes, [&](std::uint16_t rc) { return rcode_mnemonic(buf, rc); });
    counts_line(out, "outcomes", r.outcomes, [](dns_outcome x) { return dns_outcome_name(x); });
    counts_line(out, "qtypes", r.qtypes, [&](std::uint16_t t) { return type_mnemonic(buf, t); });
    out.append(std::string_view("top names:\n"));
    for (const dns_name_count& n : r.top_names) {
        fmt::format_to(out_it(out), "{:>10}  {}", n.count, n.name);
        if (n.error != 0) fmt::format_to(out_it(out), " (+-{})", n.error);
        out.push_back('\n');
    }
}

void render_dns_summary_json(fmt::memory_buffer& out, const dns_tracker_counters& c,
                             const dns_chain_counters* chain) {
    json::object o(out);
    o.field("type", "dns_summary");
    o.field("queries", c.queries);
    o.field("responses", c.responses);
    o.field("answered", c.answered);
    o.field("unanswered", c.unanswered);
    o.field("unsolicited", c.unsolicited);
    o.field("duplicate_responses", c.duplicate_responses);
    o.field("retransmissions", c.retransmissions);
    o.field("truncated", c.truncated);
    o.field("tcp_retries_linked", c.tcp_retries_linked);
    o.field("udp_messages", c.udp_messages);
    o.field("tcp_messages", c.tcp_messages);
    o.field("malformed", c.malformed);
    o.key("evictions");
    json::object e(out);
    e.field("pending", c.pending_evictions);
    e.field("tcp_streams", c.tcp_stream_evictions);
    e.field("tcp_buffer_resets", c.tcp_buffer_resets);
    e.field("held_truncated", c.held_truncated_evictions);
    if (chain != nullptr) e.field("chain_held", chain->evictions);
    e.close();
    o.field("tcp_gaps", c.tcp_gaps);
    o.field("tcp_bytes_dropped", c.tcp_bytes_dropped);
    o.key("anomalies");
    json::object a(out);
    for (std::size_t i = 0; i < anomaly_count; ++i)
        if (c.anomalies.counts[i] != 0)
            a.field(anomaly_name(static_cast<anomaly>(i)), c.anomalies.counts[i]);
    a.close();
    if (chain != nullptr) {
        o.field("chains", chain->chains);
        o.field("chain_steps", chain->steps);
    }
    o.close();
    out.push_back('\n');
}

void render_dns_summary_text(fmt::memory_buffer& out, const dns_tracker_counters& c,
                             const dns_chain_counters* chain) {
    fmt::format_to(
        out_it(out),
        "{} queries, {} responses: {} answered, {} unanswered, {} unsolicited, {} "
        "duplicate responses, {} retransmissions, {} truncated ({} linked to a TCP retry)\n",
        c.queries, c.responses, c.answered, c.unanswered, c.unsolicited, c.duplicate_responses,
        c.retransmissions, c.truncated, c.tcp_retries_linked);
    fmt::format_to(
        out_it(out),
        "{} UDP messages, {} TCP messages ({} gaps, {} bytes dropped), {} malformed; "
        "evictions: {} pending, {} TCP streams, {} TCP buffer resets, {} truncated held\n",
        c.udp_messages, c.tcp_messages, c.tcp_gaps, c.tcp_bytes_dropped, c.malformed,
        c.pending_evictions, c.tcp_stream_evictions, c.tcp_buffer_resets,
        c.held_truncated_evictions);
    for (std::size_t i = 0; i < anomaly_count; ++i)
        if (c.anomalies.counts[i] != 0)
            fmt::format_to(out_it(out), "  {}: {} messages\n",
                           anomaly_name(static_cast<anomaly>(i)), c.anomalies.counts[i]);
    if (chain != nullptr)
        fmt::format_to(out_it(out), "{} chains with {} upstream steps, {} records reported early\n",
                       chain->chains, chain->steps, chain->evictions);
}

}  // namespace pktscope
