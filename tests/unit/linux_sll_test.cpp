// linux_sll.hpp: Linux cooked capture headers, v1 (LINKTYPE_LINUX_SLL, 16 bytes) and v2
// (LINKTYPE_LINUX_SLL2, 20 bytes), as `-i any` writes them.
//
// Byte arrays checked with tshark 4.0 (tests/unit/cases_to_pcap.py): sll.pkttype,
// sll.hatype, sll.halen, sll.src.eth, sll.etype, sll.ifindex.
#include "pktscope/linux_sll.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit_support.hpp"

namespace pktscope::test {
namespace {

constexpr packet_case sll_v1_outgoing_ipv4_tcp_syn{
    linktype::linux_sll,
    "00 04 00 01 00 06 02 00 00 00 00 01 00 00 08 00"  // SLL: outgoing, ARPHRD_ETHER, addr len 6,
                                                       // 02:00:00:00:00:01, protocol IPv4
    "45 00 00 28 00 20 40 00 40 06 4e 79 c0 00 02 01 c6 33 64 02"    // IPv4
    "9c 40 00 50 00 00 00 01 00 00 00 00 50 02 fa f0 2c 29 00 00"};  // TCP SYN

constexpr packet_case sll_v1_loopback_host_ipv4_tcp_syn{
    linktype::linux_sll,
    "00 00 03 04 00 00 00 00 00 00 00 00 00 00 08 00"  // SLL: to us, ARPHRD_LOOPBACK, addr len 0,
                                                       // protocol IPv4
    "45 00 00 28 00 20 40 00 40 06 4e 79 c0 00 02 01 c6 33 64 02"    // IPv4
    "9c 40 00 50 00 00 00 01 00 00 00 00 50 02 fa f0 2c 29 00 00"};  // TCP SYN

constexpr packet_case sll_v1_broadcast_address_length_20{
    linktype::linux_sll,
    "00 01 00 01 00 14 a0 a1 a2 a3 a4 a5 a6 a7 08 00"  // SLL: broadcast, addr len 20 (more than the
                                                       // 8-byte field)
    "45 00 00 28 00 20 40 00 40 06 4e 79 c0 00 02 01 c6 33 64 02"    // IPv4
    "9c 40 00 50 00 00 00 01 00 00 00 00 50 02 fa f0 2c 29 00 00"};  // TCP SYN

constexpr packet_case sll2_incoming_ifindex_3_ipv6_udp{
    linktype::linux_sll2,
    "86 dd 00 00 00 00 00 03 00 01 00 06 02 00 00 00 00 09 00 00"  // SLL2: protocol IPv6, ifindex
                                                                   // 3, ARPHRD_ETHER, to us, addr
                                                                   // len 6
    "60 00 00 00 00 0c 11 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "a0 28 a4 10 00 0c 80 89 73 6c 6c 32"};  // UDP

constexpr packet_case sll2_multicast_ifindex_7_ipv4_udp{
    linktype::linux_sll2,
    "08 00 00 00 00 00 00 07 00 01 02 06 01 00 5e 00 00 fb 00 00"  // SLL2: protocol IPv4, ifindex
                                                                   // 7, multicast
    "45 00 00 1c 1c 46 40 00 40 11 7b 8e c0 00 02 01 e0 00 00 fb"  // IPv4
    "14 e9 14 e9 00 08 33 0f"};                                    // UDP 5353 > 5353, empty

using strings = std::vector<std::string>;

TEST(LinuxSll, Version1Outgoing) {
    const auto d = decode_case(sll_v1_outgoing_ipv4_tcp_syn);
    ASSERT_TRUE(d->sll);
    const linux_sll_view& sll = *d->sll;
    EXPECT_EQ(sll.version, 1);
    EXPECT_EQ(sll.packet_type, sll_packet_type::outgoing);  // tshark: sll.pkttype 4
    EXPECT_EQ(sll.direction(), "Out");
    EXPECT_EQ(sll.arphrd_type, 1);  // ARPHRD_ETHER
    EXPECT_EQ(sll.address_length, 6);
    EXPECT_EQ(sll.address, (std::array<std::uint8_t, 8>{2, 0, 0, 0, 0, 1, 0, 0}));
    EXPECT_EQ(sll.protocol, ether_type::ipv4);
    EXPECT_EQ(sll.interface_index, 0u);
    EXPECT_EQ(sll.header_length(), 16u);
    EXPECT_FALSE(d->ethernet);
    EXPECT_EQ(d->ether_type, ether_type::ipv4);
    ASSERT_TRUE(d->tcp);
    EXPECT_EQ(d->tcp->destination_port(), 80);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(LinuxSll, Version1LoopbackHasNoAddress) {
    const auto d = decode_case(sll_v1_loopback_host_ipv4_tcp_syn);
    ASSERT_TRUE(d->sll);
    EXPECT_EQ(d->sll->arphrd_type, 772);  // ARPHRD_LOOPBACK
    EXPECT_EQ(d->sll->address_length, 0);
    EXPECT_EQ(d->sll->direction(), "In");
    EXPECT_TRUE(d->tcp);
}

TEST(LinuxSll, AddressLengthIsCappedAtTheEightByteField) {
    // tshark: sll.halen 20; only the 8 bytes of the field exist.
    const auto d = decode_case(sll_v1_broadcast_address_length_20);
    ASSERT_TRUE(d->sll);
    EXPECT_EQ(d->sll->address_length, 8);
    EXPECT_EQ(d->sll->address[7], 0xa7);
    EXPECT_EQ(d->sll->direction(), "B");
    EXPECT_TRUE(d->tcp);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(LinuxSll, Version2Incoming) {
    const auto d = decode_case(sll2_incoming_ifindex_3_ipv6_udp);
    ASSERT_TRUE(d->sll);
    const linux_sll_view& sll = *d->sll;
    EXPECT_EQ(sll.version, 2);
    EXPECT_EQ(sll.protocol, ether_type::ipv6);
    EXPECT_EQ(sll.interface_index, 3u);  // tshark: sll.ifindex 3
    EXPECT_EQ(sll.arphrd_type, 1);
    EXPECT_EQ(sll.packet_type, sll_packet_type::host);
    EXPECT_EQ(sll.direction(), "In");
    EXPECT_EQ(sll.address_length, 6);
    EXPECT_EQ(sll.address[5], 0x09);
    EXPECT_EQ(sll.header_length(), 20u);
    ASSERT_TRUE(d->udp);
    EXPECT_EQ(d->udp->source_port(), 41000);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(LinuxSll, Version2Multicast) {
    const auto d = decode_case(sll2_multicast_ifindex_7_ipv4_udp);
    ASSERT_TRUE(d->sll);
    EXPECT_EQ(d->sll->interface_index, 7u);
    EXPECT_EQ(d->sll->direction(), "M");
    EXPECT_EQ(d->sll->address[0], 0x01);
    ASSERT_TRUE(d->udp);
    EXPECT_EQ(d->udp->destination_port(), 5353);
}

TEST(LinuxSll, HeadersCutShort) {
    const auto v1 =
        decode_case({linktype::linux_sll, "00 04 00 01 00 06 02 00 00 00 00 01 00 00 08"});
    EXPECT_FALSE(v1->sll);
    EXPECT_EQ(anomaly_names(v1->anomalies), strings{"truncated_link_header"});
    const auto v2 = decode_case(
        {linktype::linux_sll2, "08 00 00 00 00 00 00 03 00 01 00 06 02 00 00 00 00 09 00"});
    EXPECT_FALSE(v2->sll);
    EXPECT_EQ(anomaly_names(v2->anomalies), strings{"truncated_link_header"});
}

TEST(LinuxSll, DirectionWords) {
    linux_sll_view v;
    v.packet_type = sll_packet_type::otherhost;
    EXPECT_EQ(v.direction(), "P");
    v.packet_type = 7;
    EXPECT_EQ(v.direction(), "?");
}

}  // namespace
}  // namespace pktscope::test
