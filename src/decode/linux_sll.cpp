#include "pktscope/linux_sll.hpp"

namespace pktscope {
namespace {

void copy_address(linux_sll_view& v, byte_span bytes, std::size_t offset) noexcept {
    const std::size_t n = v.address_length < 8 ? v.address_length : 8;
    for (std::size_t i = 0; i < n; ++i) v.address[i] = load_u8(bytes, offset + i);
}

}  // namespace

result<linux_sll_view> linux_sll_view::parse_v1(byte_span bytes) noexcept {
    // pkttype(2) arphrd(2) addrlen(2) addr(8) protocol(2)
    if (bytes.size() < v1_length) return anomaly::truncated_link_header;
    linux_sll_view v;
    v.version = 1;
    v.packet_type = load_be16(bytes, 0);
    v.arphrd_type = load_be16(bytes, 2);
    v.address_length = static_cast<std::uint8_t>(load_be16(bytes, 4) > 8 ? 8 : load_be16(bytes, 4));
    copy_address(v, bytes, 6);
    v.protocol = load_be16(bytes, 14);
    return v;
}

result<linux_sll_view> linux_sll_view::parse_v2(byte_span bytes) noexcept {
    // protocol(2) reserved(2) ifindex(4) arphrd(2) pkttype(1) addrlen(1) addr(8)
    if (bytes.size() < v2_length) return anomaly::truncated_link_header;
    linux_sll_view v;
    v.version = 2;
    v.protocol = load_be16(bytes, 0);
    v.interface_index = load_be32(bytes, 4);
    v.arphrd_type = load_be16(bytes, 8);
    v.packet_type = load_u8(bytes, 10);
    v.address_length = static_cast<std::uint8_t>(load_u8(bytes, 11) > 8 ? 8 : load_u8(bytes, 11));
    copy_address(v, bytes, 12);
    return v;
}

std::string_view linux_sll_view::direction() const noexcept {
    switch (packet_type) {
        case sll_packet_type::host: return "In";
        case sll_packet_type::broadcast: return "B";
        case sll_packet_type::multicast: return "M";
        case sll_packet_type::otherhost: return "P";
        case sll_packet_type::outgoing: return "Out";
        default: return "?";
    }
}

}  // namespace pktscope
