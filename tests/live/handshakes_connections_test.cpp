// Live: real TCP connections between two private namespaces joined by a veth pair, captured
// with `pktscope sniff -i hc0 -w`, analysed with `pktscope handshakes -r --json`. Every
// handshake field is checked against tshark's reading of the same file; conn_state, end,
// bytes and history against what the test made the endpoints do (Zeek's meanings).
#include <gtest/gtest.h>

#include <regex>

#include "handshakes_live.hpp"

namespace pktscope::testing::handshakes {
namespace {

constexpr std::uint16_t echo_port = 7000;
constexpr std::uint16_t closed_port = 7001;
const std::string payload = "hello world";  // 11 bytes up, echoed back

class HandshakesConnectionsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        PKTSCOPE_REQUIRE_ROOT();
        client_ = std::make_unique<netns>("hc");
        server_ = std::make_unique<netns>("hs");
        make_veth(*client_, "hc0", "10.66.0.1/24 fd66::1/64", *server_, "hs0",
                  "10.66.0.2/24 fd66::2/64");
        disable_offloads(*client_, "hc0");
        disable_offloads(*server_, "hs0");
    }

    // Runs `scenario` while capturing on the client's interface; returns the capture file.
    std::string captured(const std::string& name, const std::function<void()>& scenario) {
        const std::string file = dir_.file(name + ".pcap");
        capture cap(*client_, "hc0", file, *client_, "10.66.0.2");
        scenario();
        ::usleep(200'000);  // let the last ACKs cross before stopping
        cap.stop();
        maybe_save_capture(file, name);
        return file;
    }

    int run_client(const std::string& ip, std::uint16_t port, client_mode mode) {
        netns_child c(*client_, [&] { return client_body(ip, port, payload, mode); });
        return c.wait(std::chrono::milliseconds(15000));
    }

    temp_dir dir_;
    std::unique_ptr<netns> client_;
    std::unique_ptr<netns> server_;
};

void expect_history_made_of(const nlohmann::json& r, const std::string& pattern) {
    const std::string h = r["history"];
    EXPECT_TRUE(std::regex_match(h, std::regex(pattern))) << "history " << h << " vs " << pattern;
}

void check_normal_close(const std::string& file, const std::string& family,
                        const std::string& client_ip) {
    const auto records = analyse(file, echo_port);
    ASSERT_EQ(records.size(), 1U);
    const nlohmann::json& r = records.front();
    expect_matches_tshark(r, tshark_packets(file));
    EXPECT_EQ(r["family"], family);
    EXPECT_EQ(r["client_ip"], client_ip);
    EXPECT_EQ(r["conn_state"], "SF");
    EXPECT_EQ(r["end"], "fin");
    EXPECT_EQ(r["bytes_client_to_server"], payload.size());
    EXPECT_EQ(r["bytes_server_to_client"], payload.size());
    EXPECT_EQ(r["syn_count"], 1);
    EXPECT_EQ(r["synack_count"], 1);
    // The client closes first (shutdown after the echo), so it waits in TIME-WAIT.
    EXPECT_EQ(r["client_state"], "TIME-WAIT");
    EXPECT_EQ(r["server_state"], "CLOSED");
    // Handshake, the client's data, the server's, then a FIN each way (ACK letters once).
    expect_history_made_of(r, "ShAD[ad]*F[ad]*f[aA]*|ShAD[ad]*f[ad]*F[aA]*");
    EXPECT_TRUE(r["anomalies"].empty()) << r.dump();
    EXPECT_FALSE(r.contains("picked_up_mid_stream"));
    EXPECT_NEAR(r["handshake_ms"].get<double>(),
                r["syn_to_synack_ms"].get<double>() + r["synack_to_ack_ms"].get<double>(), 2e-6);
    EXPECT_GT(r["syn_to_synack_ms"].get<double>(), 0.0);
}

TEST_F(HandshakesConnectionsTest, NormalConnectDataCloseOverIpv4IsSfFin) {
    const std::string file = captured("handshake_ipv4_close", [&] {
        auto server = start_server(*server_, "10.66.0.2", echo_port, server_mode::echo_then_close);
        EXPECT_EQ(run_client("10.66.0.2", echo_port, client_mode::close_after_echo), 0);
        EXPECT_EQ(server->wait(std::chrono::milliseconds(5000)), 0);
    });
    check_normal_close(file, "ipv4", "10.66.0.1");
}

TEST_F(HandshakesConnectionsTest, NormalConnectDataCloseOverIpv6IsSfFin) {
    const std::string file = captured("handshake_ipv6_close", [&] {
        auto server = start_server(*server_, "fd66::2", echo_port, server_mode::echo_then_close);
        EXPECT_EQ(run_client("fd66::2", echo_port, client_mode::close_after_echo), 0);
        EXPECT_EQ(server->wait(std::chrono::milliseconds(5000)), 0);
    });
    check_normal_close(file, "ipv6", "fd66::1");
    const auto records = analyse(file, echo_port);
    ASSERT_EQ(records.size(), 1U);
    EXPECT_EQ(records.front()["client_options"]["mss"], 1440) << "1500 - 40 (IPv6) - 20 (TCP)";
}

TEST_F(HandshakesConnectionsTest, ClosedPortIsRejRefused) {
    const std::string file = captured("handshake_refused", [&] {
        EXPECT_EQ(run_client("10.66.0.2", closed_port, client_mode::close_after_echo), 30);
    });
    const auto records = analyse(file, closed_port);
    ASSERT_EQ(records.size(), 1U);
    const nlohmann::json& r = records.front();
    expect_matches_tshark(r, tshark_packets(file));
    EXPECT_EQ(r["conn_state"], "REJ");
    EXPECT_EQ(r["end"], "refused");
    EXPECT_EQ(r["history"], "Sr");
    EXPECT_EQ(r["syn_count"], 1);
    EXPECT_EQ(r["synack_count"], 0);
    EXPECT_EQ(r["packets_client_to_server"], 1);
    EXPECT_EQ(r["packets_server_to_client"], 1);
    EXPECT_EQ(r["client_state"], "CLOSED");
    EXPECT_EQ(r["server_state"], "CLOSED");
    EXPECT_FALSE(r.contains("handshake_ms"));
}

TEST_F(HandshakesConnectionsTest, ServerResetWithSoLingerZeroIsRstr) {
    const std::string file = captured("handshake_server_reset", [&] {
        auto server = start_server(*server_, "10.66.0.2", echo_port, server_mode::reset_after_read);
        EXPECT_EQ(run_client("10.66.0.2", echo_port, client_mode::read_until_reset), 0);
        EXPECT_EQ(server->wait(std::chrono::milliseconds(5000)), 0);
    });
    const auto records = analyse(file, echo_port);
    ASSERT_EQ(records.size(), 1U);
    const nlohmann::json& r = records.front();
    expect_matches_tshark(r, tshark_packets(file));
    EXPECT_EQ(r["conn_state"], "RSTR");
    EXPECT_EQ(r["end"], "rst_by_server");
    expect_history_made_of(r, "ShADa?r");
    EXPECT_EQ(r["bytes_client_to_server"], payload.size());
    EXPECT_EQ(r["bytes_server_to_client"], 0);
    EXPECT_EQ(r["client_state"], "CLOSED");
    EXPECT_EQ(r["server_state"], "CLOSED");
}

TEST_F(HandshakesConnectionsTest, ClientResetIsRsto) {
    const std::string file = captured("handshake_client_reset", [&] {
        auto server = start_server(*server_, "10.66.0.2", echo_port, server_mode::echo_then_close);
        EXPECT_EQ(run_client("10.66.0.2", echo_port, client_mode::reset_after_echo), 0);
        server->wait(std::chrono::milliseconds(5000));
    });
    const auto records = analyse(file, echo_port);
    ASSERT_EQ(records.size(), 1U);
    const nlohmann::json& r = records.front();
    expect_matches_tshark(r, tshark_packets(file));
    EXPECT_EQ(r["conn_state"], "RSTO");
    EXPECT_EQ(r["end"], "rst_by_client");
    expect_history_made_of(r, "ShAD[ad]*R");
    EXPECT_EQ(r["bytes_client_to_server"], payload.size());
    EXPECT_EQ(r["bytes_server_to_client"], payload.size());
}

TEST_F(HandshakesConnectionsTest, ConnectionOpenAtCaptureEndIsS1Open) {
    std::unique_ptr<netns_child> server, client;
    const std::string file = captured("handshake_open", [&] {
        server = start_server(*server_, "10.66.0.2", echo_port, server_mode::hold);
        client = std::make_unique<netns_child>(*client_, [] {
            return client_body("10.66.0.2", echo_port, payload, client_mode::hold);
        });
        ::usleep(500'000);  // connected, data echoed, both ends idle
    });
    const auto records = analyse(file, echo_port);
    ASSERT_EQ(records.size(), 1U);
    const nlohmann::json& r = records.front();
    expect_matches_tshark(r, tshark_packets(file));
    EXPECT_EQ(r["conn_state"], "S1");
    EXPECT_EQ(r["end"], "open");
    expect_history_made_of(r, "ShAD[ad]*");
    EXPECT_EQ(r["client_state"], "ESTABLISHED");
    EXPECT_EQ(r["server_state"], "ESTABLISHED");
    EXPECT_EQ(r["bytes_server_to_client"], payload.size());
}

}  // namespace
}  // namespace pktscope::testing::handshakes
