#include "pktscope/echo_udp_policy.hpp"

#include <array>

namespace pktscope {
namespace {

constexpr std::array<std::string_view, udp_drop_reason_count> reason_names = {
    "reflector_source_port", "invalid_source", "broadcast_destination", "multicast_destination",
    "unknown_destination",   "truncated",      "rate_limited_source",   "rate_limited_total",
};

bool ipv4_multicast(ipv4_address a) noexcept {
    return (a.value >> 28) == 0xe;
}  // 224/4
bool ipv4_limited_broadcast(ipv4_address a) noexcept {
    return a.value == 0xffffffffU;
}

}  // namespace

std::string_view udp_drop_reason_name(udp_drop_reason reason) noexcept {
    const auto i = static_cast<std::size_t>(reason);
    return i < reason_names.size() ? reason_names[i] : std::string_view("unknown");
}

bool is_reflector_port(std::uint16_t port) noexcept {
    switch (port) {
        case 0:
        case 7:
        case 13:
        case 19:
        case 53:
        case 123:
        case 161:
            return true;
        default:
            return false;
    }
}

std::optional<udp_drop_reason> udp_reply_refusal(const udp_request_facts& r) noexcept {
    if (r.truncated) return udp_drop_reason::truncated;
    if (is_reflector_port(r.source.port())) return udp_drop_reason::reflector_source_port;

    if (const auto src4 = ipv4_of(r.source)) {
        if (src4->value == 0 || ipv4_multicast(*src4) || ipv4_limited_broadcast(*src4))
            return udp_drop_reason::invalid_source;
    } else if (const auto src6 = ipv6_of(r.source)) {
        const ipv6_address unspecified{};
        if (*src6 == unspecified || src6->octets[0] == 0xff) return udp_drop_reason::invalid_source;
    } else {
        return udp_drop_reason::invalid_source;
    }

    if (const auto dst4 = ipv4_of(r.destination)) {
        if (ipv4_multicast(*dst4)) return udp_drop_reason::multicast_destination;
        if (ipv4_limited_broadcast(*dst4) || r.ipv4_not_local_unicast)
            return udp_drop_reason::broadcast_destination;
        return std::nullopt;
    }
    if (const auto dst6 = ipv6_of(r.destination)) {
        if (dst6->octets[0] == 0xff) return udp_drop_reason::multicast_destination;
        return std::nullopt;
    }
    return udp_drop_reason::unknown_destination;
}

}  // namespace pktscope
