// CIDR arithmetic over the address values of address.hpp.
#include "pktscope/cidr.hpp"

#include <algorithm>
#include <charconv>

namespace pktscope {
namespace {

// Splits "ADDR/LEN" (or "ADDR", taken as the full length); false on a malformed length.
bool split_length(std::string_view text, unsigned bits, std::string_view& address,
                  std::uint8_t& length) noexcept {
    const std::size_t slash = text.find('/');
    address = text.substr(0, slash);
    if (slash == std::string_view::npos) {
        length = static_cast<std::uint8_t>(bits);
        return true;
    }
    const std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return false;
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc{} || end != digits.data() + digits.size() || value > bits) return false;
    length = static_cast<std::uint8_t>(value);
    return true;
}

std::uint32_t mask32(unsigned length) noexcept {
    return length == 0 ? 0U : ~std::uint32_t{0} << (32 - length);
}

template <class Address>
prefix_parse_status parse_any(std::string_view text, ip_prefix<Address>& out,
                              host_bits_policy policy) noexcept {
    std::string_view address_text;
    std::uint8_t length = 0;
    const std::size_t slash = text.find('/');
    Address address;
    bool address_ok;
    if constexpr (std::is_same_v<Address, ipv4_address>)
        address_ok = parse_ipv4(text.substr(0, slash), address);
    else
        address_ok = parse_ipv6(text.substr(0, slash), address);
    if (!address_ok) return prefix_parse_status::bad_address;
    if (!split_length(text, address_bits<Address>, address_text, length))
        return prefix_parse_status::bad_length;
    const Address network = network_of(address, length);
    if (network != address && policy == host_bits_policy::reject)
        return prefix_parse_status::host_bits_set;
    out = {network, length};
    return network != address ? prefix_parse_status::host_bits_cleared : prefix_parse_status::ok;
}

template <class Address>
bool parse_pair(std::string_view text, Address& address, std::uint8_t& length) noexcept {
    std::string_view address_text;
    if (!split_length(text, address_bits<Address>, address_text, length)) return false;
    if constexpr (std::is_same_v<Address, ipv4_address>)
        return parse_ipv4(address_text, address);
    else
        return parse_ipv6(address_text, address);
}

}  // namespace

std::string_view describe(prefix_parse_status status) noexcept {
    switch (status) {
        case prefix_parse_status::ok:
            return "ok";
        case prefix_parse_status::bad_address:
            return "not an address of this family";
        case prefix_parse_status::bad_length:
            return "bad prefix length";
        case prefix_parse_status::host_bits_set:
            return "host bits set past the prefix length";
        case prefix_parse_status::host_bits_cleared:
            return "host bits set; cleared to the network";
    }
    return "unknown";
}

prefix_parse_status parse_prefix(std::string_view text, ipv4_prefix& out,
                                 host_bits_policy policy) noexcept {
    return parse_any(text, out, policy);
}

prefix_parse_status parse_prefix(std::string_view text, ipv6_prefix& out,
                                 host_bits_policy policy) noexcept {
    return parse_any(text, out, policy);
}

bool parse_address_and_length(std::string_view text, ipv4_address& address,
                              std::uint8_t& length) noexcept {
    return parse_pair(text, address, length);
}

bool parse_address_and_length(std::string_view text, ipv6_address& address,
                              std::uint8_t& length) noexcept {
    return parse_pair(text, address, length);
}

ipv4_address netmask_v4(unsigned length) noexcept {
    return {mask32(length)};
}

ipv6_address netmask_v6(unsigned length) noexcept {
    ipv6_address mask;
    for (unsigned i = 0; i < 16; ++i) {
        const unsigned bits = length > i * 8 ? std::min(8U, length - i * 8) : 0U;
        mask.octets[i] = static_cast<std::uint8_t>(0xFF00U >> bits);
    }
    return mask;
}

ipv4_address hostmask_v4(unsigned length) noexcept {
    return {~mask32(length)};
}

ipv6_address hostmask_v6(unsigned length) noexcept {
    ipv6_address mask = netmask_v6(length);
    for (std::uint8_t& o : mask.octets) o = static_cast<std::uint8_t>(~o);
    return mask;
}

ipv4_address network_of(ipv4_address address, unsigned length) noexcept {
    return {address.value & mask32(length)};
}

ipv6_address network_of(ipv6_address address, unsigned length) noexcept {
    const ipv6_address mask = netmask_v6(length);
    for (unsigned i = 0; i < 16; ++i) address.octets[i] &= mask.octets[i];
    return address;
}

ipv4_address host_part_of(ipv4_address address, unsigned length) noexcept {
    return {address.value & ~mask32(length)};
}

ipv6_address host_part_of(ipv6_address address, unsigned length) noexcept {
    const ipv6_address mask = hostmask_v6(length);
    for (unsigned i = 0; i < 16; ++i) address.octets[i] &= mask.octets[i];
    return address;
}

ipv4_address last_address_of(ipv4_address address, unsigned length) noexcept {
    return {address.value | ~mask32(length)};
}

ipv6_address last_address_of(ipv6_address address, unsigned length) noexcept {
    const ipv6_address mask = hostmask_v6(length);
    for (unsigned i = 0; i < 16; ++i) address.octets[i] |= mask.octets[i];
    return address;
}

ipv4_host_range host_range_of(ipv4_address address, unsigned length) noexcept {
    const ipv4_address network = network_of(address, length);
    const ipv4_address last = last_address_of(address, length);
    if (length >= 31) return {network, last, address_count_v4(length)};
    return {{network.value + 1}, {last.value - 1}, address_count_v4(length) - 2};
}

std::uint64_t address_count_v4(unsigned length) noexcept {
    return std::uint64_t{1} << (32 - std::min(length, 32U));
}

std::string address_count_text(unsigned bits, unsigned length) {
    // 2^n in decimal by repeated doubling of a little-endian digit string (n <= 128).
    std::string digits = "1";
    for (unsigned i = length; i < bits; ++i) {
        int carry = 0;
        for (char& d : digits) {
            const int v = (d - '0') * 2 + carry;
            d = static_cast<char>('0' + v % 10);
            carry = v / 10;
        }
        if (carry != 0) digits.push_back(static_cast<char>('0' + carry));
    }
    std::reverse(digits.begin(), digits.end());
    return digits;
}

bool contains(const ipv4_prefix& prefix, ipv4_address address) noexcept {
    return network_of(address, prefix.length) == prefix.address;
}

bool contains(const ipv6_prefix& prefix, ipv6_address address) noexcept {
    return network_of(address, prefix.length) == prefix.address;
}

bool contains(const ipv4_prefix& outer, const ipv4_prefix& inner) noexcept {
    return inner.length >= outer.length && contains(outer, inner.address);
}

bool contains(const ipv6_prefix& outer, const ipv6_prefix& inner) noexcept {
    return inner.length >= outer.length && contains(outer, inner.address);
}

bool overlaps(const ipv4_prefix& a, const ipv4_prefix& b) noexcept {
    return contains(a, b) || contains(b, a);
}

bool overlaps(const ipv6_prefix& a, const ipv6_prefix& b) noexcept {
    return contains(a, b) || contains(b, a);
}

namespace {
template <class Prefix>
char* format_prefix(char* out, const Prefix& prefix) noexcept {
    out = format_to(out, prefix.address);
    *out++ = '/';
    const auto [end, ec] = std::to_chars(out, out + 3, prefix.length);
    (void)ec;
    return end;
}
}  // namespace

char* format_to(char* out, const ipv4_prefix& prefix) noexcept {
    return format_prefix(out, prefix);
}
char* format_to(char* out, const ipv6_prefix& prefix) noexcept {
    return format_prefix(out, prefix);
}

}  // namespace pktscope
