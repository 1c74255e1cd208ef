#include "pktscope/checksum.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

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
