// UDP header (RFC 768).
#pragma once

#include <cstdint>

#include "pktscope/bytes.hpp"
#include "pktscope/result.hpp"

namespace pktscope {

/// View of the 8-byte UDP header.
class udp_view {
public:
    static constexpr std::size_t header_length = 8;

    udp_view() noexcept = default;
    /// The view of `bytes` without parse()'s checks, for building it in place (e.g.
    /// `optional::emplace`) once parse() has accepted the same bytes. Every accessor stays
    /// bounds-checked (out of range reads give 0), so even unchecked bytes are read safely.
    explicit udp_view(byte_span bytes) noexcept : bytes_(bytes) {}

    /// Errors: truncated_udp_header (< 8 bytes).
    static result<udp_view> parse(byte_span bytes) noexcept {
        if (bytes.size() < header_length) return anomaly::truncated_udp_header;
        return udp_view(bytes);
    }

    std::uint16_t source_port() const noexcept { return load_be16(bytes_, 0); }
    std::uint16_t destination_port() const noexcept { return load_be16(bytes_, 2); }
    /// Length of header and data in bytes, as carried.
    std::uint16_t length() const noexcept { return load_be16(bytes_, 4); }
    /// Checksum as carried; 0 over IPv4 means "not computed".
    std::uint16_t checksum() const noexcept { return load_be16(bytes_, 6); }
    byte_span bytes() const noexcept { return bytes_; }

private:
    byte_span bytes_;
};

}  // namespace pktscope
