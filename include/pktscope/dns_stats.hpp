// Statistics over dns_transaction records (`pktscope dns --stats`): per-server latency
// percentiles, RCODE and outcome counts, unanswered and retransmission counts, and the most
// asked names. Memory is bounded: latencies go into log-linear histograms, servers past a
// cap are pooled into one "other" row, and names are counted with the Space-Saving
// algorithm (Metwally, Agrawal, El Abbadi, ICDT 2005), whose counts are upper bounds with a
// known error.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "pktscope/dns_tracker.hpp"

namespace pktscope {

/// Latencies in nanoseconds. The first `exact_samples` are kept as they are, and quantiles over
/// them are exact; beyond that, log-linear buckets (exact below 128 ns, then 64 per power of
/// two) bound the memory, and a reported quantile is within 1/128 (0.8 %) of the true value.
class dns_latency_histogram {
  public:
    /// Adds one latency (negative values, from timestamps going backwards, count as 0).
    void add(std::int64_t latency_ns);
    /// Samples added.
    std::uint64_t count() const noexcept { return count_; }
    /// Smallest and largest sample, exactly (0 when empty).
    std::int64_t min_ns() const noexcept { return count_ == 0 ? 0 : min_; }
    std::int64_t max_ns() const noexcept { return max_; }
    /// Nearest-rank q-quantile (0 < q <= 1) in nanoseconds: the ceil(q * count)-th smallest
    /// sample (with more than exact_samples samples, the middle of its bucket, clamped to
    /// [min, max]). 0 when empty.
    std::int64_t quantile_ns(double q) const;

    /// Samples kept exactly before the buckets take over.
    static constexpr std::size_t exact_samples = 1024;

  private:
    std::vector<std::int64_t> exact_;     // the first samples, while count <= exact_samples
    std::vector<std::uint32_t> buckets_;  // allocated on the first sample
    std::uint64_t count_ = 0;
    std::int64_t min_ = 0;
    std::int64_t max_ = 0;
};

/// Bounds of a dns_stats_collector.
struct dns_stats_options {
    std::size_t max_servers = 1024;    ///< servers with their own row; the rest share "other"
    std::size_t name_counters = 4096;  ///< Space-Saving counters for the top names
    std::size_t top_names = 10;        ///< names reported
};

/// One server's row.
struct dns_server_stats {
    flow_endpoint server;       ///< address and port (unset for the "other" row)
    bool other = false;         ///< pooled servers beyond dns_stats_options::max_servers
    std::uint64_t queries = 0;  ///< transactions with a query side
    std::uint64_t answered = 0;
    std::uint64_t unanswered = 0;
    std::uint64_t retransmissions = 0;
    std::uint64_t truncated = 0;  ///< answers with TC
    std::uint64_t p50_ns = 0;
    std::uint64_t p90_ns = 0;
    std::uint64_t p99_ns = 0;
    std::uint64_t max_ns = 0;
};

/// A name and how often it was asked (`count` may exceed the truth by at most `error`).
struct dns_name_count {
    std::string name;  ///< lower-cased presentation form
    std::uint64_t count = 0;
    std::uint64_t error = 0;
};

/// What --stats prints.
struct dns_stats_report {
    std::uint64_t transactions = 0;  ///< records seen (unsolicited included)
    std::uint64_t answered = 0;
    std::uint64_t unanswered = 0;
    std::uint64_t unsolicited = 0;
    std::uint64_t retransmissions = 0;
    std::uint64_t truncated = 0;
    std::vector<dns_server_stats> servers;                        ///< by queries, most first
    std::vector<std::pair<std::uint16_t, std::uint64_t>> rcodes;  ///< (RCODE, count), most first
    std::vector<std::pair<dns_outcome, std::uint64_t>> outcomes;  ///< most first
    std::vector<std::pair<std::uint16_t, std::uint64_t>> qtypes;  ///< (QTYPE, count), most first
    std::vector<dns_name_count> top_names;                        ///< most asked first
    std::size_t name_counters = 0;  ///< Space-Saving capacity (for the error bound)
};

/// Collects statistics from transactions as they are reported.
class dns_stats_collector {
  public:
    /// An empty collector with these bounds.
    explicit dns_stats_collector(dns_stats_options options = {});
    /// Counts one record (unsolicited ones only in the totals).
    void add(const dns_transaction& t);
    /// The figures so far: servers by queries, counts by frequency, the top names.
    dns_stats_report report() const;

  private:
    struct server_entry {
        dns_server_stats row;
        dns_latency_histogram latency;
    };
    struct name_entry {
        std::string name;
        std::uint64_t count = 0;
        std::uint64_t error = 0;
        std::size_t heap_index = 0;
    };
    server_entry& server_for(const flow_endpoint& server);
    void count_name(std::string_view name);
    void sift_down(std::size_t i);
    void sift_up(std::size_t i);

    dns_stats_options options_;
    dns_stats_report totals_;  // scalar totals only
    std::vector<server_entry> servers_;
    std::map<flow_endpoint, std::size_t> server_index_;
    std::array<std::uint64_t, 4096> rcodes_{};
    std::array<std::uint64_t, 16> outcomes_{};  // by dns_outcome value
    std::unordered_map<std::uint16_t, std::uint64_t> qtypes_;
    std::vector<name_entry> names_;
    std::vector<std::size_t> heap_;  // min-heap of indices into names_ by count
    std::unordered_map<std::string, std::size_t> name_index_;
    std::string lower_;  // scratch
};

}  // namespace pktscope
