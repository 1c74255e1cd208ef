// Live: two namespaces joined by a veth pair (real Ethernet frames with MAC addresses). The
// echo pair talks across it while `pktscope sniff` captures on the server's end and on `any`.
#include <gtest/gtest.h>

#include "echo_conversation_checks.hpp"
#include "live_capture_support.hpp"

namespace pktscope::testing {
namespace {

class CaptureVeth : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) return;
        client_ns = std::make_unique<netns>("vc");
        server_ns = std::make_unique<netns>("vs");
        make_veth(*client_ns, "pks-c", "10.77.0.1/24 fd77::1/64", *server_ns, "pks-s",
                  "10.77.0.2/24 fd77::2/64");
    }

    // Runs the echo client in the client namespace; returns its connection's local port.
    int echo(const std::string& host, const std::string& transport, std::uint64_t messages,
             std::size_t size) {
        const command_result out = client_ns->run(
            pktscope_binary() + " echo-client " + host + " 6797 " + transport + " -n " +
                std::to_string(messages) + " --size " + std::to_string(size) + " --json",
            false);
        EXPECT_EQ(out.exit_status, 0) << out.output;
        const auto records = parse_json_lines(out.output);
        EXPECT_EQ(last_record(records, "echo_client_summary")["ok"], true) << out.output;
        return port_of(last_record(records, "echo_client_connection")["local"]);
    }

    std::unique_ptr<netns> client_ns;
    std::unique_ptr<netns> server_ns;
    temp_dir dir;
};

TEST_F(CaptureVeth, EthernetFramesWithMacsHandshakePayloadAndFin) {
    PKTSCOPE_REQUIRE_ROOT();
    const std::string pcap = dir.file("veth.pcap");
    auto server = start_pktscope(*server_ns, "echo-server --both --bind :: --json",
                                 dir.file("server.log"), "echo_listening", 2);
    auto capture =
        start_capture(*server_ns, "-i pks-s -w " + pcap + " port 6797", dir.file("capture.log"));

    echo_conversation tcp4{echo("10.77.0.2", "--tcp", 5, 700), 6797, 0, 5, 700};
    echo_conversation tcp6{echo("fd77::2", "--tcp", 2, 3000), 6797, 0, 2, 3000};
    echo_conversation udp6{echo("fd77::2", "--udp", 3, 90), 6797, 0, 3, 90};
    echo_conversation udp4{echo("10.77.0.2", "--udp", 2, 1400), 6797, 0, 2, 1400};
    wait_for_count(dir.file("capture.log"),
                   "IP 10.77.0.2.6797 > 10.77.0.1." + std::to_string(udp4.client_port) + ": UDP",
                   2);
    interrupt_and_wait(*capture, "sniff -i pks-s");

    const std::vector<tshark_packet> packets = tshark_packets(pcap);
    const std::vector<nlohmann::json> records = pktscope_packets(pcap);
    ASSERT_EQ(records.size(), packets.size());
    {
        SCOPED_TRACE("tcp ipv4");
        expect_tcp_echo(packets, records, tcp4);
    }
    {
        SCOPED_TRACE("tcp ipv6");
        expect_tcp_echo(packets, records, tcp6);
    }
    {
        SCOPED_TRACE("udp ipv6");
        expect_udp_echo(packets, records, udp6);
    }
    {
        SCOPED_TRACE("udp ipv4");
        expect_udp_echo(packets, records, udp4);
    }

    // Every frame went between the two veth ends, whose MACs the kernel reports.
    const std::string client_mac = mac_of(*client_ns, "pks-c");
    const std::string server_mac = mac_of(*server_ns, "pks-s");
    ASSERT_NE(client_mac, server_mac);
    for (const tshark_packet& t : packets) {
        const bool to_server = t.dport == 6797;
        EXPECT_EQ(t.eth_src, to_server ? client_mac : server_mac) << "frame " << t.frame;
        EXPECT_EQ(t.eth_dst, to_server ? server_mac : client_mac) << "frame " << t.frame;
        const nlohmann::json& r = record_of(records, t.frame);
        EXPECT_EQ(r["linktype"], 1);
        EXPECT_EQ(r["eth"]["src"], t.eth_src);
        EXPECT_EQ(r["eth"]["dst"], t.eth_dst);
        EXPECT_EQ(r["eth"]["ether_type"],
                  t.ip_src.find(':') == std::string::npos ? 0x0800 : 0x86dd);
    }
    server->signal(SIGTERM);
    EXPECT_EQ(server->wait(std::chrono::seconds(10)), 0);
}

// `-i any` in the server's namespace: LINUX_SLL2 frames naming the interface and direction of
// each packet, text and JSON; loopback packets appear once.
TEST_F(CaptureVeth, AnyShowsInterfaceAndDirectionAndLoopbackOnce) {
    PKTSCOPE_REQUIRE_ROOT();
    auto server = start_pktscope(*server_ns, "echo-server --bind 0.0.0.0 --json",
                                 dir.file("server.log"), "echo_listening");
    const std::string filter = " 'port 6797 or icmp'";
    auto json_capture = start_capture(*server_ns, "-i any --json" + filter, dir.file("any.jsonl"));
    auto text_capture = start_capture(*server_ns, "-i any" + filter, dir.file("any.txt"));

    const int client_port = echo("10.77.0.2", "--tcp", 2, 64);
    EXPECT_EQ(server_ns->run("ping -c 3 -i 0.2 127.0.0.1").exit_status, 0);
    EXPECT_EQ(client_ns->run("ping -c 2 -i 0.2 10.77.0.2").exit_status, 0);
    // The last packets: the replies to the client namespace's pings (3 on lo before them).
    wait_for_count(dir.file("any.jsonl"), "\"icmp\":{\"type\":0", 5);
    wait_for_count(dir.file("any.txt"), "pks-s Out IP 10.77.0.2 > 10.77.0.1: ICMP echo reply", 2);
    interrupt_and_wait(*json_capture, "sniff -i any --json");
    interrupt_and_wait(*text_capture, "sniff -i any");

    const auto records = json_records(read_file(dir.file("any.jsonl")));
    ASSERT_FALSE(records.empty());
    EXPECT_EQ(records.front()["type"], "meta");
    EXPECT_EQ(records.front()["linktype"], 276);  // LINUX_SLL2
    int tcp_in = 0, tcp_out = 0, lo_requests = 0, lo_replies = 0, veth_requests = 0,
        veth_replies = 0;
    for (const auto& r : records) {
        if (r["type"] != "packet") continue;
        ASSERT_TRUE(r.contains("sll")) << r.dump();
        const std::string ifname = r["sll"]["ifname"];
        const std::string direction = r["sll"]["direction"];
        if (r.contains("tcp")) {
            const bool to_server = r["tcp"]["dport"] == 6797 && r["tcp"]["sport"] == client_port;
            EXPECT_EQ(ifname, "pks-s");
            EXPECT_EQ(direction, to_server ? "In" : "Out") << r.dump();
            (to_server ? tcp_in : tcp_out) += 1;
        } else if (r.contains("icmp")) {
            const int type = r["icmp"]["type"];
            if (r["ipv4"]["src"] == "127.0.0.1") {
                EXPECT_EQ(ifname, "lo");
                EXPECT_EQ(direction, "In");  // libpcap keeps only the incoming copy
                (type == 8 ? lo_requests : lo_replies) += 1;
            } else {
                EXPECT_EQ(ifname, "pks-s");
                EXPECT_EQ(direction, type == 8 ? "In" : "Out") << r.dump();
                (type == 8 ? veth_requests : veth_replies) += 1;
            }
        }
    }
    EXPECT_GE(tcp_in, 6);   // SYN, ACK, 2 messages, FIN, last ACK at least
    EXPECT_GE(tcp_out, 4);  // SYN-ACK, 2 echoes, FIN
    // ping -c 3 on lo: each request and reply exactly once, not twice.
    EXPECT_EQ(lo_requests, 3);
    EXPECT_EQ(lo_replies, 3);
    EXPECT_EQ(veth_requests, 2);
    EXPECT_EQ(veth_replies, 2);
    const nlohmann::json summary = last_record(records, "summary");
    ASSERT_FALSE(summary.is_null());
    EXPECT_TRUE(summary.contains("capture"));

    const std::string text = read_file(dir.file("any.txt"));
    EXPECT_EQ(count_of(text, " lo In IP 127.0.0.1 > 127.0.0.1: ICMP echo request"), 3U) << text;
    EXPECT_EQ(count_of(text, " pks-s In IP 10.77.0.1 > 10.77.0.2: ICMP echo request"), 2U) << text;
    EXPECT_EQ(count_of(text, " pks-s Out IP 10.77.0.2 > 10.77.0.1: ICMP echo reply"), 2U) << text;
    EXPECT_NE(
        text.find(" pks-s In IP 10.77.0.1." + std::to_string(client_port) + " > 10.77.0.2.6797"),
        std::string::npos)
        << text;
    EXPECT_NE(text.find(" pks-s Out IP 10.77.0.2.6797 > 10.77.0.1." + std::to_string(client_port)),
              std::string::npos)
        << text;
}

// -s, -Q and -p act on the live handle: checked from the capture files and from the kernel's
// own promiscuity counter (`ip -d link`).
TEST_F(CaptureVeth, SnaplenDirectionAndPromiscuousMode) {
    PKTSCOPE_REQUIRE_ROOT();
    auto server = start_pktscope(*server_ns, "echo-server --bind 10.77.0.2", dir.file("server.log"),
                                 "listening on");
    const std::string promiscuity = "ip -n " + server_ns->name() + " -d link show pks-s";
    EXPECT_NE(run(promiscuity).output.find("promiscuity 0"), std::string::npos);
    const std::string cut = dir.file("cut.pcap");
    const std::string inbound = dir.file("in.pcap");
    auto snap = start_capture(*server_ns, "-i pks-s -s 100 -w " + cut + " tcp port 6797",
                              dir.file("snap.log"));
    auto in = start_capture(*server_ns, "-i pks-s -p -Q in -w " + inbound + " tcp port 6797",
                            dir.file("in.log"));
    // One promiscuous handle (the -p one does not count).
    EXPECT_NE(run(promiscuity).output.find("promiscuity 1"), std::string::npos)
        << run(promiscuity).output;

    const int port = echo("10.77.0.2", "--tcp", 2, 1000);
    // The last packet of the conversation is the client's ACK of the server's FIN: wait until
    // each capture printed a client ACK after the last FIN it sees.
    const std::string client = "IP 10.77.0.1." + std::to_string(port) + " > 10.77.0.2.6797: ";
    const std::string server_fin =
        "IP 10.77.0.2.6797 > 10.77.0.1." + std::to_string(port) + ": Flags [F.]";
    auto ack_after = [&](const std::string& log, const std::string& fin) {
        return wait_until(
            [&] {
                const std::string text = read_file(log);
                const std::size_t at = text.find(fin);
                return at != std::string::npos &&
                       text.find(client + "Flags [.]", at) != std::string::npos;
            },
            std::chrono::seconds(20));
    };
    EXPECT_TRUE(ack_after(dir.file("snap.log"), server_fin)) << read_file(dir.file("snap.log"));
    EXPECT_TRUE(ack_after(dir.file("in.log"), client + "Flags [F.]"))
        << read_file(dir.file("in.log"));
    interrupt_and_wait(*snap, "sniff -s 100");
    interrupt_and_wait(*in, "sniff -Q in");
    EXPECT_NE(run(promiscuity).output.find("promiscuity 0"), std::string::npos);

    // -s 100: the 1000-byte messages are cut to 100 captured bytes, wire length kept.
    int cut_frames = 0;
    for (const nlohmann::json& r : pktscope_packets(cut)) {
        EXPECT_LE(r["caplen"].get<int>(), 100);
        if (r["wirelen"].get<int>() > 100) {
            ++cut_frames;
            EXPECT_EQ(r["caplen"], 100);
            EXPECT_EQ(r["wirelen"], 14 + 20 + 32 + 1000);  // Ethernet, IPv4, TCP with timestamps
        }
    }
    EXPECT_EQ(cut_frames, 4);  // two messages, two echoes
    // -Q in: only what reached pks-s from the client.
    const std::vector<tshark_packet> received = tshark_packets(inbound);
    EXPECT_GE(received.size(), 6U);
    for (const tshark_packet& t : received) EXPECT_EQ(t.dport, 6797) << "frame " << t.frame;
}

}  // namespace
}  // namespace pktscope::testing
