// IEEE 802.1Q / 802.1ad VLAN tags (4 bytes each after the MAC addresses).
#pragma once

#include <cstdint>

#include "pktscope/bytes.hpp"
#include "pktscope/ethernet.hpp"
#include "pktscope/result.hpp"

namespace pktscope {

/// Deepest tag stack the decoder follows; a fifth tag is vlan_depth_exceeded.
inline constexpr std::size_t max_vlan_tags = 4;

/// One decoded tag: TPID that introduced it, TCI fields, and the EtherType that follows.
struct vlan_tag {
    std::uint16_t tpid = 0;        ///< 0x8100 (802.1Q), 0x88a8 (802.1ad) or 0x9100
    std::uint16_t vid = 0;         ///< VLAN identifier, 12 bits
    std::uint8_t pcp = 0;          ///< priority code point, 3 bits
    bool dei = false;              ///< drop eligible indicator
    std::uint16_t ether_type = 0;  ///< EtherType of what follows this tag
};

/// True for the TPIDs the decoder treats as VLAN tags.
constexpr bool is_vlan_tpid(std::uint16_t type) noexcept {
    return type == ether_type::vlan_8021q || type == ether_type::vlan_8021ad ||
           type == ether_type::vlan_qinq_9100;
}

/// Parses the 4-byte tag body (TCI + inner type) at the start of `bytes`; truncated_vlan_tag
/// when fewer than 4 bytes.
inline result<vlan_tag> parse_vlan_tag(byte_span bytes, std::uint16_t tpid) noexcept {
    if (bytes.size() < 4) return anomaly::truncated_vlan_tag;
    const std::uint16_t tci = load_be16(bytes, 0);
    vlan_tag tag;
    tag.tpid = tpid;
    tag.vid = static_cast<std::uint16_t>(tci & 0x0fff);
    tag.pcp = static_cast<std::uint8_t>(tci >> 13);
    tag.dei = ((tci >> 12) & 1U) != 0;
    tag.ether_type = load_be16(bytes, 2);
    return tag;
}

}  // namespace pktscope
