// `pktscope dns` on the command line: one-line errors with a non-zero status, clean output
// into a closed pipe, --port with a trailing BPF filter, -c, --timeout and --max-pending.
#include <gtest/gtest.h>

#include <string>

#include "live_support.hpp"

namespace pktscope::testing {
namespace {

std::string capture(const char* name) {
    return std::string(PKTSCOPE_SOURCE_DIR) + "/captures/" + name;
}

std::size_t lines(const std::string& s) {
    std::size_t n = 0;
    for (char c : s) n += c == '\n';
    return n;
}

TEST(DnsCli, ErrorsAreOneLineWithStatusOne) {
    const std::string dns = pktscope_binary() + " dns ";
    for (const auto& [args, message] : std::vector<std::pair<std::string, std::string>>{
             {"-r /nonexistent/x.pcap", "/nonexistent/x.pcap"},
             {"", "give exactly one of -r FILE or -i INTERFACE"},
             {"-r " + capture("dns.pcap") + " --timeout 0", "--timeout"},
             {"-r " + capture("dns.pcap") + " 'not a filter ((('", "filter"},
             {"-i pks-no-such-if0", "pks-no-such-if0"}}) {
        const command_result r = run(dns + args);
        EXPECT_EQ(r.exit_status, 1) << args << ": " << r.output;
        EXPECT_EQ(lines(r.output), 1u) << args << ": " << r.output;
        EXPECT_NE(r.output.find(message), std::string::npos) << args << ": " << r.output;
    }
    EXPECT_NE(run(dns + "--help").output.find("Examples:"), std::string::npos);
}

TEST(DnsCli, ClosedPipeEndsQuietly) {
    const command_result r =
        run(pktscope_binary() + " dns -r " + capture("dns.pcap") + " --json 2>&1 | head -1", false);
    EXPECT_NE(r.output.find("\"type\":\"meta\""), std::string::npos);
    EXPECT_EQ(r.output.find("pktscope:"), std::string::npos) << r.output;
}

TEST(DnsCli, FilterCountAndPorts) {
    const std::string base = pktscope_binary() + " dns -r " + capture("dns.pcap") + " --json";
    // BPF: TCP only, after --port (which takes one value each time).
    auto records = parse_json_lines(run(base + " --port 53 --port 5353 tcp", false).output);
    std::size_t tcp = 0, udp = 0;
    for (const auto& j : records) {
        if (j["type"] != "dns_transaction") continue;
        (j["transport"] == "tcp" ? tcp : udp)++;
    }
    EXPECT_EQ(tcp, 1u);
    EXPECT_EQ(udp, 0u);
    // -c 3: the first query and response, and the next query, which stays unanswered.
    records = parse_json_lines(run(base + " -c 3", false).output);
    std::size_t answered = 0, unanswered = 0;
    for (const auto& j : records) {
        if (j["type"] != "dns_transaction") continue;
        (j["status"] == "answered" ? answered : unanswered)++;
    }
    EXPECT_EQ(answered, 1u);
    EXPECT_EQ(unanswered, 1u);
    // Another port: nothing of this capture is DNS there.
    records = parse_json_lines(run(base + " --port 5353", false).output);
    for (const auto& j : records) EXPECT_NE(j["type"], "dns_transaction");
}

TEST(DnsCli, TinyPendingTableEvicts) {
    // --max-pending 1 with queries answered in order still pairs them all; a timeout shorter
    // than every latency makes every query unanswered and every response unsolicited.
    const std::string base = pktscope_binary() + " dns -r " + capture("dns.pcap") + " --json";
    std::size_t answered = 0;
    for (const auto& j : parse_json_lines(run(base + " --max-pending 1", false).output))
        if (j["type"] == "dns_transaction" && j["status"] == "answered") ++answered;
    EXPECT_EQ(answered, 7u);
    std::size_t unsolicited = 0;
    for (const auto& j : parse_json_lines(run(base + " --timeout 0.00001", false).output))
        if (j["type"] == "dns_transaction" && j["status"] == "unsolicited") ++unsolicited;
    EXPECT_EQ(unsolicited, 7u) << "every latency in captures/dns.pcap is above 10 us";
}

}  // namespace
}  // namespace pktscope::testing
