// The decoder's driver: link layer -> VLAN tags -> IPv4/IPv6 -> TCP/UDP/ICMP -> DNS.
//
// Lengths are kept distinct on purpose: the captured bytes (caplen), the length on the wire
// (wirelen) and the lengths the headers declare. Checksums are verified only when every byte
// they cover was captured and the packet is not a fragment.
#include "pktscope/decode.hpp"

namespace pktscope {
namespace {

constexpr std::uint16_t dns_port = 53;
constexpr std::uint16_t mdns_port = 5353;

class decoder {
public:
    decoder(const frame& f, decoded_packet& p, const decode_options& o) noexcept
        : frame_(f), p_(p), options_(o), whole_capture_(f.caplen >= f.wirelen) {}

    void run() noexcept {
        if (!whole_capture_) p_.anomalies.add(anomaly::capture_truncated);
        link_layer(frame_.data);
    }

private:
    void link_layer(byte_span bytes) noexcept {
        switch (frame_.linktype) {
            case linktype::en10mb: {
                const auto eth = ethernet_view::parse(bytes);
                if (!eth) return p_.anomalies.add(eth.error());
                // Built in place from the span: copying the parsed view out of its result went
                // through a 16-byte load the CPU cannot forward from the two 8-byte stores
                // before it (a ~15-cycle stall per layer, perf annotate on decode_bench).
                p_.ethernet.emplace(bytes);
                return ether_payload(eth->ether_type(), bytes.subspan(ethernet_view::header_length));
            }
            case linktype::linux_sll:
            case linktype::linux_sll2: {
                const bool v2 = frame_.linktype == linktype::linux_sll2;
                const auto sll = v2 ? linux_sll_view::parse_v2(bytes) : linux_sll_view::parse_v1(bytes);
                if (!sll) return p_.anomalies.add(sll.error());
                p_.sll.emplace(*sll);
                return ether_payload(sll->protocol, bytes.subspan(sll->header_length()));
            }
            case linktype::null:
            case linktype::loop: {
                if (bytes.size() < 4) return p_.anomalies.add(anomaly::truncated_link_header);
                // NULL stores the family in the capturing host's byte order; accept both.
                std::uint32_t family = frame_.linktype == linktype::loop ? load_be32(bytes, 0)
                                                                         : load_le32(bytes, 0);
                if (family > 0xffffU) family = __builtin_bswap32(family);
                p_.loopback_family = family;
                const byte_span rest = bytes.subspan(4);
                if (family == 2) return network(ether_type::ipv4, rest);
                // AF_INET6 is 10 (Linux), 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS).
                if (family == 10 || family == 24 || family == 28 || family == 30)
                    return network(ether_type::ipv6, rest);
                return;
            }
            case linktype::raw:
            case linktype::raw_dlt12:
            case linktype::raw_dlt14: {
                const std::uint8_t version = static_cast<std::uint8_t>(load_u8(bytes, 0) >> 4);
                if (bytes.empty()) return p_.anomalies.add(anomaly::truncated_link_header);
                if (version == 6) return network(ether_type::ipv6, bytes);
                return network(ether_type::ipv4, bytes);
            }
            case linktype::ipv4:
                return network(ether_type::ipv4, bytes);
            case linktype::ipv6:
                return network(ether_type::ipv6, bytes);
            default:
                return p_.anomalies.add(anomaly::unsupported_linktype);
        }
    }

    // EtherType-dispatched payload: follows up to max_vlan_tags tags first.
    void ether_payload(std::uint16_t type, byte_span bytes) noexcept {
        while (is_vlan_tpid(type)) {
            if (p_.vlan_count == max_vlan_tags) return p_.anomalies.add(anomaly::vlan_depth_exceeded);
            const auto tag = parse_vlan_tag(bytes, type);
            if (!tag) return p_.anomalies.add(tag.error());
            p_.vlan_tags[p_.vlan_count++] = *tag;
            type = tag->ether_type;
            bytes = bytes.subspan(4);
        }
        if (type <= ether_type::max_8023_length) return;  // 802.3 length: LLC, not decoded
        network(type, bytes);
    }

    void network(std::uint16_t type, byte_span bytes) noexcept {
        p_.ether_type = type;
        if (type == ether_type::ipv4) return ipv4(bytes);
        if (type == ether_type::ipv6) return ipv6(bytes);
    }

    void ipv4(byte_span bytes) noexcept {
        const auto ip = ipv4_view::parse(bytes);
        if (!ip) return p_.anomalies.add(ip.error());
        p_.ipv4.emplace(bytes);  // in place, see link_layer()
        p_.ipv4_checksum.value = ip->header_checksum();
        const std::size_t header_length = ip->header_length();
        if (ip->ihl() < 5) return p_.anomalies.add(anomaly::bad_ipv4_ihl);
        if (header_length > bytes.size()) return p_.anomalies.add(anomaly::truncated_ipv4_header);
        if (options_.verify_checksums) {
            p_.ipv4_checksum = verify_checksum(bytes.first(header_length), 10, 0, false);
            if (p_.ipv4_checksum.status == checksum_status::bad)
                p_.anomalies.add(anomaly::bad_ipv4_checksum);
        }
        check_ipv4_options(ip->options());

        const std::size_t total = ip->total_length();
        std::size_t end = total;
        if (total == 0) {
            p_.anomalies.add(anomaly::ipv4_total_length_zero);
            end = bytes.size();
        } else if (total < header_length) {
            return p_.anomalies.add(anomaly::bad_ipv4_total_length);
        } else if (total > bytes.size()) {
            end = bytes.size();
            // A frame captured whole was that short on the wire: the header overstates the
            // length, and the bytes that exist are the packet (as tshark counts tcp.len).
            if (whole_capture_) p_.anomalies.add(anomaly::ipv4_total_length_exceeds_capture);
        }
        const bool use_end = total == 0 || (total > end && whole_capture_);
        const std::size_t declared = (use_end ? end : total) - header_length;
        p_.ip_payload = bytes.subspan(header_length, end - header_length);
        p_.ip_payload_length = static_cast<std::uint32_t>(declared);
        p_.ip_protocol = ip->protocol();
        p_.fragment = ip->is_fragment();
        p_.later_fragment = ip->fragment_offset() != 0;
        if (p_.later_fragment) return;

        transport(p_.ip_protocol, p_.ip_payload, p_.ip_payload_length);
    }

    void check_ipv4_options(byte_span options) noexcept {
        std::size_t i = 0;
        while (i < options.size()) {
            const std::uint8_t kind = load_u8(options, i);
            if (kind == 0) return;  // End of Option List
            if (kind == 1) {        // No Operation
                ++i;
                continue;
            }
            const std::size_t length = load_u8(options, i + 1);
            if (i + 1 >= options.size() || length < 2 || !has_bytes(options, i, length))
                return p_.anomalies.add(anomaly::ipv4_option_overrun);
            i += length;
        }
    }

    void ipv6(byte_span bytes) noexcept {
        const auto ip = ipv6_view::parse(bytes);
        if (!ip) return p_.anomalies.add(ip.error());
        p_.ipv6.emplace(bytes);  // in place, see link_layer()
        const std::size_t available = bytes.size() - ipv6_view::header_length;
        std::size_t declared = ip->payload_length();
        std::size_t end = declared;
        if (declared == 0) {
            // Jumbograms (RFC 2675) are not decoded; on a capture this means offload.
            p_.anomalies.add(anomaly::ipv6_payload_length_zero);
            end = declared = available;
        } else if (declared > available) {
            end = available;
            // As for IPv4: a frame captured whole carries no more than its bytes.
            if (whole_capture_) {
                p_.anomalies.add(anomaly::ipv6_payload_length_exceeds_capture);
                declared = available;
            }
        }
        const byte_span payload = bytes.subspan(ipv6_view::header_length, end);
        const ipv6_extension_chain chain =
            parse_ipv6_extensions(ip->next_header(), payload, p_.anomalies);
        p_.ipv6_extensions = chain;
        p_.ip_protocol = chain.upper_protocol;
        pseudo_destination_ = final_destination(*ip, payload, chain);
        if (!chain.complete) return;
        p_.ip_payload = payload.subspan(chain.upper_offset);
        p_.ip_payload_length =
            static_cast<std::uint32_t>(declared > chain.upper_offset ? declared - chain.upper_offset : 0);
        p_.fragment = chain.has_fragment;
        p_.later_fragment = chain.has_fragment && chain.fragment_offset != 0;
        if (p_.later_fragment) return;

        transport(p_.ip_protocol, p_.ip_payload, p_.ip_payload_length);
    }

    // The destination the upper-layer checksum covers (RFC 8200 8.1): with a Routing header
    // whose Segments Left is not 0, the final destination is in the header (the last address
    // of Type 0, the home address of Type 2, Segment List[0] of an SRH, RFC 8754 2);
    // otherwise the fixed header's destination.
    static ipv6_address final_destination(const ipv6_view& ip, byte_span payload,
                                          const ipv6_extension_chain& chain) noexcept {
        std::size_t offset = 0;
        for (std::size_t i = 0; i < chain.count; ++i) {
            const ipv6_extension& ext = chain.headers[i];
            if (ext.type == ip_protocol::ipv6_route && load_u8(payload, offset + 3) != 0) {
                const std::uint8_t routing_type = load_u8(payload, offset + 2);
                const std::size_t addresses = (std::size_t{ext.length} - 8) / 16;
                if (routing_type == 0 && addresses != 0 &&
                    has_bytes(payload, offset + 8 + 16 * (addresses - 1), 16))
                    return load_ipv6(payload, offset + 8 + 16 * (addresses - 1));
                if ((routing_type == 2 || routing_type == 4) && addresses != 0 &&
                    has_bytes(payload, offset + 8, 16))
                    return load_ipv6(payload, offset + 8);
            }
            offset += ext.length;
        }
        return ip.destination();
    }

    // True when every byte of the upper-layer message was captured and it is not a fragment.
    bool can_verify(byte_span l4, std::uint32_t l4_length) const noexcept {
        return options_.verify_checksums && !p_.fragment && l4.size() >= l4_length;
    }

    // A bad TCP/UDP sum may be one the sender's NIC was to fill in: either the partial
    // pseudo-header sum Linux leaves for CHECKSUM_PARTIAL, or any sum on an outgoing frame.
    void classify_bad(checksum_verdict& v, std::uint16_t pseudo, anomaly bad) noexcept {
        if (v.status != checksum_status::bad) return;
        const bool outgoing = p_.sll && p_.sll->packet_type == sll_packet_type::outgoing;
        if (v.value == pseudo || outgoing) v.status = checksum_status::offloaded;
        else p_.anomalies.add(bad);
    }

    // Pseudo-header sum (RFC 9293 3.1 / RFC 8200 8.1) of this packet's IP addresses.
    std::uint16_t pseudo_sum(std::uint8_t protocol, std::uint32_t length) const noexcept {
        if (p_.ipv6) return pseudo_header_sum(p_.ipv6->source(), pseudo_destination_, protocol, length);
        return pseudo_header_sum(p_.ipv4->source(), p_.ipv4->destination(), protocol, length);
    }

    void transport(std::uint8_t protocol, byte_span l4, std::uint32_t l4_length) noexcept {
        switch (protocol) {
            case ip_protocol::tcp: return tcp(l4, l4_length);
            case ip_protocol::udp: return udp(l4, l4_length);
            case ip_protocol::icmp:
                if (p_.ipv4) icmp(l4, l4_length, false);
                return;
            case ip_protocol::icmpv6:
                if (p_.ipv6) icmp(l4, l4_length, true);
                return;
            default: return;
        }
    }

    void tcp(byte_span l4, std::uint32_t l4_length) noexcept {
        const auto seg = tcp_view::parse(l4);
        if (!seg) return p_.anomalies.add(seg.error());
        p_.tcp.emplace(l4);  // in place, see link_layer()
        p_.l4_checksum.value = seg->checksum();
        const std::size_t header_length = seg->header_length();
        if (seg->data_offset() < 5 || header_length > l4_length)
            return p_.anomalies.add(anomaly::bad_tcp_data_offset);
        // No option bytes (every minimum-size segment) leaves tcp_opts as reset: skip the call.
        const byte_span option_bytes = seg->options();
        if (header_length > l4.size()) {
            p_.anomalies.add(anomaly::truncated_tcp_header);
            anomaly_set ignored;  // options cut by the snapshot are not malformed
            if (!option_bytes.empty()) p_.tcp_opts = parse_tcp_options(option_bytes, ignored);
        } else if (!option_bytes.empty()) {
            p_.tcp_opts = parse_tcp_options(option_bytes, p_.anomalies);
        }
        p_.payload = clamp_subspan(l4, header_length);
        p_.payload_length = static_cast<std::uint32_t>(l4_length - header_length);
        if (can_verify(l4, l4_length)) {
            const std::uint16_t pseudo = pseudo_sum(ip_protocol::tcp, l4_length);
            p_.l4_checksum = verify_checksum(l4.first(l4_length), 16, pseudo, false);
            classify_bad(p_.l4_checksum, pseudo, anomaly::bad_tcp_checksum);
        }
        const bool dns_port_used = seg->source_port() == dns_port || seg->destination_port() == dns_port;
        // DNS over TCP (RFC 1035 4.2.2): decoded here when one whole message fills the segment.
        if (options_.decode_dns && dns_port_used && p_.payload.size() >= 2 + dns_header_length &&
            load_be16(p_.payload, 0) == p_.payload.size() - 2)
            dns(p_.payload.subspan(2), true);
    }

    void udp(byte_span l4, std::uint32_t l4_length) noexcept {
        const auto dgram = udp_view::parse(l4);
        if (!dgram) return p_.anomalies.add(dgram.error());
        p_.udp.emplace(l4);  // in place, see link_layer()
        p_.l4_checksum.value = dgram->checksum();
        const std::size_t length = dgram->length();
        // A first fragment carries the UDP length of the whole datagram, longer than the
        // fragment: that is no error (the payload is then only partly here).
        const bool length_ok =
            length >= udp_view::header_length && (length <= l4_length || p_.fragment);
        std::size_t effective = length;
        if (!length_ok) {
            p_.anomalies.add(anomaly::bad_udp_length);
            effective = length < udp_view::header_length ? udp_view::header_length : l4_length;
        }
        p_.payload = clamp_subspan(l4, udp_view::header_length, effective - udp_view::header_length);
        p_.payload_length = static_cast<std::uint32_t>(effective - udp_view::header_length);
        if (dgram->checksum() == 0 && p_.ipv4) {
            // RFC 768: zero means the sender computed none; stays unverified.
        } else if (length_ok && can_verify(l4, static_cast<std::uint32_t>(length))) {
            // The pseudo-header carries the UDP length field (RFC 768), not the IP length.
            const std::uint16_t pseudo = pseudo_sum(ip_protocol::udp, static_cast<std::uint32_t>(length));
            p_.l4_checksum = verify_checksum(l4.first(length), 6, pseudo, true);
            if (dgram->checksum() == 0) {  // IPv6 forbids it (RFC 8200 8.1)
                p_.l4_checksum.status = checksum_status::bad;
                p_.anomalies.add(anomaly::udp_zero_checksum_ipv6);
            } else {
                classify_bad(p_.l4_checksum, pseudo, anomaly::bad_udp_checksum);
            }
        }
        const std::uint16_t sport = dgram->source_port(), dport = dgram->destination_port();
        if (options_.decode_dns && (sport == dns_port || dport == dns_port || sport == mdns_port ||
                                    dport == mdns_port))
            dns(p_.payload, false);
    }

    void icmp(byte_span l4, std::uint32_t l4_length, bool v6) noexcept {
        const auto msg = icmp_view::parse(l4);
        if (!msg) return p_.anomalies.add(msg.error());
        (v6 ? p_.icmpv6 : p_.icmp) = *msg;
        p_.l4_checksum.value = msg->checksum();
        if (can_verify(l4, l4_length)) {
            // ICMPv6 covers a pseudo-header (RFC 4443 2.3); ICMPv4 does not (RFC 792).
            const std::uint16_t pseudo = v6 ? pseudo_sum(ip_protocol::icmpv6, l4_length) : 0;
            p_.l4_checksum = verify_checksum(l4.first(l4_length), 2, pseudo, false);
            if (p_.l4_checksum.status == checksum_status::bad) {
                if (p_.sll && p_.sll->packet_type == sll_packet_type::outgoing)
                    p_.l4_checksum.status = checksum_status::offloaded;
                else
                    p_.anomalies.add(v6 ? anomaly::bad_icmpv6_checksum : anomaly::bad_icmp_checksum);
            }
        }
        const bool error = v6 ? icmpv6_is_error(msg->type()) : icmpv4_is_error(msg->type());
        if (error) p_.quote = parse_icmp_quote(l4.first(l4.size() < l4_length ? l4.size() : l4_length), v6);
        p_.payload = clamp_subspan(l4, 8);
        p_.payload_length = l4_length > 8 ? l4_length - 8 : 0;
    }

    void dns(byte_span message, bool over_tcp) noexcept {
        const auto msg = dns_message::parse(message);
        const bool whole = p_.payload.size() >= p_.payload_length;
        if (!msg) {
            if (whole) p_.anomalies.add(msg.error());
            return;
        }
        // A message cut by the snapshot length is not malformed: keep its anomalies out.
        anomaly_set found;
        p_.dns = inspect_dns(*msg, whole ? p_.anomalies : found);
        p_.dns->over_tcp = over_tcp;
    }

    const frame& frame_;
    decoded_packet& p_;
    const decode_options& options_;
    const bool whole_capture_;
    ipv6_address pseudo_destination_{};  // set by ipv6(): the checksums' final destination
};

// Resets every member of `p` to its default, member by member. `p = decoded_packet{}` does
// the same in one statement, but GCC turns that 552-byte store into `rep stos`, which cost
// about 15 ns per packet on the benchmark machine: more than decoding a minimum-size frame.
// Optionals only need their engaged flag cleared (their storage is unobservable then).
void reset_packet(decoded_packet& p) noexcept {
    // A new member of decoded_packet must be reset here too; this fails until it is.
    static_assert(sizeof(decoded_packet) == 552 || sizeof(void*) != 8,
                  "decoded_packet changed: reset the new member in reset_packet()");
    p.ethernet.reset();
    p.sll.reset();
    p.loopback_family.reset();
    p.vlan_tags = {};
    p.vlan_count = 0;
    p.ether_type = 0;
    p.ipv4.reset();
    p.ipv4_checksum = {};
    p.ipv6.reset();
    p.ipv6_extensions = {};
    p.ip_protocol = 0;
    p.ip_payload = {};
    p.ip_payload_length = 0;
    p.later_fragment = false;
    p.fragment = false;
    p.tcp.reset();
    p.tcp_opts = {};
    p.udp.reset();
    p.icmp.reset();
    p.icmpv6.reset();
    p.quote.reset();
    p.l4_checksum = {};
    p.payload = {};
    p.payload_length = 0;
    p.dns.reset();
    p.anomalies = {};
}

}  // namespace

void decode(const frame& f, decoded_packet& out, const decode_options& options) noexcept {
    reset_packet(out);
    decoder(f, out, options).run();
}

}  // namespace pktscope
