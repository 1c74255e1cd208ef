// --explain and --ladder renderings of a `tcp_connection` record (indented lines under the
// record's own line).
#include "connection_fields.hpp"
#include "pktscope/handshake_output.hpp"

namespace pktscope {
namespace {

using out_it = std::back_insert_iterator<fmt::memory_buffer>;

// Inner width of a ladder arrow, between the two endpoint bars.
constexpr std::size_t arrow_width = 64;

void append_label(fmt::memory_buffer& label, const ladder_row& r) {
    append_flag_names(label, r.flags, '+');
    fmt::format_to(out_it(label), " seq={}", r.relative_seq);
    if ((r.flags & tcp_flag::ack) != 0) fmt::format_to(out_it(label), " ack={}", r.relative_ack);
    if (r.payload_length != 0) fmt::format_to(out_it(label), " len={}", r.payload_length);
    fmt::format_to(out_it(label), " win={}", r.window);
    if (r.retransmission) label.append(std::string_view(" (retransmission)"));
}

void append_arrow(fmt::memory_buffer& out, const ladder_row& r, std::int64_t first_ts,
                  std::int64_t previous_ts) {
    fmt::memory_buffer label;
    append_label(label, r);
    const std::string_view text(label.data(), label.size());
    const std::size_t fill = text.size() + 6 < arrow_width ? arrow_width - text.size() - 6 : 1;
    fmt::format_to(out_it(out), "    {:>7} {:>12.6f} {:>+12.6f}  |", r.frame,
                   ns_to_ms(r.ts_ns - first_ts), ns_to_ms(r.ts_ns - previous_ts));
    if (r.from_client) {
        out.append(std::string_view("-- "));
        out.append(text);
        out.push_back(' ');
        for (std::size_t i = 0; i < fill; ++i) out.push_back('-');
        out.append(std::string_view(">|\n"));
    } else {
        out.push_back('<');
        for (std::size_t i = 0; i < fill; ++i) out.push_back('-');
        out.push_back(' ');
        out.append(text);
        out.append(std::string_view(" --|\n"));
    }
}

}  // namespace

void render_connection_explain(fmt::memory_buffer& out, const tcp_connection& c) {
    if (!c.details || c.details->explain.empty()) return;
    const connection_details& d = *c.details;
    out.append(std::string_view("  explain (client "));
    append_endpoint(out, c.client);
    out.append(std::string_view(", server "));
    append_endpoint(out, c.server);
    out.append(std::string_view("; states after each frame are client | server, RFC 9293):\n"));
    for (const explain_step& s : d.explain) {
        if (s.frame == 0) {
            fmt::format_to(out_it(out), "    => {}\n", s.note);
            continue;
        }
        fmt::format_to(out_it(out), "    frame {:<6} {:>+12.6f} ms  [{} | {}]  {}\n", s.frame,
                       ns_to_ms(s.ts_ns - c.first_ts_ns), tcp_state_name(s.client_state),
                       tcp_state_name(s.server_state), s.note);
    }
    if (d.explain_dropped != 0)
        fmt::format_to(out_it(out), "    ({} more steps not kept)\n", d.explain_dropped);
}

void render_connection_ladder(fmt::memory_buffer& out, const tcp_connection& c) {
    if (!c.details || c.details->ladder_head.empty()) return;
    const connection_details& d = *c.details;
    fmt::memory_buffer client, server;
    append_endpoint(client, c.client);
    append_endpoint(server, c.server);
    const std::size_t client_width = server.size() + client.size() < arrow_width + 2
                                         ? arrow_width + 2 - server.size()
                                         : client.size() + 1;
    fmt::format_to(out_it(out), "    {:>7} {:>12} {:>12}  {:<{}}{}\n", "frame", "ms", "+ms",
                   std::string_view(client.data(), client.size()), client_width,
                   std::string_view(server.data(), server.size()));
    std::int64_t previous = d.ladder_head.front().ts_ns;
    for (const ladder_row& r : d.ladder_head) {
        append_arrow(out, r, c.first_ts_ns, previous);
        previous = r.ts_ns;
    }
    if (d.ladder_omitted != 0)
        fmt::format_to(out_it(out), "    {:>34}  ... {} packets not shown ...\n", "",
                       d.ladder_omitted);
    for (const ladder_row& r : d.ladder_tail) {
        append_arrow(out, r, c.first_ts_ns, previous);
        previous = r.ts_ns;
    }
    fmt::format_to(out_it(out),
                   "    seq/ack relative to each side's ISN; {} {}, client {}, server {}\n",
                   conn_state_name(c.state), connection_end_name(c.end),
                   tcp_state_name(c.client_state), tcp_state_name(c.server_state));
}

}  // namespace pktscope
