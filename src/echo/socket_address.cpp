#include "pktscope/socket_address.hpp"

#include <arpa/inet.h>

#include <cstring>

#include <fmt/format.h>

namespace pktscope {

std::uint16_t socket_address::port() const noexcept {
    if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
    if (family() == AF_INET6)
        return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port);
    return 0;
}

std::optional<socket_address> make_socket_address(std::string_view ip,
                                                  std::uint16_t port) noexcept {
    socket_address out;
    ipv4_address v4;
    ipv6_address v6;
    if (parse_ipv4(ip, v4)) {
        auto* sin = reinterpret_cast<sockaddr_in*>(&out.storage);
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        sin->sin_addr.s_addr = htonl(v4.value);
        out.length = sizeof(sockaddr_in);
        return out;
    }
    if (parse_ipv6(ip, v6)) {
        auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
        std::memcpy(sin6->sin6_addr.s6_addr, v6.octets.data(), 16);
        out.length = sizeof(sockaddr_in6);
        return out;
    }
    return std::nullopt;
}

socket_address socket_address_from(const sockaddr* address, socklen_t length) noexcept {
    socket_address out;
    if (address == nullptr) return out;
    if (address->sa_family == AF_INET && length >= sizeof(sockaddr_in)) {
        std::memcpy(&out.storage, address, sizeof(sockaddr_in));
        out.length = sizeof(sockaddr_in);
    } else if (address->sa_family == AF_INET6 && length >= sizeof(sockaddr_in6)) {
        std::memcpy(&out.storage, address, sizeof(sockaddr_in6));
        out.length = sizeof(sockaddr_in6);
    }
    return out;
}

std::optional<ipv4_address> ipv4_of(const socket_address& address) noexcept {
    if (address.family() == AF_INET)
        return ipv4_address{
            ntohl(reinterpret_cast<const sockaddr_in*>(&address.storage)->sin_addr.s_addr)};
    if (address.family() == AF_INET6) {
        const auto* a = &reinterpret_cast<const sockaddr_in6*>(&address.storage)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(a)) {
            std::uint32_t v = 0;
            std::memcpy(&v, a->s6_addr + 12, 4);
            return ipv4_address{ntohl(v)};
        }
    }
    return std::nullopt;
}

std::optional<ipv6_address> ipv6_of(const socket_address& address) noexcept {
    if (address.family() != AF_INET6) return std::nullopt;
    const auto* a = &reinterpret_cast<const sockaddr_in6*>(&address.storage)->sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(a)) return std::nullopt;
    ipv6_address out;
    std::memcpy(out.octets.data(), a->s6_addr, 16);
    return out;
}

char* format_to(char* out, const socket_address& address) noexcept {
    if (const auto v4 = ipv4_of(address)) {
        out = format_to(out, *v4);
    } else if (const auto v6 = ipv6_of(address)) {
        *out++ = '[';
        out = format_to(out, *v6);
        *out++ = ']';
    } else {
        *out++ = '-';
        return out;
    }
    return fmt::format_to(out, ":{}", address.port());
}

std::string to_string(const socket_address& address) {
    char buf[socket_address_text_max + 1];
    return std::string(buf, format_to(buf, address));
}

}  // namespace pktscope
