// Live: a known delay between client and server. This kernel has no netem, so a middle
// namespace runs tests/live/tools/handshakes_delay_forwarder, which bridges two veth pairs and
// forwards every frame unchanged after 20 ms (client -> server) or 10 ms (server -> client).
// The same connection is captured on both sides at once:
// - at the client, the SYN-ACK comes back after both delays (syn_to_synack ~ 30 ms) and the
//   client's kernel ACKs at once (synack_to_ack ~ 0);
// - at the server, the SYN-ACK leaves at once (syn_to_synack ~ 0) and the ACK arrives after
//   both delays (synack_to_ack ~ 30 ms).
// Lower bounds are strict (the forwarder never sends early); upper bounds allow scheduling
// on a loaded machine.
#include <gtest/gtest.h>

#include "handshakes_live.hpp"

namespace pktscope::testing::handshakes {
namespace {

constexpr std::uint16_t port = 7003;
constexpr double client_to_server_ms = 20;
constexpr double server_to_client_ms = 10;
constexpr double round_trip_ms = client_to_server_ms + server_to_client_ms;
constexpr double slack_ms = 25;      // scheduling delay allowed on top of the imposed delay
constexpr double immediate_ms = 10;  // a kernel answering at once, on a loaded machine

std::string forwarder_binary() {
    return std::string(PKTSCOPE_BUILD_DIR) + "/tests/handshakes_delay_forwarder";
}

TEST(HandshakesDelayTest, RttsMatchTheDelayImposedByTheForwarder) {
    PKTSCOPE_REQUIRE_ROOT();
    netns client("hdc");
    netns middle("hdm");
    netns server("hds");
    // One subnet across the middle: the forwarder bridges hm0 and hm1 at layer 2.
    make_veth(client, "hd0", "10.66.3.1/24", middle, "hm0", "");
    make_veth(server, "hd1", "10.66.3.2/24", middle, "hm1", "");
    for (const auto& [ns, ifname] :
         {std::pair{&client, "hd0"}, {&middle, "hm0"}, {&middle, "hm1"}, {&server, "hd1"}})
        disable_offloads(*ns, ifname);
    temp_dir dir;
    background_process forwarder(middle.exec_prefix() + forwarder_binary() + " hm0 hm1 " +
                                     std::to_string(static_cast<int>(client_to_server_ms)) + " " +
                                     std::to_string(static_cast<int>(server_to_client_ms)) + " 60",
                                 dir.file("forwarder.log"));
    ASSERT_TRUE(wait_until(
        [&] {
            return read_file(dir.file("forwarder.log")).find("forwarding") != std::string::npos;
        },
        std::chrono::milliseconds(5000)))
        << read_file(dir.file("forwarder.log"));

    const std::string client_file = dir.file("client_side.pcap");
    const std::string server_file = dir.file("server_side.pcap");
    {
        capture at_client(client, "hd0", client_file, client, "10.66.3.2");
        capture at_server(server, "hd1", server_file, client, "10.66.3.2");
        auto srv = start_server(server, "10.66.3.2", port, server_mode::echo_then_close);
        netns_child c(client, [] {
            return client_body("10.66.3.2", port, "delayed", client_mode::close_after_echo);
        });
        EXPECT_EQ(c.wait(std::chrono::milliseconds(15000)), 0);
        EXPECT_EQ(srv->wait(std::chrono::milliseconds(5000)), 0);
        ::usleep(300'000);
        at_client.stop();
        at_server.stop();
    }
    forwarder.signal(SIGTERM);
    forwarder.wait(std::chrono::milliseconds(3000));
    maybe_save_capture(client_file, "handshake_delayed_client_side");
    maybe_save_capture(server_file, "handshake_delayed_server_side");

    const auto at_client = analyse(client_file, port);
    const auto at_server = analyse(server_file, port);
    ASSERT_EQ(at_client.size(), 1U);
    ASSERT_EQ(at_server.size(), 1U);
    expect_matches_tshark(at_client.front(), tshark_packets(client_file));
    expect_matches_tshark(at_server.front(), tshark_packets(server_file));
    // One connection, seen from two places.
    EXPECT_EQ(at_client.front()["client_isn"], at_server.front()["client_isn"]);
    EXPECT_EQ(at_client.front()["server_isn"], at_server.front()["server_isn"]);
    for (const auto* r : {&at_client.front(), &at_server.front()}) {
        EXPECT_EQ((*r)["conn_state"], "SF");
        EXPECT_EQ((*r)["end"], "fin");
        EXPECT_EQ((*r)["syn_count"], 1);
    }

    const double c_syn_to_synack = at_client.front()["syn_to_synack_ms"];
    const double c_synack_to_ack = at_client.front()["synack_to_ack_ms"];
    const double c_handshake = at_client.front()["handshake_ms"];
    EXPECT_GE(c_syn_to_synack, round_trip_ms - 0.5);
    EXPECT_LE(c_syn_to_synack, round_trip_ms + slack_ms);
    EXPECT_LE(c_synack_to_ack, immediate_ms);
    EXPECT_GE(c_handshake, round_trip_ms - 0.5);
    EXPECT_LE(c_handshake, round_trip_ms + slack_ms);

    const double s_syn_to_synack = at_server.front()["syn_to_synack_ms"];
    const double s_synack_to_ack = at_server.front()["synack_to_ack_ms"];
    const double s_handshake = at_server.front()["handshake_ms"];
    EXPECT_LE(s_syn_to_synack, immediate_ms);
    EXPECT_GE(s_synack_to_ack, round_trip_ms - 0.5);
    EXPECT_LE(s_synack_to_ack, round_trip_ms + slack_ms);
    EXPECT_GE(s_handshake, round_trip_ms - 0.5);
    EXPECT_LE(s_handshake, round_trip_ms + slack_ms);
    std::printf(
        "client side: syn_to_synack %.3f ms, synack_to_ack %.3f ms; server side: %.3f ms, %.3f "
        "ms\n",
        c_syn_to_synack, c_synack_to_ack, s_syn_to_synack, s_synack_to_ack);
}

// `-i any` on a router shows every forwarded packet twice (in on one interface, out on the
// other, TTL one lower): each copy within 1 ms is counted once, not as a retransmission.
TEST(HandshakesDelayTest, PacketsSeenTwiceOnAnyAreCountedOnce) {
    PKTSCOPE_REQUIRE_ROOT();
    netns client("hac");
    netns router("har");
    netns server("has");
    make_veth(client, "ha0", "10.66.4.1/24", router, "hr0", "10.66.4.254/24");
    make_veth(server, "ha1", "10.66.5.1/24", router, "hr1", "10.66.5.254/24");
    for (const auto& [ns, ifname] :
         {std::pair{&client, "ha0"}, {&router, "hr0"}, {&router, "hr1"}, {&server, "ha1"}})
        disable_offloads(*ns, ifname);
    ASSERT_EQ(router.run("sysctl -qw net.ipv4.ip_forward=1").exit_status, 0);
    ASSERT_EQ(client.run("ip route add default via 10.66.4.254").exit_status, 0);
    ASSERT_EQ(server.run("ip route add default via 10.66.5.254").exit_status, 0);

    temp_dir dir;
    const std::string file = dir.file("any.pcap");
    {
        capture cap(router, "any", file, client, "10.66.5.1");
        auto srv = start_server(server, "10.66.5.1", port, server_mode::echo_then_close);
        netns_child c(client, [] {
            return client_body("10.66.5.1", port, "twice", client_mode::close_after_echo);
        });
        EXPECT_EQ(c.wait(std::chrono::milliseconds(15000)), 0);
        EXPECT_EQ(srv->wait(std::chrono::milliseconds(5000)), 0);
        ::usleep(200'000);
        cap.stop();
    }
    maybe_save_capture(file, "handshake_any_duplicates");
    const auto records = analyse(file, port);
    ASSERT_EQ(records.size(), 1U);
    const nlohmann::json& r = records.front();
    const auto packets = tshark_packets(file);
    std::size_t tcp_packets = 0;
    for (const tshark_tcp& p : packets) tcp_packets += p.dport == port || p.sport == port;
    ASSERT_EQ(tcp_packets % 2, 0U) << "every packet appears on both router interfaces";
    const std::size_t once = tcp_packets / 2;
    // The record comes out when the last ACK is seen; that ACK's own copy arrives after it and
    // is counted in the summary only.
    std::size_t within_record = 0;
    for (const tshark_tcp& p : packets)
        within_record +=
            (p.dport == port || p.sport == port) && p.frame <= r["last_frame"].get<std::uint64_t>();
    EXPECT_EQ(r["packets_client_to_server"].get<std::size_t>() +
                  r["packets_server_to_client"].get<std::size_t>(),
              once);
    EXPECT_EQ(r["duplicates"].get<std::size_t>(), within_record - once);
    const command_result summary =
        run(pktscope_binary() + " handshakes -r " + file + " --json | tail -1", false);
    EXPECT_EQ(
        parse_json_lines(summary.output).at(0)["connections"]["duplicates"].get<std::size_t>(),
        once);
    EXPECT_EQ(r["syn_count"], 1) << "the second copy of the SYN is no retransmission";
    EXPECT_EQ(r["synack_count"], 1);
    EXPECT_EQ(r["conn_state"], "SF");
    EXPECT_EQ(r["end"], "fin");
    EXPECT_EQ(r["bytes_client_to_server"], 5);
    EXPECT_EQ(r["bytes_server_to_client"], 5);
    const std::string history = r["history"];
    EXPECT_EQ(history.find_first_of("Tt"), std::string::npos)
        << "no retransmission letter: " << history;
}

}  // namespace
}  // namespace pktscope::testing::handshakes
