// dns_stats_collector: per-server latency histograms, RCODE/outcome/QTYPE counts and the
// Space-Saving top-names summary.
#include "pktscope/dns_stats.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace pktscope {
namespace {

// Log-linear bucket layout: values below 128 have a bucket each; above, the 7 leading bits
// select one of 64 buckets per power of two.
constexpr std::size_t exact_below = 128;
constexpr std::size_t per_octave = 64;
constexpr std::size_t bucket_count = (64 - 7 + 1) * per_octave + per_octave;

std::size_t bucket_of(std::uint64_t v) noexcept {
    if (v < exact_below) return static_cast<std::size_t>(v);
    const auto shift = static_cast<unsigned>(std::bit_width(v) - 7);
    return (shift + 1) * per_octave + static_cast<std::size_t>(v >> shift) - per_octave;
}

// The smallest and largest value of bucket `i`.
std::pair<std::uint64_t, std::uint64_t> bucket_bounds(std::size_t i) noexcept {
    if (i < exact_below) return {i, i};
    const std::size_t shift = i / per_octave - 1;
    const std::uint64_t mantissa = i % per_octave + per_octave;
    const std::uint64_t low = mantissa << shift;
    return {low, low + ((std::uint64_t{1} << shift) - 1)};
}

template <class Key, class Count>
void sort_by_count(std::vector<std::pair<Key, Count>>& v) {
    std::stable_sort(v.begin(), v.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
}

}  // namespace

void dns_latency_histogram::add(std::int64_t latency_ns) {
    const std::int64_t v = latency_ns < 0 ? 0 : latency_ns;
    if (count_ < exact_samples)
        exact_.push_back(v);
    else if (!exact_.empty())
        exact_ = std::vector<std::int64_t>();  // the buckets take over
    if (buckets_.empty()) buckets_.assign(bucket_count, 0);
    ++buckets_[bucket_of(static_cast<std::uint64_t>(v))];
    if (count_ == 0 || v < min_) min_ = v;
    if (count_ == 0 || v > max_) max_ = v;
    ++count_;
}

std::int64_t dns_latency_histogram::quantile_ns(double q) const {
    if (count_ == 0) return 0;
    if (q <= 0) return min_;
    auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
    if (rank < 1) rank = 1;
    if (rank > count_) rank = count_;
    if (exact_.size() == count_) {
        std::vector<std::int64_t> sorted = exact_;
        const auto nth = sorted.begin() + static_cast<std::ptrdiff_t>(rank - 1);
        std::nth_element(sorted.begin(), nth, sorted.end());
        return *nth;
    }
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        seen += buckets_[i];
        if (seen >= rank) {
            const auto [low, high] = bucket_bounds(i);
            const auto middle = static_cast<std::int64_t>(low + (high - low) / 2);
            return std::clamp(middle, min_, max_);
        }
    }
    return max_;
}

dns_stats_collector::dns_stats_collector(dns_stats_options options) : options_(options) {
    if (options_.name_counters == 0) options_.name_counters = 1;
}

dns_stats_collector::server_entry& dns_stats_collector::server_for(const flow_endpoint& server) {
    if (const auto it = server_index_.find(server); it != server_index_.end())
        return servers_[it->second];
    if (servers_.size() >= options_.max_servers) {
        // The pooled row sits at index max_servers once created.
        if (servers_.size() == options_.max_servers) {
            servers_.emplace_back();
            servers_.back().row.other = true;
        }
        return servers_.back();
    }
    server_index_.emplace(server, servers_.size());
    servers_.emplace_back();
    servers_.back().row.server = server;
    return servers_.back();
}

void dns_stats_collector::sift_down(std::size_t i) {
    // Min-heap on count: an entry whose count grew moves towards the leaves.
    const std::size_t n = heap_.size();
    for (;;) {
        std::size_t smallest = i;
        const std::size_t l = 2 * i + 1, r = 2 * i + 2;
        if (l < n && names_[heap_[l]].count < names_[heap_[smallest]].count) smallest = l;
        if (r < n && names_[heap_[r]].count < names_[heap_[smallest]].count) smallest = r;
        if (smallest == i) return;
        std::swap(heap_[i], heap_[smallest]);
        names_[heap_[i]].heap_index = i;
        names_[heap_[smallest]].heap_index = smallest;
        i = smallest;
    }
}

void dns_stats_collector::sift_up(std::size_t i) {
    while (i > 0) {
        const std::size_t parent = (i - 1) / 2;
        if (names_[heap_[parent]].count <= names_[heap_[i]].count) return;
        std::swap(heap_[i], heap_[parent]);
        names_[heap_[i]].heap_index = i;
        names_[heap_[parent]].heap_index = parent;
        i = parent;
    }
}

void dns_stats_collector::count_name(std::string_view name) {
    lower_.assign(name);
    for (char& c : lower_)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (const auto it = name_index_.find(lower_); it != name_index_.end()) {
        name_entry& e = names_[it->second];
        ++e.count;
        sift_down(e.heap_index);
        return;
    }
    if (names_.size() < options_.name_counters) {
        const std::size_t index = names_.size();
        names_.push_back({lower_, 1, 0, heap_.size()});
        heap_.push_back(index);
        name_index_.emplace(lower_, index);
        // A new name counts 1, the least possible: the heap property (parent <= child) may
        // break only against parents above 1, so move it up past those.
        sift_up(heap_.size() - 1);
        return;
    }
    // Space-Saving: the least counted name gives its counter to the new one, whose count is
    // then overestimated by at most that minimum.
    const std::size_t victim = heap_[0];
    name_entry& e = names_[victim];
    name_index_.erase(e.name);
    e.error = e.count;
    ++e.count;
    e.name = lower_;
    name_index_.emplace(lower_, victim);
    sift_down(0);
}

void dns_stats_collector::add(const dns_transaction& t) {
    ++totals_.transactions;
    if (t.status == dns_status::unsolicited) {
        ++totals_.unsolicited;
        return;
    }
    server_entry& s = server_for(t.server);
    ++s.row.queries;
    s.row.retransmissions += t.retransmissions;
    totals_.retransmissions += t.retransmissions;
    if (t.status == dns_status::answered) {
        ++s.row.answered;
        ++totals_.answered;
        s.latency.add(t.latency_ns);
        ++rcodes_[t.rcode & 0xfffU];
        ++outcomes_[static_cast<std::size_t>(t.outcome)];
        if (t.tc) {
            ++s.row.truncated;
            ++totals_.truncated;
        }
    } else {
        ++s.row.unanswered;
        ++totals_.unanswered;
    }
    if (t.has_question) {
        ++qtypes_[t.qtype];
        count_name(t.qname);
    }
}

dns_stats_report dns_stats_collector::report() const {
    dns_stats_report r = totals_;
    r.name_counters = options_.name_counters;
    for (const server_entry& s : servers_) {
        dns_server_stats row = s.row;
        row.p50_ns = static_cast<std::uint64_t>(s.latency.quantile_ns(0.50));
        row.p90_ns = static_cast<std::uint64_t>(s.latency.quantile_ns(0.90));
        row.p99_ns = static_cast<std::uint64_t>(s.latency.quantile_ns(0.99));
        row.max_ns = static_cast<std::uint64_t>(s.latency.max_ns());
        r.servers.push_back(row);
    }
    std::stable_sort(r.servers.begin(), r.servers.end(), [](const auto& a, const auto& b) {
        if (a.other != b.other) return b.other;  // the pooled row last
        return a.queries > b.queries;
    });
    for (std::size_t i = 0; i < rcodes_.size(); ++i)
        if (rcodes_[i] != 0) r.rcodes.emplace_back(static_cast<std::uint16_t>(i), rcodes_[i]);
    sort_by_count(r.rcodes);
    for (std::size_t i = 0; i < outcomes_.size(); ++i)
        if (outcomes_[i] != 0) r.outcomes.emplace_back(static_cast<dns_outcome>(i), outcomes_[i]);
    sort_by_count(r.outcomes);
    for (const auto& [qtype, count] : qtypes_) r.qtypes.emplace_back(qtype, count);
    std::sort(r.qtypes.begin(), r.qtypes.end());
    sort_by_count(r.qtypes);
    std::vector<const name_entry*> names;
    for (const name_entry& e : names_) names.push_back(&e);
    std::sort(names.begin(), names.end(), [](const name_entry* a, const name_entry* b) {
        if (a->count != b->count) return a->count > b->count;
        return a->name < b->name;
    });
    for (std::size_t i = 0; i < names.size() && i < options_.top_names; ++i)
        r.top_names.push_back({names[i]->name, names[i]->count, names[i]->error});
    return r;
}

}  // namespace pktscope
