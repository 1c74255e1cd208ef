// ipv4.hpp and the IPv4 part of decode(): header fields (RFC 791 3.1), options skipped,
// fragments (only the first carries the transport header), Ethernet padding trimmed to the
// total length, and total length 0 read as segmentation offload.
//
// Byte arrays checked with tshark 4.0 (tests/unit/cases_to_pcap.py; ip.check_checksum on,
// ip.defragment off): the expected values are tshark's ip.* fields.
#include "pktscope/ipv4.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit_support.hpp"

namespace pktscope::test {
namespace {

constexpr packet_case ipv4_udp_dscp_ef_ecn_ect1_ttl_57{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 b9 00 20 be ef 40 00 39 11 95 ed c0 00 02 01 c6 33 64 02"  // IPv4: tos 0xb9, id 0xbeef, DF,
                                                                   // ttl 57, udp
    "80 e8 00 09 00 0c cd e6"                                      // UDP
    "61 62 63 64"};                                                // payload "abcd"

constexpr packet_case ipv4_reserved_flag_set{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 20 00 01 80 00 40 11 0e 95 c0 00 02 01 c6 33 64 02"  // IPv4: flags 0x8 (reserved bit)
    "80 e8 00 09 00 0c cd e6"                                      // UDP
    "61 62 63 64"};                                                // payload

constexpr packet_case ipv4_with_nop_and_record_route_options{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "47 00 00 27 00 02 40 00 40 11 08 78 c0 00 02 01 c6 33 64 02"  // IPv4: IHL 7
    "01 07 07 04 cb 00 71 09"  // options: NOP, record route 203.0.113.9
    "80 e9 cf 08 00 0b d1 34"  // UDP
    "78 79 7a"};               // payload

constexpr packet_case ipv4_with_router_alert_option{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "46 00 00 20 00 03 40 00 40 11 b9 8e c0 00 02 01 c6 33 64 02"  // IPv4: IHL 6
    "94 04 00 00"                                                  // option: router alert
    "80 ea cf 08 00 08 c3 b3"};                                    // UDP

constexpr packet_case ipv4_first_fragment_of_udp_to_port_53{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 24 42 42 20 00 40 11 2c 50 c0 00 02 01 c6 33 64 02"  // IPv4: id 0x4242, MF, offset 0
    "9c 40 00 35 00 30 f9 4f"    // UDP header: length 48 (whole datagram)
    "00 01 02 03 04 05 06 07"};  // first 8 data bytes

constexpr packet_case ipv4_last_fragment_offset_16{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 34 42 42 00 02 40 11 4c 3e c0 00 02 01 c6 33 64 02"  // IPv4: id 0x4242, offset 2 (16
                                                                   // bytes)
    "08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19 1a 1b"  // remaining 32 data bytes, no
                                                                   // UDP header
    "1c 1d 1e 1f 20 21 22 23 24 25 26 27"};

constexpr packet_case ipv4_tcp_ack_with_ethernet_padding{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 28 00 07 40 00 40 06 4e 92 c0 00 02 01 c6 33 64 02"  // IPv4: total length 40
    "00 16 c3 50 00 00 00 01 00 00 00 01 50 10 00 53 ff e1 00 00"  // TCP
    "00 00 00 00 00 00"};                                          // 6 bytes of Ethernet padding

constexpr packet_case ipv4_total_length_zero_tso_segment{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 00 00 08 40 00 40 06 4e b9 c0 00 02 01 c6 33 64 02"  // IPv4: total length 0
                                                                   // (segmentation offload)
    "9c 4a 13 89 00 00 00 01 00 00 00 01 50 18 01 f6 ec b5 00 00"  // TCP: checksum = pseudo-header
                                                                   // sum only
    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"  // 100 bytes payload
    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"};

constexpr packet_case ipv4_header_checksum_0x1234_wrong{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 1d 00 09 40 00 40 11 12 34 c0 00 02 01 c6 33 64 02"  // IPv4: header checksum 0x1234
                                                                   // (wrong)
    "80 eb 00 09 00 09 21 b0"                                      // UDP
    "71"};                                                         // payload

using strings = std::vector<std::string>;

TEST(Ipv4View, EveryHeaderField) {
    const auto d = decode_case(ipv4_udp_dscp_ef_ecn_ect1_ttl_57);
    ASSERT_TRUE(d->ipv4);
    const ipv4_view& ip = *d->ipv4;
    EXPECT_EQ(ip.version(), 4);
    EXPECT_EQ(ip.ihl(), 5);
    EXPECT_EQ(ip.header_length(), 20u);
    EXPECT_EQ(ip.dscp(), 46);  // tshark: ip.dsfield.dscp 46 (EF)
    EXPECT_EQ(ip.ecn(), 1);    // ip.dsfield.ecn 1 (ECT(1))
    EXPECT_EQ(ip.total_length(), 32);
    EXPECT_EQ(ip.identification(), 0xbeef);
    EXPECT_FALSE(ip.reserved_flag());
    EXPECT_TRUE(ip.df());
    EXPECT_FALSE(ip.mf());
    EXPECT_EQ(ip.fragment_offset(), 0);
    EXPECT_FALSE(ip.is_fragment());
    EXPECT_EQ(ip.ttl(), 57);
    EXPECT_EQ(ip.protocol(), ip_protocol::udp);
    EXPECT_EQ(ip.header_checksum(), 0x95ed);
    EXPECT_EQ(text_of(ip.source()), "192.0.2.1");
    EXPECT_EQ(ip.source().value, 0xc0000201u);
    EXPECT_EQ(text_of(ip.destination()), "198.51.100.2");
    EXPECT_TRUE(ip.options().empty());
    EXPECT_EQ(ip.bytes().size(), 32u);

    EXPECT_EQ(d->ether_type, ether_type::ipv4);
    EXPECT_EQ(d->ipv4_checksum.status, checksum_status::ok);
    EXPECT_EQ(d->ipv4_checksum.value, 0x95ed);
    EXPECT_EQ(d->ip_protocol, ip_protocol::udp);
    EXPECT_EQ(d->ip_payload.size(), 12u);
    EXPECT_EQ(d->ip_payload_length, 12u);
    EXPECT_FALSE(d->fragment);
    ASSERT_TRUE(d->udp);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(Ipv4View, ReservedFlag) {
    const auto d = decode_case(ipv4_reserved_flag_set);
    ASSERT_TRUE(d->ipv4);
    EXPECT_TRUE(d->ipv4->reserved_flag());  // tshark: ip.flags.rb 1
    EXPECT_FALSE(d->ipv4->df());
    EXPECT_FALSE(d->ipv4->mf());
    EXPECT_EQ(d->ipv4_checksum.status, checksum_status::ok);
}

TEST(Ipv4Options, SkippedToTheTransportHeader) {
    const auto d = decode_case(ipv4_with_nop_and_record_route_options);
    ASSERT_TRUE(d->ipv4);
    EXPECT_EQ(d->ipv4->ihl(), 7);
    EXPECT_EQ(d->ipv4->header_length(), 28u);  // tshark: ip.hdr_len 28
    const byte_span options = d->ipv4->options();
    ASSERT_EQ(options.size(), 8u);
    EXPECT_EQ(load_u8(options, 0), 1);                        // NOP
    EXPECT_EQ(load_u8(options, 1), 7);                        // record route
    EXPECT_EQ(d->ipv4_checksum.status, checksum_status::ok);  // covers the options
    ASSERT_TRUE(d->udp);
    EXPECT_EQ(d->udp->source_port(), 33001);
    EXPECT_EQ(d->udp->destination_port(), 53000);
    EXPECT_EQ(d->udp->length(), 11);
    EXPECT_EQ(d->payload.size(), 3u);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(Ipv4Options, RouterAlert) {
    const auto d = decode_case(ipv4_with_router_alert_option);
    ASSERT_TRUE(d->ipv4);
    EXPECT_EQ(d->ipv4->header_length(), 24u);
    ASSERT_TRUE(d->udp);
    EXPECT_EQ(d->udp->source_port(), 33002);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(Ipv4Fragments, FirstFragmentCarriesTheUdpHeader) {
    const auto d = decode_case(ipv4_first_fragment_of_udp_to_port_53);
    ASSERT_TRUE(d->ipv4);
    EXPECT_TRUE(d->ipv4->mf());
    EXPECT_EQ(d->ipv4->fragment_offset(), 0);
    EXPECT_TRUE(d->ipv4->is_fragment());
    EXPECT_TRUE(d->fragment);
    EXPECT_FALSE(d->later_fragment);
    ASSERT_TRUE(d->udp);
    EXPECT_EQ(d->udp->source_port(), 40000);
    EXPECT_EQ(d->udp->length(), 48);  // tshark: udp.length 48, the whole datagram
    EXPECT_EQ(d->payload_length, 40u);
    EXPECT_EQ(d->payload.size(), 8u);
    // tshark: udp.checksum.status 2 (unverified) for a fragment.
    EXPECT_EQ(d->l4_checksum.status, checksum_status::unverified);
    // Not a malformed datagram, and 8 bytes of a DNS message are no DNS header to judge.
    EXPECT_FALSE(d->dns);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(Ipv4Fragments, LaterFragmentHasNoTransportHeader) {
    const auto d = decode_case(ipv4_last_fragment_offset_16);
    ASSERT_TRUE(d->ipv4);
    EXPECT_FALSE(d->ipv4->mf());
    EXPECT_EQ(d->ipv4->fragment_offset(), 2);  // tshark: ip.frag_offset 2 (16 bytes)
    EXPECT_EQ(d->ipv4->fragment_offset_bytes(), 16u);
    EXPECT_TRUE(d->fragment);
    EXPECT_TRUE(d->later_fragment);
    EXPECT_EQ(d->ip_protocol, ip_protocol::udp);
    EXPECT_EQ(d->ip_payload.size(), 32u);
    EXPECT_FALSE(d->udp);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::unverified);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(Ipv4Length, EthernetPaddingIsTrimmedToTheTotalLength) {
    const auto d = decode_case(ipv4_tcp_ack_with_ethernet_padding);
    EXPECT_EQ(d.f.caplen, 60u);
    ASSERT_TRUE(d->ipv4);
    EXPECT_EQ(d->ipv4->total_length(), 40);
    EXPECT_EQ(d->ipv4->bytes().size(), 46u);  // the view itself is not trimmed
    EXPECT_EQ(d->ip_payload.size(), 20u);
    ASSERT_TRUE(d->tcp);
    EXPECT_EQ(d->payload_length, 0u);  // tshark: tcp.len 0
    EXPECT_TRUE(d->payload.empty());
    // The six padding bytes are outside the sum: tshark agrees it is correct (0xffe1).
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(Ipv4Length, TotalLengthZeroIsSegmentationOffload) {
    const auto d = decode_case(ipv4_total_length_zero_tso_segment);
    ASSERT_TRUE(d->ipv4);
    EXPECT_EQ(d->ipv4->total_length(), 0);
    EXPECT_EQ(d->ip_payload.size(), 120u);  // from the capture (tshark: "presumed TSO", 140)
    EXPECT_EQ(d->ip_payload_length, 120u);
    ASSERT_TRUE(d->tcp);
    EXPECT_EQ(d->payload_length, 100u);
    // The sum holds only the pseudo-header, as Linux leaves it for the NIC: tshark calls it
    // bad (should be 0x1166); the decoder names it.
    EXPECT_EQ(d->l4_checksum.status, checksum_status::offloaded);
    EXPECT_EQ(d->l4_checksum.value, 0xecb5);
    EXPECT_EQ(d->ipv4_checksum.status, checksum_status::ok);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{"ipv4_total_length_zero"});
}

TEST(Ipv4Length, SnapshotCutKeepsTheDeclaredLength) {
    const auto d = decode_cut(ipv4_udp_dscp_ef_ecn_ect1_ttl_57, 14 + 20 + 8 + 2);
    ASSERT_TRUE(d->ipv4);
    EXPECT_EQ(d->ip_payload_length, 12u);
    EXPECT_EQ(d->ip_payload.size(), 10u);
    ASSERT_TRUE(d->udp);
    EXPECT_EQ(d->payload_length, 4u);
    EXPECT_EQ(d->payload.size(), 2u);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::unverified);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{"capture_truncated"});
}

TEST(Ipv4Checksum, WrongHeaderChecksumWithTheExpectedValue) {
    const auto d = decode_case(ipv4_header_checksum_0x1234_wrong);
    EXPECT_EQ(d->ipv4_checksum.status, checksum_status::bad);
    EXPECT_EQ(d->ipv4_checksum.value, 0x1234);
    EXPECT_EQ(d->ipv4_checksum.expected, 0x4e90);  // tshark: "should be 0x4e90"
    ASSERT_TRUE(d->udp);                           // decoding goes on
    EXPECT_EQ(anomaly_names(d->anomalies), strings{"bad_ipv4_checksum"});
}

TEST(Ipv4View, ParseChecksLengthAndVersion) {
    auto bytes = from_hex("45 00 00 14 00 00 00 00 40 11 00 00 c0 00 02 01 c6 33 64 02");
    EXPECT_TRUE(ipv4_view::parse(bytes));
    EXPECT_EQ(ipv4_view::parse(byte_span(bytes).first(19)).error(), anomaly::truncated_ipv4_header);
    bytes[0] = std::byte{0x65};
    EXPECT_EQ(ipv4_view::parse(bytes).error(), anomaly::bad_ipv4_version);
}

TEST(Ipv4View, OptionsAreClampedToTheCapture) {
    // IHL 15 announces 40 option bytes; 2 were captured.
    const auto bytes =
        from_hex("4f 00 00 3c 00 00 00 00 40 11 00 00 c0 00 02 01 c6 33 64 02 01 01");
    EXPECT_EQ(ipv4_view::parse(bytes)->options().size(), 2u);
}

}  // namespace
}  // namespace pktscope::test
