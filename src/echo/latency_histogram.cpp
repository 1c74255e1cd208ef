#include "pktscope/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace pktscope {

std::size_t latency_histogram::bucket_of(std::uint64_t ns) noexcept {
    if (ns < sub_buckets) return static_cast<std::size_t>(ns);
    // ns has `top` as its highest set bit (>= sub_bucket_bits); keep the next
    // sub_bucket_bits bits below it as the position inside that power of two.
    const int top = 63 - std::countl_zero(ns);
    const int shift = top - sub_bucket_bits;
    const std::uint64_t mantissa = (ns >> shift) - sub_buckets;
    return sub_buckets + static_cast<std::size_t>(shift) * sub_buckets +
           static_cast<std::size_t>(mantissa);
}

std::uint64_t latency_histogram::bucket_low(std::size_t index) noexcept {
    if (index < sub_buckets) return index;
    const std::size_t shift = (index - sub_buckets) / sub_buckets;
    const std::uint64_t mantissa = (index - sub_buckets) % sub_buckets + sub_buckets;
    return mantissa << shift;
}

std::uint64_t latency_histogram::bucket_high(std::size_t index) noexcept {
    if (index < sub_buckets) return index;
    const std::size_t shift = (index - sub_buckets) / sub_buckets;
    return bucket_low(index) + ((std::uint64_t{1} << shift) - 1);
}

void latency_histogram::record(std::uint64_t ns) noexcept {
    ++buckets_[bucket_of(ns)];
    ++count_;
    min_ = std::min(min_, ns);
    max_ = std::max(max_, ns);
}

void latency_histogram::merge(const latency_histogram& other) noexcept {
    for (std::size_t i = 0; i < bucket_count; ++i) buckets_[i] += other.buckets_[i];
    count_ += other.count_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
}

std::uint64_t latency_histogram::quantile(double q) const noexcept {
    if (count_ == 0) return 0;
    q = std::clamp(q, 0.0, 1.0);
    const auto rank = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < bucket_count; ++i) {
        seen += buckets_[i];
        if (seen >= rank) {
            const std::uint64_t low = bucket_low(i);
            const std::uint64_t middle = low + (bucket_high(i) - low) / 2;
            return std::clamp(middle, min_, max_);
        }
    }
    return max_;
}

}  // namespace pktscope
