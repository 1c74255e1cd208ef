// A fixed-size log-linear histogram of durations (HdrHistogram's bucketing, simplified): exact
// below 64 ns, then 64 sub-buckets per power of two, so any quantile is within 1/64 (1.6 %) of
// the true value while memory stays constant however many samples are recorded.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace pktscope {

/// Durations in nanoseconds; count, exact min/max, and quantiles within 1/64 relative error.
class latency_histogram {
  public:
    /// Adds one sample of `ns` nanoseconds.
    void record(std::uint64_t ns) noexcept;
    /// Adds every sample of `other`.
    void merge(const latency_histogram& other) noexcept;
    /// Number of samples.
    std::uint64_t count() const noexcept { return count_; }
    /// Smallest sample in ns (0 when empty).
    std::uint64_t min() const noexcept { return count_ == 0 ? 0 : min_; }
    /// Largest sample in ns (0 when empty).
    std::uint64_t max() const noexcept { return max_; }
    /// Nearest-rank quantile `q` in [0, 1] in ns: the sample of rank ceil(q * count) (rank 1
    /// for q = 0), reported as the middle of its bucket clamped to [min, max]; 0 when empty.
    std::uint64_t quantile(double q) const noexcept;

    /// Bucket index of `ns` (exposed for tests).
    static std::size_t bucket_of(std::uint64_t ns) noexcept;
    /// Smallest and largest value of bucket `index`.
    static std::uint64_t bucket_low(std::size_t index) noexcept;
    static std::uint64_t bucket_high(std::size_t index) noexcept;

    static constexpr int sub_bucket_bits = 6;
    static constexpr std::size_t sub_buckets = std::size_t{1} << sub_bucket_bits;
    static constexpr std::size_t bucket_count = sub_buckets + (64 - sub_bucket_bits) * sub_buckets;

  private:
    std::array<std::uint64_t, bucket_count> buckets_{};
    std::uint64_t count_ = 0;
    std::uint64_t min_ = UINT64_MAX;
    std::uint64_t max_ = 0;
};

}  // namespace pktscope
