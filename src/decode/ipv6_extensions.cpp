#include "pktscope/ipv6.hpp"

namespace pktscope {

ipv6_extension_chain parse_ipv6_extensions(std::uint8_t first_next_header, byte_span payload,
                                           anomaly_set& anomalies) noexcept {
    ipv6_extension_chain chain;
    std::uint8_t next = first_next_header;
    std::size_t offset = 0;
    while (is_ipv6_extension(next)) {
        if (chain.count == max_ipv6_extensions) {
            anomalies.add(anomaly::ipv6_extension_limit_exceeded);
            chain.complete = false;
            break;
        }
        if (!has_bytes(payload, offset, 2)) {
            anomalies.add(anomaly::truncated_ipv6_extension);
            chain.complete = false;
            break;
        }
        const std::uint8_t following = load_u8(payload, offset);
        const std::uint8_t len_field = load_u8(payload, offset + 1);
        std::size_t length = 0;
        if (next == ip_protocol::ipv6_frag) {
            length = 8;  // RFC 8200 4.5: fixed size, the length octet is reserved
        } else if (next == ip_protocol::ah) {
            length = (std::size_t{len_field} + 2) * 4;  // RFC 4302 2.2: 32-bit words minus 2
        } else {
            length = (std::size_t{len_field} + 1) * 8;  // RFC 8200 4.3: 8-octet units, minus 1
        }
        if (!has_bytes(payload, offset, length)) {
            anomalies.add(anomaly::truncated_ipv6_extension);
            chain.complete = false;
            break;
        }
        if (next == ip_protocol::ipv6_frag) {
            const std::uint16_t off_flags = load_be16(payload, offset + 2);
            chain.has_fragment = true;
            chain.fragment_offset = static_cast<std::uint16_t>(off_flags >> 3);
            chain.more_fragments = (off_flags & 1U) != 0;
            chain.fragment_identification = load_be32(payload, offset + 4);
        }
        chain.headers[chain.count++] = {next, static_cast<std::uint16_t>(length)};
        offset += length;
        next = following;
    }
    chain.upper_protocol = next;
    chain.upper_offset = static_cast<std::uint32_t>(offset);
    return chain;
}

}  // namespace pktscope
