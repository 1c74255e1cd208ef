// dns_stats: latency quantiles against exact nearest-rank values, Space-Saving top names
// against exact counts, server pooling and per-RCODE counts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "pktscope/dns_stats.hpp"

namespace pktscope {
namespace {

std::int64_t exact_quantile(std::vector<std::int64_t> v, double q) {
    std::sort(v.begin(), v.end());
    auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
    return v[std::max<std::size_t>(rank, 1) - 1];
}

TEST(DnsLatencyHistogram, QuantilesWithinOneBucketOfExact) {
    std::mt19937_64 rng(7);
    // Latencies from 50 us to 2 s, log-uniform: every octave of the histogram gets samples.
    std::uniform_real_distribution<double> exponent(std::log(50e3), std::log(2e9));
    std::vector<std::int64_t> samples;
    dns_latency_histogram h;
    for (int i = 0; i < 20000; ++i) {
        const auto v = static_cast<std::int64_t>(std::exp(exponent(rng)));
        samples.push_back(v);
        h.add(v);
    }
    for (double q : {0.5, 0.9, 0.99, 0.999}) {
        const std::int64_t exact = exact_quantile(samples, q);
        const std::int64_t got = h.quantile_ns(q);
        EXPECT_LE(std::llabs(got - exact), exact / 128 + 1) << "q=" << q;
    }
    EXPECT_EQ(h.max_ns(), *std::max_element(samples.begin(), samples.end()));
    EXPECT_EQ(h.min_ns(), *std::min_element(samples.begin(), samples.end()));
    EXPECT_EQ(h.quantile_ns(1.0), h.max_ns());
    EXPECT_EQ(h.count(), samples.size());
}

TEST(DnsLatencyHistogram, FewSamplesGiveExactQuantiles) {
    dns_latency_histogram h;
    for (std::int64_t v : {32'177'097, 234'495, 81'944, 446'001}) h.add(v);
    EXPECT_EQ(h.quantile_ns(0.5), 234'495);     // rank 2 of 4
    EXPECT_EQ(h.quantile_ns(0.9), 32'177'097);  // rank 4
    EXPECT_EQ(h.quantile_ns(0.75), 446'001);    // rank 3
}

TEST(DnsLatencyHistogram, SmallValuesAreExact) {
    dns_latency_histogram h;
    for (std::int64_t v : {5, 1, 3, 2, 4}) h.add(v);
    EXPECT_EQ(h.quantile_ns(0.5), 3);
    EXPECT_EQ(h.quantile_ns(0.2), 1);
    EXPECT_EQ(h.quantile_ns(0.99), 5);
    dns_latency_histogram empty;
    EXPECT_EQ(empty.quantile_ns(0.5), 0);
    h.add(-10);  // timestamps going backwards count as 0
    EXPECT_EQ(h.min_ns(), 0);
}

dns_transaction answered(const char* server_ip, std::string name, std::int64_t latency_ns,
                         std::uint16_t rcode = 0) {
    dns_transaction t;
    ipv4_address a;
    EXPECT_TRUE(parse_ipv4(server_ip, a));
    t.server.address = ip_address::from(a);
    t.server.port = 53;
    t.has_question = true;
    t.qname = std::move(name);
    t.qtype = 1;
    t.status = dns_status::answered;
    t.latency_ns = latency_ns;
    t.rcode = rcode;
    t.outcome = rcode == 3 ? dns_outcome::nxdomain : dns_outcome::answer;
    t.query_frame = 1;
    return t;
}

TEST(DnsStatsCollector, PerServerRowsAndTotals) {
    dns_stats_collector c;
    for (int i = 1; i <= 100; ++i) c.add(answered("192.0.2.1", "a.test", i * 1'000'000));
    c.add(answered("192.0.2.2", "missing.test", 5'000'000, 3));
    dns_transaction lost = answered("192.0.2.2", "lost.test", 0);
    lost.status = dns_status::unanswered;
    lost.retransmissions = 2;
    c.add(lost);
    dns_transaction stray = answered("192.0.2.9", "stray.test", 0);
    stray.status = dns_status::unsolicited;
    c.add(stray);
    const dns_stats_report r = c.report();
    EXPECT_EQ(r.transactions, 103u);
    EXPECT_EQ(r.answered, 101u);
    EXPECT_EQ(r.unanswered, 1u);
    EXPECT_EQ(r.unsolicited, 1u);
    EXPECT_EQ(r.retransmissions, 2u);
    ASSERT_EQ(r.servers.size(), 2u);
    EXPECT_EQ(to_string(r.servers[0].server.address.v4()), "192.0.2.1");
    EXPECT_EQ(r.servers[0].queries, 100u);
    // Nearest rank of 1..100 ms: p50 = 50 ms, p90 = 90 ms, p99 = 99 ms (within 1/128).
    EXPECT_NEAR(static_cast<double>(r.servers[0].p50_ns), 50e6, 50e6 / 128);
    EXPECT_NEAR(static_cast<double>(r.servers[0].p90_ns), 90e6, 90e6 / 128);
    EXPECT_NEAR(static_cast<double>(r.servers[0].p99_ns), 99e6, 99e6 / 128);
    EXPECT_EQ(r.servers[0].max_ns, 100'000'000u);
    EXPECT_EQ(r.servers[1].unanswered, 1u);
    EXPECT_EQ(r.servers[1].retransmissions, 2u);
    ASSERT_EQ(r.rcodes.size(), 2u);
    EXPECT_EQ(r.rcodes[0], (std::pair<std::uint16_t, std::uint64_t>{0, 100}));
    EXPECT_EQ(r.rcodes[1], (std::pair<std::uint16_t, std::uint64_t>{3, 1}));
    ASSERT_FALSE(r.top_names.empty());
    EXPECT_EQ(r.top_names[0].name, "a.test");
    EXPECT_EQ(r.top_names[0].count, 100u);
    EXPECT_EQ(r.top_names[0].error, 0u);
}

TEST(DnsStatsCollector, ServersBeyondTheCapShareOneRow) {
    dns_stats_options o;
    o.max_servers = 2;
    dns_stats_collector c(o);
    c.add(answered("192.0.2.1", "x.test", 1));
    c.add(answered("192.0.2.2", "x.test", 1));
    c.add(answered("192.0.2.3", "x.test", 1));
    c.add(answered("192.0.2.4", "x.test", 1));
    const dns_stats_report r = c.report();
    ASSERT_EQ(r.servers.size(), 3u);
    EXPECT_TRUE(r.servers[2].other);
    EXPECT_EQ(r.servers[2].queries, 2u);
}

TEST(DnsStatsCollector, TopNamesAreCaseInsensitiveAndBoundedWithKnownError) {
    dns_stats_options o;
    o.name_counters = 8;
    o.top_names = 3;
    dns_stats_collector c(o);
    std::map<std::string, std::uint64_t> truth;
    std::mt19937 rng(3);
    // Three heavy names and a long tail of names seen once.
    for (int i = 0; i < 3000; ++i) {
        std::string name;
        const int pick = static_cast<int>(rng() % 10);
        if (pick < 3)
            name = "heavy" + std::to_string(pick) + ".test";
        else
            name = "tail" + std::to_string(i) + ".test";
        ++truth[name];
        if (i % 2 == 0)
            for (char& ch : name)
                ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        c.add(answered("192.0.2.1", name, 1));
    }
    const dns_stats_report r = c.report();
    ASSERT_EQ(r.top_names.size(), 3u);
    for (const dns_name_count& n : r.top_names) {
        EXPECT_EQ(n.name.rfind("heavy", 0), 0u) << n.name;
        const std::uint64_t real = truth[n.name];
        EXPECT_GE(n.count, real);            // Space-Saving overestimates...
        EXPECT_LE(n.count - n.error, real);  // ...by at most `error`
    }
}

}  // namespace
}  // namespace pktscope
