// Live: inside a fresh namespace, `pktscope sniff -i lo -w` records the echo pair talking over
// TCP and UDP, IPv4 and IPv6; the pcap is then read back by tshark and by pktscope.
#include <gtest/gtest.h>

#include "echo_conversation_checks.hpp"
#include "live_capture_support.hpp"

namespace pktscope::testing {
namespace {

struct client_run {
    const char* host;
    const char* transport;
    std::size_t size;
    std::uint64_t messages;
};

TEST(CaptureLoopback, EchoOverTcpUdpIpv4Ipv6) {
    PKTSCOPE_REQUIRE_ROOT();
    netns ns("loop");
    temp_dir dir;
    const std::string pcap = dir.file("lo.pcap");
    auto server = start_pktscope(ns, "echo-server --both --bind :: --json", dir.file("server.log"),
                                 "echo_listening", 2);
    auto capture = start_capture(ns, "-i lo -w " + pcap + " port 6797", dir.file("capture.log"));

    const client_run runs[] = {
        {"127.0.0.1", "--tcp", 100, 3},
        {"::1", "--tcp", 1500, 4},
        {"127.0.0.1", "--udp", 300, 3},
        {"::1", "--udp", 40, 5},
    };
    std::vector<int> client_ports;
    for (const client_run& r : runs) {
        const command_result out =
            ns.run(pktscope_binary() + " echo-client " + r.host + " 6797 " + r.transport + " -n " +
                       std::to_string(r.messages) + " --size " + std::to_string(r.size) + " --json",
                   false);
        ASSERT_EQ(out.exit_status, 0) << out.output;
        const auto records = parse_json_lines(out.output);
        const nlohmann::json summary = last_record(records, "echo_client_summary");
        ASSERT_FALSE(summary.is_null()) << out.output;
        // The client verified every echo byte for byte.
        EXPECT_EQ(summary["ok"], true);
        EXPECT_EQ(summary["messages_verified"], r.messages);
        EXPECT_EQ(summary["mismatches"], 0);
        EXPECT_EQ(summary["bytes_received"], r.messages * r.size);
        client_ports.push_back(port_of(last_record(records, "echo_client_connection")["local"]));
    }
    // The last packet: the echo of the last run's last datagram.
    wait_for_count(dir.file("capture.log"),
                   "IP6 ::1.6797 > ::1." + std::to_string(client_ports.back()) + ": UDP", 5);
    interrupt_and_wait(*capture, "sniff");

    const std::vector<tshark_packet> packets = tshark_packets(pcap);
    const std::vector<nlohmann::json> records = pktscope_packets(pcap);
    ASSERT_EQ(records.size(), packets.size()) << "pktscope and tshark count different packets";
    for (std::size_t i = 0; i < std::size(runs); ++i) {
        SCOPED_TRACE(std::string(runs[i].transport) + " " + runs[i].host);
        echo_conversation c;
        c.client_port = client_ports[i];
        c.messages = runs[i].messages;
        c.size = runs[i].size;
        if (std::string(runs[i].transport) == "--tcp")
            expect_tcp_echo(packets, records, c);
        else
            expect_udp_echo(packets, records, c);
        // The right address family on the wire.
        for (const tshark_packet& t : packets) {
            if (t.sport != c.client_port) continue;
            EXPECT_EQ(t.ip_src, runs[i].host);
        }
    }
    // Loopback frames carry all-zero MACs (the kernel's loopback "Ethernet" header).
    for (const nlohmann::json& r : records) EXPECT_EQ(r["eth"]["src"], "00:00:00:00:00:00");

    // The server logged each TCP connection with its byte counts.
    server->signal(SIGTERM);
    EXPECT_EQ(server->wait(std::chrono::seconds(10)), 0);
    const auto log = json_records(read_file(dir.file("server.log")));
    int connections = 0;
    for (const auto& j : log) {
        if (j["type"] != "echo_connection") continue;
        ++connections;
        EXPECT_EQ(j["close_reason"], "peer_closed");
        EXPECT_EQ(j["bytes_received"], j["bytes_sent"]);
    }
    EXPECT_EQ(connections, 2);
    const nlohmann::json totals = last_record(log, "echo_server_summary");
    ASSERT_FALSE(totals.is_null());
    EXPECT_EQ(totals["udp_datagrams_echoed"], 3 + 5);
    EXPECT_EQ(totals["tcp_bytes_echoed"], 3 * 100 + 4 * 1500);
}

}  // namespace
}  // namespace pktscope::testing
