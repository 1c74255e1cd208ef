// Route and rule file parsing and the decision logic on small hand-checked tables: ip route
// text (IPv4, -6, table all, multipath, types), ip -j route JSON, plain corpus lines, ip rule
// text, metrics, rules with a second table, throw and suppress_prefixlength, clear errors.
#include <gtest/gtest.h>

#include "pktscope/route_sources.hpp"
#include "pktscope/route_table.hpp"

namespace pktscope {
namespace {

std::vector<route_entry> parse(std::string_view text) {
    std::vector<route_entry> out;
    parse_routes(text, "test", [&](route_entry&& r) { out.push_back(std::move(r)); });
    return out;
}

any_address addr(const char* text) {
    any_address a;
    EXPECT_TRUE(parse_any_address(text, a)) << text;
    return a;
}

TEST(RouteParse, IpRouteShowTableAllIpv4) {
    const auto routes = parse(
        "default via 192.0.2.1 dev eth0 proto dhcp src 192.0.2.10 metric 100 \n"
        "10.0.0.0/8 via 192.0.2.254 dev eth0 proto static onlink \n"
        "blackhole 10.9.0.0/16 proto static\n"
        "unreachable 10.10.0.0/16 metric 5\n"
        "prohibit 10.11.0.0/16\n"
        "local 192.0.2.10 dev eth0 table local proto kernel scope host src 192.0.2.10 \n"
        "broadcast 192.0.2.255 dev eth0 table local proto kernel scope link src 192.0.2.10 \n"
        "172.16.0.0/12 via 192.0.2.7 dev eth0 table 100 mtu lock 1400\n");
    ASSERT_EQ(routes.size(), 8U);
    EXPECT_EQ(to_string(routes[0].prefix), "0.0.0.0/0");
    EXPECT_EQ(routes[0].via, "192.0.2.1");
    EXPECT_EQ(routes[0].dev, "eth0");
    EXPECT_EQ(routes[0].metric, 100U);
    EXPECT_EQ(routes[0].protocol, "dhcp");
    EXPECT_EQ(routes[0].src, "192.0.2.10");
    EXPECT_EQ(routes[0].table, table_main);
    EXPECT_EQ(routes[2].type, route_type::blackhole);
    EXPECT_EQ(routes[3].type, route_type::unreachable);
    EXPECT_EQ(routes[3].metric, 5U);
    EXPECT_EQ(routes[4].type, route_type::prohibit);
    EXPECT_EQ(routes[5].type, route_type::local);
    EXPECT_EQ(to_string(routes[5].prefix), "192.0.2.10/32");
    EXPECT_EQ(routes[5].table, table_local);
    EXPECT_EQ(routes[6].type, route_type::broadcast);
    EXPECT_EQ(routes[7].table, 100U);
}

TEST(RouteParse, IpV6RoutesMultipathAndDefaultFamily) {
    const auto routes = parse(
        "2001:db8::/64 dev eth0 proto kernel metric 256 pref medium\n"
        "fe80::/64 dev eth0 proto kernel metric 256 pref medium\n"
        "unreachable 2001:db8:9::/48 dev lo metric 1024 pref medium\n"
        "default proto static metric 1024 pref medium\n"
        "\tnexthop via fe80::1 dev eth0 weight 1 \n"
        "\tnexthop via fe80::2 dev eth1 weight 1 \n"
        "multicast ff00::/8 dev eth0 table local proto kernel metric 256 pref medium\n");
    ASSERT_EQ(routes.size(), 5U);
    EXPECT_TRUE(routes[0].prefix.ipv6);
    EXPECT_EQ(routes[2].type, route_type::unreachable);
    EXPECT_EQ(to_string(routes[3].prefix), "::/0");  // "default" with pref: IPv6
    EXPECT_EQ(routes[3].via, "fe80::1");
    EXPECT_EQ(routes[3].dev, "eth0");
    EXPECT_EQ(routes[3].nexthop_count, 2);
    EXPECT_EQ(routes[4].type, route_type::multicast);
}

TEST(RouteParse, IpJsonRoutes) {
    const auto routes =
        parse(R"([{"dst":"default","gateway":"192.0.2.1","dev":"eth0","protocol":"dhcp",
        "prefsrc":"192.0.2.10","metric":100,"flags":[]},
        {"type":"blackhole","dst":"10.9.0.0/16","flags":[]},
        {"type":"local","dst":"192.0.2.10","table":"local","dev":"eth0","protocol":"kernel","scope":"host","flags":[]},
        {"dst":"2001:db8::/64","dev":"eth0","protocol":"kernel","metric":256,"flags":[],"pref":"medium"},
        {"dst":"default","protocol":"static","metric":1024,"flags":[],"pref":"medium","nexthops":[
           {"gateway":"fe80::1","dev":"eth0","weight":1,"flags":[]},{"gateway":"fe80::2","dev":"eth1","weight":1,"flags":[]}]}])");
    ASSERT_EQ(routes.size(), 5U);
    EXPECT_EQ(routes[0].via, "192.0.2.1");
    EXPECT_EQ(routes[0].metric, 100U);
    EXPECT_EQ(routes[1].type, route_type::blackhole);
    EXPECT_EQ(to_string(routes[2].prefix), "192.0.2.10/32");
    EXPECT_EQ(routes[2].table, table_local);
    EXPECT_EQ(to_string(routes[4].prefix), "::/0");
    EXPECT_EQ(routes[4].via, "fe80::1");
    EXPECT_EQ(routes[4].nexthop_count, 2);
}

TEST(RouteParse, PlainCorpusLines) {
    const auto routes =
        parse("0.0.0.0/0 0\n1.0.0.0/12 26882\n2001:4:112::/48 58\n10.0.0.0/8 192.0.2.1\n");
    ASSERT_EQ(routes.size(), 4U);
    EXPECT_EQ(routes[1].nexthop_id, 26882U);
    EXPECT_TRUE(routes[2].prefix.ipv6);
    EXPECT_EQ(routes[3].via, "192.0.2.1");
}

TEST(RouteParse, ErrorsNameTheLine) {
    try {
        parse("10.0.0.0/8 dev eth0\n10.1.2.3/8 dev eth0\n");
        FAIL() << "host bits accepted";
    } catch (const route_file_error& e) {
        EXPECT_STREQ(e.what(), "test:2: bad destination '10.1.2.3/8'");
    }
    EXPECT_THROW(parse("[{\"dst\":"), route_file_error);
    EXPECT_THROW(parse("[{\"type\":\"bogus\",\"dst\":\"10.0.0.0/8\"}]"), route_file_error);
    EXPECT_THROW(parse("10.0.0.0/8 via\n"), route_file_error);
    EXPECT_THROW(parse_rules("from all lookup main\n", "r", false), route_file_error);
}

routing_tables tables_of(std::string_view routes, std::string_view rules = {}) {
    routing_tables t;
    parse_routes(routes, "test", [&](route_entry&& r) { t.add_route(std::move(r)); });
    if (!rules.empty())
        for (routing_rule& r : parse_rules(rules, "rules", false)) t.add_rule(std::move(r));
    t.finish();
    return t;
}

TEST(RouteDecision, TextbookLongestPrefixWithExplanation) {
    const routing_tables t =
        tables_of("192.168.0.0/16 dev eth1\n192.168.1.0/24 dev eth2\n192.168.1.32/27 dev eth3\n");
    const route_decision d = t.decide(addr("192.168.1.33"));
    ASSERT_NE(d.matched, nullptr);
    EXPECT_EQ(d.matched->dev, "eth3");
    ASSERT_EQ(d.candidates.size(), 3U);
    EXPECT_EQ(to_string(d.candidates[0].route->prefix), "192.168.1.32/27");
    EXPECT_EQ(d.candidates[0].verdict, "chosen");
    EXPECT_EQ(to_string(d.candidates[2].route->prefix), "192.168.0.0/16");
    EXPECT_EQ(d.candidates[2].verdict, "shorter prefix");
    EXPECT_EQ(d.outcome(), "sent directly on eth3 (on-link)");
    EXPECT_EQ(t.decide(addr("192.168.1.64")).matched->dev, "eth2");
    EXPECT_EQ(t.decide(addr("10.0.0.1")).matched, nullptr);
    EXPECT_EQ(t.decide(addr("2001:db8::1")).outcome(), "no route: network unreachable");
}

TEST(RouteDecision, LowestMetricWinsAmongEqualPrefixes) {
    const routing_tables t = tables_of(
        "10.0.0.0/8 via 192.0.2.1 dev a metric 100\n10.0.0.0/8 via 192.0.2.2 dev b metric 50\n");
    const route_decision d = t.decide(addr("10.1.1.1"));
    ASSERT_NE(d.matched, nullptr);
    EXPECT_EQ(d.matched->via, "192.0.2.2");
    ASSERT_EQ(d.candidates.size(), 2U);
    EXPECT_EQ(d.candidates[1].verdict, "higher metric");
}

TEST(RouteDecision, RulesSecondTableThrowAndSuppress) {
    const routing_tables t = tables_of(
        "default via 192.0.2.1 dev eth0\n"
        "172.16.0.0/12 via 192.0.2.2 dev eth0\n"
        "172.16.0.0/12 via 192.0.2.3 dev eth1 table 100\n"
        "throw 172.20.0.0/16 table 100\n"
        "blackhole 172.16.9.0/24 table 100\n",
        "0:\tfrom all lookup local\n"
        "100:\tfrom all lookup main suppress_prefixlength 0\n"
        "1000:\tfrom all to 172.16.0.0/12 lookup 100\n"
        "2000:\tfrom 10.0.0.0/8 unreachable\n"
        "32766:\tfrom all lookup main\n");
    EXPECT_EQ(t.decide(addr("172.17.0.1")).matched->via, "192.0.2.2");  // main /12 (not suppressed)
    // 8.8.8.8: main's default is suppressed by rule 100, table 100 has no cover, main again.
    const route_decision def = t.decide(addr("8.8.8.8"));
    ASSERT_NE(def.matched, nullptr);
    EXPECT_EQ(def.rule->priority, 32766U);
    // From 10.0.0.0/8 the unreachable rule ends the lookup before main.
    const route_decision from = t.decide(addr("8.8.8.8"), addr("10.1.1.1"));
    ASSERT_TRUE(from.rule_verdict.has_value());
    EXPECT_EQ(*from.rule_verdict, route_type::unreachable);
}

TEST(RouteDecision, SecondTableWhenMainHasNothingLonger) {
    const routing_tables t = tables_of(
        "default via 192.0.2.1 dev eth0\n"
        "172.16.0.0/12 via 192.0.2.3 dev eth1 table 100\n"
        "throw 172.20.0.0/16 table 100\n"
        "blackhole 172.16.9.0/24 table 100\n",
        "0:\tfrom all lookup local\n1000:\tfrom all to 172.16.0.0/12 lookup 100\n32766:\tfrom all "
        "lookup main\n");
    EXPECT_EQ(t.decide(addr("172.17.0.1")).matched->via, "192.0.2.3");
    EXPECT_EQ(t.decide(addr("172.16.9.1")).matched->type, route_type::blackhole);
    EXPECT_EQ(t.decide(addr("172.16.9.1")).outcome(), "dropped silently (blackhole route)");
    const route_decision thrown = t.decide(addr("172.20.1.1"));
    ASSERT_NE(thrown.matched, nullptr);
    EXPECT_EQ(thrown.matched->via, "192.0.2.1");  // back in main: the default
    EXPECT_EQ(thrown.matched->table, table_main);
}

}  // namespace
}  // namespace pktscope
