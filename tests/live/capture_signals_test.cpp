// Live: signals end a capture cleanly. SIGINT/SIGTERM leave a flushed pcap that tshark and
// `pktscope sniff -r` read back in full; statistics are printed on exit, on SIGUSR1 while
// running, and in the JSON summary.
#include <gtest/gtest.h>

#include <regex>

#include "live_capture_support.hpp"

namespace pktscope::testing {
namespace {

// "N packets, M bytes" from the statistics block, or -1.
long long packets_line(const std::string& log) {
    std::smatch m;
    const std::regex re("(\\d+) packets, \\d+ bytes");
    std::string last;
    for (auto it = std::sregex_iterator(log.begin(), log.end(), re); it != std::sregex_iterator();
         ++it)
        last = (*it)[1];
    return last.empty() ? -1 : std::stoll(last);
}

TEST(CaptureSignals, SigintLeavesAValidPcapAndPrintsStatistics) {
    PKTSCOPE_REQUIRE_ROOT();
    netns ns("sigint");
    temp_dir dir;
    const std::string pcap = dir.file("sigint.pcap");
    const std::string log = dir.file("capture.log");
    auto capture = start_capture(ns, "-i lo -w " + pcap, log);
    ASSERT_EQ(ns.run("ping -c 5 -i 0.2 127.0.0.1").exit_status, 0);
    wait_for_count(log, "ICMP echo reply", 5);

    // SIGUSR1: statistics so far, and the capture goes on.
    capture->signal(SIGUSR1);
    EXPECT_TRUE(wait_until(
        [&] { return read_file(log).find("packets received by filter") != std::string::npos; },
        std::chrono::seconds(5)))
        << read_file(log);
    EXPECT_EQ(capture->wait(std::chrono::milliseconds(200)), -1) << "SIGUSR1 ended the capture";

    interrupt_and_wait(*capture, "sniff -i lo -w");
    const std::string text = read_file(log);
    EXPECT_EQ(count_of(text, "packets received by filter"), 2U) << text;  // SIGUSR1 and exit
    EXPECT_EQ(count_of(text, "packets dropped by kernel"), 2U) << text;
    EXPECT_EQ(count_of(text, "packets dropped by interface"), 2U) << text;
    // ping -c 5: five requests and five replies, each printed once and written once.
    EXPECT_EQ(count_of(text, "ICMP echo request"), 5U) << text;
    EXPECT_EQ(count_of(text, "ICMP echo reply"), 5U) << text;
    EXPECT_EQ(packets_line(text), 10);

    const std::vector<tshark_packet> by_tshark = tshark_packets(pcap);
    EXPECT_EQ(by_tshark.size(), 10U);
    EXPECT_EQ(pktscope_packets(pcap).size(), 10U);
    // Nanosecond pcap: magic 0xa1b23c4d, written in host (little-endian) order.
    const std::string bytes = read_file(pcap);
    ASSERT_GE(bytes.size(), 4U);
    EXPECT_EQ(bytes.substr(0, 4), std::string("\x4d\x3c\xb2\xa1", 4));
}

TEST(CaptureSignals, SigtermEndsAQuietBatchedCaptureWithAJsonSummary) {
    PKTSCOPE_REQUIRE_ROOT();
    netns ns("sigterm");
    temp_dir dir;
    const std::string pcap = dir.file("quiet.pcap");
    const std::string out = dir.file("capture.jsonl");
    auto capture = start_capture(ns, "-i lo -q --json -w " + pcap, out);
    ASSERT_EQ(ns.run("ping -c 3 -i 0.2 127.0.0.1").exit_status, 0);
    // Batched delivery hands packets over after the 100 ms read timeout: ask for statistics
    // (SIGUSR1) until they count all six, then stop.
    EXPECT_TRUE(wait_until(
        [&] {
            capture->signal(SIGUSR1);
            ::usleep(100'000);
            return packets_line(read_file(out)) == 6;
        },
        std::chrono::seconds(20)))
        << read_file(out);
    capture->signal(SIGTERM);
    ASSERT_EQ(capture->wait(std::chrono::seconds(10)), 0);

    const auto records = json_records(read_file(out));
    ASSERT_GE(records.size(), 2U) << read_file(out);
    EXPECT_EQ(records.front()["type"], "meta");
    const nlohmann::json summary = last_record(records, "summary");
    ASSERT_FALSE(summary.is_null()) << read_file(out);
    EXPECT_EQ(summary["packets"], 6);
    ASSERT_TRUE(summary.contains("capture"));
    // libpcap counts lo's outgoing copies too (it discards them after counting), so the
    // kernel's count is at least the packets we got.
    EXPECT_GE(summary["capture"]["received"].get<long long>(), 6);
    EXPECT_EQ(summary["capture"]["dropped_kernel"], 0);
    EXPECT_EQ(summary["capture"]["dropped_interface"], 0);
    for (const auto& r : records) EXPECT_NE(r["type"], "packet");  // -q: no packet records
    EXPECT_EQ(tshark_packets(pcap).size(), 6U);
}

TEST(CaptureSignals, CountEndsTheCaptureWithAValidFile) {
    PKTSCOPE_REQUIRE_ROOT();
    netns ns("count");
    temp_dir dir;
    const std::string pcap = dir.file("count.pcap");
    auto capture = start_capture(ns, "-i lo -c 4 -w " + pcap + " icmp", dir.file("capture.log"));
    ASSERT_EQ(ns.run("ping -c 3 -i 0.2 127.0.0.1").exit_status, 0);
    ASSERT_EQ(capture->wait(std::chrono::seconds(10)), 0);
    EXPECT_EQ(tshark_packets(pcap).size(), 4U);
    EXPECT_EQ(packets_line(read_file(dir.file("capture.log"))), 4);
}

}  // namespace
}  // namespace pktscope::testing
