// flow.hpp: flow keys from decoded packets, canonical form, and the bounded flow table
// (lookups against a std::map model under random operations, timeouts, eviction order).
#include <gtest/gtest.h>
#include <tins/tins.h>

#include <map>
#include <random>

#include "pktscope/flow.hpp"

namespace pktscope {
namespace {

flow_key key_v4(std::uint32_t src, std::uint16_t sport, std::uint32_t dst, std::uint16_t dport) {
    return {{ip_address::from(ipv4_address{src}), sport},
            {ip_address::from(ipv4_address{dst}), dport},
            6};
}

TEST(FlowKeyTest, KeyOfATcpPacketIsItsDirection) {
    Tins::EthernetII eth =
        Tins::EthernetII() / Tins::IP("192.0.2.2", "192.0.2.1") / Tins::TCP(443, 50000);
    const auto bytes = eth.serialize();
    frame f;
    f.caplen = f.wirelen = static_cast<std::uint32_t>(bytes.size());
    f.data = as_bytes_of(bytes.data(), bytes.size());
    const decoded_packet p = decode(f);
    const std::optional<flow_key> key = flow_key_of(p);
    ASSERT_TRUE(key);
    EXPECT_EQ(*key, key_v4(0xc0000201, 50000, 0xc0000202, 443));
    char buf[ipv6_text_max + 1];
    EXPECT_EQ(std::string(buf, format_to(buf, key->source.address)), "192.0.2.1");
}

TEST(FlowKeyTest, Ipv6UdpPacketHasAKeyAndIcmpHasNone) {
    Tins::EthernetII udp =
        Tins::EthernetII() / Tins::IPv6("2001:db8::2", "2001:db8::1") / Tins::UDP(53, 40000);
    auto bytes = udp.serialize();
    frame f;
    f.caplen = f.wirelen = static_cast<std::uint32_t>(bytes.size());
    f.data = as_bytes_of(bytes.data(), bytes.size());
    const std::optional<flow_key> key = flow_key_of(decode(f));
    ASSERT_TRUE(key);
    EXPECT_EQ(key->protocol, 17);
    EXPECT_EQ(key->source.address.family, 6);
    char buf[ipv6_text_max + 1];
    EXPECT_EQ(std::string(buf, format_to(buf, key->destination.address)), "2001:db8::2");

    Tins::EthernetII icmp = Tins::EthernetII() / Tins::IP("192.0.2.2", "192.0.2.1") / Tins::ICMP();
    bytes = icmp.serialize();
    f.caplen = f.wirelen = static_cast<std::uint32_t>(bytes.size());
    f.data = as_bytes_of(bytes.data(), bytes.size());
    EXPECT_FALSE(flow_key_of(decode(f)));
}

TEST(FlowKeyTest, BothDirectionsShareOneCanonicalKey) {
    const flow_key forward = key_v4(1, 1000, 2, 80);
    const canonical_flow a = canonicalize(forward);
    const canonical_flow b = canonicalize(forward.reversed());
    EXPECT_EQ(a.key, b.key);
    EXPECT_NE(a.swapped, b.swapped);
    EXPECT_EQ(flow_hash(a.key), flow_hash(b.key));
    EXPECT_NE(flow_hash(forward), flow_hash(key_v4(1, 1001, 2, 80)));
}

struct counter_value {
    int value = 0;
};
using table = flow_table<counter_value, 2>;

table::options options(std::size_t max, std::int64_t t0, std::int64_t t1) {
    table::options o;
    o.max_entries = max;
    o.idle_timeout_ns = {t0, t1};
    return o;
}

TEST(FlowTableTest, MatchesAMapModelUnderRandomInsertsAndErases) {
    table t(options(100000, 0, 0));
    std::map<std::uint32_t, table::handle> model;
    std::mt19937 random(7);
    for (int step = 0; step < 200000; ++step) {
        const auto k = static_cast<std::uint32_t>(random() % 5000);
        const flow_key key = key_v4(k, static_cast<std::uint16_t>(k), 42, 80);
        const table::handle h = t.find(key);
        const auto it = model.find(k);
        ASSERT_EQ(h != table::npos, it != model.end()) << "step " << step;
        if (h == table::npos) {
            const table::handle n =
                t.insert(key, step, random() % 2, [](auto&&...) { FAIL() << "no eviction"; });
            t.value(n).value = static_cast<int>(k);
            model[k] = n;
        } else {
            ASSERT_EQ(h, it->second);
            ASSERT_EQ(t.value(h).value, static_cast<int>(k));
            if (random() % 2 == 0) {
                t.erase(h);
                model.erase(it);
            } else {
                t.touch(h, step, random() % 2);
            }
        }
        ASSERT_EQ(t.size(), model.size());
    }
    EXPECT_EQ(t.counters().inserted - t.counters().erased, model.size());
}

TEST(FlowTableTest, IdleEntriesExpirePerClassOldestFirst) {
    table t(options(10, 100, 1000));
    std::vector<int> removed;
    auto on_remove = [&](const flow_key&, counter_value& v, flow_removal why) {
        EXPECT_EQ(why, flow_removal::idle_timeout);
        removed.push_back(v.value);
    };
    for (int i = 0; i < 3; ++i)
        t.value(t.insert(key_v4(1, static_cast<std::uint16_t>(i), 2, 80), i * 10, 0, on_remove))
            .value = i;
    t.value(t.insert(key_v4(1, 9, 2, 80), 0, 1, on_remove)).value = 9;
    t.touch(t.find(key_v4(1, 0, 2, 80)), 50, 0);  // entry 0 used again at 50
    t.expire(115, on_remove);                     // class 0: idle > 100 -> entry 1 (10), not 2 (20)
    EXPECT_EQ(removed, std::vector<int>({1}));
    t.expire(151, on_remove);
    EXPECT_EQ(removed, std::vector<int>({1, 2, 0}));
    t.expire(1000, on_remove);
    EXPECT_EQ(removed.size(), 3U) << "class 1 has a longer timeout";
    t.expire(1001, on_remove);
    EXPECT_EQ(removed.back(), 9);
    EXPECT_EQ(t.counters().expired_idle, 4U);
    EXPECT_EQ(t.size(), 0U);
}

TEST(FlowTableTest, FullTableEvictsTheEntryNearestItsDeadline) {
    table t(options(2, 100, 10000));
    std::vector<int> evicted;
    auto on_remove = [&](const flow_key&, counter_value& v, flow_removal why) {
        EXPECT_EQ(why, flow_removal::table_full);
        evicted.push_back(v.value);
    };
    t.value(t.insert(key_v4(1, 1, 2, 80), 0, 1, on_remove)).value = 1;   // deadline 10000
    t.value(t.insert(key_v4(1, 2, 2, 80), 50, 0, on_remove)).value = 2;  // deadline 150
    t.value(t.insert(key_v4(1, 3, 2, 80), 60, 0, on_remove)).value = 3;
    EXPECT_EQ(evicted, std::vector<int>({2}));
    EXPECT_EQ(t.size(), 2U);
    EXPECT_EQ(t.counters().evicted_full, 1U);
    EXPECT_EQ(t.counters().peak_entries, 2U);
    EXPECT_EQ(t.find(key_v4(1, 2, 2, 80)), table::npos);
    EXPECT_NE(t.find(key_v4(1, 1, 2, 80)), table::npos);
}

TEST(FlowTableTest, FlushEmptiesInOrderOfLastUse) {
    table t(options(10, 100, 100));
    std::vector<int> order;
    auto ignore = [](auto&&...) {};
    t.value(t.insert(key_v4(1, 1, 2, 80), 10, 0, ignore)).value = 1;
    t.value(t.insert(key_v4(1, 2, 2, 80), 20, 1, ignore)).value = 2;
    t.value(t.insert(key_v4(1, 3, 2, 80), 30, 0, ignore)).value = 3;
    t.touch(t.find(key_v4(1, 1, 2, 80)), 40, 0);
    t.flush([&](const flow_key&, counter_value& v, flow_removal why) {
        EXPECT_EQ(why, flow_removal::flushed);
        order.push_back(v.value);
    });
    EXPECT_EQ(order, std::vector<int>({2, 3, 1}));
    EXPECT_EQ(t.size(), 0U);
}

}  // namespace
}  // namespace pktscope
