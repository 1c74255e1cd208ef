// Linux "cooked" capture headers: LINKTYPE_LINUX_SLL (v1, 16 bytes) and
// LINKTYPE_LINUX_SLL2 (v2, 20 bytes), as produced by `-i any`.
// Source: https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html and _SLL2.html
#pragma once

#include <cstdint>
#include <string_view>

#include "pktscope/bytes.hpp"
#include "pktscope/result.hpp"

namespace pktscope {

/// sll_pkttype values (linux/if_packet.h PACKET_*).
namespace sll_packet_type {
inline constexpr std::uint8_t host = 0;       ///< to us
inline constexpr std::uint8_t broadcast = 1;  ///< to all
inline constexpr std::uint8_t multicast = 2;  ///< to a group
inline constexpr std::uint8_t otherhost = 3;  ///< to someone else (promiscuous)
inline constexpr std::uint8_t outgoing = 4;   ///< sent by us
}  // namespace sll_packet_type

/// The cooked header's fields, decoded eagerly (they are few and small).
struct linux_sll_view {
    static constexpr std::size_t v1_length = 16;
    static constexpr std::size_t v2_length = 20;

    std::uint8_t version = 1;          ///< 1 or 2
    std::uint16_t packet_type = 0;     ///< sll_packet_type (16 bits in v1, 8 in v2)
    std::uint16_t arphrd_type = 0;     ///< ARPHRD_* of the capturing device
    std::uint16_t protocol = 0;        ///< EtherType (or a Linux pseudo-protocol < 0x0600)
    std::uint32_t interface_index = 0; ///< SLL2 only: ifindex of the device (0 in v1)
    std::uint8_t address_length = 0;   ///< link-layer address length (<= 8 shown)
    std::array<std::uint8_t, 8> address{};

    /// Parses v1 (16 bytes); truncated_link_header when short.
    static result<linux_sll_view> parse_v1(byte_span bytes) noexcept;
    /// Parses v2 (20 bytes); truncated_link_header when short.
    static result<linux_sll_view> parse_v2(byte_span bytes) noexcept;
    std::size_t header_length() const noexcept { return version == 2 ? v2_length : v1_length; }
    /// tcpdump's direction word for `packet_type`: "In", "Out", "B", "M", "P" or "?".
    std::string_view direction() const noexcept;
};

}  // namespace pktscope
