#include "pktscope/checksum.hpp"

#include <cstring>

namespace pktscope {

std::string_view checksum_status_name(checksum_status status) noexcept {
    switch (status) {
        case checksum_status::ok: return "ok";
        case checksum_status::bad: return "bad";
        case checksum_status::offloaded: return "offloaded";
        case checksum_status::unverified: break;
    }
    return "unverified";
}

std::uint16_t pseudo_header_sum(const ipv6_address& source, const ipv6_address& destination,
                                std::uint8_t next_header, std::uint32_t length) noexcept {
    std::uint64_t s = 0;
    for (std::size_t i = 0; i < 16; i += 2) {
        s += (unsigned{source.octets[i]} << 8) | source.octets[i + 1];
        s += (unsigned{destination.octets[i]} << 8) | destination.octets[i + 1];
    }
    s += (length >> 16) + (length & 0xffffU) + next_header;
    while (s >> 16) s = (s & 0xffffU) + (s >> 16);
    return static_cast<std::uint16_t>(s);
}

namespace detail {
std::uint64_t sum_native_words(const std::byte* p, std::size_t words) noexcept {
    // A plain counted loop, which compilers vectorise (16 bytes a step with SSE2). Out of
    // line on purpose: inlined into the decoder it was not vectorised.
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < words; ++i) sum += load_native32(p + 4 * i);
    return sum;
}
}  // namespace detail

}  // namespace pktscope
