#include "pktscope/rate_limiter.hpp"

#include <algorithm>
#include <cstring>

namespace pktscope {

bool token_bucket::take(double rate_per_second, double burst, std::int64_t now_ns) noexcept {
    if (!started) {
        started = true;
        tokens = burst;
        last_ns = now_ns;
    } else if (now_ns > last_ns) {
        tokens =
            std::min(burst, tokens + static_cast<double>(now_ns - last_ns) * rate_per_second / 1e9);
        last_ns = now_ns;
    }
    if (tokens < 1.0) return false;
    tokens -= 1.0;
    return true;
}

std::size_t source_rate_limiter::address_hash::operator()(const ipv6_address& a) const noexcept {
    std::uint64_t hi = 0;
    std::uint64_t lo = 0;
    std::memcpy(&hi, a.octets.data(), 8);
    std::memcpy(&lo, a.octets.data() + 8, 8);
    // splitmix64-style mixing: cheap, and spreads addresses that differ in few bits.
    std::uint64_t x = hi ^ (lo * 0x9e3779b97f4a7c15ULL);
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    return static_cast<std::size_t>(x);
}

source_rate_limiter::source_rate_limiter(double rate_per_second, double burst, std::size_t capacity)
    : rate_(rate_per_second),
      burst_(std::max(1.0, burst)),
      capacity_(std::max<std::size_t>(1, capacity)) {
    table_.reserve(capacity_);
}

bool source_rate_limiter::allow(const ipv6_address& source, std::int64_t now_ns) {
    auto it = table_.find(source);
    if (it == table_.end()) {
        if (table_.size() >= capacity_) {
            table_.erase(recency_.front());
            recency_.pop_front();
            ++evictions_;
        }
        recency_.push_back(source);
        it = table_.emplace(source, entry{token_bucket{}, std::prev(recency_.end())}).first;
    } else {
        recency_.splice(recency_.end(), recency_, it->second.recency);
    }
    return it->second.bucket.take(rate_, burst_, now_ns);
}

ipv6_address mapped_ipv6(ipv4_address address) noexcept {
    ipv6_address out;
    out.octets[10] = 0xff;
    out.octets[11] = 0xff;
    out.octets[12] = static_cast<std::uint8_t>(address.value >> 24);
    out.octets[13] = static_cast<std::uint8_t>(address.value >> 16);
    out.octets[14] = static_cast<std::uint8_t>(address.value >> 8);
    out.octets[15] = static_cast<std::uint8_t>(address.value);
    return out;
}

}  // namespace pktscope
