// Ethernet II / IEEE 802.3 header (IEEE 802.3 clause 3.2; Ethernet II "DIX").
#pragma once

#include <cstdint>

#include "pktscope/address.hpp"
#include "pktscope/bytes.hpp"
#include "pktscope/result.hpp"

namespace pktscope {

/// Well-known EtherType values (IEEE registry), host order.
namespace ether_type {
inline constexpr std::uint16_t ipv4 = 0x0800;
inline constexpr std::uint16_t arp = 0x0806;
inline constexpr std::uint16_t vlan_8021q = 0x8100;  ///< C-tag (IEEE 802.1Q)
inline constexpr std::uint16_t vlan_8021ad = 0x88a8; ///< S-tag (IEEE 802.1ad, QinQ)
inline constexpr std::uint16_t vlan_qinq_9100 = 0x9100; ///< pre-standard QinQ S-tag
inline constexpr std::uint16_t ipv6 = 0x86dd;
/// Values up to 1500 are an IEEE 802.3 length, not a type (802.2 LLC follows).
inline constexpr std::uint16_t max_8023_length = 1500;
}  // namespace ether_type

/// View of a 14-byte Ethernet header: destination(6) source(6) type/length(2).
class ethernet_view {
public:
    static constexpr std::size_t header_length = 14;

    ethernet_view() noexcept = default;
    /// The view of `bytes` without parse()'s checks, for building it in place (e.g.
    /// `optional::emplace`) once parse() has accepted the same bytes. Every accessor stays
    /// bounds-checked (out of range reads give 0), so even unchecked bytes are read safely.
    explicit ethernet_view(byte_span bytes) noexcept : bytes_(clamp_subspan(bytes, 0, header_length)) {}

    /// Needs 14 bytes; else truncated_link_header.
    static result<ethernet_view> parse(byte_span bytes) noexcept {
        if (bytes.size() < header_length) return anomaly::truncated_link_header;
        return ethernet_view(bytes);
    }

    mac_address destination() const noexcept { return load_mac(bytes_, 0); }
    mac_address source() const noexcept { return load_mac(bytes_, 6); }
    /// EtherType (host order); <= 1500 means an 802.3 length field.
    std::uint16_t ether_type() const noexcept { return load_be16(bytes_, 12); }

private:
    byte_span bytes_;
};

}  // namespace pktscope
