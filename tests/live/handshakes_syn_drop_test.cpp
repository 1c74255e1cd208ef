// Live: the server's first SYN is dropped by an nftables rule (a quota that only the first SYN
// fits in), so the client's kernel retransmits it after its initial RTO (1 s, RFC 6298): the
// record must count two SYNs with the same ISN, time syn_to_synack from the second and
// handshake_ms from the first.
#include <gtest/gtest.h>

#include "handshakes_live.hpp"

namespace pktscope::testing::handshakes {
namespace {

constexpr std::uint16_t port = 7002;

TEST(HandshakesSynDropTest, FirstSynDroppedIsRetransmittedAndCountedOnce) {
    PKTSCOPE_REQUIRE_ROOT();
    netns client("hqc");
    netns server("hqs");
    make_veth(client, "hq0", "10.66.2.1/24", server, "hq1", "10.66.2.2/24");
    disable_offloads(client, "hq0");
    disable_offloads(server, "hq1");
    // The quota matches while fewer than 100 bytes went through it: the first SYN (60 bytes)
    // is dropped, the retransmission (120 in total) passes.
    const command_result rule = server.run(
        "nft add table inet pks && "
        "nft add chain inet pks input '{ type filter hook input priority 0; policy accept; }' && "
        "nft add rule inet pks input tcp dport " +
        std::to_string(port) +
        " 'tcp flags & (syn | ack) == syn' counter && nft add rule inet pks input tcp dport " +
        std::to_string(port) + " 'tcp flags & (syn | ack) == syn' quota until 100 bytes drop");
    ASSERT_EQ(rule.exit_status, 0) << rule.output;

    temp_dir dir;
    const std::string file = dir.file("syn_drop.pcap");
    {
        capture cap(client, "hq0", file, client, "10.66.2.2");
        auto srv = start_server(server, "10.66.2.2", port, server_mode::echo_then_close);
        netns_child c(client, [] {
            return client_body("10.66.2.2", port, "retry", client_mode::close_after_echo);
        });
        EXPECT_EQ(c.wait(std::chrono::milliseconds(15000)), 0);
        EXPECT_EQ(srv->wait(std::chrono::milliseconds(5000)), 0);
        ::usleep(200'000);
        cap.stop();
    }
    maybe_save_capture(file, "handshake_syn_retransmit");
    const auto dropped = server.run("nft list ruleset");
    EXPECT_NE(dropped.output.find("counter packets 2 bytes 120"), std::string::npos)
        << "the kernel's own count: two SYNs reached the server\n"
        << dropped.output;

    const auto records = analyse(file, port);
    ASSERT_EQ(records.size(), 1U);
    const nlohmann::json& r = records.front();
    expect_matches_tshark(r, tshark_packets(file));
    EXPECT_EQ(r["syn_count"], 2) << "the retransmission carries the same ISN";
    EXPECT_EQ(r["synack_count"], 1);
    EXPECT_EQ(r["conn_state"], "SF");
    EXPECT_EQ(r["end"], "fin");
    EXPECT_EQ(r["history"].get<std::string>().substr(0, 3), "ShA")
        << "no second 'S': same sequence number";
    // Linux retransmits an unanswered SYN after its initial RTO of 1 s.
    const double handshake = r["handshake_ms"], syn_to_synack = r["syn_to_synack_ms"];
    EXPECT_GE(handshake, 900.0);
    EXPECT_LT(handshake, 3000.0);
    EXPECT_LT(syn_to_synack, 100.0)
        << "timed from the retransmitted SYN, the one that was answered";
    const double first_syn_to_synack = static_cast<double>(r["synack_ts_ns"].get<std::int64_t>() -
                                                           r["syn_ts_ns"].get<std::int64_t>()) /
                                       1e6;
    EXPECT_GE(first_syn_to_synack - syn_to_synack, 900.0)
        << "the answered SYN came about 1 s after the first";
}

}  // namespace
}  // namespace pktscope::testing::handshakes
