#include "pktscope/echo_payload.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

namespace pktscope {

void fill_echo_payload(std::span<std::byte> out, std::uint32_t connection,
                       std::uint64_t message) noexcept {
    char header[48];
    const auto written = fmt::format_to_n(header, sizeof header, "c{}m{}:", connection, message);
    const std::size_t header_size =
        std::min({static_cast<std::size_t>(written.size), sizeof header, out.size()});
    std::memcpy(out.data(), header, header_size);

    // Two alphabets back to back, so any 26-letter run is one memcpy.
    static constexpr std::string_view letters =
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz";
    std::size_t start = static_cast<std::size_t>((connection + message) % 26);
    for (std::size_t at = header_size; at < out.size();) {
        const std::size_t n = std::min<std::size_t>(26, out.size() - at);
        std::memcpy(out.data() + at, letters.data() + start, n);
        at += n;
    }
}

}  // namespace pktscope
