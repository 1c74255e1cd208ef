// bytes.hpp: the bounds-checked big-endian loads every field goes through. An out-of-range
// read must return 0 and touch nothing (the buffers below are exactly as long as the span,
// so a sanitizer build catches any stray read).
#include "pktscope/bytes.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <memory>

#include "unit_support.hpp"

namespace pktscope::test {
namespace {

constexpr std::size_t huge = std::numeric_limits<std::size_t>::max();

TEST(HasBytes, EdgesAndOverflow) {
    const auto bytes = from_hex("01 02 03 04");
    EXPECT_TRUE(has_bytes(bytes, 0, 4));
    EXPECT_TRUE(has_bytes(bytes, 4, 0));  // an empty range at the end exists
    EXPECT_FALSE(has_bytes(bytes, 4, 1));
    EXPECT_FALSE(has_bytes(bytes, 5, 0));
    EXPECT_FALSE(has_bytes(bytes, 1, 4));
    // offset + count would wrap around: still out of range.
    EXPECT_FALSE(has_bytes(bytes, 2, huge));
    EXPECT_FALSE(has_bytes(bytes, huge, 2));
    EXPECT_TRUE(has_bytes({}, 0, 0));
    EXPECT_FALSE(has_bytes({}, 0, 1));
}

TEST(Loads, BigEndianValues) {
    const auto bytes = from_hex("12 34 56 78 9a");
    EXPECT_EQ(load_u8(bytes, 0), 0x12);
    EXPECT_EQ(load_u8(bytes, 4), 0x9a);
    EXPECT_EQ(load_be16(bytes, 0), 0x1234);
    EXPECT_EQ(load_be16(bytes, 3), 0x789a);  // unaligned
    EXPECT_EQ(load_be32(bytes, 0), 0x12345678u);
    EXPECT_EQ(load_be32(bytes, 1), 0x3456789au);
    EXPECT_EQ(load_le32(bytes, 0), 0x78563412u);
}

TEST(Loads, OutOfRangeIsZero) {
    // Heap buffers of exactly the span's size: any read past them is a sanitizer error.
    const auto one = std::make_unique<std::byte[]>(1);
    one[0] = std::byte{0xff};
    const byte_span b(one.get(), 1);
    EXPECT_EQ(load_u8(b, 1), 0);
    EXPECT_EQ(load_u8(b, huge), 0);
    EXPECT_EQ(load_be16(b, 0), 0);  // the second byte is missing: no partial value
    EXPECT_EQ(load_be32(b, 0), 0u);
    EXPECT_EQ(load_le32(b, 0), 0u);
    EXPECT_EQ(load_be16(b, huge), 0);
    EXPECT_EQ(load_be32(b, huge - 1), 0u);
    EXPECT_EQ(load_u8({}, 0), 0);
}

TEST(ClampSubspan, ClampsToWhatExists) {
    const auto bytes = from_hex("01 02 03 04 05");
    EXPECT_EQ(clamp_subspan(bytes, 1, 2).size(), 2u);
    EXPECT_EQ(load_u8(clamp_subspan(bytes, 1, 2), 0), 2);
    EXPECT_EQ(clamp_subspan(bytes, 3, 100).size(), 2u);
    EXPECT_EQ(clamp_subspan(bytes, 3).size(), 2u);
    EXPECT_TRUE(clamp_subspan(bytes, 5, 1).empty());
    EXPECT_TRUE(clamp_subspan(bytes, huge).empty());
    EXPECT_TRUE(clamp_subspan({}, 0).empty());
}

TEST(AsBytesOf, ViewsAnyBuffer) {
    const char text[] = "ab";
    const byte_span b = as_bytes_of(text, 2);
    EXPECT_EQ(b.size(), 2u);
    EXPECT_EQ(load_be16(b, 0), 0x6162);
}

}  // namespace
}  // namespace pktscope::test
