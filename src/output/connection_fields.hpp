// Pieces shared by the text and JSON renderings of `tcp_connection` records (internal to the
// output library): address text, TCP flag names, nanoseconds as milliseconds.
#pragma once

#include <cstdint>
#include <string_view>

#include <fmt/format.h>

#include "address_text.hpp"
#include "pktscope/handshake.hpp"

namespace pktscope {

/// The text of an ip_address ("192.0.2.1", "2001:db8::1"; "-" when unset).
inline std::string_view ip_text(char (&buf)[ipv6_text_max + 1], const ip_address& a) {
    if (a.family == 4) return address_view(buf, a.v4());
    if (a.family == 6) return address_view(buf, a.v6());
    buf[0] = '-';
    return {buf, 1};
}

/// Appends "192.0.2.1:80" or "[2001:db8::1]:80".
inline void append_endpoint(fmt::memory_buffer& out, const flow_endpoint& e) {
    char buf[ipv6_text_max + 1];
    const std::string_view ip = ip_text(buf, e.address);
    if (e.address.family == 6) out.push_back('[');
    out.append(ip);
    if (e.address.family == 6) out.push_back(']');
    fmt::format_to(std::back_inserter(out), ":{}", e.port);
}

/// A duration in nanoseconds as milliseconds (exact to the nanosecond for JSON's 6 decimals).
inline double ns_to_ms(std::int64_t ns) {
    return static_cast<double>(ns) / 1e6;
}

/// TCP flag names in header order, as the `packet` record spells them.
inline constexpr std::pair<std::uint16_t, std::string_view> connection_flag_names[] = {
    {tcp_flag::syn, "SYN"}, {tcp_flag::fin, "FIN"}, {tcp_flag::rst, "RST"},
    {tcp_flag::psh, "PSH"}, {tcp_flag::ack, "ACK"}, {tcp_flag::urg, "URG"},
    {tcp_flag::ece, "ECE"}, {tcp_flag::cwr, "CWR"}, {tcp_flag::ae, "AE"},
};

/// Appends the flag names joined by `separator` ("none" when no flag is set).
inline void append_flag_names(fmt::memory_buffer& out, std::uint16_t flags, char separator) {
    bool first = true;
    for (const auto& [bit, name] : connection_flag_names) {
        if ((flags & bit) == 0) continue;
        if (!first) out.push_back(separator);
        first = false;
        out.append(name);
    }
    if (first) out.append(std::string_view("none"));
}

}  // namespace pktscope
