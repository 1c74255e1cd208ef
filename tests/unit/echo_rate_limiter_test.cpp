// Token buckets and the bounded per-source table, on a clock the test controls.
#include <gtest/gtest.h>

#include "pktscope/rate_limiter.hpp"

namespace pktscope {
namespace {

constexpr std::int64_t second = 1'000'000'000;

ipv6_address source(std::uint32_t n) {
    return mapped_ipv6(ipv4_address{0x0a000000U + n});
}

TEST(TokenBucket, StartsFullThenRefillsAtTheRate) {
    token_bucket b;
    int taken = 0;
    for (int i = 0; i < 20; ++i) taken += b.take(10, 5, 0) ? 1 : 0;
    EXPECT_EQ(taken, 5);                       // the burst
    EXPECT_FALSE(b.take(10, 5, second / 20));  // 0.5 token after 50 ms
    EXPECT_TRUE(b.take(10, 5, second / 10));   // 1 token after 100 ms
    EXPECT_FALSE(b.take(10, 5, second / 10));
    // After a long pause the bucket holds no more than the burst.
    taken = 0;
    for (int i = 0; i < 20; ++i) taken += b.take(10, 5, 100 * second) ? 1 : 0;
    EXPECT_EQ(taken, 5);
}

TEST(SourceRateLimiter, LimitsEachSourceSeparately) {
    source_rate_limiter limiter(1, 3, 16);
    int a = 0, b = 0;
    for (int i = 0; i < 10; ++i) {
        a += limiter.allow(source(1), 0) ? 1 : 0;
        b += limiter.allow(source(2), 0) ? 1 : 0;
    }
    EXPECT_EQ(a, 3);
    EXPECT_EQ(b, 3);
    EXPECT_TRUE(limiter.allow(source(1), second));
    EXPECT_FALSE(limiter.allow(source(1), second));
    EXPECT_EQ(limiter.size(), 2U);
    EXPECT_EQ(limiter.evictions(), 0U);
}

TEST(SourceRateLimiter, TableIsBoundedAndEvictsTheLeastRecentlySeen) {
    source_rate_limiter limiter(1, 1, 4);
    for (std::uint32_t n = 1; n <= 4; ++n) EXPECT_TRUE(limiter.allow(source(n), 0));
    EXPECT_FALSE(limiter.allow(source(1), 0));  // 1 is now the most recently seen
    EXPECT_TRUE(limiter.allow(source(5), 0));   // evicts 2, the least recently seen
    EXPECT_EQ(limiter.size(), 4U);
    EXPECT_EQ(limiter.evictions(), 1U);
    EXPECT_FALSE(limiter.allow(source(1), 0));  // 1 kept its empty bucket
    EXPECT_TRUE(limiter.allow(source(2), 0));   // 2 starts over with a full bucket (evicts 3)
    EXPECT_EQ(limiter.evictions(), 2U);
    for (std::uint32_t n = 100; n < 1100; ++n) limiter.allow(source(n), 0);
    EXPECT_EQ(limiter.size(), 4U);
    EXPECT_EQ(limiter.evictions(), 1002U);
}

TEST(SourceRateLimiter, MappedFormIsTheIpv4Key) {
    const ipv6_address key = mapped_ipv6(ipv4_address{0x7f000001});
    ipv6_address parsed;
    ASSERT_TRUE(parse_ipv6("::ffff:127.0.0.1", parsed));
    EXPECT_EQ(key, parsed);
}

}  // namespace
}  // namespace pktscope
