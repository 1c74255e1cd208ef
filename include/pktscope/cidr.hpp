// CIDR prefixes (RFC 4632 for IPv4, RFC 4291 section 2.3 for IPv6) as plain values, and the
// arithmetic a network engineer does by hand: masks, network/broadcast, host ranges, counts,
// containment and overlap.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pktscope/address.hpp"

namespace pktscope {

/// Bits in an address of this family: 32 for IPv4, 128 for IPv6.
template <class Address>
inline constexpr unsigned address_bits = sizeof(Address) * 8;

/// A prefix: network address (host bits zero when normalised) and length in bits.
template <class Address>
struct ip_prefix {
    Address address;
    std::uint8_t length = 0;  ///< 0..32 (IPv4) or 0..128 (IPv6)
    friend constexpr auto operator<=>(const ip_prefix&, const ip_prefix&) = default;
};

/// IPv4 prefix "A.B.C.D/N" (RFC 4632 section 3.1).
using ipv4_prefix = ip_prefix<ipv4_address>;
/// IPv6 prefix "X:X::X/N" (RFC 4291 section 2.3).
using ipv6_prefix = ip_prefix<ipv6_address>;

/// What parse_prefix() does with an address that has bits set past the length.
enum class host_bits_policy {
    reject,  ///< fail ("10.1.2.3/8" is an error)
    clear,   ///< normalise to the network ("10.1.2.3/8" -> "10.0.0.0/8"), report it
};

/// Outcome of parsing a prefix text.
enum class prefix_parse_status {
    ok,
    bad_address,       ///< the part before '/' is not an address of this family
    bad_length,        ///< the length is missing digits, too long for the family or not decimal
    host_bits_set,     ///< host bits set and the policy is reject
    host_bits_cleared  ///< host bits were set and have been cleared (policy clear): still usable
};

/// One-line English reason for a status ("host bits set past the prefix length", ...).
std::string_view describe(prefix_parse_status status) noexcept;

/// Parses "A.B.C.D/N" or a bare address (taken as /32). `out` is set when the status is ok or
/// host_bits_cleared.
prefix_parse_status parse_prefix(std::string_view text, ipv4_prefix& out,
                                 host_bits_policy policy = host_bits_policy::reject) noexcept;
/// Parses "X:X::X/N" or a bare address (taken as /128); as the IPv4 form.
prefix_parse_status parse_prefix(std::string_view text, ipv6_prefix& out,
                                 host_bits_policy policy = host_bits_policy::reject) noexcept;

/// Splits "ADDRESS/N" into an address (host bits kept) and a length, as `route cidr` takes
/// an interface address; false on a malformed address or length.
bool parse_address_and_length(std::string_view text, ipv4_address& address,
                              std::uint8_t& length) noexcept;
/// IPv6 form of parse_address_and_length().
bool parse_address_and_length(std::string_view text, ipv6_address& address,
                              std::uint8_t& length) noexcept;

/// Netmask of a length: /27 -> 255.255.255.224 (IPv4) or ffff:...:: (IPv6). length <= bits.
ipv4_address netmask_v4(unsigned length) noexcept;
/// IPv6 netmask of a length (RFC 4291 section 2.3), length <= 128.
ipv6_address netmask_v6(unsigned length) noexcept;
/// Host mask (inverted netmask, Cisco's wildcard): /27 -> 0.0.0.31.
ipv4_address hostmask_v4(unsigned length) noexcept;
/// IPv6 host mask, length <= 128.
ipv6_address hostmask_v6(unsigned length) noexcept;

/// Address with the host bits cleared (the network address).
ipv4_address network_of(ipv4_address address, unsigned length) noexcept;
/// IPv6 network address (host bits cleared).
ipv6_address network_of(ipv6_address address, unsigned length) noexcept;
/// Address with the network bits cleared (the host part): 192.168.122.5/27 -> 0.0.0.5.
ipv4_address host_part_of(ipv4_address address, unsigned length) noexcept;
/// IPv6 host part (network bits cleared).
ipv6_address host_part_of(ipv6_address address, unsigned length) noexcept;
/// Last address of the prefix (the IPv4 directed broadcast, RFC 919/922).
ipv4_address last_address_of(ipv4_address address, unsigned length) noexcept;
/// Last address of the IPv6 prefix (IPv6 has no broadcast).
ipv6_address last_address_of(ipv6_address address, unsigned length) noexcept;

/// Usable IPv4 host range: network+1 .. broadcast-1; /31 (RFC 3021) both addresses; /32 itself.
struct ipv4_host_range {
    ipv4_address first;
    ipv4_address last;
    std::uint64_t count = 0;  ///< usable hosts: 2^(32-N) - 2, 2 for /31, 1 for /32
};
/// The usable host range of the IPv4 prefix containing `address`.
ipv4_host_range host_range_of(ipv4_address address, unsigned length) noexcept;
/// Number of addresses in an IPv4 prefix: 2^(32-length) (1 .. 4294967296).
std::uint64_t address_count_v4(unsigned length) noexcept;
/// Decimal text of 2^(bits-length) addresses for any family (IPv6 /0 has 2^128).
std::string address_count_text(unsigned bits, unsigned length);

/// True when `address` lies in `prefix`.
bool contains(const ipv4_prefix& prefix, ipv4_address address) noexcept;
/// True when `address` lies in `prefix`.
bool contains(const ipv6_prefix& prefix, ipv6_address address) noexcept;
/// True when `inner` is equal to or more specific than, and inside, `outer`.
bool contains(const ipv4_prefix& outer, const ipv4_prefix& inner) noexcept;
/// True when `inner` is equal to or more specific than, and inside, `outer`.
bool contains(const ipv6_prefix& outer, const ipv6_prefix& inner) noexcept;
/// True when the two prefixes share an address (for prefixes: one contains the other).
bool overlaps(const ipv4_prefix& a, const ipv4_prefix& b) noexcept;
/// True when the two prefixes share an address (for prefixes: one contains the other).
bool overlaps(const ipv6_prefix& a, const ipv6_prefix& b) noexcept;

/// Longest text of a prefix: an address, '/', three digits.
inline constexpr std::size_t prefix_text_max = ipv6_text_max + 4;
/// Writes "A.B.C.D/N" at `out`; returns the end.
char* format_to(char* out, const ipv4_prefix& prefix) noexcept;
/// Writes "X:X::X/N" (RFC 5952 address) at `out`; returns the end.
char* format_to(char* out, const ipv6_prefix& prefix) noexcept;
/// Convenience (allocates): the text of a prefix.
template <class Address>
std::string to_string(const ip_prefix<Address>& prefix) {
    char buf[prefix_text_max + 1];
    return std::string(buf, format_to(buf, prefix));
}

}  // namespace pktscope
