// The `tcp_connection` record as one text line (the same fields as the JSON record, in the
// same order), live mode's handshake line, and the summary's connection totals.
#include "connection_fields.hpp"
#include "pktscope/handshake_output.hpp"

namespace pktscope {
namespace {

using out_it = std::back_insert_iterator<fmt::memory_buffer>;

void append_ms(fmt::memory_buffer& out, std::string_view label,
               const std::optional<std::int64_t>& ns) {
    if (ns) fmt::format_to(out_it(out), " {} {:.6f} ms", label, ns_to_ms(*ns));
}

void append_offered(fmt::memory_buffer& out, std::string_view label,
                    const std::optional<tcp_offered_options>& o) {
    if (!o) return;
    fmt::format_to(out_it(out), " {} [", label);
    bool first = true;
    auto sep = [&] {
        if (!first) out.push_back(',');
        first = false;
    };
    if (o->mss) {
        sep();
        fmt::format_to(out_it(out), "mss {}", *o->mss);
    }
    if (o->window_scale) {
        sep();
        fmt::format_to(out_it(out), "wscale {}", *o->window_scale);
    }
    if (o->sack_permitted) {
        sep();
        out.append(std::string_view("sackOK"));
    }
    if (o->timestamps) {
        sep();
        out.append(std::string_view("TS"));
    }
    out.push_back(']');
}

void append_negotiated(fmt::memory_buffer& out, const std::optional<tcp_negotiated_options>& n) {
    if (!n) return;
    out.append(std::string_view(" negotiated ["));
    bool first = true;
    auto sep = [&] {
        if (!first) out.push_back(',');
        first = false;
    };
    if (n->mss) {
        sep();
        fmt::format_to(out_it(out), "mss {}", *n->mss);
    }
    if (n->window_scaling) {
        sep();
        out.append(std::string_view("wscale"));
    }
    if (n->sack_permitted) {
        sep();
        out.append(std::string_view("sackOK"));
    }
    if (n->timestamps) {
        sep();
        out.append(std::string_view("TS"));
    }
    out.push_back(']');
}

void append_handshake(fmt::memory_buffer& out, const tcp_connection& c) {
    if (c.client_isn || c.server_isn) {
        out.append(std::string_view(" isn "));
        if (c.client_isn)
            fmt::format_to(out_it(out), "{}", *c.client_isn);
        else
            out.push_back('-');
        out.push_back('/');
        if (c.server_isn)
            fmt::format_to(out_it(out), "{}", *c.server_isn);
        else
            out.push_back('-');
    }
    if (c.syn_frame != 0) fmt::format_to(out_it(out), " syn #{}", c.syn_frame);
    if (c.synack_frame != 0) fmt::format_to(out_it(out), " synack #{}", c.synack_frame);
    if (c.ack_frame != 0) fmt::format_to(out_it(out), " ack #{}", c.ack_frame);
    fmt::format_to(out_it(out), " syn_count {} synack_count {}", c.syn_count, c.synack_count);
    append_ms(out, "syn_to_synack", c.syn_to_synack_ns);
    append_ms(out, "synack_to_ack", c.synack_to_ack_ns);
    append_ms(out, "handshake", c.handshake_ns);
    append_offered(out, "client", c.client_options);
    append_offered(out, "server", c.server_options);
    append_negotiated(out, c.negotiated);
}

void append_endpoints(fmt::memory_buffer& out, const tcp_connection& c) {
    append_endpoint(out, c.client);
    out.append(std::string_view(" > "));
    append_endpoint(out, c.server);
}

}  // namespace

void render_connection_text(fmt::memory_buffer& out, const tcp_connection& c,
                            text_renderer& clock) {
    clock.append_time(out, c.first_ts_ns);
    out.push_back(' ');
    append_endpoints(out, c);
    if (c.picked_up_mid_stream) out.append(std::string_view(" mid-stream"));
    fmt::format_to(out_it(out), " {} {} history {}", conn_state_name(c.state),
                   connection_end_name(c.end),
                   c.history().empty() ? std::string_view("-") : c.history());
    append_handshake(out, c);
    fmt::format_to(out_it(out), " bytes {}/{} packets {}/{}", c.bytes_client_to_server,
                   c.bytes_server_to_client, c.packets_client_to_server,
                   c.packets_server_to_client);
    if (c.duplicates != 0) fmt::format_to(out_it(out), " duplicates {}", c.duplicates);
    fmt::format_to(out_it(out), " frames {}-{} duration {:.6f} ms states {}/{}", c.first_frame,
                   c.last_frame, ns_to_ms(c.last_ts_ns - c.first_ts_ns),
                   tcp_state_name(c.client_state), tcp_state_name(c.server_state));
    if (!c.packet_anomalies.empty() || !c.anomalies.empty()) {
        out.append(std::string_view(" anomalies "));
        bool first = true;
        auto add = [&](std::string_view name) {
            if (!first) out.push_back(',');
            first = false;
            out.append(name);
        };
        c.packet_anomalies.for_each([&](anomaly a) { add(anomaly_name(a)); });
        c.anomalies.for_each([&](connection_anomaly a) { add(connection_anomaly_name(a)); });
    }
    out.push_back('\n');
}

void render_handshake_text(fmt::memory_buffer& out, const tcp_connection& c, text_renderer& clock) {
    clock.append_time(out, c.ack_ts_ns);
    out.append(std::string_view(" established "));
    append_endpoints(out, c);
    append_handshake(out, c);
    out.push_back('\n');
}

void render_handshake_summary_text(fmt::memory_buffer& out, const handshake_summary& s) {
    fmt::format_to(out_it(out), "{} connections ({} handshakes completed)", s.counters.records,
                   s.counters.handshakes);
    for (std::size_t i = 0; i < conn_state_count; ++i)
        if (s.counters.by_state[i] != 0)
            fmt::format_to(out_it(out), ", {} {}", s.counters.by_state[i],
                           conn_state_name(static_cast<conn_state>(i)));
    out.push_back('\n');
    out.append(std::string_view("  end:"));
    for (std::size_t i = 0; i < connection_end_count; ++i)
        if (s.counters.by_end[i] != 0)
            fmt::format_to(out_it(out), " {} {}", s.counters.by_end[i],
                           connection_end_name(static_cast<connection_end>(i)));
    out.push_back('\n');
    for (std::size_t i = 0; i < connection_anomaly_count; ++i)
        if (s.counters.anomalies[i] != 0)
            fmt::format_to(out_it(out), "  {}: {} connections\n",
                           connection_anomaly_name(static_cast<connection_anomaly>(i)),
                           s.counters.anomalies[i]);
    fmt::format_to(
        out_it(out),
        "  {} TCP packets, {} duplicates ignored, {} bad checksums ignored, {} after close\n"
        "  table: max {}, peak {}, {} expired idle, {} evicted (table full)\n",
        s.counters.tcp_packets, s.counters.duplicates, s.counters.bad_checksum,
        s.counters.after_close, s.max_connections, s.table.peak_entries, s.table.expired_idle,
        s.table.evicted_full);
}

}  // namespace pktscope
