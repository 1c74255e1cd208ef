// ipv6.hpp and the IPv6 part of decode(): the fixed header (RFC 8200 3) and the bounded
// extension-header chain (RFC 8200 4: hop-by-hop, routing, fragment, destination options;
// AH, RFC 4302 2.2) up to the upper-layer protocol.
//
// Byte arrays checked with tshark 4.0 (tests/unit/cases_to_pcap.py; ipv6.defragment off):
// ipv6.tclass, ipv6.flow, ipv6.plen, ipv6.nxt, ipv6.hlim, ipv6.fraghdr.*, ah.spi, esp.spi,
// and the TCP/UDP checksums behind each chain verified as correct.
#include "pktscope/ipv6.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit_support.hpp"

namespace pktscope::test {
namespace {

constexpr packet_case ipv6_udp_traffic_class_b9_flow_12345{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II, type IPv6
    "6b 91 23 45 00 0c 11 ff 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6: tc 0xb9, flow 0x12345,
                                                                   // hlim 255
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "02 22 02 23 00 0c d8 43"  // UDP
    "64 68 63 70"};            // payload

constexpr packet_case ipv6_hop_by_hop_routing_destination_options_tcp{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II, type IPv6
    "60 00 00 00 00 3c 00 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6: next header 0
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "2b 00 01 04 00 00 00 00"                                      // hop-by-hop: next 43, PadN
    "3c 02 04 00 00 00 00 00 20 01 0d b8 00 00 00 00 00 00 00 00"  // routing: next 60, type 4
                                                                   // (SRH), 1 segment
    "00 00 00 02"
    "06 00 01 04 00 00 00 00"  // destination options: next 6, PadN
    "9c 40 01 bb 00 00 00 01 00 00 00 00 50 02 fd 20 b9 50 00 00"};  // TCP SYN

constexpr packet_case ipv6_authentication_header_tcp{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II, type IPv6
    "60 00 00 00 00 2c 33 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6: next header 51
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "06 04 00 00 00 00 10 00 00 00 00 01 00 01 02 03 04 05 06 07"  // AH: next 6, payload len 4 (24
                                                                   // bytes), SPI 0x1000
    "08 09 0a 0b"
    "9c 40 01 bb 00 00 00 01 00 00 00 00 50 02 fd 20 b9 50 00 00"};  // TCP SYN

constexpr packet_case ipv6_first_fragment_of_udp{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II, type IPv6
    "60 00 00 00 00 18 2c 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6: next header 44
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "11 00 00 01 de ad be ef"    // fragment: next 17, offset 0, M, id 0xdeadbeef
    "9c 40 00 35 00 30 8a 12"    // UDP header: length 48 (whole datagram)
    "00 01 02 03 04 05 06 07"};  // first 8 data bytes

constexpr packet_case ipv6_last_fragment_offset_16{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II, type IPv6
    "60 00 00 00 00 28 2c 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6: next header 44
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "11 00 00 10 de ad be ef"  // fragment: next 17, offset 2 (16 bytes), id 0xdeadbeef
    "08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19 1a 1b"  // remaining 32 bytes, no UDP
                                                                   // header
    "1c 1d 1e 1f 20 21 22 23 24 25 26 27"};

constexpr packet_case ipv6_esp{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II, type IPv6
    "60 00 00 00 00 18 32 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6: next header 50
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "00 00 20 00 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00 00"  // ESP: SPI 0x2000, seq 1,
                                                                   // encrypted
    "00 00 00 00"};

constexpr packet_case ipv6_destination_options_then_no_next_header{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II, type IPv6
    "60 00 00 00 00 08 3c 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6: next header 60
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "3b 00 01 04 00 00 00 00"};  // destination options: next 59

constexpr packet_case ipv6_nine_destination_options_headers{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II, type IPv6
    "60 00 00 00 00 48 3c 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6: next header 60
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "3c 00 01 04 00 00 00 00"    // destination options 1
    "3c 00 01 04 00 00 00 00"    // destination options 2
    "3c 00 01 04 00 00 00 00"    // destination options 3
    "3c 00 01 04 00 00 00 00"    // destination options 4
    "3c 00 01 04 00 00 00 00"    // destination options 5
    "3c 00 01 04 00 00 00 00"    // destination options 6
    "3c 00 01 04 00 00 00 00"    // destination options 7
    "3c 00 01 04 00 00 00 00"    // destination options 8
    "3b 00 01 04 00 00 00 00"};  // destination options 9

constexpr packet_case ipv6_eight_destination_options_headers_then_udp{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II, type IPv6
    "60 00 00 00 00 48 3c 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6: next header 60
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "3c 00 01 04 00 00 00 00"    // destination options 1
    "3c 00 01 04 00 00 00 00"    // destination options 2
    "3c 00 01 04 00 00 00 00"    // destination options 3
    "3c 00 01 04 00 00 00 00"    // destination options 4
    "3c 00 01 04 00 00 00 00"    // destination options 5
    "3c 00 01 04 00 00 00 00"    // destination options 6
    "3c 00 01 04 00 00 00 00"    // destination options 7
    "11 00 01 04 00 00 00 00"    // destination options 8
    "00 01 00 02 00 08 a4 66"};  // UDP

constexpr packet_case ipv6_hop_by_hop_longer_than_payload{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II, type IPv6
    "60 00 00 00 00 08 00 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6: payload length 8
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "3b 01 01 04 00 00 00 00"};  // hop-by-hop: length 1 (16 bytes)

constexpr packet_case ipv6_payload_length_zero_udp{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II, type IPv6
    "60 00 00 00 00 00 11 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6: payload length 0
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "a0 28 a4 10 00 0b 9b c7"  // UDP
    "61 62 63"};               // payload

constexpr packet_case ipv6_udp_with_four_trailing_bytes{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II, type IPv6
    "60 00 00 00 00 0a 11 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6: payload length 10
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "a0 28 a4 10 00 0a fe c9"  // UDP
    "61 62"                    // payload
    "ee ee ee ee"};            // trailer beyond the payload length

using strings = std::vector<std::string>;

std::vector<std::pair<int, int>> chain_of(const ipv6_extension_chain& chain) {
    std::vector<std::pair<int, int>> out;
    for (std::size_t i = 0; i < chain.count; ++i)
        out.emplace_back(chain.headers[i].type, chain.headers[i].length);
    return out;
}

TEST(Ipv6View, EveryFixedHeaderField) {
    const auto d = decode_case(ipv6_udp_traffic_class_b9_flow_12345);
    ASSERT_TRUE(d->ipv6);
    const ipv6_view& ip = *d->ipv6;
    EXPECT_EQ(ip.version(), 6);
    EXPECT_EQ(ip.traffic_class(), 0xb9);   // tshark: ipv6.tclass 0xb9
    EXPECT_EQ(ip.flow_label(), 0x12345u);  // ipv6.flow 0x012345
    EXPECT_EQ(ip.payload_length(), 12);
    EXPECT_EQ(ip.next_header(), ip_protocol::udp);
    EXPECT_EQ(ip.hop_limit(), 255);
    EXPECT_EQ(text_of(ip.source()), "2001:db8::1");
    EXPECT_EQ(text_of(ip.destination()), "2001:db8::2");
    EXPECT_EQ(d->ether_type, ether_type::ipv6);
    EXPECT_EQ(d->ipv6_extensions.count, 0);
    EXPECT_EQ(d->ip_protocol, ip_protocol::udp);
    EXPECT_EQ(d->ip_payload_length, 12u);
    ASSERT_TRUE(d->udp);
    EXPECT_EQ(d->udp->source_port(), 546);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(Ipv6Extensions, HopByHopRoutingDestinationOptionsThenTcp) {
    const auto d = decode_case(ipv6_hop_by_hop_routing_destination_options_tcp);
    const ipv6_extension_chain& chain = d->ipv6_extensions;
    EXPECT_EQ(chain_of(chain), (std::vector<std::pair<int, int>>{{0, 8}, {43, 24}, {60, 8}}));
    EXPECT_TRUE(chain.complete);
    EXPECT_FALSE(chain.has_fragment);
    EXPECT_EQ(chain.upper_protocol, ip_protocol::tcp);
    EXPECT_EQ(chain.upper_offset, 40u);
    EXPECT_EQ(d->ip_protocol, ip_protocol::tcp);
    EXPECT_EQ(d->ip_payload_length, 20u);
    ASSERT_TRUE(d->tcp);
    EXPECT_EQ(d->tcp->source_port(), 40000);
    EXPECT_EQ(d->tcp->destination_port(), 443);
    // The pseudo-header uses the fixed header's addresses and the upper-layer length (20).
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(Ipv6Extensions, AuthenticationHeaderLengthInFourOctetUnits) {
    const auto d = decode_case(ipv6_authentication_header_tcp);
    EXPECT_EQ(chain_of(d->ipv6_extensions), (std::vector<std::pair<int, int>>{{51, 24}}));
    EXPECT_EQ(d->ipv6_extensions.upper_protocol, ip_protocol::tcp);
    ASSERT_TRUE(d->tcp);
    EXPECT_EQ(d->tcp->destination_port(), 443);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(Ipv6Fragments, FirstFragmentCarriesTheUdpHeader) {
    const auto d = decode_case(ipv6_first_fragment_of_udp);
    const ipv6_extension_chain& chain = d->ipv6_extensions;
    EXPECT_EQ(chain_of(chain), (std::vector<std::pair<int, int>>{{44, 8}}));
    EXPECT_TRUE(chain.has_fragment);
    EXPECT_EQ(chain.fragment_offset, 0);
    EXPECT_TRUE(chain.more_fragments);
    EXPECT_EQ(chain.fragment_identification, 0xdeadbeefu);
    EXPECT_TRUE(d->fragment);
    EXPECT_FALSE(d->later_fragment);
    ASSERT_TRUE(d->udp);
    EXPECT_EQ(d->udp->length(), 48);  // tshark: udp.length 48, checksum status 2
    EXPECT_EQ(d->l4_checksum.status, checksum_status::unverified);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(Ipv6Fragments, LaterFragmentHasNoTransportHeader) {
    const auto d = decode_case(ipv6_last_fragment_offset_16);
    const ipv6_extension_chain& chain = d->ipv6_extensions;
    EXPECT_EQ(chain.fragment_offset, 2);  // tshark: ipv6.fraghdr.offset 2 (8-octet units)
    EXPECT_FALSE(chain.more_fragments);
    EXPECT_EQ(chain.fragment_identification, 0xdeadbeefu);
    EXPECT_TRUE(d->later_fragment);
    EXPECT_EQ(d->ip_protocol, ip_protocol::udp);
    EXPECT_EQ(d->ip_payload.size(), 32u);
    EXPECT_FALSE(d->udp);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(Ipv6Extensions, EspEndsTheChain) {
    const auto d = decode_case(ipv6_esp);
    EXPECT_EQ(d->ipv6_extensions.count, 0);
    EXPECT_TRUE(d->ipv6_extensions.complete);
    EXPECT_EQ(d->ip_protocol, ip_protocol::esp);
    EXPECT_EQ(d->ip_payload.size(), 24u);
    EXPECT_FALSE(d->tcp);
    EXPECT_FALSE(d->udp);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(Ipv6Extensions, NoNextHeader) {
    const auto d = decode_case(ipv6_destination_options_then_no_next_header);
    EXPECT_EQ(chain_of(d->ipv6_extensions), (std::vector<std::pair<int, int>>{{60, 8}}));
    EXPECT_EQ(d->ip_protocol, ip_protocol::ipv6_nonxt);
    EXPECT_EQ(d->ip_payload_length, 0u);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(Ipv6Extensions, EightHeadersAreFollowed) {
    const auto d = decode_case(ipv6_eight_destination_options_headers_then_udp);
    EXPECT_EQ(d->ipv6_extensions.count, max_ipv6_extensions);
    EXPECT_TRUE(d->ipv6_extensions.complete);
    EXPECT_EQ(d->ipv6_extensions.upper_offset, 64u);
    ASSERT_TRUE(d->udp);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(Ipv6Extensions, TheNinthIsOverTheCap) {
    const auto d = decode_case(ipv6_nine_destination_options_headers);
    EXPECT_EQ(d->ipv6_extensions.count, max_ipv6_extensions);
    EXPECT_FALSE(d->ipv6_extensions.complete);
    EXPECT_TRUE(d->ip_payload.empty());
    EXPECT_EQ(anomaly_names(d->anomalies), strings{"ipv6_extension_limit_exceeded"});
}

TEST(Ipv6Extensions, HeaderLongerThanThePayload) {
    const auto d = decode_case(ipv6_hop_by_hop_longer_than_payload);
    EXPECT_EQ(d->ipv6_extensions.count, 0);
    EXPECT_FALSE(d->ipv6_extensions.complete);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{"truncated_ipv6_extension"});
}

TEST(Ipv6Length, PayloadLengthZeroUsesTheCapture) {
    const auto d = decode_case(ipv6_payload_length_zero_udp);
    EXPECT_EQ(d->ipv6->payload_length(), 0);
    EXPECT_EQ(d->ip_payload_length, 11u);
    ASSERT_TRUE(d->udp);
    EXPECT_EQ(d->udp->length(), 11);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{"ipv6_payload_length_zero"});
}

TEST(Ipv6Length, BytesPastThePayloadLengthAreTrimmed) {
    // tshark: the 4 bytes are an Ethernet trailer ("Frame check sequence: 0xeeeeeeee").
    const auto d = decode_case(ipv6_udp_with_four_trailing_bytes);
    EXPECT_EQ(d->ip_payload.size(), 10u);
    ASSERT_TRUE(d->udp);
    ASSERT_EQ(d->payload.size(), 2u);
    EXPECT_EQ(load_u8(d->payload, 1), 'b');
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(Ipv6Extensions, DirectChainParse) {
    anomaly_set found;
    const ipv6_extension_chain none = parse_ipv6_extensions(ip_protocol::tcp, {}, found);
    EXPECT_EQ(none.count, 0);
    EXPECT_EQ(none.upper_protocol, ip_protocol::tcp);
    EXPECT_EQ(none.upper_offset, 0u);
    EXPECT_TRUE(none.complete);

    // Routing header, Hdr Ext Len 0: 8 bytes; the next-header byte alone is not enough.
    const auto one_byte = from_hex("06");
    const ipv6_extension_chain cut =
        parse_ipv6_extensions(ip_protocol::ipv6_route, one_byte, found);
    EXPECT_FALSE(cut.complete);
    EXPECT_EQ(anomaly_names(found), strings{"truncated_ipv6_extension"});
}

TEST(Ipv6Extensions, TypesTreatedAsExtensions) {
    for (int p : {0, 43, 44, 51, 60})
        EXPECT_TRUE(is_ipv6_extension(static_cast<std::uint8_t>(p))) << p;
    for (int p : {6, 17, 50, 58, 59})
        EXPECT_FALSE(is_ipv6_extension(static_cast<std::uint8_t>(p))) << p;
}

TEST(Ipv6View, ParseChecksLengthAndVersion) {
    std::vector<std::byte> bytes(40);
    bytes[0] = std::byte{0x60};
    EXPECT_TRUE(ipv6_view::parse(bytes));
    EXPECT_EQ(ipv6_view::parse(byte_span(bytes).first(39)).error(), anomaly::truncated_ipv6_header);
    bytes[0] = std::byte{0x40};
    EXPECT_EQ(ipv6_view::parse(bytes).error(), anomaly::bad_ipv6_version);
}

}  // namespace
}  // namespace pktscope::test
