// The bytes the echo client sends, so a test or a capture reader can know them in advance.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace pktscope {

/// Fills `out` with message `message` (0-based) of connection `connection` (0-based): the
/// printable header "c<connection>m<message>:" followed by the lowercase alphabet starting at
/// letter (connection + message) % 26, all cut to out.size(). Every byte is printable ASCII,
/// and two messages of one size differ once the size covers both headers, so a stale or
/// misrouted echo never verifies.
void fill_echo_payload(std::span<std::byte> out, std::uint32_t connection,
                       std::uint64_t message) noexcept;

}  // namespace pktscope
