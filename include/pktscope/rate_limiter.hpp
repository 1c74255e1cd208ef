// Token buckets: one for a whole service, and a bounded table of them keyed by source address
// (least recently seen source evicted when full, with an eviction counter).
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <unordered_map>

#include "pktscope/address.hpp"

namespace pktscope {

/// A token bucket: `rate_per_second` tokens a second, at most `burst` saved up. Time is
/// caller-supplied monotonic nanoseconds, so it is deterministic under test.
struct token_bucket {
    double tokens = 0;
    std::int64_t last_ns = 0;
    bool started = false;

    /// Takes one token at `now_ns` if there is one (a new bucket starts full).
    bool take(double rate_per_second, double burst, std::int64_t now_ns) noexcept;
};

/// Per-source token buckets in a table of at most `capacity` sources. An IPv4 source is keyed
/// by its IPv4-mapped IPv6 form, so a dual-stack socket's two views of it share one bucket.
class source_rate_limiter {
  public:
    /// `rate_per_second` and `burst` per source; `capacity` >= 1 sources tracked.
    source_rate_limiter(double rate_per_second, double burst, std::size_t capacity);
    /// True when `source` may send one more datagram at `now_ns` (monotonic ns).
    bool allow(const ipv6_address& source, std::int64_t now_ns);
    /// Sources currently tracked (<= capacity).
    std::size_t size() const noexcept { return table_.size(); }
    /// Sources dropped from the table to make room (each then starts with a full bucket).
    std::uint64_t evictions() const noexcept { return evictions_; }

  private:
    struct address_hash {
        std::size_t operator()(const ipv6_address& a) const noexcept;
    };
    struct entry {
        token_bucket bucket;
        std::list<ipv6_address>::iterator recency;
    };
    double rate_;
    double burst_;
    std::size_t capacity_;
    std::list<ipv6_address> recency_;  ///< least recently seen first
    std::unordered_map<ipv6_address, entry, address_hash> table_;
    std::uint64_t evictions_ = 0;
};

/// The IPv4-mapped IPv6 form ::ffff:a.b.c.d of `address` (RFC 4291 2.5.5.2).
ipv6_address mapped_ipv6(ipv4_address address) noexcept;

}  // namespace pktscope
