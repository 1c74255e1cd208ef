// frame: one captured packet as a source yields it (libpcap's contract: the
// bytes are valid until the source's next call).
#pragma once

#include <cstdint>

#include "pktscope/bytes.hpp"

namespace pktscope {

/// Link-layer header types, as libpcap's pcap_datalink() reports them (DLT_*), plus the
/// LINKTYPE_* file values that libpcap does not remap on every platform.
/// Source: https://www.tcpdump.org/linktypes.html
namespace linktype {
inline constexpr std::uint16_t null = 0;        ///< BSD loopback, 4-byte family in host order
inline constexpr std::uint16_t en10mb = 1;      ///< Ethernet II / IEEE 802.3
inline constexpr std::uint16_t raw_dlt12 = 12;  ///< raw IPv4/IPv6 (DLT_RAW on most platforms)
inline constexpr std::uint16_t raw_dlt14 = 14;  ///< raw IPv4/IPv6 (DLT_RAW on OpenBSD)
inline constexpr std::uint16_t raw = 101;       ///< LINKTYPE_RAW as stored in files
inline constexpr std::uint16_t loop = 108;      ///< OpenBSD loopback, family in network order
inline constexpr std::uint16_t linux_sll = 113; ///< Linux cooked capture v1 (16-byte header)
inline constexpr std::uint16_t ipv4 = 228;      ///< raw IPv4
inline constexpr std::uint16_t ipv6 = 229;      ///< raw IPv6
inline constexpr std::uint16_t linux_sll2 = 276;///< Linux cooked capture v2 (20-byte header)
}  // namespace linktype

/// True when `decode()` understands link type `dlt`.
constexpr bool linktype_supported(int dlt) noexcept {
    switch (dlt) {
        case linktype::null: case linktype::en10mb: case linktype::raw_dlt12:
        case linktype::raw_dlt14: case linktype::raw: case linktype::loop:
        case linktype::linux_sll: case linktype::ipv4: case linktype::ipv6:
        case linktype::linux_sll2:
            return true;
        default:
            return false;
    }
}

/// One captured packet. `data.size() == caplen`; `wirelen` is the length on the wire
/// (larger when the snapshot length cut the frame). `ts_ns` is nanoseconds since the Unix epoch.
struct frame {
    std::int64_t ts_ns = 0;
    std::uint32_t caplen = 0;
    std::uint32_t wirelen = 0;
    std::uint16_t linktype = linktype::en10mb;
    byte_span data;
};

}  // namespace pktscope
