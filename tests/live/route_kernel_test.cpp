// Route decisions against a real kernel FIB: a private namespace with two veth pairs as route
// targets and ~55 nested IPv4/IPv6 routes (default, /1../32, /128 hosts, overlaps, metrics,
// gateways, blackhole/unreachable/prohibit, throw, a second table reached by ip rules).
// - `route lookup --kernel --check` on 10,000 random addresses: 100 % agreement with the
//   kernel's RTM_GETROUTE fibmatch answers (and a sample re-checked with iproute2's own
//   `ip route get fibmatch`, an independent client of the same kernel API).
// - The same tables exported with `ip route show table all` / `ip -j route show table all`
//   (+ `ip rule show`) and loaded with --table give the same decisions.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <random>
#include <set>

#include "live_support.hpp"
#include "pktscope/cidr.hpp"
#include "pktscope/route_table.hpp"

namespace pktscope::testing {
namespace {

const char* const ipv4_routes[] = {
    "default via 10.0.0.2",
    "10.0.0.0/8 via 10.1.0.2",
    "10.10.0.0/16 via 10.0.0.3",
    "10.10.10.0/24 dev v2",
    "10.10.10.128/25 via 10.1.0.3",
    "10.10.10.200/32 via 10.0.0.4",
    "10.50.0.0/16 via 10.0.0.12 metric 100",
    "10.50.0.0/16 via 10.1.0.12 metric 50",
    "10.50.7.0/24 dev v0 metric 7",
    "172.16.0.0/12 via 10.0.0.5",
    "172.16.5.0/24 via 10.1.0.5",
    "172.20.0.0/16 via 10.0.0.13",
    "192.168.0.0/16 dev v0",
    "192.168.1.0/24 dev v2 metric 10",
    "192.168.1.32/27 via 10.0.0.6",
    "192.168.1.33/32 via 10.1.0.6",
    "blackhole 10.20.0.0/16",
    "unreachable 10.30.0.0/16",
    "prohibit 10.40.0.0/16",
    "blackhole 192.168.2.0/24",
    "100.64.0.0/10 via 10.0.0.7",
    "100.64.1.0/24 dev v0",
    "198.18.0.0/15 via 10.1.0.7",
    "unreachable 198.18.0.0/24",
    "203.0.113.0/24 via 10.0.0.8",
    "blackhole 203.0.113.7/32",
    "1.0.0.0/8 via 10.0.0.9",
    "1.2.0.0/16 via 10.1.0.9",
    "1.2.3.0/24 dev v0",
    "44.0.0.0/8 via 10.0.0.10",
    "128.0.0.0/1 via 10.1.0.10",
    "64.0.0.0/2 via 10.0.0.11",
    // Table 100, reached by rules for 172.16.0.0/12 (priority 1000).
    "default via 10.1.0.2 table 100",
    "172.16.0.0/12 via 10.1.0.20 table 100",
    "blackhole 172.16.7.0/24 table 100",
    "throw 172.20.0.0/16 table 100",
};

const char* const ipv6_routes[] = {
    "default via fd00::2",
    "2001:db8::/32 via fd01::2",
    "2001:db8:1::/48 via fd00::3",
    "2001:db8:1:1::/64 dev v2",
    "2001:db8:1:1::5/128 via fd00::4",
    "blackhole 2001:db8:2::/48",
    "unreachable 2001:db8:3::/48",
    "prohibit 2001:db8:4::/48",
    "2001:db8:5::/48 via fd00::5 metric 100",
    "2001:db8:5:7::/64 via fd01::5 metric 50",
    "2400::/12 via fd01::6",
    "2400:cb00::/32 via fd00::7",
    "2400:cb00:2048::/48 dev v0",
    "3000::/4 via fd01::8",
    "2001:db8:100::/48 via fd00::21",
    "2001:db8:100::/40 via fd01::20 table 100",
    "2001:db8:100:5::/64 via fd00::22 table 100",
    "unreachable 2001:db8:101::/48 table 100",
};

std::vector<std::string> route_prefixes(bool ipv6) {
    std::vector<std::string> out;
    auto take = [&](const std::string& line) {
        std::istringstream in(line);
        std::string w;
        in >> w;
        if (w == "blackhole" || w == "unreachable" || w == "prohibit" || w == "throw") in >> w;
        if (w != "default") out.push_back(w);
    };
    if (ipv6)
        for (const char* r : ipv6_routes) take(r);
    else
        for (const char* r : ipv4_routes) take(r);
    return out;
}

// 10,000 addresses: 60 % inside a route of the namespace (random host bits), 40 % uniform
// (IPv4 without 0/8, 127/8, 224/3; IPv6 in 2000::/3 and fd00::/8).
std::vector<std::string> sample_addresses(std::size_t count) {
    std::mt19937_64 rng(20261123);
    const std::vector<std::string> v4 = route_prefixes(false);
    const std::vector<std::string> v6 = route_prefixes(true);
    // The namespace's own addresses (local table: local and broadcast routes) come first.
    std::vector<std::string> out = {"10.0.0.1",  "10.1.0.1", "10.0.0.255", "127.0.0.1",
                                    "127.3.4.5", "fd00::1",  "fd01::1",    "::1"};
    while (out.size() < count) {
        const bool ipv6 = rng() % 2 == 0;
        const bool near = rng() % 10 < 6;
        if (!ipv6) {
            ipv4_address a{static_cast<std::uint32_t>(rng())};
            if (near) {
                ipv4_prefix p;
                parse_prefix(v4[rng() % v4.size()], p);
                a.value = p.address.value | (a.value & ~netmask_v4(p.length).value);
            }
            const unsigned first = a.value >> 24;
            if (first == 0 || first == 127 || first >= 224) continue;
            out.push_back(to_string(a));
        } else {
            ipv6_address a;
            for (auto& o : a.octets) o = static_cast<std::uint8_t>(rng());
            if (near) {
                ipv6_prefix p;
                parse_prefix(v6[rng() % v6.size()], p);
                const ipv6_address host = host_part_of(a, p.length);
                for (std::size_t i = 0; i < 16; ++i)
                    a.octets[i] = static_cast<std::uint8_t>(p.address.octets[i] | host.octets[i]);
            } else if (rng() % 4 == 0) {
                a.octets[0] = 0xfd;
            } else {
                a.octets[0] = static_cast<std::uint8_t>(0x20 | (a.octets[0] & 0x1f));
            }
            out.push_back(to_string(a));
        }
    }
    return out;
}

std::string key_of(const nlohmann::json& record) {
    const auto& m = record["matched"];
    std::string key = record.value("rule_action", std::string{});
    if (!m.is_null())
        key += m["prefix"].get<std::string>() + " " + m.value("dev", "") + " " +
               m.value("via", "") + " " + m["table"].get<std::string>() + " " +
               m["type"].get<std::string>() + " " + std::to_string(m["metric"].get<long>());
    return key;
}

class RouteKernelTest : public ::testing::Test {
  protected:
    void SetUp() override {
        PKTSCOPE_REQUIRE_ROOT();
        ns_ = std::make_unique<netns>("rt");
        peer_ = std::make_unique<netns>("rtpeer");
        make_veth(*ns_, "v0", "10.0.0.1/24 fd00::1/64", *peer_, "v1", "10.0.0.2/24 fd00::2/64");
        make_veth(*ns_, "v2", "10.1.0.1/24 fd01::1/64", *peer_, "v3", "10.1.0.2/24 fd01::2/64");
        // Forwarding on: IPv6 then picks routes without a neighbour-reachability preference.
        ASSERT_EQ(ns_->run("sysctl -qw net.ipv6.conf.all.forwarding=1").exit_status, 0);
        std::string script;
        // Every gateway lies in 10.0.0.0/24 or 10.1.0.0/24 (fd00::/64, fd01::/64): on-link.
        for (const char* r : ipv4_routes) script += std::string("ip route add ") + r + "\n";
        for (const char* r : ipv6_routes) script += std::string("ip -6 route add ") + r + "\n";
        script += "ip rule add to 172.16.0.0/12 lookup 100 priority 1000\n";
        script += "ip -6 rule add to 2001:db8:100::/40 lookup 100 priority 1000\n";
        temp_ = std::make_unique<temp_dir>();
        std::ofstream(temp_->file("setup.sh")) << "set -e\n" << script;
        const command_result r = ns_->run("sh " + temp_->file("setup.sh"));
        ASSERT_EQ(r.exit_status, 0) << r.output;
        const std::vector<std::string> addrs = sample_addresses(10000);
        std::ofstream out(temp_->file("addresses.txt"));
        for (const std::string& a : addrs) out << a << "\n";
    }

    std::vector<nlohmann::json> lookup(const std::string& source_args, int expected_status = 0) {
        const command_result r =
            ns_->run(pktscope_binary() + " route lookup --json " + source_args + " - < " +
                         temp_->file("addresses.txt") + " 2>" + temp_->file("stderr.txt"),
                     false, std::chrono::seconds(120));
        EXPECT_EQ(r.exit_status, expected_status) << read_file(temp_->file("stderr.txt"));
        return parse_json_lines(r.output);
    }

    std::unique_ptr<netns> ns_;
    std::unique_ptr<netns> peer_;
    std::unique_ptr<temp_dir> temp_;
};

TEST_F(RouteKernelTest, TenThousandAddressesAgreeWithKernelAndExportedTables) {
    const std::vector<nlohmann::json> kernel = lookup("--kernel --check");
    ASSERT_EQ(kernel.size(), 10000U);
    std::size_t agree = 0;
    std::map<std::string, std::size_t> kinds;
    for (const auto& rec : kernel) {
        ASSERT_EQ(rec["type"], "route_decision");
        const bool ok = rec["kernel"]["agree"].get<bool>();
        EXPECT_TRUE(ok) << rec.dump();
        agree += ok ? 1U : 0U;
        if (rec["matched"].is_null())
            ++kinds["none"];
        else {
            ++kinds[rec["matched"]["type"].get<std::string>()];
            ++kinds["table " + rec["matched"]["table"].get<std::string>()];
        }
    }
    EXPECT_EQ(agree, 10000U);
    // The sample exercises every kind of decision the table has.
    for (const char* kind :
         {"unicast", "blackhole", "unreachable", "prohibit", "local", "table 100", "table main"})
        EXPECT_GT(kinds[kind], 0U) << kind;

    // Independent client of the same kernel: iproute2's `ip -j route get fibmatch` on a sample.
    std::string script = "for a in";
    for (std::size_t i = 0; i < kernel.size(); i += 40)
        script += " " + kernel[i]["address"].get<std::string>();
    script += "; do printf '%s ' $a; ip -j route get fibmatch $a 2>&1 | tr -d '\\n'; echo; done";
    std::ofstream(temp_->file("fibmatch.sh")) << script << "\n";
    const command_result ip =
        ns_->run("sh " + temp_->file("fibmatch.sh"), true, std::chrono::seconds(120));
    ASSERT_EQ(ip.exit_status, 0);
    std::map<std::string, const nlohmann::json*> by_address;
    for (const auto& rec : kernel) by_address[rec["address"].get<std::string>()] = &rec;
    std::istringstream lines(ip.output);
    std::string line;
    std::size_t compared = 0;
    while (std::getline(lines, line)) {
        const std::string address = line.substr(0, line.find(' '));
        const std::string rest = line.substr(line.find(' ') + 1);
        const nlohmann::json& ours = *by_address.at(address);
        if (rest.rfind("[", 0) != 0) {  // an error: blackhole/unreachable/prohibit/no route
            EXPECT_TRUE(ours.contains("rule_action") || ours["matched"].is_null() ||
                        ours["matched"]["type"] != "unicast")
                << address << ": ip says " << rest;
            ++compared;
            continue;
        }
        const auto got = nlohmann::json::parse(rest).at(0);
        std::string dst = got["dst"].get<std::string>();
        if (dst == "default") dst = address.find(':') != std::string::npos ? "::/0" : "0.0.0.0/0";
        if (dst.find('/') == std::string::npos)
            dst += address.find(':') != std::string::npos ? "/128" : "/32";
        ASSERT_FALSE(ours["matched"].is_null()) << address;
        EXPECT_EQ(ours["matched"]["prefix"].get<std::string>(), dst) << address;
        EXPECT_EQ(ours["matched"].value("via", ""), got.value("gateway", "")) << address;
        ++compared;
    }
    EXPECT_EQ(compared, (kernel.size() + 39) / 40);

    // The same tables exported by iproute2 and loaded from files.
    ASSERT_EQ(ns_->run("ip route show table all > " + temp_->file("t4.txt") +
                       " && ip -6 route show table all > " + temp_->file("t6.txt") +
                       " && ip -j route show table all > " + temp_->file("j4.json") +
                       " && ip -j -6 route show table all > " + temp_->file("j6.json") +
                       " && ip rule show > " + temp_->file("r4.txt") + " && ip -6 rule show > " +
                       temp_->file("r6.txt"))
                  .exit_status,
              0);
    const std::string rules =
        " --rules " + temp_->file("r4.txt") + " --rules6 " + temp_->file("r6.txt");
    const std::vector<nlohmann::json> text =
        lookup("-t " + temp_->file("t4.txt") + " -t " + temp_->file("t6.txt") + rules);
    const std::vector<nlohmann::json> json =
        lookup("-t " + temp_->file("j4.json") + " -t " + temp_->file("j6.json") + rules);
    ASSERT_EQ(text.size(), kernel.size());
    ASSERT_EQ(json.size(), kernel.size());
    std::size_t same_text = 0, same_json = 0;
    for (std::size_t i = 0; i < kernel.size(); ++i) {
        const std::string k = key_of(kernel[i]);
        EXPECT_EQ(key_of(text[i]), k) << kernel[i]["address"];
        EXPECT_EQ(key_of(json[i]), k) << kernel[i]["address"];
        same_text += key_of(text[i]) == k ? 1U : 0U;
        same_json += key_of(json[i]) == k ? 1U : 0U;
    }
    EXPECT_EQ(same_text, kernel.size());
    EXPECT_EQ(same_json, kernel.size());
    std::printf(
        "kernel agreement %zu/10000; ip route show: %zu, ip -j route: %zu identical decisions\n",
        agree, same_text, same_json);
}

TEST_F(RouteKernelTest, ExplainNamesTheRuleAndTheLongestPrefix) {
    const command_result r =
        ns_->run(pktscope_binary() +
                 " route lookup --kernel --check --explain 192.168.1.40 172.16.7.9 172.20.1.1");
    ASSERT_EQ(r.exit_status, 0) << r.output;
    // 192.168.1.40: /27 beats /24, /16, 128.0.0.0/1 and the default in main.
    EXPECT_NE(r.output.find("192.168.1.32/27 wins: longest prefix (/27) among 5"),
              std::string::npos)
        << r.output;
    // 172.16.7.9: rule 1000 sends it to table 100, where a blackhole /24 wins.
    EXPECT_NE(r.output.find("1000: from all to 172.16.0.0/12 lookup 100"), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("dropped silently (blackhole route)"), std::string::npos) << r.output;
    // 172.20.1.1: the throw route in table 100 passes it on to main's 172.20.0.0/16.
    EXPECT_NE(r.output.find("is a throw route: next rule"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("172.20.0.0/16 via 10.0.0.13 dev v0 table main"), std::string::npos)
        << r.output;
    EXPECT_EQ(r.output.find("DISAGREES"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace pktscope::testing
