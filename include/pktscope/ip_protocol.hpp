// IP protocol / IPv6 next-header numbers (IANA "Assigned Internet Protocol Numbers").
#pragma once

#include <cstdint>

namespace pktscope {

/// IP protocol numbers used here (IANA "Assigned Internet Protocol Numbers").
namespace ip_protocol {
inline constexpr std::uint8_t hopopt = 0;
inline constexpr std::uint8_t icmp = 1;
inline constexpr std::uint8_t tcp = 6;
inline constexpr std::uint8_t udp = 17;
inline constexpr std::uint8_t ipv6_route = 43;
inline constexpr std::uint8_t ipv6_frag = 44;
inline constexpr std::uint8_t esp = 50;
inline constexpr std::uint8_t ah = 51;
inline constexpr std::uint8_t icmpv6 = 58;
inline constexpr std::uint8_t ipv6_nonxt = 59;
inline constexpr std::uint8_t ipv6_opts = 60;
}  // namespace ip_protocol

}  // namespace pktscope
