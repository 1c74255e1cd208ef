// latency_histogram: quantiles agree with exact nearest-rank quantiles of the same samples
// (sorted in the test) within the bucket resolution, and the bucketing is contiguous.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "pktscope/latency_histogram.hpp"

namespace pktscope {
namespace {

std::uint64_t exact_quantile(std::vector<std::uint64_t> v, double q) {
    std::sort(v.begin(), v.end());
    const auto rank = std::max<std::size_t>(
        1, static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size()))));
    return v[rank - 1];
}

TEST(LatencyHistogram, EmptyReportsZero) {
    const latency_histogram h;
    EXPECT_EQ(h.count(), 0U);
    EXPECT_EQ(h.min(), 0U);
    EXPECT_EQ(h.max(), 0U);
    EXPECT_EQ(h.quantile(0.5), 0U);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
    latency_histogram h;
    for (std::uint64_t v : {5U, 1U, 63U, 2U, 40U}) h.record(v);
    EXPECT_EQ(h.min(), 1U);
    EXPECT_EQ(h.max(), 63U);
    EXPECT_EQ(h.quantile(0.0), 1U);
    EXPECT_EQ(h.quantile(0.5), 5U);  // ranks: 1 2 5 40 63 -> rank 3
    EXPECT_EQ(h.quantile(1.0), 63U);
}

TEST(LatencyHistogram, BucketsAreContiguousAndCoverEveryValue) {
    for (std::size_t i = 0; i + 1 < latency_histogram::bucket_count; ++i) {
        ASSERT_EQ(latency_histogram::bucket_high(i) + 1, latency_histogram::bucket_low(i + 1))
            << "bucket " << i;
        ASSERT_EQ(latency_histogram::bucket_of(latency_histogram::bucket_low(i)), i);
        ASSERT_EQ(latency_histogram::bucket_of(latency_histogram::bucket_high(i)), i);
    }
    EXPECT_EQ(latency_histogram::bucket_of(UINT64_MAX), latency_histogram::bucket_count - 1);
    EXPECT_EQ(latency_histogram::bucket_high(latency_histogram::bucket_count - 1), UINT64_MAX);
}

TEST(LatencyHistogram, QuantilesWithinBucketResolutionOfExact) {
    std::mt19937_64 rng(12345);
    // Log-normal-ish RTTs from ~10 us to ~10 ms, like a loaded loopback.
    std::lognormal_distribution<double> dist(std::log(80'000.0), 1.2);
    std::vector<std::uint64_t> samples;
    latency_histogram h;
    for (int i = 0; i < 100'000; ++i) {
        const auto v = static_cast<std::uint64_t>(dist(rng));
        samples.push_back(v);
        h.record(v);
    }
    EXPECT_EQ(h.count(), samples.size());
    EXPECT_EQ(h.min(), *std::min_element(samples.begin(), samples.end()));
    EXPECT_EQ(h.max(), *std::max_element(samples.begin(), samples.end()));
    for (double q : {0.01, 0.5, 0.9, 0.99, 0.999}) {
        const double exact = static_cast<double>(exact_quantile(samples, q));
        const double got = static_cast<double>(h.quantile(q));
        EXPECT_LE(std::abs(got - exact) / exact, 1.0 / 64)
            << "q=" << q << " exact=" << exact << " got=" << got;
    }
}

TEST(LatencyHistogram, MergeEqualsRecordingEverything) {
    latency_histogram a, b, all;
    for (std::uint64_t v = 100; v < 100'000; v += 997) {
        (v % 2 ? a : b).record(v);
        all.record(v);
    }
    a.merge(b);
    EXPECT_EQ(a.count(), all.count());
    EXPECT_EQ(a.min(), all.min());
    EXPECT_EQ(a.max(), all.max());
    for (double q : {0.1, 0.5, 0.99}) EXPECT_EQ(a.quantile(q), all.quantile(q));
}

}  // namespace
}  // namespace pktscope
