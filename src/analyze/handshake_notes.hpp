// Small text helpers for --explain notes (internal to the analyze library, which does not
// link a formatting library).
#pragma once

#include <cstdint>
#include <string>

#include "pktscope/flow.hpp"
#include "pktscope/tcp.hpp"

namespace pktscope::detail {

/// "12.345678 ms" for a duration in nanoseconds (6 decimals: nanosecond resolution).
inline std::string ms_text(std::int64_t ns) {
    std::string out;
    std::uint64_t magnitude = static_cast<std::uint64_t>(ns);
    if (ns < 0) {
        out.push_back('-');
        magnitude = 0 - magnitude;
    }
    const std::string frac = std::to_string(magnitude % 1'000'000);
    out += std::to_string(magnitude / 1'000'000);
    out.push_back('.');
    out.append(6 - frac.size(), '0');
    out += frac;
    out += " ms";
    return out;
}

/// "192.0.2.1:80" or "[2001:db8::1]:80".
inline std::string endpoint_text(const flow_endpoint& e) {
    char buf[ipv6_text_max + 1];
    const std::string address(buf, format_to(buf, e.address));
    return e.address.family == 6 ? "[" + address + "]:" + std::to_string(e.port)
                                 : address + ":" + std::to_string(e.port);
}

/// Flag names joined by '+', in header order ("SYN+ACK"); "none" for no flag.
inline std::string flags_text(std::uint16_t flags) {
    constexpr std::pair<std::uint16_t, const char*> names[] = {
        {tcp_flag::syn, "SYN"}, {tcp_flag::fin, "FIN"}, {tcp_flag::rst, "RST"},
        {tcp_flag::psh, "PSH"}, {tcp_flag::ack, "ACK"}, {tcp_flag::urg, "URG"},
        {tcp_flag::ece, "ECE"}, {tcp_flag::cwr, "CWR"}, {tcp_flag::ae, "AE"},
    };
    std::string out;
    for (const auto& [bit, name] : names) {
        if ((flags & bit) == 0) continue;
        if (!out.empty()) out.push_back('+');
        out += name;
    }
    return out.empty() ? std::string("none") : out;
}

}  // namespace pktscope::detail
