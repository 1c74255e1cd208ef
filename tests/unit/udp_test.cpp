// udp.hpp and the UDP part of decode() (RFC 768; zero checksum over IPv6, RFC 8200 8.1).
//
// Byte arrays checked with tshark 4.0 (tests/unit/cases_to_pcap.py, udp.check_checksum on):
// udp.srcport, udp.dstport, udp.length, udp.checksum, udp.checksum.status and its expert
// messages ("Bad length value 100 > IP payload length", "Illegal checksum value (0)").
#include "pktscope/udp.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit_support.hpp"

namespace pktscope::test {
namespace {

constexpr packet_case udp_ipv4_eight_byte_payload{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 24 1c 46 40 00 40 11 32 4c c0 00 02 01 c6 33 64 02"  // IPv4
    "a0 28 a4 10 00 10 12 0d"                                      // UDP: 41000 > 42000, length 16
    "70 61 79 6c 6f 61 64 21"};                                    // "payload!"

constexpr packet_case udp_ipv4_zero_checksum{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 24 1c 46 40 00 40 11 32 4c c0 00 02 01 c6 33 64 02"  // IPv4
    "a0 28 a4 10 00 10 00 00"    // UDP: checksum 0 (none computed)
    "70 61 79 6c 6f 61 64 21"};  // payload

constexpr packet_case udp_ipv6_zero_checksum{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II
    "60 00 00 00 00 10 11 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "a0 28 a4 10 00 10 00 00"    // UDP: checksum 0 (forbidden over IPv6)
    "70 61 79 6c 6f 61 64 21"};  // payload

constexpr packet_case udp_length_12_inside_16_byte_ip_payload{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 24 1c 46 40 00 40 11 32 4c c0 00 02 01 c6 33 64 02"  // IPv4: total length 36
    "a0 28 a4 10 00 0c 0a 9f"                                      // UDP: length 12
    "61 62 63 64"                                                  // payload "abcd"
    "74 61 69 6c"};                                                // 4 bytes past the UDP length

constexpr packet_case udp_length_100_past_ip_payload{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 20 1c 46 40 00 40 11 32 50 c0 00 02 01 c6 33 64 02"  // IPv4
    "a0 28 a4 10 00 64 09 ef"  // UDP: length 100 (IP payload is 12)
    "61 62 63 64"};            // payload

constexpr packet_case udp_length_7_below_header{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 20 1c 46 40 00 40 11 32 50 c0 00 02 01 c6 33 64 02"  // IPv4
    "a0 28 a4 10 00 07 cf 6f"                                      // UDP: length 7
    "61 62 63 64"};                                                // payload

constexpr packet_case udp_ipv4_checksum_0xbad0_wrong{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 24 1c 46 40 00 40 11 32 4c c0 00 02 01 c6 33 64 02"  // IPv4
    "a0 28 a4 10 00 10 ba d0"                                      // UDP: checksum 0xbad0 (wrong)
    "70 61 79 6c 6f 61 64 21"};                                    // payload

constexpr packet_case udp_ipv6_eight_byte_payload{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II
    "60 00 00 00 00 10 11 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "a0 28 a4 10 00 10 a2 cf"    // UDP
    "70 61 79 6c 6f 61 64 21"};  // payload

using strings = std::vector<std::string>;

std::string text_of_payload(const decoded_case& d) {
    return {reinterpret_cast<const char*>(d->payload.data()), d->payload.size()};
}

TEST(UdpView, FieldsAndPayload) {
    const auto d = decode_case(udp_ipv4_eight_byte_payload);
    ASSERT_TRUE(d->udp);
    EXPECT_EQ(d->udp->source_port(), 41000);
    EXPECT_EQ(d->udp->destination_port(), 42000);
    EXPECT_EQ(d->udp->length(), 16);
    EXPECT_EQ(d->udp->checksum(), 0x120d);
    EXPECT_EQ(d->udp->bytes().size(), 16u);
    EXPECT_EQ(d->payload_length, 8u);
    EXPECT_EQ(text_of_payload(d), "payload!");
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);
    EXPECT_EQ(d->l4_checksum.value, 0x120d);
    EXPECT_FALSE(d->dns);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(UdpView, OverIpv6) {
    const auto d = decode_case(udp_ipv6_eight_byte_payload);
    ASSERT_TRUE(d->udp);
    EXPECT_EQ(d->udp->checksum(), 0xa2cf);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);
    EXPECT_EQ(text_of_payload(d), "payload!");
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(UdpChecksum, ZeroOverIpv4MeansNoneWasComputed) {
    const auto d = decode_case(udp_ipv4_zero_checksum);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::unverified);  // tshark: status 3 (none)
    EXPECT_EQ(d->l4_checksum.value, 0);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(UdpChecksum, ZeroOverIpv6IsAnError) {
    const auto d = decode_case(udp_ipv6_zero_checksum);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::bad);
    EXPECT_EQ(d->l4_checksum.value, 0);
    EXPECT_EQ(d->l4_checksum.expected, 0xa2cf);  // the sum of the same datagram above
    EXPECT_EQ(anomaly_names(d->anomalies), strings{"udp_zero_checksum_ipv6"});
}

TEST(UdpChecksum, WrongWithTheExpectedValue) {
    const auto d = decode_case(udp_ipv4_checksum_0xbad0_wrong);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::bad);
    EXPECT_EQ(d->l4_checksum.value, 0xbad0);
    EXPECT_EQ(d->l4_checksum.expected, 0x120d);  // tshark: "should be 0x120d"
    EXPECT_EQ(anomaly_names(d->anomalies), strings{"bad_udp_checksum"});
}

TEST(UdpLength, ShorterThanTheIpPayloadBoundsThePayload) {
    const auto d = decode_case(udp_length_12_inside_16_byte_ip_payload);
    ASSERT_TRUE(d->udp);
    EXPECT_EQ(d->ip_payload.size(), 16u);
    EXPECT_EQ(d->udp->length(), 12);
    EXPECT_EQ(text_of_payload(d), "abcd");
    EXPECT_EQ(d->payload_length, 4u);
    // The sum covers the UDP length only (tshark: 0x0a9f, good).
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(UdpLength, PastTheIpPayload) {
    const auto d = decode_case(udp_length_100_past_ip_payload);
    ASSERT_TRUE(d->udp);
    EXPECT_EQ(d->udp->length(), 100);
    EXPECT_EQ(d->payload_length, 4u);
    EXPECT_EQ(text_of_payload(d), "abcd");
    EXPECT_EQ(d->l4_checksum.status, checksum_status::unverified);  // tshark: status 2
    EXPECT_EQ(anomaly_names(d->anomalies), strings{"bad_udp_length"});
}

TEST(UdpLength, BelowTheHeaderSize) {
    const auto d = decode_case(udp_length_7_below_header);
    ASSERT_TRUE(d->udp);
    EXPECT_EQ(d->payload_length, 0u);
    EXPECT_TRUE(d->payload.empty());
    EXPECT_EQ(d->l4_checksum.status, checksum_status::unverified);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{"bad_udp_length"});
}

TEST(UdpView, ParseNeedsEightBytes) {
    const auto bytes = from_hex("a0 28 a4 10 00 08 00");
    EXPECT_EQ(udp_view::parse(bytes).error(), anomaly::truncated_udp_header);
}

}  // namespace
}  // namespace pktscope::test
