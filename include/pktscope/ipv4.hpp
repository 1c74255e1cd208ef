// IPv4 header (RFC 791 section 3.1).
#pragma once

#include <cstdint>

#include "pktscope/address.hpp"
#include "pktscope/bytes.hpp"
#include "pktscope/ip_protocol.hpp"
#include "pktscope/result.hpp"

namespace pktscope {

/// View of an IPv4 header. parse() guarantees 20 bytes and version 4; the options and the
/// length fields are checked by decode(), which records the anomalies.
class ipv4_view {
public:
    static constexpr std::size_t min_header_length = 20;

    ipv4_view() noexcept = default;
    /// The view of `bytes` without parse()'s checks, for building it in place (e.g.
    /// `optional::emplace`) once parse() has accepted the same bytes. Every accessor stays
    /// bounds-checked (out of range reads give 0), so even unchecked bytes are read safely.
    explicit ipv4_view(byte_span bytes) noexcept : bytes_(bytes) {}

    /// `bytes` starts at the IP header and runs to the end of the capture.
    /// Errors: truncated_ipv4_header (< 20 bytes), bad_ipv4_version.
    static result<ipv4_view> parse(byte_span bytes) noexcept {
        if (bytes.size() < min_header_length) return anomaly::truncated_ipv4_header;
        if ((load_u8(bytes, 0) >> 4) != 4) return anomaly::bad_ipv4_version;
        return ipv4_view(bytes);
    }

    std::uint8_t version() const noexcept { return static_cast<std::uint8_t>(load_u8(bytes_, 0) >> 4); }
    /// Internet Header Length in 32-bit words (5..15).
    std::uint8_t ihl() const noexcept { return static_cast<std::uint8_t>(load_u8(bytes_, 0) & 0x0f); }
    /// Header length in bytes (ihl * 4), as tshark's ip.hdr_len.
    std::size_t header_length() const noexcept { return std::size_t{ihl()} * 4; }
    /// Differentiated Services Code Point (RFC 2474), 6 bits.
    std::uint8_t dscp() const noexcept { return static_cast<std::uint8_t>(load_u8(bytes_, 1) >> 2); }
    /// Explicit Congestion Notification (RFC 3168), 2 bits.
    std::uint8_t ecn() const noexcept { return static_cast<std::uint8_t>(load_u8(bytes_, 1) & 3U); }
    /// Total length of header and data in bytes (0 = left for segmentation offload).
    std::uint16_t total_length() const noexcept { return load_be16(bytes_, 2); }
    std::uint16_t identification() const noexcept { return load_be16(bytes_, 4); }
    /// The reserved ("evil") bit.
    bool reserved_flag() const noexcept { return (load_u8(bytes_, 6) & 0x80U) != 0; }
    /// Don't Fragment.
    bool df() const noexcept { return (load_u8(bytes_, 6) & 0x40U) != 0; }
    /// More Fragments.
    bool mf() const noexcept { return (load_u8(bytes_, 6) & 0x20U) != 0; }
    /// Fragment offset in 8-byte units (13 bits), as tshark 4.0 shows ip.frag_offset.
    std::uint16_t fragment_offset() const noexcept {
        return static_cast<std::uint16_t>(load_be16(bytes_, 6) & 0x1fffU);
    }
    /// Fragment offset in bytes, as tcpdump prints it ("offset 1480").
    std::uint32_t fragment_offset_bytes() const noexcept { return std::uint32_t{fragment_offset()} * 8; }
    /// True for any fragment (MF set or a non-zero offset).
    bool is_fragment() const noexcept { return mf() || fragment_offset() != 0; }
    std::uint8_t ttl() const noexcept { return load_u8(bytes_, 8); }
    std::uint8_t protocol() const noexcept { return load_u8(bytes_, 9); }
    /// Header checksum as carried (host order).
    std::uint16_t header_checksum() const noexcept { return load_be16(bytes_, 10); }
    ipv4_address source() const noexcept { return {load_be32(bytes_, 12)}; }
    ipv4_address destination() const noexcept { return {load_be32(bytes_, 16)}; }
    /// The option bytes between byte 20 and the header length (clamped to the capture).
    byte_span options() const noexcept {
        return header_length() > min_header_length
                   ? clamp_subspan(bytes_, min_header_length, header_length() - min_header_length)
                   : byte_span{};
    }
    /// All captured bytes from the header start (not trimmed to total_length).
    byte_span bytes() const noexcept { return bytes_; }

private:
    byte_span bytes_;
};

}  // namespace pktscope
