#include "pktscope/echo_records.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "json_writer.hpp"

namespace pktscope {
namespace {

auto it(fmt::memory_buffer& out) {
    return std::back_inserter(out);
}

std::string_view address_text(char (&buf)[socket_address_text_max + 1], const socket_address& a) {
    return {buf, static_cast<std::size_t>(format_to(buf, a) - buf)};
}

void address_field(json::object& o, std::string_view key, const socket_address& a) {
    char buf[socket_address_text_max + 1];
    o.field(key, address_text(buf, a));
}

// "812 ns", "45.0 us", "1.20 ms", "2.500 s": three significant figures or so.
void append_duration(fmt::memory_buffer& out, std::uint64_t ns) {
    if (ns < 1'000)
        fmt::format_to(it(out), "{} ns", ns);
    else if (ns < 1'000'000)
        fmt::format_to(it(out), "{:.1f} us", static_cast<double>(ns) / 1e3);
    else if (ns < 1'000'000'000)
        fmt::format_to(it(out), "{:.2f} ms", static_cast<double>(ns) / 1e6);
    else
        fmt::format_to(it(out), "{:.3f} s", static_cast<double>(ns) / 1e9);
}

void connection_text(fmt::memory_buffer& out, const echo_connection_closed& r) {
    char peer[socket_address_text_max + 1];
    char local[socket_address_text_max + 1];
    fmt::format_to(it(out), "tcp {} -> {}: {} bytes in, {} bytes out, ", address_text(peer, r.peer),
                   address_text(local, r.local), r.bytes_received, r.bytes_sent);
    append_duration(out, static_cast<std::uint64_t>(std::max<std::int64_t>(0, r.duration_ns)));
    fmt::format_to(it(out), ", {}", echo_close_reason_name(r.reason));
    if (r.error_number != 0) fmt::format_to(it(out), " ({})", std::strerror(r.error_number));
    out.push_back('\n');
}

void udp_refused_text(fmt::memory_buffer& out, const echo_udp_dropped& r) {
    char peer[socket_address_text_max + 1];
    char destination[ipv6_text_max + 1] = "-";
    std::string_view destination_view = "unknown destination";
    if (const auto v4 = ipv4_of(r.destination))
        destination_view = {destination,
                            static_cast<std::size_t>(format_to(destination, *v4) - destination)};
    else if (const auto v6 = ipv6_of(r.destination))
        destination_view = {destination,
                            static_cast<std::size_t>(format_to(destination, *v6) - destination)};
    fmt::format_to(it(out), "udp {} -> {}: no reply ({}), {} datagram{}\n",
                   address_text(peer, r.peer), destination_view, udp_drop_reason_name(r.reason),
                   r.count, r.count == 1 ? "" : "s");
}

void destination_field(json::object& o, const socket_address& destination) {
    char buf[ipv6_text_max + 1];
    if (const auto v4 = ipv4_of(destination))
        o.field("destination",
                std::string_view(buf, static_cast<std::size_t>(format_to(buf, *v4) - buf)));
    else if (const auto v6 = ipv6_of(destination))
        o.field("destination",
                std::string_view(buf, static_cast<std::size_t>(format_to(buf, *v6) - buf)));
}

struct rtt_summary {
    std::uint64_t min = 0, p50 = 0, p99 = 0, max = 0;
};

rtt_summary summarize(const latency_histogram& h) {
    return {h.min(), h.quantile(0.50), h.quantile(0.99), h.max()};
}

// Kernel smoothed RTTs of the connections that reported one, sorted.
std::vector<std::uint32_t> kernel_rtts(const echo_client_report& r) {
    std::vector<std::uint32_t> out;
    for (const echo_connection_result& c : r.connections)
        if (c.tcp_rtt_us) out.push_back(*c.tcp_rtt_us);
    std::sort(out.begin(), out.end());
    return out;
}

void failure_text(fmt::memory_buffer& out, const echo_connection_result& c) {
    const echo_client_failure& f = *c.failure;
    char local[socket_address_text_max + 1];
    if (f.kind == echo_failure_kind::connect_failed) {
        fmt::format_to(it(out), "connection {}: connect_failed ({})\n", c.index,
                       std::strerror(f.error_number));
        return;
    }
    fmt::format_to(it(out), "connection {} ({}): {} in message {}", c.index,
                   address_text(local, c.local), echo_failure_kind_name(f.kind), f.message);
    if (f.kind == echo_failure_kind::mismatch)
        fmt::format_to(it(out), " at byte {}: sent 0x{:02x}, got 0x{:02x}", f.byte_offset,
                       f.expected, f.received);
    else
        fmt::format_to(it(out), " after {} bytes echoed", f.byte_offset);
    if (f.error_number != 0) fmt::format_to(it(out), " ({})", std::strerror(f.error_number));
    out.push_back('\n');
}

}  // namespace

void render_echo_event_text(fmt::memory_buffer& out, const echo_server_event& event) {
    if (const auto* l = std::get_if<echo_listening>(&event)) {
        char local[socket_address_text_max + 1];
        fmt::format_to(it(out), "echo-server: listening on {} {}\n",
                       echo_transport_name(l->transport), address_text(local, l->local));
    } else if (const auto* c = std::get_if<echo_connection_closed>(&event)) {
        connection_text(out, *c);
    } else if (const auto* d = std::get_if<echo_udp_dropped>(&event)) {
        udp_refused_text(out, *d);
    }
}

void render_echo_event_json(fmt::memory_buffer& out, const echo_server_event& event) {
    json::object o(out);
    if (const auto* l = std::get_if<echo_listening>(&event)) {
        o.field("type", "echo_listening");
        o.field("transport", echo_transport_name(l->transport));
        address_field(o, "local", l->local);
    } else if (const auto* c = std::get_if<echo_connection_closed>(&event)) {
        o.field("type", "echo_connection");
        o.field("transport", "tcp");
        address_field(o, "peer", c->peer);
        address_field(o, "local", c->local);
        o.field("start_ts_ns", c->start_ts_ns);
        o.field("duration_ns", c->duration_ns);
        o.field("bytes_received", c->bytes_received);
        o.field("bytes_sent", c->bytes_sent);
        o.field("close_reason", echo_close_reason_name(c->reason));
        if (c->error_number != 0) o.field("error", std::strerror(c->error_number));
    } else if (const auto* d = std::get_if<echo_udp_dropped>(&event)) {
        o.field("type", "echo_udp_refused");
        o.field("transport", "udp");
        address_field(o, "peer", d->peer);
        destination_field(o, d->destination);
        o.field("reason", udp_drop_reason_name(d->reason));
        o.field("count", d->count);
    }
    o.close();
    out.push_back('\n');
}

void render_echo_totals_text(fmt::memory_buffer& out, const echo_server_totals& t) {
    fmt::format_to(it(out),
                   "echo-server: stopped: {} tcp connections ({} refused), {} bytes echoed;",
                   t.connections_accepted, t.connections_refused, t.tcp_bytes_echoed);
    fmt::format_to(it(out), " udp: {} datagrams ({} bytes) echoed", t.udp_datagrams_echoed,
                   t.udp_bytes_echoed);
    for (std::size_t i = 0; i < udp_drop_reason_count; ++i)
        if (t.udp_dropped[i] != 0)
            fmt::format_to(it(out), ", {} {}", t.udp_dropped[i],
                           udp_drop_reason_name(static_cast<udp_drop_reason>(i)));
    out.push_back('\n');
}

void render_echo_totals_json(fmt::memory_buffer& out, const echo_server_totals& t) {
    json::object o(out);
    o.field("type", "echo_server_summary");
    o.field("connections_accepted", t.connections_accepted);
    o.field("connections_refused", t.connections_refused);
    o.field("tcp_bytes_echoed", t.tcp_bytes_echoed);
    o.key("close_reasons");
    json::object reasons(out);
    for (std::size_t i = 0; i < echo_close_reason_count; ++i)
        if (t.closed[i] != 0)
            reasons.field(echo_close_reason_name(static_cast<echo_close_reason>(i)), t.closed[i]);
    reasons.close();
    o.field("udp_datagrams_echoed", t.udp_datagrams_echoed);
    o.field("udp_bytes_echoed", t.udp_bytes_echoed);
    o.key("udp_refused");
    json::object refused(out);
    for (std::size_t i = 0; i < udp_drop_reason_count; ++i)
        if (t.udp_dropped[i] != 0)
            refused.field(udp_drop_reason_name(static_cast<udp_drop_reason>(i)), t.udp_dropped[i]);
    refused.close();
    o.field("udp_send_errors", t.udp_send_errors);
    o.field("rate_table_evictions", t.rate_table_evictions);
    o.field("accept_errors", t.accept_errors);
    o.close();
    out.push_back('\n');
}

void render_echo_client_text(fmt::memory_buffer& out, const echo_client_report& r) {
    const echo_client_config& c = r.config;
    char server[socket_address_text_max + 1];
    fmt::format_to(it(out), "{} {}: {} connection{} x ", echo_transport_name(c.transport),
                   address_text(server, r.server), c.concurrency, c.concurrency == 1 ? "" : "s");
    if (c.duration_ms > 0)
        fmt::format_to(it(out), "{} ms", c.duration_ms);
    else
        fmt::format_to(it(out), "{} messages", c.count);
    fmt::format_to(it(out), " of {} bytes\n", c.size_bytes);
    fmt::format_to(
        it(out),
        "messages: {} sent, {} verified, {} mismatches, {} timeouts, {} connection errors{}\n",
        r.messages_sent, r.messages_verified, r.mismatches, r.timeouts, r.connection_errors,
        r.interrupted ? " (interrupted)" : "");
    if (r.rtt.count() != 0) {
        const rtt_summary s = summarize(r.rtt);
        out.append(std::string_view("rtt: min "));
        append_duration(out, s.min);
        out.append(std::string_view(", p50 "));
        append_duration(out, s.p50);
        out.append(std::string_view(", p99 "));
        append_duration(out, s.p99);
        out.append(std::string_view(", max "));
        append_duration(out, s.max);
        out.push_back('\n');
    }
    fmt::format_to(it(out), "rate: {:.0f} messages/s over ", r.messages_per_second());
    append_duration(out, static_cast<std::uint64_t>(std::max<std::int64_t>(0, r.elapsed_ns)));
    out.push_back('\n');
    const std::vector<std::uint32_t> kernel = kernel_rtts(r);
    if (!kernel.empty())
        fmt::format_to(
            it(out),
            "kernel rtt (TCP_INFO srtt of {} connection{}): min {} us, median {} us, max {} us\n",
            kernel.size(), kernel.size() == 1 ? "" : "s", kernel.front(),
            kernel[(kernel.size() - 1) / 2], kernel.back());
    std::size_t shown = 0;
    for (const echo_connection_result& conn : r.connections) {
        if (!conn.failure) continue;
        if (++shown > 10) {
            out.append(std::string_view("(more failures: see --json)\n"));
            break;
        }
        failure_text(out, conn);
    }
}

void render_echo_client_json(fmt::memory_buffer& out, const echo_client_report& r) {
    for (const echo_connection_result& c : r.connections) {
        json::object o(out);
        o.field("type", "echo_client_connection");
        o.field("index", c.index);
        address_field(o, "local", c.local);
        o.field("messages_verified", c.messages_verified);
        o.field("bytes_sent", c.bytes_sent);
        o.field("bytes_received", c.bytes_received);
        if (c.connect_ns >= 0) o.field("connect_ns", c.connect_ns);
        if (c.tcp_rtt_us) {
            o.key("tcp_info");
            json::object ti(out);
            ti.field("rtt_us", *c.tcp_rtt_us);
            if (c.tcp_rttvar_us) ti.field("rttvar_us", *c.tcp_rttvar_us);
            ti.close();
        }
        if (c.failure) {
            o.key("failure");
            json::object f(out);
            f.field("kind", echo_failure_kind_name(c.failure->kind));
            f.field("message", c.failure->message);
            f.field("byte_offset", c.failure->byte_offset);
            if (c.failure->kind == echo_failure_kind::mismatch) {
                f.field("expected", c.failure->expected);
                f.field("received", c.failure->received);
            }
            if (c.failure->error_number != 0)
                f.field("error", std::strerror(c.failure->error_number));
            f.close();
        }
        o.close();
        out.push_back('\n');
    }
    const echo_client_config& c = r.config;
    json::object o(out);
    o.field("type", "echo_client_summary");
    o.field("transport", echo_transport_name(c.transport));
    address_field(o, "server", r.server);
    o.field("connections", c.concurrency);
    o.field("size_bytes", c.size_bytes);
    o.field("messages_sent", r.messages_sent);
    o.field("messages_verified", r.messages_verified);
    o.field("bytes_sent", r.bytes_sent);
    o.field("bytes_received", r.bytes_received);
    o.field("mismatches", r.mismatches);
    o.field("timeouts", r.timeouts);
    o.field("connection_errors", r.connection_errors);
    if (r.rtt.count() != 0) {
        const rtt_summary s = summarize(r.rtt);
        o.key("rtt_ns");
        json::object rtt(out);
        rtt.field("min", s.min);
        rtt.field("p50", s.p50);
        rtt.field("p99", s.p99);
        rtt.field("max", s.max);
        rtt.close();
    }
    o.field("elapsed_ns", r.elapsed_ns);
    o.field("messages_per_second", r.messages_per_second());
    const std::vector<std::uint32_t> kernel = kernel_rtts(r);
    if (!kernel.empty()) {
        o.key("tcp_info_rtt_us");
        json::object k(out);
        k.field("min", kernel.front());
        k.field("p50", kernel[(kernel.size() - 1) / 2]);
        k.field("max", kernel.back());
        k.close();
    }
    o.field("interrupted", r.interrupted);
    o.field("ok", r.ok());
    o.close();
    out.push_back('\n');
}

}  // namespace pktscope
