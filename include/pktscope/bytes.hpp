// Bounds-checked big-endian loads over captured bytes.
//
// Every multi-byte field off the wire is read through these functions: memcpy
// into a local (no reinterpret_cast onto structs, no alignment assumptions),
// then converted from network byte order. An out-of-range read returns 0
// instead of touching memory past the span, so a parse() that forgot a
// length check yields a wrong value, never an out-of-bounds read.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace pktscope {

/// Read-only view of captured bytes; never owns them (valid as long as the frame's buffer).
using byte_span = std::span<const std::byte>;

/// True when `count` bytes starting at `offset` lie inside `bytes`.
constexpr bool has_bytes(byte_span bytes, std::size_t offset, std::size_t count) noexcept {
    return offset <= bytes.size() && count <= bytes.size() - offset;
}

/// Byte at `offset`, or 0 when out of range.
inline std::uint8_t load_u8(byte_span bytes, std::size_t offset) noexcept {
    return offset < bytes.size() ? static_cast<std::uint8_t>(bytes[offset]) : std::uint8_t{0};
}

namespace detail {
inline std::uint16_t from_be(std::uint16_t v) noexcept {
    if constexpr (std::endian::native == std::endian::little) return __builtin_bswap16(v);
    return v;
}
inline std::uint32_t from_be(std::uint32_t v) noexcept {
    if constexpr (std::endian::native == std::endian::little) return __builtin_bswap32(v);
    return v;
}
}  // namespace detail

/// Big-endian 16-bit value at `offset` (host order), or 0 when the 2 bytes are not all in range.
inline std::uint16_t load_be16(byte_span bytes, std::size_t offset) noexcept {
    if (!has_bytes(bytes, offset, 2)) return 0;
    std::uint16_t v;
    std::memcpy(&v, bytes.data() + offset, sizeof v);
    return detail::from_be(v);
}

/// Big-endian 32-bit value at `offset` (host order), or 0 when the 4 bytes are not all in range.
inline std::uint32_t load_be32(byte_span bytes, std::size_t offset) noexcept {
    if (!has_bytes(bytes, offset, 4)) return 0;
    std::uint32_t v;
    std::memcpy(&v, bytes.data() + offset, sizeof v);
    return detail::from_be(v);
}

/// Little-endian 32-bit value at `offset` (used only for the BSD NULL link header), or 0.
inline std::uint32_t load_le32(byte_span bytes, std::size_t offset) noexcept {
    if (!has_bytes(bytes, offset, 4)) return 0;
    std::uint32_t v;
    std::memcpy(&v, bytes.data() + offset, sizeof v);
    if constexpr (std::endian::native == std::endian::big) return __builtin_bswap32(v);
    return v;
}

/// Sub-span [offset, offset+count) clamped to what exists; empty when offset is past the end.
constexpr byte_span clamp_subspan(byte_span bytes, std::size_t offset,
                                  std::size_t count = static_cast<std::size_t>(-1)) noexcept {
    if (offset >= bytes.size()) return {};
    const std::size_t avail = bytes.size() - offset;
    return bytes.subspan(offset, count < avail ? count : avail);
}

/// Views a byte buffer of any char-like type as captured bytes.
inline byte_span as_bytes_of(const void* data, std::size_t size) noexcept {
    return {static_cast<const std::byte*>(data), size};
}

}  // namespace pktscope
