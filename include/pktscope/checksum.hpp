// Internet checksum (RFC 1071) and its verification for IPv4 (RFC 791), TCP (RFC 9293 3.1),
// UDP (RFC 768), ICMP (RFC 792) and ICMPv6 (RFC 4443 2.3, pseudo-header RFC 8200 8.1).
#pragma once

#include <cstdint>
#include <cstring>
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

namespace detail {
// Native-order loads for the checksum loops (inline: they run for every packet).
inline std::uint64_t load_native64(const std::byte* p) noexcept {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
}
inline std::uint64_t load_native32(const std::byte* p) noexcept {
    std::uint32_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
}
inline std::uint64_t load_native16(const std::byte* p) noexcept {
    std::uint16_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
}
// Both 32-bit halves of a 64-bit word, so that no carry is lost in the 64-bit sum.
inline std::uint64_t halves(std::uint64_t w) noexcept {
    return (w & 0xffffffffULL) + (w >> 32);
}
// Sum of `words` native-order 32-bit words at p (the vectorised bulk of long payloads).
std::uint64_t sum_native_words(const std::byte* p, std::size_t words) noexcept;
}  // namespace detail

/// One's-complement sum of `bytes` as big-endian 16-bit words (odd length padded with a zero
/// byte), folded to 16 bits, not complemented. Byte-order independent (RFC 1071 2(B)).
/// Inline (as the two functions below): the decoder calls them for every packet.
inline std::uint16_t ones_complement_sum(byte_span bytes) noexcept {
    // Native-order 32-bit words summed into a 64-bit accumulator: no carry can be lost before
    // 2^32 words. Native order is fine because the one's-complement sum is byte-order
    // independent (RFC 1071 2(B)); we swap once at the end.
    const std::byte* p = bytes.data();
    std::size_t n = bytes.size();
    std::uint64_t sum = 0;
    if (n >= 64) {
        const std::size_t words = n / 4;
        sum = detail::sum_native_words(p, words);
        p += 4 * words;
        n -= 4 * words;
    }
    // Headers and tails (under 64 bytes): halving steps, without the vector loop's set-up,
    // which cost more than the whole sum of a 20-byte header.
    if (n & 32) {
        sum += detail::halves(detail::load_native64(p)) +
               detail::halves(detail::load_native64(p + 8)) +
               detail::halves(detail::load_native64(p + 16)) +
               detail::halves(detail::load_native64(p + 24));
        p += 32;
    }
    if (n & 16) {
        sum +=
            detail::halves(detail::load_native64(p)) + detail::halves(detail::load_native64(p + 8));
        p += 16;
    }
    if (n & 8) {
        sum += detail::halves(detail::load_native64(p));
        p += 8;
    }
    if (n & 4) {
        sum += detail::load_native32(p);
        p += 4;
    }
    if (n & 2) {
        sum += detail::load_native16(p);
        p += 2;
    }
    if (n & 1) {
        // Odd length: the last byte is the high half of a zero-padded big-endian word, which
        // is the low half of the same word read in little-endian order.
        const std::uint64_t last = static_cast<std::uint8_t>(*p);
        sum += std::endian::native == std::endian::little ? last : last << 8;
    }
    sum = (sum & 0xffffffffULL) + (sum >> 32);
    sum = (sum & 0xffffffffULL) + (sum >> 32);
    sum = (sum & 0xffffU) + (sum >> 16);
    sum = (sum & 0xffffU) + (sum >> 16);
    sum = (sum & 0xffffU) + (sum >> 16);
    auto folded = static_cast<std::uint16_t>(sum);
    if constexpr (std::endian::native == std::endian::little) folded = __builtin_bswap16(folded);
    return folded;
}

/// One's-complement addition of two folded 16-bit sums.
constexpr std::uint16_t ones_complement_add(std::uint16_t a, std::uint16_t b) noexcept {
    std::uint32_t s = std::uint32_t{a} + b;
    s = (s & 0xffffU) + (s >> 16);
    return static_cast<std::uint16_t>(s);
}

/// Folded sum of the IPv4 pseudo-header (RFC 9293 3.1): source, destination, protocol, length.
inline std::uint16_t pseudo_header_sum(ipv4_address source, ipv4_address destination,
                                       std::uint8_t protocol, std::uint32_t length) noexcept {
    std::uint64_t s = (source.value >> 16) + (source.value & 0xffffU) + (destination.value >> 16) +
                      (destination.value & 0xffffU) + protocol + (length >> 16) +
                      (length & 0xffffU);
    while (s >> 16) s = (s & 0xffffU) + (s >> 16);
    return static_cast<std::uint16_t>(s);
}
/// Folded sum of the IPv6 pseudo-header (RFC 8200 8.1): addresses, upper-layer length, next header.
std::uint16_t pseudo_header_sum(const ipv6_address& source, const ipv6_address& destination,
                                std::uint8_t next_header, std::uint32_t length) noexcept;

/// Checks a checksum field over `covered` (the bytes it protects, including the field, at
/// `field_offset`) plus `initial_sum` (a pseudo-header sum or 0). Returns ok or bad with the
/// expected value; `zero_means_ffff` applies UDP's rule that a computed 0 is sent as 0xffff.
inline checksum_verdict verify_checksum(byte_span covered, std::size_t field_offset,
                                        std::uint16_t initial_sum, bool zero_means_ffff) noexcept {
    checksum_verdict v;
    v.value = load_be16(covered, field_offset);
    const std::uint16_t total = ones_complement_add(ones_complement_sum(covered), initial_sum);
    if (total == 0xffff) {
        v.status = checksum_status::ok;
        v.expected = v.value;
        return v;
    }
    // Sum without the field = total "minus" the field = total + ~field (one's complement).
    const std::uint16_t without = ones_complement_add(total, static_cast<std::uint16_t>(~v.value));
    std::uint16_t expected = static_cast<std::uint16_t>(~without);
    if (expected == 0 && zero_means_ffff) expected = 0xffff;
    v.status = checksum_status::bad;
    v.expected = expected;
    return v;
}

}  // namespace pktscope
