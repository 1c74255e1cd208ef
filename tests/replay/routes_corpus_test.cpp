// The shared BGP-like route tables (../shared/corpus/routes/): load the 1.0 M IPv4 and 230 k
// IPv6 prefixes and check all 20,000 expected answers (matched prefix and next-hop id), which
// were cross-checked there against DPDK and the Linux kernel FIB. 100 % agreement required.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "pktscope/prefix_table.hpp"

namespace pktscope {
namespace {

const std::string corpus = std::string(PKTSCOPE_CORPUS_DIR) + "/routes/";

// Decompresses with gzip(1) (the corpus is gzip; gzip is on every Debian system).
std::string gunzip(const std::string& path) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(("gzip -dc '" + path + "'").c_str(), "r"),
                                               pclose);
    std::string text;
    if (!pipe) return text;
    char buf[1 << 16];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe.get())) > 0) text.append(buf, n);
    return text;
}

template <class Address>
void check_family(const std::string& table_file, const std::string& expected_file,
                  std::size_t expected_routes) {
    const std::string text = gunzip(corpus + table_file);
    ASSERT_FALSE(text.empty()) << "cannot read " << corpus + table_file;
    std::vector<typename prefix_table<Address>::route> routes;
    std::istringstream in(text);
    std::string prefix_text;
    std::uint32_t next_hop = 0;
    while (in >> prefix_text >> next_hop) {
        ip_prefix<Address> p;
        ASSERT_EQ(parse_prefix(prefix_text, p), prefix_parse_status::ok) << prefix_text;
        routes.push_back({p, next_hop});
    }
    ASSERT_EQ(routes.size(), expected_routes);
    prefix_table<Address> table;
    table.assign(routes);
    ASSERT_EQ(table.size(), expected_routes);

    std::ifstream expected(corpus + expected_file);
    ASSERT_TRUE(expected) << "cannot read " << corpus + expected_file;
    std::string address_text, matched_text, hop_text;
    std::vector<Address> queries;
    std::vector<route_id> single;
    std::vector<ip_prefix<Address>> matched;
    std::size_t checked = 0, agree = 0;
    while (expected >> address_text >> matched_text >> hop_text) {
        Address a;
        if constexpr (std::is_same_v<Address, ipv4_address>)
            ASSERT_TRUE(parse_ipv4(address_text, a));
        else
            ASSERT_TRUE(parse_ipv6(address_text, a));
        const route_id id = table.lookup(a);
        ++checked;
        const bool ok = id != no_route && to_string(table.prefix(id)) == matched_text &&
                        std::to_string(table.value(id)) == hop_text;
        EXPECT_TRUE(ok) << address_text << ": expected " << matched_text << " " << hop_text
                        << ", got " << (id == no_route ? "-" : to_string(table.prefix(id)));
        agree += ok ? 1 : 0;
        queries.push_back(a);
        single.push_back(id);
        matched.push_back(table.prefix(id));
    }
    EXPECT_EQ(checked, 10000U);
    EXPECT_EQ(agree, checked);
    std::vector<route_id> batch(queries.size());
    table.lookup_batch(queries, batch);
    EXPECT_EQ(batch, single);

    // Incremental edits agree with a rebuild: erase every 7th route and re-insert them.
    std::size_t n = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < routes.size(); i += 7, ++n)
        ASSERT_TRUE(table.erase(routes[i].first));
    const auto t1 = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < routes.size(); i += 7)
        table.insert(routes[i].first, routes[i].second);
    const auto t2 = std::chrono::steady_clock::now();
    std::printf("erase %.3f s, insert %.3f s\n", std::chrono::duration<double>(t1 - t0).count(),
                std::chrono::duration<double>(t2 - t1).count());
    ASSERT_EQ(table.size(), expected_routes);
    for (std::size_t i = 0; i < queries.size(); ++i) {
        const route_id id = table.lookup(queries[i]);
        ASSERT_EQ(table.prefix(id), matched[i]) << to_string(queries[i]);
    }
    std::printf(
        "%s: %zu routes, %zu/%zu expected answers agree, %zu erased+reinserted, "
        "FIB %.1f MiB\n",
        table_file.c_str(), table.size(), agree, checked, n,
        static_cast<double>(table.memory().fib_bytes) / (1 << 20));
}

TEST(RoutesCorpus, Ipv4ExpectedAnswers) {
    check_family<ipv4_address>("routes-v4.txt.gz", "expected-v4.txt", 1014321);
}

TEST(RoutesCorpus, Ipv6ExpectedAnswers) {
    check_family<ipv6_address>("routes-v6.txt.gz", "expected-v6.txt", 229792);
}

}  // namespace
}  // namespace pktscope
