// A client - router - server chain of namespaces joined by veth pairs, forwarding on in the
// router. `route trace` from the client lists the router, then the server (UDP, ICMP and TCP
// probes, IPv4 and IPv6); tcpdump captures on both sides show the TTL one lower on the server
// side; and the sniffer's --kernel-routes annotation on the client matches the kernel's own
// `ip route get`.
#include <gtest/gtest.h>

#include <sstream>

#include "live_support.hpp"

namespace pktscope::testing {
namespace {

class RouteTraceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        PKTSCOPE_REQUIRE_ROOT();
        client_ = std::make_unique<netns>("tc");
        router_ = std::make_unique<netns>("tr");
        server_ = std::make_unique<netns>("ts");
        make_veth(*client_, "c0", "10.9.1.2/24 fd09:1::2/64", *router_, "r0",
                  "10.9.1.1/24 fd09:1::1/64");
        make_veth(*router_, "r1", "10.9.2.1/24 fd09:2::1/64", *server_, "s0",
                  "10.9.2.2/24 fd09:2::2/64");
        for (const auto* ns : {client_.get(), router_.get(), server_.get()}) {
            // No ICMP rate limit, so every probe of a hop gets its answer.
            const command_result r = ns->run(
                "sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0 "
                "net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1");
            ASSERT_EQ(r.exit_status, 0) << r.output;
        }
        ASSERT_EQ(
            client_
                ->run("ip route add default via 10.9.1.1 && ip -6 route add default via fd09:1::1")
                .exit_status,
            0);
        ASSERT_EQ(
            server_
                ->run("ip route add default via 10.9.2.1 && ip -6 route add default via fd09:2::1")
                .exit_status,
            0);
        // Resolve the neighbours once, so the first probes do not wait on ARP / ND.
        client_->run("ping -n -c 1 -W 2 10.9.2.2; ping -n -c 1 -W 2 fd09:2::2");
    }

    std::vector<nlohmann::json> trace(const std::string& args) {
        const command_result r =
            client_->run(pktscope_binary() + " route trace --json -q 2 -w 1 -m 5 " + args, false,
                         std::chrono::seconds(60));
        EXPECT_EQ(r.exit_status, 0) << r.output;
        return parse_json_lines(r.output);
    }

    // Expects: a route_decision first, then hop 1 = the router (time exceeded), hop 2 = the
    // server (reached), nothing after.
    void expect_two_hops(const std::vector<nlohmann::json>& records, const std::string& router,
                         const std::string& server, const std::string& final_answer,
                         const std::string& via) {
        std::string all;
        for (const auto& r : records) all += r.dump() + "\n";
        ASSERT_EQ(records.size(), 3U) << all;
        EXPECT_EQ(records[0]["type"], "route_decision");
        EXPECT_EQ(records[0]["matched"]["dev"], "c0");
        EXPECT_EQ(records[0]["matched"]["via"], via);
        const auto& hop1 = records[1];
        const auto& hop2 = records[2];
        EXPECT_EQ(hop1["ttl"], 1);
        EXPECT_FALSE(hop1["reached"].get<bool>());
        // Every answer comes from the expected host; a lost probe ('*') is tolerated, a hop
        // with no answer at all is not.
        std::size_t answered = 0;
        for (const auto& p : hop1["probes"]) {
            if (!p["answered"].get<bool>()) continue;
            ++answered;
            EXPECT_EQ(p["from"], router);
            EXPECT_EQ(p["answer"], "time exceeded");
        }
        EXPECT_EQ(hop2["ttl"], 2);
        EXPECT_TRUE(hop2["reached"].get<bool>());
        EXPECT_GT(answered, 0U) << hop1.dump();
        answered = 0;
        for (const auto& p : hop2["probes"]) {
            if (!p["answered"].get<bool>()) continue;
            ++answered;
            EXPECT_EQ(p["from"], server);
            EXPECT_EQ(p["answer"], final_answer);
        }
        EXPECT_GT(answered, 0U) << hop2.dump();
    }

    std::unique_ptr<netns> client_, router_, server_;
};

TEST_F(RouteTraceTest, UdpIcmpTcpListRouterThenServer) {
    expect_two_hops(trace("10.9.2.2 --udp"), "10.9.1.1", "10.9.2.2", "port unreachable",
                    "10.9.1.1");
    expect_two_hops(trace("10.9.2.2 --icmp"), "10.9.1.1", "10.9.2.2", "echo reply", "10.9.1.1");
    // Nothing listens on port 80 of the server: its RST ends the trace.
    expect_two_hops(trace("10.9.2.2 --tcp -p 80"), "10.9.1.1", "10.9.2.2", "rst", "10.9.1.1");
    expect_two_hops(trace("fd09:2::2 --udp"), "fd09:1::1", "fd09:2::2", "port unreachable",
                    "fd09:1::1");
    expect_two_hops(trace("fd09:2::2 --icmp"), "fd09:1::1", "fd09:2::2", "echo reply", "fd09:1::1");
}

TEST_F(RouteTraceTest, TtlDropsByOneAcrossTheRouterAndAnnotationMatchesKernel) {
    temp_dir tmp;
    // Captures on both sides (tcpdump, an independent decoder) and the annotating sniffer.
    background_process client_cap(client_->exec_prefix() + "tcpdump -U -n -i c0 -w " +
                                      tmp.file("c.pcap") + " icmp and host 10.9.2.2",
                                  tmp.file("c.log"));
    background_process server_cap(server_->exec_prefix() + "tcpdump -U -n -i s0 -w " +
                                      tmp.file("s.pcap") + " icmp and host 10.9.2.2",
                                  tmp.file("s.log"));
    background_process sniff(
        client_->exec_prefix() + pktscope_binary() +
            " sniff -i c0 --json --kernel-routes -c 3 'icmp[icmptype] == icmp-echo'",
        tmp.file("sniff.json"));
    ASSERT_TRUE(wait_until(
        [&] {
            return read_file(tmp.file("sniff.json")).find("listening") != std::string::npos ||
                   read_file(tmp.file("sniff.json")).find("\"meta\"") != std::string::npos;
        },
        std::chrono::seconds(5)));
    ASSERT_TRUE(wait_until(
        [&] {
            return read_file(tmp.file("c.log")).find("listening on") != std::string::npos &&
                   read_file(tmp.file("s.log")).find("listening on") != std::string::npos;
        },
        std::chrono::seconds(5)));
    ::usleep(300'000);
    const command_result ping = client_->run("ping -n -c 3 -i 0.2 -t 64 10.9.2.2");
    ASSERT_EQ(ping.exit_status, 0) << ping.output;
    EXPECT_EQ(sniff.wait(std::chrono::milliseconds(5000)), 0);
    ::usleep(300'000);
    client_cap.signal(SIGINT);
    server_cap.signal(SIGINT);
    client_cap.wait(std::chrono::milliseconds(3000));
    server_cap.wait(std::chrono::milliseconds(3000));

    // TTL of the echo requests, as tcpdump -v prints it ("ttl 64"), on each side.
    auto ttls = [&](const std::string& pcap) {
        const command_result r =
            run("tcpdump -n -v -r " + pcap + " 'icmp[icmptype] == icmp-echo' 2>/dev/null");
        std::vector<int> out;
        for (std::size_t at = r.output.find("ttl "); at != std::string::npos;
             at = r.output.find("ttl ", at + 1))
            out.push_back(std::stoi(r.output.substr(at + 4)));
        return out;
    };
    const std::vector<int> client_ttl = ttls(tmp.file("c.pcap"));
    const std::vector<int> server_ttl = ttls(tmp.file("s.pcap"));
    ASSERT_EQ(client_ttl.size(), 3U);
    ASSERT_EQ(server_ttl.size(), 3U);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(client_ttl[i], 64);
        EXPECT_EQ(server_ttl[i], client_ttl[i] - 1);
    }
    // Our decoder reads the same TTLs from the same files.
    const command_result ours = run(pktscope_binary() + " sniff --json -r " + tmp.file("s.pcap") +
                                    " 'icmp[icmptype] == icmp-echo'");
    std::size_t seen = 0;
    for (const auto& rec : parse_json_lines(ours.output))
        if (rec["type"] == "packet") {
            EXPECT_EQ(rec["ipv4"]["ttl"], 63);
            ++seen;
        }
    EXPECT_EQ(seen, 3U);

    // The annotation equals the kernel's answer for the destination.
    const command_result get = client_->run("ip -j route get 10.9.2.2");
    ASSERT_EQ(get.exit_status, 0);
    const auto kernel = nlohmann::json::parse(get.output).at(0);
    const command_result fib = client_->run("ip -j route get fibmatch 10.9.2.2");
    const auto kernel_prefix = nlohmann::json::parse(fib.output).at(0)["dst"].get<std::string>();
    std::size_t annotated = 0;
    // The log holds stderr too ("listening on ..."): keep the JSON lines.
    std::string json_only;
    std::istringstream log(read_file(tmp.file("sniff.json")));
    for (std::string line; std::getline(log, line);)
        if (!line.empty() && line[0] == '{') json_only += line + "\n";
    for (const auto& rec : parse_json_lines(json_only)) {
        if (rec["type"] != "packet") continue;
        ASSERT_TRUE(rec.contains("route")) << rec.dump();
        EXPECT_EQ(rec["route"]["dev"], kernel["dev"]);
        EXPECT_EQ(rec["route"]["via"], kernel["gateway"]);
        EXPECT_EQ(rec["route"]["prefix"], kernel_prefix == "default" ? "0.0.0.0/0" : kernel_prefix);
        ++annotated;
    }
    EXPECT_EQ(annotated, 3U);
}

}  // namespace
}  // namespace pktscope::testing
