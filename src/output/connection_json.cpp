// The `tcp_connection` and `tcp_handshake` JSON records and the summary's `connections`
// member. Field names follow DESIGN.md; absent facts are absent (never null).
#include "connection_fields.hpp"
#include "json_writer.hpp"
#include "pktscope/handshake_output.hpp"

namespace pktscope {
namespace {

void endpoint_fields(json::object& o, const tcp_connection& c) {
    char buf[ipv6_text_max + 1];
    o.field("client_ip", ip_text(buf, c.client.address));
    o.field("client_port", c.client.port);
    o.field("server_ip", ip_text(buf, c.server.address));
    o.field("server_port", c.server.port);
    o.field("family", c.client.address.family == 6 ? "ipv6" : "ipv4");
}

void duration_field(json::object& o, std::string_view key, const std::optional<std::int64_t>& ns) {
    if (ns) o.field(key, ns_to_ms(*ns));
}

// Frame number and time of a handshake packet, when it was seen.
void handshake_packet_fields(json::object& o, std::string_view frame_key, std::string_view ts_key,
                             std::uint64_t frame, std::int64_t ts_ns) {
    if (frame == 0) return;
    o.field(frame_key, frame);
    o.field(ts_key, ts_ns);
}

void offered_options_field(json::object& o, std::string_view key,
                           const std::optional<tcp_offered_options>& opt) {
    if (!opt) return;
    o.key(key);
    json::object f(o.out());
    if (opt->mss) f.field("mss", *opt->mss);
    if (opt->window_scale) f.field("window_scale", *opt->window_scale);
    f.field("sack_permitted", opt->sack_permitted);
    f.field("timestamps", opt->timestamps);
    f.close();
}

void negotiated_field(json::object& o, const tcp_connection& c) {
    if (!c.negotiated) return;
    o.key("negotiated");
    json::object f(o.out());
    if (c.negotiated->mss) f.field("mss", *c.negotiated->mss);
    f.field("window_scaling", c.negotiated->window_scaling);
    f.field("sack_permitted", c.negotiated->sack_permitted);
    f.field("timestamps", c.negotiated->timestamps);
    f.close();
}

void anomalies_field(json::object& o, const tcp_connection& c) {
    o.key("anomalies");
    fmt::memory_buffer& out = o.out();
    out.push_back('[');
    bool first = true;
    auto add = [&](std::string_view name) {
        if (!first) out.push_back(',');
        first = false;
        append_json_string(out, name);
    };
    c.packet_anomalies.for_each([&](anomaly a) { add(anomaly_name(a)); });
    c.anomalies.for_each([&](connection_anomaly a) { add(connection_anomaly_name(a)); });
    out.push_back(']');
}

void explain_field(json::object& o, const connection_details& d) {
    o.key("explain");
    fmt::memory_buffer& out = o.out();
    out.push_back('[');
    for (std::size_t i = 0; i < d.explain.size(); ++i) {
        const explain_step& s = d.explain[i];
        if (i != 0) out.push_back(',');
        json::object step(out);
        if (s.frame != 0) step.field("frame", s.frame);
        step.field("ts_ns", s.ts_ns);
        step.field("client_state", tcp_state_name(s.client_state));
        step.field("server_state", tcp_state_name(s.server_state));
        step.field("note", s.note);
        step.close();
    }
    out.push_back(']');
    if (d.explain_dropped != 0) o.field("explain_dropped", d.explain_dropped);
}

void ladder_rows(fmt::memory_buffer& out, const std::vector<ladder_row>& rows, bool& first) {
    for (const ladder_row& r : rows) {
        if (!first) out.push_back(',');
        first = false;
        json::object row(out);
        row.field("frame", r.frame);
        row.field("ts_ns", r.ts_ns);
        row.field("direction", r.from_client ? "client_to_server" : "server_to_client");
        row.key("flags");
        out.push_back('[');
        bool first_flag = true;
        for (const auto& [bit, name] : connection_flag_names) {
            if ((r.flags & bit) == 0) continue;
            if (!first_flag) out.push_back(',');
            first_flag = false;
            append_json_string(out, name);
        }
        out.push_back(']');
        row.field("seq", r.relative_seq);
        row.field("ack", r.relative_ack);
        row.field("payload_length", r.payload_length);
        row.field("window", r.window);
        if (r.retransmission) row.field("retransmission", true);
        row.close();
    }
}

void ladder_field(json::object& o, const connection_details& d) {
    o.key("ladder");
    fmt::memory_buffer& out = o.out();
    out.push_back('[');
    bool first = true;
    ladder_rows(out, d.ladder_head, first);
    ladder_rows(out, d.ladder_tail, first);
    out.push_back(']');
    if (d.ladder_omitted != 0) o.field("ladder_omitted", d.ladder_omitted);
}

// The handshake facts both records share.
void handshake_fields(json::object& o, const tcp_connection& c) {
    if (c.client_isn) o.field("client_isn", *c.client_isn);
    if (c.server_isn) o.field("server_isn", *c.server_isn);
    handshake_packet_fields(o, "syn_frame", "syn_ts_ns", c.syn_frame, c.syn_ts_ns);
    handshake_packet_fields(o, "synack_frame", "synack_ts_ns", c.synack_frame, c.synack_ts_ns);
    handshake_packet_fields(o, "ack_frame", "ack_ts_ns", c.ack_frame, c.ack_ts_ns);
    o.field("syn_count", c.syn_count);
    o.field("synack_count", c.synack_count);
    duration_field(o, "syn_to_synack_ms", c.syn_to_synack_ns);
    duration_field(o, "synack_to_ack_ms", c.synack_to_ack_ns);
    duration_field(o, "handshake_ms", c.handshake_ns);
    offered_options_field(o, "client_options", c.client_options);
    offered_options_field(o, "server_options", c.server_options);
    negotiated_field(o, c);
}

}  // namespace

void render_connection_json(fmt::memory_buffer& out, const tcp_connection& c) {
    json::object o(out);
    o.field("type", "tcp_connection");
    endpoint_fields(o, c);
    if (c.picked_up_mid_stream) o.field("picked_up_mid_stream", true);
    handshake_fields(o, c);
    o.field("conn_state", conn_state_name(c.state));
    o.field("history", c.history());
    o.field("end", connection_end_name(c.end));
    o.field("bytes_client_to_server", c.bytes_client_to_server);
    o.field("bytes_server_to_client", c.bytes_server_to_client);
    o.field("packets_client_to_server", c.packets_client_to_server);
    o.field("packets_server_to_client", c.packets_server_to_client);
    if (c.duplicates != 0) o.field("duplicates", c.duplicates);
    o.field("first_frame", c.first_frame);
    o.field("last_frame", c.last_frame);
    o.field("first_ts_ns", c.first_ts_ns);
    o.field("last_ts_ns", c.last_ts_ns);
    o.field("client_state", tcp_state_name(c.client_state));
    o.field("server_state", tcp_state_name(c.server_state));
    anomalies_field(o, c);
    if (c.details) {
        if (!c.details->explain.empty()) explain_field(o, *c.details);
        if (!c.details->ladder_head.empty()) ladder_field(o, *c.details);
    }
    o.close();
    out.push_back('\n');
}

void render_handshake_json(fmt::memory_buffer& out, const tcp_connection& c) {
    json::object o(out);
    o.field("type", "tcp_handshake");
    endpoint_fields(o, c);
    if (c.picked_up_mid_stream) o.field("picked_up_mid_stream", true);
    handshake_fields(o, c);
    o.close();
    out.push_back('\n');
}

void render_handshake_summary_json(fmt::memory_buffer& out, const handshake_summary& s) {
    bool first = true;  // the caller owns the surrounding object and its commas
    json::key(out, first, "connections");
    json::object o(out);
    o.field("records", s.counters.records);
    o.field("handshakes", s.counters.handshakes);
    o.key("conn_state");
    {
        json::object states(out);
        for (std::size_t i = 0; i < conn_state_count; ++i)
            if (s.counters.by_state[i] != 0)
                states.field(conn_state_name(static_cast<conn_state>(i)), s.counters.by_state[i]);
        states.close();
    }
    o.key("end");
    {
        json::object ends(out);
        for (std::size_t i = 0; i < connection_end_count; ++i)
            if (s.counters.by_end[i] != 0)
                ends.field(connection_end_name(static_cast<connection_end>(i)),
                           s.counters.by_end[i]);
        ends.close();
    }
    o.key("anomalies");
    {
        json::object anomalies(out);
        for (std::size_t i = 0; i < connection_anomaly_count; ++i)
            if (s.counters.anomalies[i] != 0)
                anomalies.field(connection_anomaly_name(static_cast<connection_anomaly>(i)),
                                s.counters.anomalies[i]);
        anomalies.close();
    }
    o.field("tcp_packets", s.counters.tcp_packets);
    o.field("duplicates", s.counters.duplicates);
    o.field("bad_checksum", s.counters.bad_checksum);
    o.field("after_close", s.counters.after_close);
    o.field("max_connections", s.max_connections);
    o.field("peak_connections", s.table.peak_entries);
    o.field("expired_idle", s.table.expired_idle);
    o.field("evicted_table_full", s.table.evicted_full);
    o.close();
}

}  // namespace pktscope
