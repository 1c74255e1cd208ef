// Live: the echo pair as processes inside namespaces. Safety rules of the UDP side observed
// on the wire (no reply to reflector ports, broadcast or multicast destinations; per-source
// rate limit), graceful SIGTERM, the logged limits, and the client's failure exit status.
#include <gtest/gtest.h>

#include "live_capture_support.hpp"

namespace pktscope::testing {
namespace {

std::string client(const std::string& args) {
    return pktscope_binary() + " echo-client " + args;
}

TEST(EchoLive, TelnetStyleClientGetsItsBytesBack) {
    PKTSCOPE_REQUIRE_ROOT();
    netns ns("telnet");
    temp_dir dir;
    auto server = start_pktscope(ns, "echo-server", dir.file("server.log"),
                                 "listening on tcp 127.0.0.1:6797");
    // socat as an independent client on the default address and port.
    const command_result r =
        ns.run("printf 'hello, echo\\r\\n' | socat -t 2 - TCP:127.0.0.1:6797", false);
    EXPECT_EQ(r.exit_status, 0);
    EXPECT_EQ(r.output, "hello, echo\r\n");
    server->signal(SIGINT);
    EXPECT_EQ(server->wait(std::chrono::seconds(10)), 0);
    const std::string log = read_file(dir.file("server.log"));
    EXPECT_NE(log.find(": 13 bytes in, 13 bytes out, "), std::string::npos) << log;
    EXPECT_NE(log.find(", peer_closed\n"), std::string::npos) << log;
    EXPECT_NE(log.find("echo-server: stopped: 1 tcp connections (0 refused), 13 bytes echoed"),
              std::string::npos)
        << log;
}

TEST(EchoLive, SigtermClosesEveryConnectionGracefully) {
    PKTSCOPE_REQUIRE_ROOT();
    netns ns("term");
    temp_dir dir;
    auto server =
        start_pktscope(ns, "echo-server --json", dir.file("server.log"), "echo_listening");
    background_process load(
        ns.exec_prefix() + client("127.0.0.1 6797 --concurrency 3 --duration 20 --json"),
        dir.file("client.log"));
    // Three established connections, as the kernel lists them.
    ASSERT_TRUE(wait_until(
        [&] {
            return count_of(ns.run("ss -Htn state established '( sport = :6797 )'", false).output,
                            "\n") == 3;
        },
        std::chrono::seconds(10)));
    server->signal(SIGTERM);
    ASSERT_EQ(server->wait(std::chrono::seconds(10)), 0);
    EXPECT_EQ(load.wait(std::chrono::seconds(10)), 1);  // the client saw its server go away

    const auto log = json_records(read_file(dir.file("server.log")));
    int shutdown_records = 0;
    for (const auto& r : log)
        if (r["type"] == "echo_connection" && r["close_reason"] == "shutdown") ++shutdown_records;
    EXPECT_EQ(shutdown_records, 3) << read_file(dir.file("server.log"));
    const nlohmann::json summary = last_record(log, "echo_server_summary");
    ASSERT_FALSE(summary.is_null());
    EXPECT_EQ(summary["close_reasons"]["shutdown"], 3);
    const nlohmann::json report =
        last_record(json_records(read_file(dir.file("client.log"))), "echo_client_summary");
    EXPECT_EQ(report["ok"], false);
    EXPECT_GT(report["messages_verified"].get<long long>(), 0);
    EXPECT_EQ(report["mismatches"], 0);  // everything echoed before the end was right
}

TEST(EchoLive, LimitsAreLoggedWithTheirReasons) {
    PKTSCOPE_REQUIRE_ROOT();
    netns ns("limits");
    temp_dir dir;
    // One server per limit, so no limit can interfere with another's test.
    auto clients = start_pktscope(ns, "echo-server --port 6801 --max-clients 1",
                                  dir.file("clients.log"), "listening on");
    auto idle = start_pktscope(ns, "echo-server --port 6802 --idle-timeout-ms 300",
                               dir.file("idle.log"), "listening on");
    auto bytes = start_pktscope(ns, "echo-server --port 6803 --max-bytes 1000",
                                dir.file("bytes.log"), "listening on");

    // Clients: with the one slot taken by a silent client, the next is refused.
    background_process holder(ns.exec_prefix() +
                              "sh -c 'sleep 3 | socat -t 1 - TCP:127.0.0.1:6801'");
    ASSERT_TRUE(wait_until(
        [&] {
            return count_of(ns.run("ss -Htn state established '( sport = :6801 )'", false).output,
                            "\n") == 1;
        },
        std::chrono::seconds(10)));
    EXPECT_EQ(ns.run(client("127.0.0.1 6801 -n 1")).exit_status, 1);
    // Idle: a client that connects and says nothing is closed after 300 ms (socat sees EOF).
    EXPECT_EQ(ns.run("sleep 3 | socat -t 1 - TCP:127.0.0.1:6802", false, std::chrono::seconds(20))
                  .exit_status,
              0);
    // Bytes: the 4th message of 300 bytes crosses 1000.
    const command_result over = ns.run(client("127.0.0.1 6803 -n 10 --size 300 --json"), false);
    EXPECT_EQ(over.exit_status, 1);
    EXPECT_EQ(
        last_record(parse_json_lines(over.output), "echo_client_summary")["messages_verified"], 3);
    holder.wait(std::chrono::seconds(10));

    for (auto* server : {clients.get(), idle.get(), bytes.get()}) {
        server->signal(SIGINT);
        EXPECT_EQ(server->wait(std::chrono::seconds(10)), 0);
    }
    const std::string refused = read_file(dir.file("clients.log"));
    EXPECT_EQ(count_of(refused, ", client_limit\n"), 1U) << refused;
    EXPECT_NE(refused.find("(1 refused)"), std::string::npos) << refused;
    const std::string silent = read_file(dir.file("idle.log"));
    EXPECT_EQ(count_of(silent, ": 0 bytes in, 0 bytes out, "), 1U) << silent;
    EXPECT_EQ(count_of(silent, ", idle_timeout\n"), 1U) << silent;
    const std::string limited = read_file(dir.file("bytes.log"));
    EXPECT_EQ(count_of(limited, ": 1000 bytes in, 1000 bytes out, "), 1U) << limited;
    EXPECT_EQ(count_of(limited, ", byte_limit\n"), 1U) << limited;
}

TEST(EchoLive, ClientExitStatusReportsMismatchTimeoutAndRefusal) {
    PKTSCOPE_REQUIRE_ROOT();
    netns ns("fails");
    temp_dir dir;
    // A server that answers with every 'a' turned into 'b' (unbuffered tr), and one that
    // swallows everything.
    background_process corrupt(ns.exec_prefix() +
                               "socat TCP-LISTEN:7100,reuseaddr,fork EXEC:'stdbuf -o0 tr a b'");
    background_process silent(ns.exec_prefix() +
                              "socat TCP-LISTEN:7101,reuseaddr,fork SYSTEM:'cat >/dev/null'");
    ASSERT_TRUE(wait_until(
        [&] {
            return count_of(ns.run("ss -Htln '( sport = :7100 or sport = :7101 )'", false).output,
                            "\n") == 2;
        },
        std::chrono::seconds(10)));

    const command_result mismatch = ns.run(client("127.0.0.1 7100 -n 2 --size 64 --json"), false);
    EXPECT_EQ(mismatch.exit_status, 1);
    const auto m = parse_json_lines(mismatch.output);
    const nlohmann::json failure = last_record(m, "echo_client_connection")["failure"];
    EXPECT_EQ(failure["kind"], "mismatch");
    EXPECT_EQ(failure["message"], 0);
    EXPECT_EQ(failure["byte_offset"], 5);  // "c0m0:" then the first 'a'
    EXPECT_EQ(failure["expected"], 'a');
    EXPECT_EQ(failure["received"], 'b');
    EXPECT_EQ(last_record(m, "echo_client_summary")["mismatches"], 1);

    const command_result timeout = ns.run(client("127.0.0.1 7101 -n 1 --timeout-ms 300"));
    EXPECT_EQ(timeout.exit_status, 1);
    EXPECT_NE(timeout.output.find("timeout in message 0"), std::string::npos) << timeout.output;
    EXPECT_NE(timeout.output.find(
                  "echo-client: FAILED: 0 of 1 messages verified, 0 mismatches, 1 timeouts"),
              std::string::npos)
        << timeout.output;

    const command_result refused = ns.run(client("127.0.0.1 7102 -n 1"));
    EXPECT_EQ(refused.exit_status, 1);
    EXPECT_NE(refused.output.find("connect_failed (Connection refused)"), std::string::npos)
        << refused.output;
}

class EchoUdpSafety : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) return;
        client_ns = std::make_unique<netns>("uc");
        server_ns = std::make_unique<netns>("us");
        make_veth(*client_ns, "pks-uc", "10.78.0.1/24", *server_ns, "pks-us", "10.78.0.2/24");
    }
    std::unique_ptr<netns> client_ns;
    std::unique_ptr<netns> server_ns;
    temp_dir dir;
};

TEST_F(EchoUdpSafety, NoReplyToReflectorPortsBroadcastOrMulticast) {
    PKTSCOPE_REQUIRE_ROOT();
    auto server = start_pktscope(*server_ns, "echo-server --udp --bind 0.0.0.0 --json",
                                 dir.file("server.log"), "echo_listening");
    const std::string pcap = dir.file("udp.pcap");
    auto capture =
        start_capture(*server_ns, "-i pks-us -w " + pcap + " udp", dir.file("capture.log"));
    // Datagrams from the ports of services that answer anything (socat sends one each).
    for (int port : {53, 7, 123})
        EXPECT_EQ(client_ns
                      ->run("echo probe | socat -u - UDP-DATAGRAM:10.78.0.2:6797,bind=:" +
                            std::to_string(port))
                      .exit_status,
                  0);
    // A subnet-directed and the limited broadcast, and the all-hosts multicast group.
    EXPECT_EQ(client_ns->run("echo bcast | socat -u - UDP-DATAGRAM:10.78.0.255:6797,broadcast")
                  .exit_status,
              0);
    EXPECT_EQ(client_ns
                  ->run("echo bcast | socat -u - "
                        "UDP-DATAGRAM:255.255.255.255:6797,broadcast,so-bindtodevice=pks-uc")
                  .exit_status,
              0);
    EXPECT_EQ(
        client_ns
            ->run("echo mcast | socat -u - UDP-DATAGRAM:224.0.0.1:6797,ip-multicast-if=10.78.0.1")
            .exit_status,
        0);
    // And an ordinary client, which is answered.
    const command_result ok =
        client_ns->run(client("10.78.0.2 6797 --udp -n 2 --size 32 --json"), false);
    EXPECT_EQ(ok.exit_status, 0) << ok.output;
    const int client_port =
        port_of(last_record(parse_json_lines(ok.output), "echo_client_connection")["local"]);
    wait_for_count(dir.file("capture.log"),
                   "IP 10.78.0.2.6797 > 10.78.0.1." + std::to_string(client_port) + ": UDP", 2);
    interrupt_and_wait(*capture, "sniff");
    server->signal(SIGTERM);
    ASSERT_EQ(server->wait(std::chrono::seconds(10)), 0);

    // On the wire: all 6 refused requests arrived; the only replies went to the echo-client.
    int requests = 0, replies = 0;
    for (const tshark_packet& t : tshark_packets(pcap)) {
        if (t.dport == 6797) ++requests;
        if (t.sport != 6797) continue;
        ++replies;
        EXPECT_EQ(t.dport, client_port) << "reply in frame " << t.frame << " to port " << t.dport;
        EXPECT_EQ(t.ip_dst, "10.78.0.1");
    }
    EXPECT_EQ(requests, 6 + 2);
    EXPECT_EQ(replies, 2);

    const auto log = json_records(read_file(dir.file("server.log")));
    const nlohmann::json summary = last_record(log, "echo_server_summary");
    ASSERT_FALSE(summary.is_null()) << read_file(dir.file("server.log"));
    EXPECT_EQ(summary["udp_datagrams_echoed"], 2);
    EXPECT_EQ(summary["udp_refused"]["reflector_source_port"], 3);
    EXPECT_EQ(summary["udp_refused"]["broadcast_destination"], 2);
    EXPECT_EQ(summary["udp_refused"]["multicast_destination"], 1);
    bool logged_multicast = false;
    for (const auto& r : log)
        if (r["type"] == "echo_udp_refused" && r["reason"] == "multicast_destination")
            logged_multicast = r["destination"] == "224.0.0.1" &&
                               r["peer"].get<std::string>().rfind("10.78.0.1:", 0) == 0;
    EXPECT_TRUE(logged_multicast) << read_file(dir.file("server.log"));
}

TEST_F(EchoUdpSafety, PerSourceRateLimitAnswersOnlyTheBurst) {
    PKTSCOPE_REQUIRE_ROOT();
    auto server = start_pktscope(
        *server_ns, "echo-server --udp --bind 10.78.0.2 --udp-rate 0.1 --udp-burst 5 --json",
        dir.file("server.log"), "echo_listening");
    // 20 sockets of one source address, one datagram each, all at once.
    const command_result r = client_ns->run(
        client("10.78.0.2 6797 --udp --concurrency 20 -n 1 --timeout-ms 500 --json"), false);
    EXPECT_EQ(r.exit_status, 1);
    const nlohmann::json report = last_record(parse_json_lines(r.output), "echo_client_summary");
    EXPECT_EQ(report["messages_verified"], 5);
    EXPECT_EQ(report["timeouts"], 15);
    server->signal(SIGTERM);
    ASSERT_EQ(server->wait(std::chrono::seconds(10)), 0);
    const nlohmann::json summary =
        last_record(json_records(read_file(dir.file("server.log"))), "echo_server_summary");
    EXPECT_EQ(summary["udp_datagrams_echoed"], 5);
    EXPECT_EQ(summary["udp_refused"]["rate_limited_source"], 15);
}

}  // namespace
}  // namespace pktscope::testing
