// IPv6 fixed header (RFC 8200 section 3) and the extension-header chain (section 4).
#pragma once

#include <array>
#include <cstdint>

#include "pktscope/address.hpp"
#include "pktscope/anomaly.hpp"
#include "pktscope/bytes.hpp"
#include "pktscope/ip_protocol.hpp"
#include "pktscope/result.hpp"

namespace pktscope {

/// View of the 40-byte IPv6 fixed header.
class ipv6_view {
public:
    static constexpr std::size_t header_length = 40;

    ipv6_view() noexcept = default;
    /// The view of `bytes` without parse()'s checks, for building it in place (e.g.
    /// `optional::emplace`) once parse() has accepted the same bytes. Every accessor stays
    /// bounds-checked (out of range reads give 0), so even unchecked bytes are read safely.
    explicit ipv6_view(byte_span bytes) noexcept : bytes_(bytes) {}

    /// `bytes` starts at the header and runs to the end of the capture.
    /// Errors: truncated_ipv6_header (< 40 bytes), bad_ipv6_version.
    static result<ipv6_view> parse(byte_span bytes) noexcept {
        if (bytes.size() < header_length) return anomaly::truncated_ipv6_header;
        if ((load_u8(bytes, 0) >> 4) != 6) return anomaly::bad_ipv6_version;
        return ipv6_view(bytes);
    }

    std::uint8_t version() const noexcept { return static_cast<std::uint8_t>(load_u8(bytes_, 0) >> 4); }
    /// Traffic class (DSCP << 2 | ECN), 8 bits.
    std::uint8_t traffic_class() const noexcept {
        return static_cast<std::uint8_t>((load_be16(bytes_, 0) >> 4) & 0xffU);
    }
    /// Flow label, 20 bits (RFC 6437).
    std::uint32_t flow_label() const noexcept { return load_be32(bytes_, 0) & 0xfffffU; }
    /// Length of everything after the fixed header, in bytes (0 = jumbogram or offload).
    std::uint16_t payload_length() const noexcept { return load_be16(bytes_, 4); }
    /// Protocol of the first header after the fixed header.
    std::uint8_t next_header() const noexcept { return load_u8(bytes_, 6); }
    std::uint8_t hop_limit() const noexcept { return load_u8(bytes_, 7); }
    ipv6_address source() const noexcept { return load_ipv6(bytes_, 8); }
    ipv6_address destination() const noexcept { return load_ipv6(bytes_, 24); }
    /// All captured bytes from the header start.
    byte_span bytes() const noexcept { return bytes_; }

private:
    byte_span bytes_;
};

/// Most extension headers followed before giving up (ipv6_extension_limit_exceeded).
inline constexpr std::size_t max_ipv6_extensions = 8;

/// One extension header in the chain: its protocol number and its length in bytes.
struct ipv6_extension {
    std::uint8_t type = 0;       ///< 0 hop-by-hop, 43 routing, 44 fragment, 60 dest opts, 51 AH
    std::uint16_t length = 0;    ///< bytes, including its own next-header and length octets
};

/// The chain from the fixed header to the upper-layer protocol.
struct ipv6_extension_chain {
    std::array<ipv6_extension, max_ipv6_extensions> headers{};
    std::uint8_t count = 0;
    /// Final upper-layer protocol (e.g. 6 TCP); 59 when there is no next header.
    std::uint8_t upper_protocol = 0;
    /// Offset of the upper-layer header from the end of the fixed header (bytes).
    std::uint32_t upper_offset = 0;
    /// False when the chain could not be followed to its end (truncated, too long, ESP).
    bool complete = true;
    /// Fragment header fields (RFC 8200 4.5), valid when has_fragment.
    bool has_fragment = false;
    std::uint16_t fragment_offset = 0;  ///< in 8-octet units
    bool more_fragments = false;
    std::uint32_t fragment_identification = 0;
};

/// True for the protocol numbers this decoder treats as IPv6 extension headers.
constexpr bool is_ipv6_extension(std::uint8_t protocol) noexcept {
    return protocol == 0 || protocol == 43 || protocol == 44 || protocol == 60 || protocol == 51;
}

/// Follows the chain starting with `first_next_header` over `payload` (the bytes after the
/// fixed header, trimmed to the payload length). Anomalies: truncated_ipv6_extension,
/// ipv6_extension_limit_exceeded. No allocation.
ipv6_extension_chain parse_ipv6_extensions(std::uint8_t first_next_header, byte_span payload,
                                           anomaly_set& anomalies) noexcept;

}  // namespace pktscope
