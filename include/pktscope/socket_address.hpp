// IPv4/IPv6 socket addresses (sockaddr_in / sockaddr_in6, RFC 3493 section 3) as plain values,
// with their "address:port" text forms. Used by the echo pair; links nothing but the decoder's
// address functions.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pktscope/address.hpp"

namespace pktscope {

/// An AF_INET or AF_INET6 socket address (or empty: family AF_UNSPEC, length 0).
struct socket_address {
    sockaddr_storage storage{};
    socklen_t length = 0;  ///< sizeof(sockaddr_in) or sizeof(sockaddr_in6); 0 when empty

    /// AF_INET, AF_INET6 or AF_UNSPEC.
    int family() const noexcept { return storage.ss_family; }
    /// Port in host order (0 when empty).
    std::uint16_t port() const noexcept;
    const sockaddr* get() const noexcept { return reinterpret_cast<const sockaddr*>(&storage); }
    sockaddr* get() noexcept { return reinterpret_cast<sockaddr*>(&storage); }
};

/// Longest text form: "[" + IPv6 text + "]:" + 5 port digits.
inline constexpr std::size_t socket_address_text_max = ipv6_text_max + 8;

/// Socket address for numeric text `ip` ("127.0.0.1", "::1", "::"; no names, no scope ids)
/// and `port`; nullopt when `ip` is not a numeric IPv4 or IPv6 address.
std::optional<socket_address> make_socket_address(std::string_view ip, std::uint16_t port) noexcept;
/// Copies a kernel-filled sockaddr of `length` bytes; empty for families other than INET/INET6.
socket_address socket_address_from(const sockaddr* address, socklen_t length) noexcept;

/// The IPv4 address of an AF_INET address or of an IPv4-mapped AF_INET6 one (::ffff:a.b.c.d,
/// RFC 4291 2.5.5.2, as dual-stack sockets report IPv4 peers); nullopt otherwise.
std::optional<ipv4_address> ipv4_of(const socket_address& address) noexcept;
/// The IPv6 address of a genuine AF_INET6 address (not IPv4-mapped); nullopt otherwise.
std::optional<ipv6_address> ipv6_of(const socket_address& address) noexcept;

/// Writes "192.0.2.1:6797" or "[2001:db8::1]:6797" (IPv4-mapped addresses as plain IPv4) at
/// `out`, "-" when empty; returns the end. At most socket_address_text_max characters.
char* format_to(char* out, const socket_address& address) noexcept;

/// Convenience (allocates): the text form above.
std::string to_string(const socket_address& address);

}  // namespace pktscope
