// ethernet.hpp: the 14-byte Ethernet II / IEEE 802.3 header and how decode() dispatches on
// its type/length field.
//
// Byte arrays checked with tshark 4.0 (tests/unit/cases_to_pcap.py): eth.dst, eth.src,
// eth.type, eth.len, and the protocol stack tshark saw (eth:llc:stp, eth:ethertype:arp).
#include "pktscope/ethernet.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit_support.hpp"

namespace pktscope::test {
namespace {

constexpr packet_case ethernet_ipv4_udp_between_two_macs{
    linktype::en10mb,
    "00 1b 21 3c 4d 5e"                                            // destination 00:1b:21:3c:4d:5e
    "f0 de f1 aa bb cc"                                            // source f0:de:f1:aa:bb:cc
    "08 00"                                                        // type IPv4
    "45 00 00 1f 1c 46 40 00 40 11 32 51 c0 00 02 01 c6 33 64 02"  // IPv4
    "a0 28 a4 10 00 0b 01 f3 65 74 68"};                           // UDP

constexpr packet_case ieee8023_llc_spanning_tree_bpdu{
    linktype::en10mb,
    "01 80 c2 00 00 00"                                            // destination 01:80:c2:00:00:00
    "00 11 22 33 44 55"                                            // source
    "00 26"                                                        // length 38 (802.3)
    "42 42 03"                                                     // LLC: DSAP 0x42, SSAP 0x42, UI
    "00 00 00 00 00 80 00 00 11 22 33 44 55 00 00 00 00 80 00 00"  // STP configuration BPDU
    "11 22 33 44 55 80 01 00 00 14 00 02 00 0f 00 00 00 00 00 00"
    "00 00 00"};

constexpr packet_case ethernet_arp_request_broadcast{
    linktype::en10mb,
    "ff ff ff ff ff ff"                                            // destination broadcast
    "02 00 00 00 00 01"                                            // source
    "08 06"                                                        // type ARP
    "00 01 08 00 06 04 00 01 02 00 00 00 00 01 c0 00 02 01 00 00"  // ARP who-has 192.0.2.2 tell
                                                                   // 192.0.2.1
    "00 00 00 00 c0 00 02 02"
    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"};  // padding

using strings = std::vector<std::string>;

TEST(EthernetView, AddressesAndType) {
    const auto d = decode_case(ethernet_ipv4_udp_between_two_macs);
    ASSERT_TRUE(d->ethernet);
    EXPECT_EQ(text_of(d->ethernet->destination()), "00:1b:21:3c:4d:5e");
    EXPECT_EQ(text_of(d->ethernet->source()), "f0:de:f1:aa:bb:cc");
    EXPECT_EQ(d->ethernet->destination(), (mac_address{{0x00, 0x1b, 0x21, 0x3c, 0x4d, 0x5e}}));
    EXPECT_EQ(d->ethernet->ether_type(), ether_type::ipv4);
    EXPECT_EQ(d->ether_type, ether_type::ipv4);
    EXPECT_TRUE(d->ipv4);
    EXPECT_TRUE(d->udp);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(EthernetView, Ieee8023LengthFieldIsNotAType) {
    // tshark: eth.len 38 and eth:llc:stp; the decoder stops at the link layer.
    const auto d = decode_case(ieee8023_llc_spanning_tree_bpdu);
    ASSERT_TRUE(d->ethernet);
    EXPECT_EQ(d->ethernet->ether_type(), 38);
    EXPECT_LE(d->ethernet->ether_type(), ether_type::max_8023_length);
    EXPECT_EQ(d->ether_type, 0);
    EXPECT_FALSE(d->ipv4);
    EXPECT_FALSE(d->ipv6);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(EthernetView, OtherEtherTypesAreNamedButNotDecoded) {
    const auto d = decode_case(ethernet_arp_request_broadcast);
    ASSERT_TRUE(d->ethernet);
    EXPECT_EQ(text_of(d->ethernet->destination()), "ff:ff:ff:ff:ff:ff");
    EXPECT_EQ(d->ether_type, ether_type::arp);
    EXPECT_FALSE(d->ipv4);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(EthernetView, ParseNeedsFourteenBytes) {
    const auto bytes = from_hex("ff ff ff ff ff ff 02 00 00 00 00 01 08");
    const auto r = ethernet_view::parse(bytes);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), anomaly::truncated_link_header);

    const auto d = decode_case({linktype::en10mb, "ff ff ff ff ff ff 02 00 00 00 00 01 08"});
    EXPECT_FALSE(d->ethernet);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{"truncated_link_header"});
}

TEST(EthernetView, ExactlyAHeaderAndNothingElse) {
    const auto d = decode_case({linktype::en10mb, "ff ff ff ff ff ff 02 00 00 00 00 01 08 00"});
    ASSERT_TRUE(d->ethernet);
    EXPECT_FALSE(d->ipv4);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{"truncated_ipv4_header"});
}

}  // namespace
}  // namespace pktscope::test
