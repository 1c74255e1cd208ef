// Link and network addresses as plain values, and their text forms.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "pktscope/bytes.hpp"

namespace pktscope {

/// 48-bit IEEE 802 MAC address, octets in wire order.
struct mac_address {
    std::array<std::uint8_t, 6> octets{};
    friend constexpr bool operator==(const mac_address&, const mac_address&) = default;
};

/// IPv4 address (RFC 791), `value` in host byte order (192.0.2.1 == 0xC0000201).
struct ipv4_address {
    std::uint32_t value = 0;
    friend constexpr auto operator<=>(const ipv4_address&, const ipv4_address&) = default;
};

/// IPv6 address (RFC 8200), octets in wire order.
struct ipv6_address {
    std::array<std::uint8_t, 16> octets{};
    friend constexpr auto operator<=>(const ipv6_address&, const ipv6_address&) = default;
};

/// Longest text form of each address, without the terminating NUL.
inline constexpr std::size_t mac_text_max = 17;   // "aa:bb:cc:dd:ee:ff"
inline constexpr std::size_t ipv4_text_max = 15;  // "255.255.255.255"
inline constexpr std::size_t ipv6_text_max = 45;  // "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255"

/// Reads a MAC address from 6 bytes at `offset` (zeros when out of range).
/// Inline and one memcpy: built byte by byte out of line, the returned address was spilled
/// and reloaded in wider pieces, a store-forwarding stall of ~15 cycles per read.
inline mac_address load_mac(byte_span bytes, std::size_t offset) noexcept {
    mac_address m;
    if (has_bytes(bytes, offset, 6)) std::memcpy(m.octets.data(), bytes.data() + offset, 6);
    return m;
}
/// Reads an IPv6 address from 16 bytes at `offset` (zeros when out of range).
inline ipv6_address load_ipv6(byte_span bytes, std::size_t offset) noexcept {
    ipv6_address a;
    if (has_bytes(bytes, offset, 16)) std::memcpy(a.octets.data(), bytes.data() + offset, 16);
    return a;
}

/// Writes "aa:bb:cc:dd:ee:ff" (lower case, as tcpdump and tshark) at `out`; returns the end.
char* format_to(char* out, mac_address address) noexcept;
/// Writes dotted-quad text at `out`; returns the end.
char* format_to(char* out, ipv4_address address) noexcept;
/// Writes RFC 5952 text (lower case, longest zero run compressed) at `out`, with the embedded
/// IPv4 forms glibc's inet_ntop uses (::ffff:a.b.c.d, ::a.b.c.d); returns the end.
char* format_to(char* out, ipv6_address address) noexcept;

/// Convenience (allocates): the text form of any address above.
template <class Address>
std::string to_string(Address address) {
    char buf[ipv6_text_max + 1];
    return std::string(buf, format_to(buf, address));
}

/// Parses dotted-quad text; false on anything else (no leading zeros trickery: 0-255 decimal).
bool parse_ipv4(std::string_view text, ipv4_address& out) noexcept;
/// Parses RFC 4291 section 2.2 text (with :: and an embedded dotted quad); false on error.
bool parse_ipv6(std::string_view text, ipv6_address& out) noexcept;

}  // namespace pktscope
