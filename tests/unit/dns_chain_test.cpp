// dns_chain_builder: a resolver's upstream transactions grouped under the client query they
// served, in the order they were sent; unrelated ones pass through unchanged.
#include <gtest/gtest.h>

#include "pktscope/dns_chain.hpp"

namespace pktscope {
namespace {

constexpr std::int64_t ms = 1'000'000;
constexpr std::int64_t timeout = 5000 * ms;

flow_endpoint endpoint(const char* ip, std::uint16_t port) {
    ipv4_address a;
    EXPECT_TRUE(parse_ipv4(ip, a));
    return {ip_address::from(a), port};
}

dns_transaction txn(const char* client, const char* server, std::string qname, std::int64_t sent,
                    std::int64_t answered_at, dns_outcome outcome, bool rd = false) {
    static std::uint64_t frame = 0;
    dns_transaction t;
    t.client = endpoint(client, 40000);
    t.server = endpoint(server, 53);
    t.rd = rd;
    t.has_question = true;
    t.qname = std::move(qname);
    t.qtype = 1;
    t.status = dns_status::answered;
    t.outcome = outcome;
    t.query_frame = ++frame;
    t.response_frame = ++frame;
    t.query_ts_ns = sent;
    t.response_ts_ns = answered_at;
    t.latency_ns = answered_at - sent;
    return t;
}

dns_rr_text rr(std::string name, std::uint16_t type, std::string data) {
    return {std::move(name), type, 1, 300, std::move(data)};
}

struct collected {
    std::vector<dns_chain> chains;
    std::vector<dns_transaction> singles;
    std::vector<std::string> order;  // "chain:<qname>" / "single:<qname>" as reported
};

TEST(DnsChainBuilder, RootTldAuthoritativeStepsInOrder) {
    collected out;
    dns_chain_builder b(
        timeout, 1000,
        [&](const dns_chain& c) {
            out.chains.push_back(c);
            out.order.push_back("chain:" + c.client.qname);
        },
        [&](const dns_transaction& t) {
            out.singles.push_back(t);
            out.order.push_back("single:" + t.qname);
        });
    const std::int64_t t0 = 1'000'000 * ms;
    // What the tracker reports, in the order transactions finish.
    dns_transaction root =
        txn("10.0.0.53", "10.1.0.1", "test", t0 + 1 * ms, t0 + 2 * ms, dns_outcome::referral);
    root.authority = {rr("test", 2, "ns.tld.test")};
    root.delegation = "test";
    dns_transaction prime =
        txn("10.0.0.53", "10.1.0.1", ".", t0 + 1 * ms, t0 + 2 * ms, dns_outcome::answer);
    dns_transaction tld = txn("10.0.0.53", "10.2.0.1", "example.test", t0 + 3 * ms, t0 + 4 * ms,
                              dns_outcome::referral);
    tld.authority = {rr("example.test", 2, "ns.example.test")};
    tld.delegation = "example.test";
    dns_transaction unrelated =
        txn("10.0.0.53", "10.9.9.9", "other.org", t0 + 4 * ms, t0 + 5 * ms, dns_outcome::answer);
    dns_transaction auth = txn("10.0.0.53", "10.3.0.1", "www.example.test", t0 + 6 * ms,
                               t0 + 7 * ms, dns_outcome::cname);
    auth.answers = {rr("www.example.test", 5, "web.elsewhere.test")};
    dns_transaction restart = txn("10.0.0.53", "10.3.0.2", "web.elsewhere.test", t0 + 8 * ms,
                                  t0 + 9 * ms, dns_outcome::answer);
    dns_transaction client = txn("10.0.0.1", "10.0.0.53", "www.example.test", t0, t0 + 10 * ms,
                                 dns_outcome::answer, true);
    dns_transaction later = txn("10.0.0.53", "10.1.0.1", "www.example.test", t0 + 20 * ms,
                                t0 + 21 * ms, dns_outcome::answer);
    for (const dns_transaction* t :
         {&root, &prime, &tld, &unrelated, &auth, &restart, &client, &later}) {
        b.add(*t);
        b.advance(t->response_ts_ns);
    }
    EXPECT_TRUE(out.chains.empty()) << "a client query is final one timeout after its answer";
    b.advance(t0 + 10 * ms + timeout + 1);
    ASSERT_EQ(out.chains.size(), 1u);
    const dns_chain& c = out.chains[0];
    EXPECT_EQ(c.client.qname, "www.example.test");
    std::vector<std::string> steps;
    for (const dns_transaction& s : c.steps) steps.push_back(s.qname);
    EXPECT_EQ(steps, (std::vector<std::string>{"test", ".", "example.test", "www.example.test",
                                               "web.elsewhere.test"}));
    b.finish();
    // Unrelated and later queries are reported on their own, and in arrival order.
    ASSERT_EQ(out.singles.size(), 2u);
    EXPECT_EQ(out.singles[0].qname, "other.org");
    EXPECT_EQ(out.singles[1].qname, "www.example.test");
    EXPECT_EQ(b.counters().chains, 1u);
    EXPECT_EQ(b.counters().steps, 5u);
}

TEST(DnsChainBuilder, QueriesToAHostThatNeverAsksAreNotChains) {
    std::size_t chains = 0, singles = 0;
    dns_chain_builder b(
        timeout, 1000, [&](const dns_chain&) { ++chains; },
        [&](const dns_transaction&) { ++singles; });
    b.add(txn("10.0.0.1", "10.0.0.2", "a.test", 0, ms, dns_outcome::answer, true));
    b.add(txn("10.0.0.1", "10.0.0.2", "b.test", 2 * ms, 3 * ms, dns_outcome::answer, true));
    b.finish();
    EXPECT_EQ(chains, 0u);
    EXPECT_EQ(singles, 2u);
}

TEST(DnsChainBuilder, ResolverAskingFromAnotherAddressAndCacheHits) {
    // Clients reach the resolver at 10.0.2.53; it asks upstream from 10.0.1.53.
    std::vector<dns_chain> chains;
    std::vector<dns_transaction> singles;
    dns_chain_builder b(
        timeout, 1000, [&](const dns_chain& c) { chains.push_back(c); },
        [&](const dns_transaction& t) { singles.push_back(t); });
    const std::int64_t t0 = 2'000'000 * ms;
    b.add(txn("10.0.1.53", "10.1.0.1", "example.test", t0 + 1 * ms, t0 + 2 * ms,
              dns_outcome::referral));
    b.add(txn("10.0.1.53", "10.3.0.1", "www.example.test", t0 + 3 * ms, t0 + 4 * ms,
              dns_outcome::answer));
    // Another client's recursive query elsewhere, same name: not a step (RD set).
    b.add(txn("10.0.2.7", "10.9.9.9", "www.example.test", t0 + 2 * ms, t0 + 3 * ms,
              dns_outcome::answer, true));
    b.add(txn("10.0.2.1", "10.0.2.53", "www.example.test", t0, t0 + 5 * ms, dns_outcome::answer,
              true));
    // Later the same question is answered from the cache: a chain without steps.
    b.add(txn("10.0.2.1", "10.0.2.53", "www.example.test", t0 + 100 * ms, t0 + 101 * ms,
              dns_outcome::answer, true));
    b.finish();
    ASSERT_EQ(chains.size(), 2u);
    EXPECT_EQ(chains[0].steps.size(), 2u);
    EXPECT_EQ(to_string(chains[0].steps[0].server.address.v4()), "10.1.0.1");
    EXPECT_TRUE(chains[1].steps.empty());
    ASSERT_EQ(singles.size(), 1u);
    EXPECT_EQ(to_string(singles[0].server.address.v4()), "10.9.9.9");
}

TEST(DnsChainBuilder, HeldRecordsAreBounded) {
    std::size_t reported = 0;
    dns_chain_builder b(
        timeout, 4, [&](const dns_chain&) { ++reported; },
        [&](const dns_transaction&) { ++reported; });
    for (int i = 0; i < 10; ++i)
        b.add(txn("10.0.0.1", "10.0.0.2", "x.test", i * ms, i * ms + 1, dns_outcome::answer));
    EXPECT_EQ(reported, 6u);
    EXPECT_EQ(b.counters().evictions, 6u);
    b.finish();
    EXPECT_EQ(reported, 10u);
}

}  // namespace
}  // namespace pktscope
