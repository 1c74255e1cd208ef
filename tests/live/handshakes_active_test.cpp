// Live: `pktscope handshakes --connect` (connect() and --syn half-open probes) against servers
// in the test's own namespaces, and live mode (`-i`): a tcp_handshake line the moment a
// handshake completes, the record when the connection ends.
#include <gtest/gtest.h>

#include "handshakes_live.hpp"

namespace pktscope::testing::handshakes {
namespace {

constexpr std::uint16_t open_port = 7004;
constexpr std::uint16_t closed_port = 7005;

class HandshakesActiveTest : public ::testing::Test {
  protected:
    void SetUp() override {
        PKTSCOPE_REQUIRE_ROOT();
        client_ = std::make_unique<netns>("hvc");
        server_ = std::make_unique<netns>("hvs");
        make_veth(*client_, "hv0", "10.66.6.1/24 fd66:6::1/64", *server_, "hv1",
                  "10.66.6.2/24 fd66:6::2/64");
        disable_offloads(*client_, "hv0");
        disable_offloads(*server_, "hv1");
    }

    command_result pktscope_in_client(const std::string& arguments) {
        return client_->run(pktscope_binary() + " handshakes " + arguments, false,
                            std::chrono::seconds(30));
    }

    // The records of one run, split by type.
    struct output {
        std::vector<nlohmann::json> connections, sockets, probes, summaries;
    };
    static output split(const std::string& text) {
        output o;
        for (nlohmann::json& r : parse_json_lines(text)) {
            if (r["type"] == "tcp_connection")
                o.connections.push_back(r);
            else if (r["type"] == "tcp_socket")
                o.sockets.push_back(r);
            else if (r["type"] == "syn_probe")
                o.probes.push_back(r);
            else if (r["type"] == "summary")
                o.summaries.push_back(r);
        }
        return o;
    }

    std::unique_ptr<netns> client_;
    std::unique_ptr<netns> server_;
};

TEST_F(HandshakesActiveTest, ConnectModeShowsTheWireAndTheSocketView) {
    auto server = start_server(*server_, "10.66.6.2", open_port, server_mode::echo_then_close, 3);
    const command_result r = pktscope_in_client("--connect 10.66.6.2:" + std::to_string(open_port) +
                                                " -n 3 --interval 50 --json");
    ASSERT_EQ(r.exit_status, 0) << r.output;
    const output o = split(r.output);
    ASSERT_EQ(o.connections.size(), 3U) << r.output;
    ASSERT_EQ(o.sockets.size(), 3U);
    ASSERT_EQ(o.summaries.size(), 1U);
    for (std::size_t i = 0; i < 3; ++i) {
        const nlohmann::json& wire = o.connections[i];
        const nlohmann::json& sock = o.sockets[i];
        EXPECT_EQ(sock["attempt"], i + 1);
        EXPECT_EQ(sock["client_port"], wire["client_port"])
            << "each record sits next to its own socket";
        EXPECT_FALSE(sock.contains("error"));
        EXPECT_EQ(wire["server_ip"], "10.66.6.2");
        EXPECT_EQ(wire["server_port"], open_port);
        EXPECT_EQ(wire["conn_state"], "SF");
        EXPECT_EQ(wire["end"], "fin");
        EXPECT_EQ(wire["syn_count"], 1);
        EXPECT_GT(sock["connect_ms"].get<double>(), 0.0);
        EXPECT_GT(sock["rtt_ms"].get<double>(), 0.0);
        // The kernel's view agrees with the wire: its send MSS is the peer's MSS less the
        // 12 bytes of the timestamps option, and the scales are the ones exchanged.
        ASSERT_TRUE(wire["negotiated"]["timestamps"].get<bool>());
        EXPECT_EQ(sock["snd_mss"], wire["server_options"]["mss"].get<int>() - 12);
        EXPECT_EQ(sock["snd_wscale"], wire["server_options"]["window_scale"]);
        EXPECT_EQ(sock["rcv_wscale"], wire["client_options"]["window_scale"]);
        EXPECT_EQ(sock["sack_permitted"], wire["negotiated"]["sack_permitted"]);
    }
    EXPECT_EQ(server->wait(std::chrono::milliseconds(5000)), 0);
}

TEST_F(HandshakesActiveTest, ConnectModeOverIpv6) {
    auto server = start_server(*server_, "fd66:6::2", open_port, server_mode::echo_then_close, 1);
    const command_result r =
        pktscope_in_client("--connect '[fd66:6::2]:" + std::to_string(open_port) + "' --json");
    ASSERT_EQ(r.exit_status, 0) << r.output;
    const output o = split(r.output);
    ASSERT_EQ(o.connections.size(), 1U) << r.output;
    EXPECT_EQ(o.connections[0]["family"], "ipv6");
    EXPECT_EQ(o.connections[0]["client_ip"], "fd66:6::1");
    EXPECT_EQ(o.connections[0]["conn_state"], "SF");
    EXPECT_EQ(o.connections[0]["client_options"]["mss"], 1440);
}

TEST_F(HandshakesActiveTest, ConnectToAClosedPortIsRefusedOnBothSides) {
    const command_result r =
        pktscope_in_client("--connect 10.66.6.2:" + std::to_string(closed_port) + " --json");
    EXPECT_EQ(r.exit_status, 2) << "a failed connect() is a non-zero exit";
    const output o = split(r.output);
    ASSERT_EQ(o.connections.size(), 1U) << r.output;
    ASSERT_EQ(o.sockets.size(), 1U);
    EXPECT_EQ(o.connections[0]["conn_state"], "REJ");
    EXPECT_EQ(o.connections[0]["end"], "refused");
    EXPECT_EQ(o.sockets[0]["error"], "Connection refused");
    EXPECT_EQ(o.sockets[0]["client_port"], o.connections[0]["client_port"]);
}

TEST_F(HandshakesActiveTest, SynProbeToAnOpenPortIsAnsweredAndResetByOurKernel) {
    auto server = start_server(*server_, "10.66.6.2", open_port, server_mode::echo_then_close, 1);
    const command_result r = pktscope_in_client("--connect 10.66.6.2:" + std::to_string(open_port) +
                                                " --syn -n 2 --interval 20 --json");
    ASSERT_EQ(r.exit_status, 0) << r.output;
    const output o = split(r.output);
    ASSERT_EQ(o.connections.size(), 2U) << r.output;
    ASSERT_EQ(o.probes.size(), 2U);
    for (std::size_t i = 0; i < 2; ++i) {
        const nlohmann::json& wire = o.connections[i];
        const nlohmann::json& probe = o.probes[i];
        EXPECT_EQ(probe["client_port"], wire["client_port"]);
        EXPECT_EQ(probe["isn"], wire["client_isn"])
            << "the ISN we put in the SYN is the one on the wire";
        EXPECT_EQ(probe["answer"], "syn_ack");
        EXPECT_NEAR(probe["rtt_ms"].get<double>(), wire["syn_to_synack_ms"].get<double>(), 1e-6);
        // SYN, SYN-ACK, then our kernel's RST for a connection it never made.
        EXPECT_EQ(wire["history"], "ShR");
        EXPECT_EQ(wire["conn_state"], "RSTO");
        EXPECT_EQ(wire["end"], "rst_by_client");
        EXPECT_EQ(wire["client_options"]["mss"], 1460);
        EXPECT_EQ(wire["client_options"]["window_scale"], 7);
        EXPECT_NE(probe["note"].get<std::string>().find("RST"), std::string::npos);
    }
}

TEST_F(HandshakesActiveTest, SynProbeToAClosedPortIsRefused) {
    const command_result r =
        pktscope_in_client("--connect 10.66.6.2:" + std::to_string(closed_port) + " --syn --json");
    ASSERT_EQ(r.exit_status, 0) << r.output;
    const output o = split(r.output);
    ASSERT_EQ(o.connections.size(), 1U) << r.output;
    EXPECT_EQ(o.connections[0]["conn_state"], "REJ");
    EXPECT_EQ(o.connections[0]["history"], "Sr");
    ASSERT_EQ(o.probes.size(), 1U);
    EXPECT_EQ(o.probes[0]["answer"], "rst");
}

TEST_F(HandshakesActiveTest, LiveModePrintsTheHandshakeThenTheRecord) {
    temp_dir dir;
    const std::string log = dir.file("live.jsonl");
    background_process live(server_->exec_prefix() + pktscope_binary() +
                                " handshakes -i hv1 --json 2>" + dir.file("live.err"),
                            log);
    // Ready once it reports a probe: a SYN to a closed port is refused and recorded at once.
    const bool ready = wait_until(
        [&] {
            netns_child probe(*client_, [] {
                return client_body("10.66.6.2", closed_port, "", client_mode::close_after_echo);
            });
            probe.wait(std::chrono::milliseconds(3000));
            return read_file(log).find("\"server_port\":7005") != std::string::npos;
        },
        std::chrono::milliseconds(10000));
    ASSERT_TRUE(ready) << read_file(log);

    auto server = start_server(*server_, "10.66.6.2", open_port, server_mode::echo_then_close, 1);
    netns_child c(*client_, [] {
        return client_body("10.66.6.2", open_port, "live", client_mode::close_after_echo);
    });
    EXPECT_EQ(c.wait(std::chrono::milliseconds(10000)), 0);
    ASSERT_TRUE(wait_until(
        [&] {
            return read_file(log).find("\"server_port\":7004,\"family\":\"ipv4\",\"client_isn\"") !=
                       std::string::npos &&
                   read_file(log).find("\"type\":\"tcp_connection\",\"client_ip\":\"10.66.6.1\"") !=
                       std::string::npos &&
                   read_file(log).find("\"conn_state\":\"SF\"") != std::string::npos;
        },
        std::chrono::milliseconds(5000)))
        << "the record is printed when the connection ends, without waiting for the capture to "
           "end\n"
        << read_file(log);
    live.signal(SIGINT);
    EXPECT_EQ(live.wait(std::chrono::milliseconds(5000)), 0);

    const auto records = parse_json_lines(read_file(log));
    std::optional<std::size_t> handshake_at, record_at;
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (records[i].value("server_port", 0) != open_port) continue;
        if (records[i]["type"] == "tcp_handshake" && !handshake_at) handshake_at = i;
        if (records[i]["type"] == "tcp_connection" && !record_at) record_at = i;
    }
    ASSERT_TRUE(handshake_at && record_at) << read_file(log);
    EXPECT_LT(*handshake_at, *record_at) << "the handshake line comes first";
    const nlohmann::json& h = records[*handshake_at];
    const nlohmann::json& r = records[*record_at];
    EXPECT_EQ(h["client_port"], r["client_port"]);
    EXPECT_EQ(h["handshake_ms"], r["handshake_ms"]);
    EXPECT_EQ(h["ack_frame"], r["ack_frame"]);
    EXPECT_EQ(r["conn_state"], "SF");
    EXPECT_EQ(records.back()["type"], "summary") << "SIGINT ends with the summary";
}

}  // namespace
}  // namespace pktscope::testing::handshakes
