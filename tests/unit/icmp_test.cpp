// icmp.hpp and the ICMP parts of decode(): ICMPv4 (RFC 792) and ICMPv6 (RFC 4443) type,
// code, echo id/sequence, checksums (ICMPv6 over a pseudo-header, ICMPv4 without), and the
// invoking packet quoted by error messages (its IP header and ports, v4 and v6).
//
// Byte arrays checked with tshark 4.0 (tests/unit/cases_to_pcap.py): icmp.type/code/ident/
// seq/mtu/checksum.status, icmpv6.*, and the quoted ip.src/udp.srcport/tcp.srcport/
// tcp.seq_raw tshark decodes inside the error.
#include "pktscope/icmp.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit_support.hpp"

namespace pktscope::test {
namespace {

constexpr packet_case icmp_echo_request_id_0x1234_seq_7{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 24 00 40 40 00 40 01 4e 62 c0 00 02 01 c6 33 64 02"  // IPv4, protocol 1
    "08 00 54 2f 12 34 00 07"    // ICMP: echo request, id 0x1234, seq 7
    "61 62 63 64 65 66 67 68"};  // data

constexpr packet_case icmp_echo_reply_id_0x1234_seq_7{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 24 00 41 40 00 40 01 4e 61 c6 33 64 02 c0 00 02 01"  // IPv4, protocol 1
    "00 00 5c 2f 12 34 00 07"                                      // ICMP: echo reply
    "61 62 63 64 65 66 67 68"};                                    // data

constexpr packet_case icmp_port_unreachable_quoting_udp{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 3d 00 42 40 00 40 01 4e 47 c6 33 64 02 c0 00 02 01"  // IPv4 198.51.100.2 > 192.0.2.1,
                                                                   // protocol 1
    "03 03 e9 52 00 00 00 00"                                      // ICMP: type 3 code 3
    "45 00 00 21 00 55 00 00 01 11 cd 40 c0 00 02 01 c6 33 64 02"  // quoted IPv4 192.0.2.1 >
                                                                   // 198.51.100.2, UDP
    "a0 28 82 9a 00 0d ac 04"                                      // quoted UDP 41000 > 33434
    "70 72 6f 62 65"};                                             // quoted data

constexpr packet_case icmp_time_exceeded_quoting_tcp_first_8_bytes{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 38 00 43 40 00 40 01 3c 7f cb 00 71 01 c0 00 02 01"  // IPv4 203.0.113.1 > 192.0.2.1
    "0b 00 52 fe 00 00 00 00"                                      // ICMP: type 11 code 0
    "45 00 00 3c 00 56 40 00 01 06 8d 2f c0 00 02 01 c6 33 64 02"  // quoted IPv4, TCP, total length
                                                                   // 60
    "9c 40 01 bb 01 02 03 04"};  // quoted TCP: 40000 > 443, seq 0x01020304

constexpr packet_case icmp_fragmentation_needed_mtu_1400{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 38 00 44 40 00 40 01 3c 7e cb 00 71 01 c0 00 02 01"  // IPv4
    "03 04 59 83 00 00 05 78"  // ICMP: type 3 code 4, next-hop MTU 1400
    "45 00 05 dc 00 57 40 00 3f 06 49 8e c0 00 02 01 c6 33 64 02"  // quoted IPv4
    "9c 40 01 bb 00 00 00 05"};                                    // quoted TCP

constexpr packet_case icmp_time_exceeded_quoting_ip_header_only{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                      // Ethernet II
    "45 00 00 30 00 45 40 00 40 01 3c 85 cb 00 71 01 c0 00 02 01"    // IPv4
    "0b 00 f4 ff 00 00 00 00"                                        // ICMP: type 11
    "45 00 00 64 00 58 40 00 01 11 8c fa c0 00 02 01 c6 33 64 02"};  // quoted IPv4 (UDP), no
                                                                     // transport bytes

constexpr packet_case icmp_reassembly_time_exceeded_quoting_later_fragment{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 38 00 46 40 00 40 01 3c 7c cb 00 71 01 c0 00 02 01"  // IPv4
    "0b 01 e4 ea 00 00 00 00"                                      // ICMP: type 11 code 1
    "45 00 00 1c 00 59 00 0a 01 11 cd 37 c0 00 02 01 c6 33 64 02"  // quoted IPv4, offset 80 bytes
    "01 02 03 04 05 06 07 08"};  // quoted fragment data, not a UDP header

constexpr packet_case icmp_echo_request_checksum_0x0bad_wrong{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 1d 00 47 40 00 40 01 4e 62 c0 00 02 01 c6 33 64 02"  // IPv4
    "08 00 0b ad 00 01 00 01"                                      // ICMP: checksum 0x0bad (wrong)
    "78"};                                                         // data

constexpr packet_case icmp_three_bytes{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 17 00 48 40 00 40 01 4e 67 c0 00 02 01 c6 33 64 02"  // IPv4
    "08 00 f7"};                                                   // ICMP: 3 bytes

constexpr packet_case icmpv6_echo_request_id_0x77_seq_3{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II
    "60 00 00 00 00 0c 3a 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6, next header 58
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "80 00 5f 03 00 77 00 03"  // ICMPv6 echo request
    "61 62 63 64"};            // data

constexpr packet_case icmpv6_port_unreachable_quoting_udp{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II
    "60 00 00 00 00 3d 3a 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6 2001:db8::2 > 2001:db8::1
    "00 00 00 02 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01"
    "01 04 32 1f 00 00 00 00"                                      // ICMPv6: type 1 code 4
    "60 00 00 00 00 0d 11 01 20 01 0d b8 00 00 00 00 00 00 00 00"  // quoted IPv6
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "a0 28 82 9a 00 0d 3c c7"  // quoted UDP 41000 > 33434
    "70 72 6f 62 65"};         // quoted data

constexpr packet_case icmpv6_time_exceeded_quoting_hop_by_hop_and_tcp{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II
    "60 00 00 00 00 4c 3a 40 20 01 0d b8 ff ff 00 00 00 00 00 00"  // IPv6 2001:db8:ffff::1 >
                                                                   // 2001:db8::1
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01"
    "03 00 39 fe 00 00 00 00"                                      // ICMPv6: type 3 code 0
    "60 00 00 00 00 1c 00 01 20 01 0d b8 00 00 00 00 00 00 00 00"  // quoted IPv6, next header 0
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "06 00 01 04 00 00 00 00"                                        // quoted hop-by-hop: next 6
    "9c 40 01 bb a0 b0 c0 d0 00 00 00 00 50 02 fa f0 5a 00 00 00"};  // quoted TCP 40000 > 443, seq
                                                                     // 0xa0b0c0d0

constexpr packet_case icmpv6_neighbor_solicitation{
    linktype::en10mb,
    "33 33 ff 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II
    "60 00 00 00 00 20 3a ff 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6 > ff02::1:ff00:2
    "00 00 00 01 ff 02 00 00 00 00 00 00 00 00 00 01 ff 00 00 02"
    "87 00 1c 27 00 00 00 00"                                      // ICMPv6: type 135
    "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02 01 01 02 00"  // target 2001:db8::2, source
                                                                   // link-layer address option
    "00 00 00 01"};

constexpr packet_case icmpv6_echo_request_checksum_0x0bad_wrong{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II
    "60 00 00 00 00 09 3a 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "80 00 0b ad 00 01 00 01"  // ICMPv6: checksum 0x0bad (wrong)
    "78"};                     // data

using strings = std::vector<std::string>;

TEST(Icmpv4, EchoRequest) {
    const auto d = decode_case(icmp_echo_request_id_0x1234_seq_7);
    ASSERT_TRUE(d->icmp);
    EXPECT_FALSE(d->icmpv6);
    const icmp_view& m = *d->icmp;
    EXPECT_EQ(m.type(), 8);
    EXPECT_EQ(m.code(), 0);
    EXPECT_EQ(m.identifier(), 0x1234);  // tshark: icmp.ident 4660, icmp.seq 7
    EXPECT_EQ(m.sequence(), 7);
    EXPECT_EQ(m.rest_of_header(), 0x12340007u);
    EXPECT_EQ(icmpv4_type_name(m.type()), "echo request");
    EXPECT_FALSE(icmpv4_is_error(m.type()));
    EXPECT_FALSE(d->quote);
    EXPECT_EQ(d->payload_length, 8u);
    EXPECT_EQ(d->payload.size(), 8u);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);
    EXPECT_EQ(d->l4_checksum.value, m.checksum());
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(Icmpv4, EchoReply) {
    const auto d = decode_case(icmp_echo_reply_id_0x1234_seq_7);
    ASSERT_TRUE(d->icmp);
    EXPECT_EQ(d->icmp->type(), 0);
    EXPECT_EQ(icmpv4_type_name(0), "echo reply");
    EXPECT_EQ(d->icmp->sequence(), 7);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);
}

TEST(Icmpv4, PortUnreachableQuotesIpAndUdpPorts) {
    const auto d = decode_case(icmp_port_unreachable_quoting_udp);
    ASSERT_TRUE(d->icmp);
    EXPECT_EQ(d->icmp->type(), 3);
    EXPECT_EQ(d->icmp->code(), 3);
    EXPECT_TRUE(icmpv4_is_error(3));
    ASSERT_TRUE(d->quote);
    const icmp_quote& q = *d->quote;
    ASSERT_TRUE(q.ipv4);
    EXPECT_FALSE(q.ipv6);
    // tshark: ip.src 198.51.100.2,192.0.2.1 (outer, quoted); udp.srcport 41000, dstport 33434.
    EXPECT_EQ(text_of(q.ipv4->source()), "192.0.2.1");
    EXPECT_EQ(text_of(q.ipv4->destination()), "198.51.100.2");
    EXPECT_EQ(q.ipv4->ttl(), 1);
    EXPECT_EQ(q.protocol, ip_protocol::udp);
    EXPECT_EQ(q.source_port, 41000);
    EXPECT_EQ(q.destination_port, 33434);
    EXPECT_FALSE(q.tcp_sequence);
    EXPECT_EQ(text_of(d->ipv4->source()), "198.51.100.2");  // the outer header is untouched
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(Icmpv4, TimeExceededQuotesTcpPortsAndSequence) {
    const auto d = decode_case(icmp_time_exceeded_quoting_tcp_first_8_bytes);
    ASSERT_TRUE(d->quote);
    EXPECT_EQ(icmpv4_type_name(d->icmp->type()), "time exceeded");
    EXPECT_EQ(d->quote->protocol, ip_protocol::tcp);
    EXPECT_EQ(d->quote->source_port, 40000);  // tshark: tcp.srcport 40000, dstport 443
    EXPECT_EQ(d->quote->destination_port, 443);
    EXPECT_EQ(d->quote->tcp_sequence, 0x01020304u);  // bytes 4-7 of the quoted TCP header
    // The quoted header says 60 bytes and 28 are quoted: normal for a quote, no anomaly.
    EXPECT_EQ(d->quote->ipv4->total_length(), 60);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(Icmpv4, FragmentationNeededCarriesTheMtu) {
    const auto d = decode_case(icmp_fragmentation_needed_mtu_1400);
    ASSERT_TRUE(d->icmp);
    EXPECT_EQ(d->icmp->code(), 4);
    EXPECT_EQ(d->icmp->rest_of_header() & 0xffffU, 1400u);  // tshark: icmp.mtu 1400
    ASSERT_TRUE(d->quote);
    EXPECT_EQ(d->quote->destination_port, 443);
}

TEST(Icmpv4, QuoteWithoutTransportBytesHasNoPorts) {
    const auto d = decode_case(icmp_time_exceeded_quoting_ip_header_only);
    ASSERT_TRUE(d->quote);
    EXPECT_EQ(d->quote->protocol, ip_protocol::udp);
    EXPECT_FALSE(d->quote->source_port);
    EXPECT_FALSE(d->quote->destination_port);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(Icmpv4, QuotedLaterFragmentHasNoPorts) {
    // The 8 bytes after the quoted header are fragment data, not a UDP header.
    const auto d = decode_case(icmp_reassembly_time_exceeded_quoting_later_fragment);
    ASSERT_TRUE(d->quote);
    EXPECT_EQ(d->quote->ipv4->fragment_offset(), 10);
    EXPECT_EQ(d->quote->protocol, ip_protocol::udp);
    EXPECT_FALSE(d->quote->source_port);
}

TEST(Icmpv4, WrongChecksumWithTheExpectedValue) {
    const auto d = decode_case(icmp_echo_request_checksum_0x0bad_wrong);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::bad);
    EXPECT_EQ(d->l4_checksum.value, 0x0bad);
    EXPECT_EQ(d->l4_checksum.expected, 0x7ffd);  // tshark: "should be 0x7ffd"
    EXPECT_EQ(anomaly_names(d->anomalies), strings{"bad_icmp_checksum"});
}

TEST(Icmpv4, ThreeBytesAreNoHeader) {
    const auto d = decode_case(icmp_three_bytes);
    EXPECT_FALSE(d->icmp);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{"truncated_icmp_header"});
}

TEST(Icmpv6, EchoRequestChecksumCoversThePseudoHeader) {
    const auto d = decode_case(icmpv6_echo_request_id_0x77_seq_3);
    ASSERT_TRUE(d->icmpv6);
    EXPECT_FALSE(d->icmp);
    EXPECT_EQ(d->icmpv6->type(), 128);
    EXPECT_EQ(icmpv6_type_name(128), "echo request");
    EXPECT_EQ(d->icmpv6->identifier(), 0x77);  // tshark: icmpv6.echo.identifier 0x0077
    EXPECT_EQ(d->icmpv6->sequence(), 3);
    EXPECT_FALSE(icmpv6_is_error(128));
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(Icmpv6, PortUnreachableQuotesIpv6AndUdpPorts) {
    const auto d = decode_case(icmpv6_port_unreachable_quoting_udp);
    ASSERT_TRUE(d->icmpv6);
    EXPECT_EQ(d->icmpv6->type(), 1);
    EXPECT_EQ(d->icmpv6->code(), 4);
    EXPECT_EQ(icmpv6_type_name(1), "destination unreachable");
    ASSERT_TRUE(d->quote);
    ASSERT_TRUE(d->quote->ipv6);
    EXPECT_FALSE(d->quote->ipv4);
    EXPECT_EQ(text_of(d->quote->ipv6->source()), "2001:db8::1");
    EXPECT_EQ(text_of(d->quote->ipv6->destination()), "2001:db8::2");
    EXPECT_EQ(d->quote->ipv6->hop_limit(), 1);
    EXPECT_EQ(d->quote->protocol, ip_protocol::udp);
    EXPECT_EQ(d->quote->source_port, 41000);
    EXPECT_EQ(d->quote->destination_port, 33434);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(Icmpv6, QuoteFollowsExtensionHeaders) {
    const auto d = decode_case(icmpv6_time_exceeded_quoting_hop_by_hop_and_tcp);
    ASSERT_TRUE(d->quote);
    EXPECT_EQ(icmpv6_type_name(d->icmpv6->type()), "time exceeded");
    EXPECT_EQ(d->quote->protocol, ip_protocol::tcp);
    EXPECT_EQ(d->quote->source_port, 40000);
    EXPECT_EQ(d->quote->destination_port, 443);
    EXPECT_EQ(d->quote->tcp_sequence, 2695938256u);  // tshark: tcp.seq_raw 2695938256
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(Icmpv6, NeighborSolicitationIsNoError) {
    const auto d = decode_case(icmpv6_neighbor_solicitation);
    ASSERT_TRUE(d->icmpv6);
    EXPECT_EQ(d->icmpv6->type(), 135);
    EXPECT_EQ(icmpv6_type_name(135), "neighbor solicitation");
    EXPECT_FALSE(d->quote);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(Icmpv6, WrongChecksumWithTheExpectedValue) {
    const auto d = decode_case(icmpv6_echo_request_checksum_0x0bad_wrong);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::bad);
    EXPECT_EQ(d->l4_checksum.expected, 0xac44);  // tshark: "should be 0xac44"
    EXPECT_EQ(anomaly_names(d->anomalies), strings{"bad_icmpv6_checksum"});
}

TEST(IcmpQuote, NothingQuotedIsNoQuote) {
    const auto header_only = from_hex("03 03 00 00 00 00 00 00");
    EXPECT_FALSE(parse_icmp_quote(header_only, false));
    EXPECT_FALSE(parse_icmp_quote(header_only, true));
    // A quoted IHL below 5 is no IPv4 header either.
    auto bad_ihl = from_hex(
        "03 03 00 00 00 00 00 00 44 00 00 1c 00 00 00 00 01 11 00 00"
        "c0 00 02 01 c6 33 64 02");
    EXPECT_FALSE(parse_icmp_quote(bad_ihl, false));
}

TEST(IcmpTypeNames, UnknownTypesHaveNoName) {
    EXPECT_EQ(icmpv4_type_name(11), "time exceeded");
    EXPECT_EQ(icmpv4_type_name(200), "");
    EXPECT_EQ(icmpv6_type_name(2), "packet too big");
    EXPECT_EQ(icmpv6_type_name(200), "");
    for (int t : {3, 4, 5, 11, 12}) EXPECT_TRUE(icmpv4_is_error(static_cast<std::uint8_t>(t)));
    for (int t : {1, 2, 3, 4}) EXPECT_TRUE(icmpv6_is_error(static_cast<std::uint8_t>(t)));
    EXPECT_FALSE(icmpv6_is_error(0));
    EXPECT_FALSE(icmpv6_is_error(5));
}

}  // namespace
}  // namespace pktscope::test
