// prefix_table: random tables and addresses against a linear scan (exact agreement), random
// insert/erase sequences, covering() order, batch lookups, and edge prefixes (/0, /32, /128).
#include "pktscope/prefix_table.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <vector>

namespace pktscope {
namespace {

// The reference: every stored prefix checked one by one.
template <class Address>
struct linear_table {
    std::map<ip_prefix<Address>, std::uint32_t> routes;
    // All covering prefixes, longest first.
    std::vector<ip_prefix<Address>> covering(const Address& a) const {
        std::vector<ip_prefix<Address>> out;
        for (const auto& [p, v] : routes)
            if (contains(p, a)) out.push_back(p);
        std::sort(out.begin(), out.end(),
                  [](const auto& x, const auto& y) { return x.length > y.length; });
        return out;
    }
};

ipv4_address random_v4(std::mt19937_64& rng) {
    return {static_cast<std::uint32_t>(rng())};
}
ipv6_address random_v6(std::mt19937_64& rng) {
    ipv6_address a;
    for (auto& o : a.octets) o = static_cast<std::uint8_t>(rng());
    return a;
}
ipv4_address random_address(std::mt19937_64& rng, ipv4_address) {
    return random_v4(rng);
}
ipv6_address random_address(std::mt19937_64& rng, ipv6_address) {
    return random_v6(rng);
}

// Random prefixes clustered under a few roots so that nesting and sharing are common.
template <class Address>
ip_prefix<Address> random_prefix(std::mt19937_64& rng, const std::vector<Address>& roots) {
    constexpr unsigned bits = address_bits<Address>;
    Address a = random_address(rng, Address{});
    if (rng() % 4 != 0) {
        // Keep the first 4..20 bits of a root, randomise the rest.
        const Address root = roots[rng() % roots.size()];
        const unsigned keep = 4 + static_cast<unsigned>(rng() % 17);
        const ip_prefix<Address> r{network_of(root, keep), static_cast<std::uint8_t>(keep)};
        const Address host = host_part_of(a, keep);
        if constexpr (std::is_same_v<Address, ipv4_address>) {
            a = {r.address.value | host.value};
        } else {
            for (std::size_t i = 0; i < 16; ++i)
                a.octets[i] = static_cast<std::uint8_t>(r.address.octets[i] | host.octets[i]);
        }
    }
    unsigned length = static_cast<unsigned>(rng() % (bits + 1));
    if (rng() % 3 == 0) length = (bits == 32 ? 16U : 32U) + static_cast<unsigned>(rng() % 17);
    return {network_of(a, length), static_cast<std::uint8_t>(length)};
}

template <class Address>
Address address_near(std::mt19937_64& rng, const linear_table<Address>& ref) {
    if (ref.routes.empty() || rng() % 3 == 0) return random_address(rng, Address{});
    auto it = ref.routes.begin();
    std::advance(it, static_cast<long>(rng() % ref.routes.size()));
    const auto& p = it->first;
    switch (rng() % 3) {
        case 0:
            return p.address;
        case 1:
            return last_address_of(p.address, p.length);
        default: {
            Address host = host_part_of(random_address(rng, Address{}), p.length);
            Address a = p.address;
            if constexpr (std::is_same_v<Address, ipv4_address>)
                a.value |= host.value;
            else
                for (std::size_t i = 0; i < 16; ++i)
                    a.octets[i] = static_cast<std::uint8_t>(a.octets[i] | host.octets[i]);
            return a;
        }
    }
}

template <class Address>
void expect_agreement(const prefix_table<Address>& table, const linear_table<Address>& ref,
                      std::mt19937_64& rng, int queries) {
    ASSERT_EQ(table.size(), ref.routes.size());
    std::vector<Address> batch;
    std::vector<route_id> expected_ids;
    for (int q = 0; q < queries; ++q) {
        const Address a = address_near(rng, ref);
        const auto expected = ref.covering(a);
        route_id ids[address_bits<Address> + 1];
        const std::size_t n = table.covering(a, ids);
        ASSERT_EQ(n, expected.size()) << to_string(a);
        for (std::size_t i = 0; i < n; ++i) {
            ASSERT_EQ(table.prefix(ids[i]), expected[i]) << to_string(a) << " #" << i;
            ASSERT_EQ(table.value(ids[i]), ref.routes.at(expected[i]));
        }
        const route_id id = table.lookup(a);
        if (expected.empty()) {
            ASSERT_EQ(id, no_route) << to_string(a);
        } else {
            ASSERT_NE(id, no_route) << to_string(a);
            ASSERT_EQ(table.prefix(id), expected.front()) << to_string(a);
        }
        batch.push_back(a);
        expected_ids.push_back(id);
    }
    std::vector<route_id> got(batch.size());
    table.lookup_batch(batch, got);
    ASSERT_EQ(got, expected_ids);
}

template <class Address>
void run_property_test(std::uint64_t seed, int rounds) {
    std::mt19937_64 rng(seed);
    std::vector<Address> roots;
    for (int i = 0; i < 6; ++i) roots.push_back(random_address(rng, Address{}));
    prefix_table<Address> table;
    linear_table<Address> ref;

    // Bulk build first.
    std::vector<typename prefix_table<Address>::route> initial;
    for (int i = 0; i < 400; ++i) {
        const auto p = random_prefix(rng, roots);
        const auto v = static_cast<std::uint32_t>(rng() % 1000);
        initial.push_back({p, v});
        ref.routes[p] = v;  // the last duplicate wins, as in assign()
    }
    table.assign(initial);
    expect_agreement(table, ref, rng, 2000);

    // Then incremental inserts and erases, checking after every batch of edits.
    for (int round = 0; round < rounds; ++round) {
        for (int e = 0; e < 25; ++e) {
            if (rng() % 2 == 0 || ref.routes.empty()) {
                const auto p = random_prefix(rng, roots);
                const auto v = static_cast<std::uint32_t>(rng() % 1000);
                table.insert(p, v);
                ref.routes[p] = v;
            } else {
                auto it = ref.routes.begin();
                std::advance(it, static_cast<long>(rng() % ref.routes.size()));
                ASSERT_TRUE(table.erase(it->first));
                ref.routes.erase(it);
            }
        }
        expect_agreement(table, ref, rng, 300);
    }
    // Erase everything: every lookup misses.
    for (const auto& [p, v] : ref.routes) ASSERT_TRUE(table.erase(p));
    ref.routes.clear();
    expect_agreement(table, ref, rng, 200);
}

TEST(PrefixTableProperty, Ipv4AgreesWithLinearScan) {
    for (std::uint64_t seed : {1U, 2U, 3U}) run_property_test<ipv4_address>(seed, 40);
}

TEST(PrefixTableProperty, Ipv6AgreesWithLinearScan) {
    for (std::uint64_t seed : {4U, 5U, 6U}) run_property_test<ipv6_address>(seed, 40);
}

ipv4_prefix v4(const char* text) {
    ipv4_prefix p;
    EXPECT_EQ(parse_prefix(text, p), prefix_parse_status::ok) << text;
    return p;
}
ipv6_prefix v6(const char* text) {
    ipv6_prefix p;
    EXPECT_EQ(parse_prefix(text, p), prefix_parse_status::ok) << text;
    return p;
}
ipv4_address a4(const char* text) {
    ipv4_address a;
    EXPECT_TRUE(parse_ipv4(text, a));
    return a;
}
ipv6_address a6(const char* text) {
    ipv6_address a;
    EXPECT_TRUE(parse_ipv6(text, a));
    return a;
}

TEST(PrefixTable, TextbookThreeRoutesCoveringLongestFirst) {
    prefix_table_v4 t;
    t.insert(v4("192.168.0.0/16"), 1);
    t.insert(v4("192.168.1.0/24"), 2);
    t.insert(v4("192.168.1.32/27"), 3);
    route_id ids[33];
    ASSERT_EQ(t.covering(a4("192.168.1.33"), ids), 3U);
    EXPECT_EQ(to_string(t.prefix(ids[0])), "192.168.1.32/27");
    EXPECT_EQ(to_string(t.prefix(ids[1])), "192.168.1.0/24");
    EXPECT_EQ(to_string(t.prefix(ids[2])), "192.168.0.0/16");
    EXPECT_EQ(t.value(t.lookup(a4("192.168.1.64"))), 2U);
    EXPECT_EQ(t.value(t.lookup(a4("192.168.2.1"))), 1U);
    EXPECT_EQ(t.lookup(a4("10.0.0.1")), no_route);
}

TEST(PrefixTable, HostRoutesAndDefaultAtTheEdgesOfTheSpace) {
    prefix_table_v4 t;
    t.insert(v4("0.0.0.0/0"), 7);
    t.insert(v4("255.255.255.255/32"), 8);
    t.insert(v4("0.0.0.0/32"), 9);
    EXPECT_EQ(t.value(t.lookup(a4("255.255.255.255"))), 8U);
    EXPECT_EQ(t.value(t.lookup(a4("255.255.255.254"))), 7U);
    EXPECT_EQ(t.value(t.lookup(a4("0.0.0.0"))), 9U);
    EXPECT_EQ(t.value(t.lookup(a4("0.0.0.1"))), 7U);
    EXPECT_TRUE(t.erase(v4("0.0.0.0/0")));
    EXPECT_EQ(t.lookup(a4("0.0.0.1")), no_route);
    EXPECT_FALSE(t.erase(v4("0.0.0.0/0")));

    prefix_table_v6 t6;
    t6.insert(v6("::/0"), 1);
    t6.insert(v6("2001:db8::1/128"), 2);
    t6.insert(v6("2001:db8::/127"), 3);
    t6.insert(v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"), 4);
    EXPECT_EQ(t6.value(t6.lookup(a6("2001:db8::1"))), 2U);
    EXPECT_EQ(t6.value(t6.lookup(a6("2001:db8::"))), 3U);
    EXPECT_EQ(t6.value(t6.lookup(a6("2001:db8::2"))), 1U);
    EXPECT_EQ(t6.value(t6.lookup(a6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))), 4U);
    EXPECT_EQ(t6.value(t6.lookup(a6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"))), 1U);
}

TEST(PrefixTable, InsertExistingPrefixUpdatesValueAndKeepsId) {
    prefix_table_v4 t;
    const route_id id = t.insert(v4("10.0.0.0/8"), 1);
    EXPECT_EQ(t.insert(v4("10.0.0.0/8"), 2), id);
    EXPECT_EQ(t.size(), 1U);
    EXPECT_EQ(t.value(t.find(v4("10.0.0.0/8"))), 2U);
    EXPECT_EQ(t.find(v4("10.0.0.0/9")), no_route);
}

TEST(PrefixTable, MemoryIsReported) {
    prefix_table_v4 t;
    t.insert(v4("10.0.0.0/8"), 1);
    const prefix_table_memory m = t.memory();
    EXPECT_GE(m.fib_bytes, (std::size_t{1} << 18) * 4);  // the direct level
    EXPECT_GT(m.rib_bytes, 0U);
}

}  // namespace
}  // namespace pktscope
