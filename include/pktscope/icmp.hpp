// ICMP for IPv4 (RFC 792) and ICMPv6 (RFC 4443): type, code, and the invoking packet
// quoted by error messages.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "pktscope/bytes.hpp"
#include "pktscope/ipv4.hpp"
#include "pktscope/ipv6.hpp"
#include "pktscope/result.hpp"

namespace pktscope {

/// View of an ICMP or ICMPv6 header (the first 8 bytes when present; 4 are required).
class icmp_view {
public:
    static constexpr std::size_t min_length = 4;

    /// `bytes` is the whole ICMP message as captured. Errors: truncated_icmp_header.
    static result<icmp_view> parse(byte_span bytes) noexcept {
        if (bytes.size() < min_length) return anomaly::truncated_icmp_header;
        icmp_view v;
        v.bytes_ = bytes;
        return v;
    }

    std::uint8_t type() const noexcept { return load_u8(bytes_, 0); }
    std::uint8_t code() const noexcept { return load_u8(bytes_, 1); }
    std::uint16_t checksum() const noexcept { return load_be16(bytes_, 2); }
    /// Echo identifier / sequence (bytes 4-7 of echo request/reply), 0 when not captured.
    std::uint16_t identifier() const noexcept { return load_be16(bytes_, 4); }
    std::uint16_t sequence() const noexcept { return load_be16(bytes_, 6); }
    /// Bytes 4-7 ("rest of header": gateway, MTU, pointer...).
    std::uint32_t rest_of_header() const noexcept { return load_be32(bytes_, 4); }
    byte_span bytes() const noexcept { return bytes_; }

private:
    byte_span bytes_;
};

/// True for ICMPv4 types that quote the invoking datagram (3, 4, 5, 11, 12; RFC 792).
constexpr bool icmpv4_is_error(std::uint8_t type) noexcept {
    return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}
/// True for ICMPv6 error types (1-4; RFC 4443 2.1), which quote the invoking packet.
constexpr bool icmpv6_is_error(std::uint8_t type) noexcept { return type >= 1 && type <= 4; }

/// The invoking packet quoted by an ICMP error: its IP header and, where captured, the
/// first 8 bytes of its transport header (ports for TCP/UDP, type/code for ICMP).
struct icmp_quote {
    std::optional<ipv4_view> ipv4;
    std::optional<ipv6_view> ipv6;
    std::uint8_t protocol = 0;                  ///< upper-layer protocol of the quoted packet
    std::optional<std::uint16_t> source_port;   ///< TCP/UDP only
    std::optional<std::uint16_t> destination_port;
    std::optional<std::uint32_t> tcp_sequence;  ///< TCP only, when 8 bytes are quoted
};

/// Decodes the quote inside an ICMP error message (`message` = whole ICMP message, the
/// quote starts at byte 8). Returns nullopt when no IP header is quoted. No allocation.
std::optional<icmp_quote> parse_icmp_quote(byte_span message, bool is_icmpv6) noexcept;

/// Short name of an ICMPv4 type ("echo request", "time exceeded", ...) or "" when unknown.
std::string_view icmpv4_type_name(std::uint8_t type) noexcept;
/// Short name of an ICMPv6 type ("echo request", "neighbor solicitation", ...) or "".
std::string_view icmpv6_type_name(std::uint8_t type) noexcept;

}  // namespace pktscope
