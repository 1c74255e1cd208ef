// Internet checksum (RFC 1071) and its verification for IPv4 (RFC 791), TCP (RFC 9293 3.1),
// UDP (RFC 768), ICMP (RFC 792) and ICMPv6 (RFC 4443 2.3, pseudo-header RFC 8200 8.1).
#pragma once

#include <cstdint>
#include <string_view>

#include "pktscope/address.hpp"
#include "pktscope/bytes.hpp"

namespace pktscope {

/// Verdict on one checksum field.
enum class checksum_status : std::uint8_t {
    unverified,  ///< not checked: truncated capture, fragment, UDP/IPv4 zero, or disabled
    ok,          ///< verifies
    bad,         ///< does not verify; `expected` holds the right value
    offloaded,   ///< a partial (pseudo-header-only) sum left by transmit offload, or an
                 ///< outgoing packet whose sum the NIC was to fill in
};

/// "ok", "bad", "unverified" or "offloaded".
std::string_view checksum_status_name(checksum_status status) noexcept;

/// The checksum field as carried, and what the decoder concluded about it.
struct checksum_verdict {
    checksum_status status = checksum_status::unverified;
    std::uint16_t value = 0;     ///< as carried (host order)
    std::uint16_t expected = 0;  ///< correct value; meaningful when status == bad
};

/// One's-complement sum of `bytes` as big-endian 16-bit words (odd length padded with a zero
/// byte), folded to 16 bits, not complemented. Byte-order independent (RFC 1071 2(B)).
std::uint16_t ones_complement_sum(byte_span bytes) noexcept;

/// One's-complement addition of two folded 16-bit sums.
constexpr std::uint16_t ones_complement_add(std::uint16_t a, std::uint16_t b) noexcept {
    std::uint32_t s = std::uint32_t{a} + b;
    s = (s & 0xffffU) + (s >> 16);
    return static_cast<std::uint16_t>(s);
}

/// Folded sum of the IPv4 pseudo-header (RFC 9293 3.1): source, destination, protocol, length.
std::uint16_t pseudo_header_sum(ipv4_address source, ipv4_address destination,
                                std::uint8_t protocol, std::uint32_t length) noexcept;
/// Folded sum of the IPv6 pseudo-header (RFC 8200 8.1): addresses, upper-layer length, next header.
std::uint16_t pseudo_header_sum(const ipv6_address& source, const ipv6_address& destination,
                                std::uint8_t next_header, std::uint32_t length) noexcept;

/// Checks a checksum field over `covered` (the bytes it protects, including the field, at
/// `field_offset`) plus `initial_sum` (a pseudo-header sum or 0). Returns ok or bad with the
/// expected value; `zero_means_ffff` applies UDP's rule that a computed 0 is sent as 0xffff.
checksum_verdict verify_checksum(byte_span covered, std::size_t field_offset,
                                 std::uint16_t initial_sum, bool zero_means_ffff) noexcept;

}  // namespace pktscope
