// vlan.hpp: IEEE 802.1Q / 802.1ad tags (TCI: PCP 3 bits, DEI 1 bit, VID 12 bits), stacks of
// up to max_vlan_tags, and the fifth tag as vlan_depth_exceeded.
//
// Byte arrays checked with tshark 4.0 (tests/unit/cases_to_pcap.py): vlan.id, vlan.priority,
// vlan.dei, vlan.etype, ieee8021ad.id, ieee8021ad.priority.
#include "pktscope/vlan.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit_support.hpp"

namespace pktscope::test {
namespace {

constexpr packet_case vlan_8021q_vid_100_pcp_5_dei{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01"  // dst, src
    "81 00 b0 64"                          // 802.1Q tag: TCI pcp 5, DEI 1, vid 100
    "08 00"                                // type IPv4
    "45 00 00 20 00 10 40 00 40 01 4e 96 c0 00 02 01 c6 33 64 02"  // IPv4
    "08 00 06 fa 12 34 00 01 70 69 6e 67"};                        // ICMP echo request

constexpr packet_case qinq_8021ad_vid_200_then_8021q_vid_300_ipv6{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01"                          // dst, src
    "88 a8 60 c8"                                                  // 802.1ad S-tag: pcp 3, vid 200
    "81 00 01 2c"                                                  // 802.1Q C-tag: vid 300
    "86 dd"                                                        // type IPv6
    "60 00 00 00 00 0c 11 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "a0 28 a4 10 00 0c 80 4d 71 69 6e 71"};  // UDP

constexpr packet_case four_stacked_tags_innermost_vid_4095_pcp_7{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01"              // dst, src
    "88 a8 00 01 81 00 00 02 81 00 00 03 81 00 ef ff"  // tags: 802.1ad vid 1, 802.1Q vids 2, 3,
                                                       // 4095 (pcp 7)
    "08 00"                                            // type IPv4
    "45 00 00 20 00 10 40 00 40 01 4e 96 c0 00 02 01 c6 33 64 02"  // IPv4
    "08 00 06 fa 12 34 00 01 70 69 6e 67"};                        // ICMP echo request

constexpr packet_case five_stacked_tags{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01"                          // dst, src
    "88 a8 00 01 81 00 00 02 81 00 00 03 81 00 00 04 81 00 00 05"  // tags: vids 1, 2, 3, 4, 5
    "08 00"                                                        // type IPv4
    "45 00 00 20 00 10 40 00 40 01 4e 96 c0 00 02 01 c6 33 64 02"  // IPv4
    "08 00 06 fa 12 34 00 01 70 69 6e 67"};                        // ICMP echo request

constexpr packet_case vlan_tag_cut_after_tci{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01"  // dst, src
    "81 00 00 64"};                        // TPID 0x8100, TCI vid 100, no inner type

constexpr packet_case prestandard_qinq_tpid_9100_vid_10{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01"                          // dst, src
    "91 00 00 0a"                                                  // tag TPID 0x9100, vid 10
    "08 00"                                                        // type IPv4
    "45 00 00 20 00 10 40 00 40 01 4e 96 c0 00 02 01 c6 33 64 02"  // IPv4
    "08 00 06 fa 12 34 00 01 70 69 6e 67"};                        // ICMP echo request

using strings = std::vector<std::string>;

TEST(VlanTag, SingleTagFields) {
    const auto d = decode_case(vlan_8021q_vid_100_pcp_5_dei);
    ASSERT_EQ(d->vlan_count, 1);
    const vlan_tag& tag = d->vlan_tags[0];
    EXPECT_EQ(tag.tpid, ether_type::vlan_8021q);
    EXPECT_EQ(tag.vid, 100);  // tshark: vlan.id 100, vlan.priority 5, vlan.dei 1
    EXPECT_EQ(tag.pcp, 5);
    EXPECT_TRUE(tag.dei);
    EXPECT_EQ(tag.ether_type, ether_type::ipv4);
    ASSERT_TRUE(d->ethernet);
    EXPECT_EQ(d->ethernet->ether_type(), ether_type::vlan_8021q);
    EXPECT_EQ(d->ether_type, ether_type::ipv4);
    ASSERT_TRUE(d->icmp);
    EXPECT_EQ(d->icmp->identifier(), 0x1234);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(VlanTag, QinQServiceTagThenCustomerTag) {
    const auto d = decode_case(qinq_8021ad_vid_200_then_8021q_vid_300_ipv6);
    ASSERT_EQ(d->vlan_count, 2);
    EXPECT_EQ(d->vlan_tags[0].tpid, ether_type::vlan_8021ad);
    EXPECT_EQ(d->vlan_tags[0].vid, 200);  // tshark: ieee8021ad.id 200, priority 3
    EXPECT_EQ(d->vlan_tags[0].pcp, 3);
    EXPECT_EQ(d->vlan_tags[0].ether_type, ether_type::vlan_8021q);
    EXPECT_EQ(d->vlan_tags[1].tpid, ether_type::vlan_8021q);
    EXPECT_EQ(d->vlan_tags[1].vid, 300);
    EXPECT_EQ(d->vlan_tags[1].ether_type, ether_type::ipv6);
    ASSERT_TRUE(d->ipv6);
    ASSERT_TRUE(d->udp);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(VlanTag, FourTagsAreFollowed) {
    const auto d = decode_case(four_stacked_tags_innermost_vid_4095_pcp_7);
    ASSERT_EQ(d->vlan_count, max_vlan_tags);
    EXPECT_EQ(d->vlan_tags[0].vid, 1);
    EXPECT_EQ(d->vlan_tags[1].vid, 2);
    EXPECT_EQ(d->vlan_tags[2].vid, 3);
    EXPECT_EQ(d->vlan_tags[3].vid, 4095);  // tshark: vlan.id 2,3,4095 after ieee8021ad.id 1
    EXPECT_EQ(d->vlan_tags[3].pcp, 7);
    ASSERT_TRUE(d->ipv4);
    ASSERT_TRUE(d->icmp);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(VlanTag, AFifthTagExceedsTheDepth) {
    const auto d = decode_case(five_stacked_tags);
    EXPECT_EQ(d->vlan_count, max_vlan_tags);
    EXPECT_EQ(d->vlan_tags[3].vid, 4);
    EXPECT_EQ(d->vlan_tags[3].ether_type, ether_type::vlan_8021q);
    EXPECT_FALSE(d->ipv4);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{"vlan_depth_exceeded"});
}

TEST(VlanTag, TagCutShort) {
    const auto d = decode_case(vlan_tag_cut_after_tci);
    EXPECT_EQ(d->vlan_count, 0);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{"truncated_vlan_tag"});
}

TEST(VlanTag, PrestandardTpid9100) {
    const auto d = decode_case(prestandard_qinq_tpid_9100_vid_10);
    ASSERT_EQ(d->vlan_count, 1);
    EXPECT_EQ(d->vlan_tags[0].tpid, ether_type::vlan_qinq_9100);
    EXPECT_EQ(d->vlan_tags[0].vid, 10);
    EXPECT_TRUE(d->icmp);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(VlanTag, ParseTheTciBits) {
    // TCI 0xffff: PCP 7, DEI 1, VID 4095; inner type 0x86dd.
    const auto all_ones = from_hex("ff ff 86 dd");
    const auto tag = parse_vlan_tag(all_ones, ether_type::vlan_8021ad);
    ASSERT_TRUE(tag);
    EXPECT_EQ(tag->tpid, ether_type::vlan_8021ad);
    EXPECT_EQ(tag->pcp, 7);
    EXPECT_TRUE(tag->dei);
    EXPECT_EQ(tag->vid, 4095);
    EXPECT_EQ(tag->ether_type, ether_type::ipv6);
    // TCI 0x2001: PCP 1, DEI 0, VID 1.
    const auto low = from_hex("20 01 08 00");
    EXPECT_EQ(parse_vlan_tag(low, ether_type::vlan_8021q)->pcp, 1);
    EXPECT_FALSE(parse_vlan_tag(low, ether_type::vlan_8021q)->dei);
    EXPECT_EQ(parse_vlan_tag(low, ether_type::vlan_8021q)->vid, 1);
    EXPECT_EQ(parse_vlan_tag(byte_span(low).first(3), 0x8100).error(), anomaly::truncated_vlan_tag);
}

TEST(VlanTag, WhichTpidsAreTags) {
    EXPECT_TRUE(is_vlan_tpid(0x8100));
    EXPECT_TRUE(is_vlan_tpid(0x88a8));
    EXPECT_TRUE(is_vlan_tpid(0x9100));
    EXPECT_FALSE(is_vlan_tpid(0x0800));
    EXPECT_FALSE(is_vlan_tpid(0x86dd));
}

}  // namespace
}  // namespace pktscope::test
