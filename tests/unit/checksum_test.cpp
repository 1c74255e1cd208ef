#include "pktscope/checksum.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "unit_support.hpp"

namespace pktscope {
namespace {

std::vector<std::byte> bytes_of(std::initializer_list<int> values) {
    std::vector<std::byte> out;
    for (int v : values) out.push_back(static_cast<std::byte>(v));
    return out;
}

// RFC 1071 section 3 worked example: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2.
TEST(ChecksumTest, Rfc1071ExampleSum) {
    const auto data = bytes_of({0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7});
    EXPECT_EQ(ones_complement_sum(data), 0xddf2);
}

// Odd length: the last byte is padded with a zero on the right.
TEST(ChecksumTest, OddLengthPadsWithZero) {
    const auto data = bytes_of({0x00, 0x01, 0xf2});
    EXPECT_EQ(ones_complement_sum(data), 0xf201);
}

// A real IPv4 header (Wikipedia's example, verified by hand): checksum 0xb861.
TEST(ChecksumTest, Ipv4HeaderVerifies) {
    auto header = bytes_of({0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                            0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7});
    EXPECT_EQ(verify_checksum(header, 10, 0, false).status, checksum_status::ok);
    header[10] = std::byte{0x00};
    header[11] = std::byte{0x00};
    const checksum_verdict v = verify_checksum(header, 10, 0, false);
    EXPECT_EQ(v.status, checksum_status::bad);
    EXPECT_EQ(v.expected, 0xb861);
}

// Long buffers exercise the 8-byte loop and its tail against a 16-bit reference.
TEST(ChecksumTest, MatchesWordByWordReference) {
    for (std::size_t n = 0; n < 300; ++n) {
        std::vector<std::byte> data(n);
        for (std::size_t i = 0; i < n; ++i) data[i] = static_cast<std::byte>((i * 131 + 7) & 0xff);
        std::uint32_t ref = 0;
        for (std::size_t i = 0; i < n; i += 2) {
            const unsigned hi = static_cast<unsigned>(data[i]);
            const unsigned lo = i + 1 < n ? static_cast<unsigned>(data[i + 1]) : 0;
            ref += (hi << 8) | lo;
        }
        while (ref >> 16) ref = (ref & 0xffff) + (ref >> 16);
        EXPECT_EQ(ones_complement_sum(data), n == 0 ? 0 : ref) << "length " << n;
    }
}

}  // namespace
}  // namespace pktscope

// Verdicts of decode() per checksum (DESIGN.md "Checksums"). Frames checked with tshark 4.0
// (tests/unit/cases_to_pcap.py, tcp/udp.check_checksum on): tshark calls every partial or
// unfilled sum below bad and prints the value it should be; the decoder says offloaded
// where the sum was left for the NIC, and bad (with the same expected value) elsewhere.
namespace pktscope::test {
namespace {

constexpr packet_case tcp_partial_checksum_from_the_sending_host{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 3a 1c 46 40 00 40 06 32 41 c0 00 02 01 c6 33 64 02"  // IPv4
    "9c 54 00 50 00 00 00 01 00 00 00 01 50 18 01 f6 ec 63 00 00"  // TCP: checksum = pseudo-header
                                                                   // sum (0xec63)
    "47 45 54 20 2f 20 48 54 54 50 2f 31 2e 31 0d 0a 0d 0a"};      // payload

constexpr packet_case udp_partial_checksum_from_the_sending_host{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 28 1c 46 40 00 40 11 32 48 c0 00 02 01 c6 33 64 02"  // IPv4
    "a0 28 00 35 00 14 ec 5c"                // UDP: checksum = pseudo-header sum (0xec5c)
    "12 34 01 00 00 00 00 00 00 00 00 00"};  // DNS header, no questions

constexpr packet_case tcp_over_ipv6_partial_checksum{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II
    "60 00 00 00 00 14 06 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "9c 55 01 bb 00 00 00 01 00 00 00 00 50 02 fd 20 5b 8f 00 00"};  // TCP SYN: checksum =
                                                                     // pseudo-header sum (0x5b8f)

constexpr packet_case sll_outgoing_tcp_with_unfilled_checksum{
    linktype::linux_sll,
    "00 04 00 01 00 06 02 00 00 00 00 01 00 00 08 00"                // SLL: outgoing
    "45 00 00 28 1c 46 40 00 40 06 32 53 c0 00 02 01 c6 33 64 02"    // IPv4
    "9c 56 00 50 00 00 00 01 00 00 00 00 50 02 fa f0 11 11 00 00"};  // TCP SYN: checksum 0x1111,
                                                                     // never filled in

constexpr packet_case sll_incoming_tcp_with_wrong_checksum{
    linktype::linux_sll,
    "00 00 00 01 00 06 02 00 00 00 00 01 00 00 08 00"                // SLL: to us
    "45 00 00 28 1c 46 40 00 40 06 32 53 c0 00 02 01 c6 33 64 02"    // IPv4
    "9c 56 00 50 00 00 00 01 00 00 00 00 50 02 fa f0 11 11 00 00"};  // TCP SYN: checksum 0x1111
                                                                     // (wrong)

constexpr packet_case sll_outgoing_icmp_with_unfilled_checksum{
    linktype::linux_sll,
    "00 04 00 01 00 06 02 00 00 00 00 01 00 00 08 00"              // SLL: outgoing
    "45 00 00 20 1c 46 40 00 40 01 32 60 c0 00 02 01 c6 33 64 02"  // IPv4
    "08 00 22 22 00 09 00 09 70 69 6e 67"};                        // ICMP echo: checksum 0x2222

constexpr packet_case sll_outgoing_udp_with_unfilled_checksum{
    linktype::linux_sll,
    "00 04 00 01 00 06 02 00 00 00 00 01 00 00 08 00"              // SLL: outgoing
    "45 00 00 20 1c 46 40 00 40 11 32 50 c0 00 02 01 c6 33 64 02"  // IPv4
    "a0 28 a4 10 00 0c 33 33 61 62 63 64"};                        // UDP: checksum 0x3333

constexpr packet_case udp_checksum_computed_as_zero_sent_as_ffff{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 20 1c 46 40 00 40 11 32 50 c0 00 02 01 c6 33 64 02"  // IPv4
    "a0 28 a4 10 00 0c ff ff"  // UDP: checksum 0xffff (the sum came out as 0)
    "00 00 cf 65"};            // payload

using strings = std::vector<std::string>;

TEST(ChecksumArithmetic, PseudoHeaderSums) {
    ipv4_address src, dst;
    ASSERT_TRUE(parse_ipv4("192.0.2.1", src));
    ASSERT_TRUE(parse_ipv4("198.51.100.2", dst));
    // c000 + 0201 + c633 + 6402 + 0006 + 0014, folded (by hand): 0xec51.
    EXPECT_EQ(pseudo_header_sum(src, dst, 6, 20), 0xec51);
    ipv6_address src6, dst6;
    ASSERT_TRUE(parse_ipv6("2001:db8::1", src6));
    ASSERT_TRUE(parse_ipv6("2001:db8::2", dst6));
    // 2*2001 + 2*0db8 + 1 + 2 + 58 + 8, folded: 0x5bb7.
    EXPECT_EQ(pseudo_header_sum(src6, dst6, 58, 8), 0x5bb7);
    // Lengths above 16 bits (jumbograms) fold their upper half in.
    EXPECT_EQ(pseudo_header_sum(src6, dst6, 58, 0x10008), 0x5bb8);
}

TEST(ChecksumArithmetic, OnesComplementAddWrapsTheCarry) {
    EXPECT_EQ(ones_complement_add(0xffff, 0x0001), 0x0001);
    EXPECT_EQ(ones_complement_add(0x8000, 0x8000), 0x0001);
    EXPECT_EQ(ones_complement_add(0x1234, 0x0000), 0x1234);
    EXPECT_EQ(ones_complement_add(0xffff, 0xffff), 0xffff);
}

TEST(ChecksumArithmetic, ComputedZeroIsSentAsFfffForUdp) {
    // Data ff ff, field 12 34: without the field the sum is 0xffff, so the right field is 0,
    // which UDP transmits as 0xffff (RFC 768).
    auto covered = from_hex("ff ff 12 34");
    EXPECT_EQ(verify_checksum(covered, 2, 0, true).expected, 0xffff);
    EXPECT_EQ(verify_checksum(covered, 2, 0, false).expected, 0x0000);

    const auto d = decode_case(udp_checksum_computed_as_zero_sent_as_ffff);
    EXPECT_EQ(d->l4_checksum.value, 0xffff);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);  // tshark: status 1
}

TEST(ChecksumStatus, Names) {
    EXPECT_EQ(checksum_status_name(checksum_status::ok), "ok");
    EXPECT_EQ(checksum_status_name(checksum_status::bad), "bad");
    EXPECT_EQ(checksum_status_name(checksum_status::unverified), "unverified");
    EXPECT_EQ(checksum_status_name(checksum_status::offloaded), "offloaded");
}

TEST(ChecksumStatus, PartialPseudoHeaderSumIsOffloaded) {
    const auto tcp4 = decode_case(tcp_partial_checksum_from_the_sending_host);
    EXPECT_EQ(tcp4->l4_checksum.status, checksum_status::offloaded);
    EXPECT_EQ(tcp4->l4_checksum.value, 0xec63);
    EXPECT_EQ(tcp4->l4_checksum.expected, 0x4646);  // tshark: "should be 0x4646"
    EXPECT_EQ(anomaly_names(tcp4->anomalies), strings{});

    const auto udp4 = decode_case(udp_partial_checksum_from_the_sending_host);
    EXPECT_EQ(udp4->l4_checksum.status, checksum_status::offloaded);
    EXPECT_EQ(udp4->l4_checksum.expected, 0x5ffd);  // tshark: "should be 0x5ffd"
    EXPECT_EQ(anomaly_names(udp4->anomalies), strings{});

    const auto tcp6 = decode_case(tcp_over_ipv6_partial_checksum);
    EXPECT_EQ(tcp6->l4_checksum.status, checksum_status::offloaded);
    EXPECT_EQ(tcp6->l4_checksum.expected, 0xb93b);  // tshark: "should be 0xb93b"
    EXPECT_EQ(anomaly_names(tcp6->anomalies), strings{});
}

TEST(ChecksumStatus, OutgoingCookedFramesAreOffloaded) {
    for (const packet_case& c :
         {sll_outgoing_tcp_with_unfilled_checksum, sll_outgoing_icmp_with_unfilled_checksum,
          sll_outgoing_udp_with_unfilled_checksum}) {
        const auto d = decode_case(c);
        EXPECT_EQ(d->l4_checksum.status, checksum_status::offloaded) << c.hex;
        EXPECT_EQ(anomaly_names(d->anomalies), strings{}) << c.hex;
    }
    EXPECT_EQ(decode_case(sll_outgoing_tcp_with_unfilled_checksum)->l4_checksum.expected, 0x2c13);
}

TEST(ChecksumStatus, IncomingWrongSumIsBad) {
    const auto d = decode_case(sll_incoming_tcp_with_wrong_checksum);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::bad);
    EXPECT_EQ(d->l4_checksum.value, 0x1111);
    EXPECT_EQ(d->l4_checksum.expected, 0x2c13);  // tshark: "should be 0x2c13"
    EXPECT_EQ(anomaly_names(d->anomalies), strings{"bad_tcp_checksum"});
}

TEST(ChecksumStatus, UnverifiedWhenBytesAreMissing) {
    const auto d = decode_cut(tcp_partial_checksum_from_the_sending_host, 60);
    ASSERT_TRUE(d->tcp);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::unverified);
    EXPECT_EQ(d->l4_checksum.value, 0xec63);
    EXPECT_EQ(d->ipv4_checksum.status, checksum_status::ok);  // the header was captured
}

TEST(ChecksumStatus, UnverifiedWhenVerificationIsOff) {
    decode_options off;
    off.verify_checksums = false;
    const auto d = decode_case(sll_incoming_tcp_with_wrong_checksum, 0, off);
    EXPECT_EQ(d->ipv4_checksum.status, checksum_status::unverified);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::unverified);
    EXPECT_EQ(d->l4_checksum.value, 0x1111);  // the carried value is still there
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

}  // namespace
}  // namespace pktscope::test
