// `pktscope sniff -r` as a user meets it: errors are one line naming the file, exit codes are
// right, output written before an error stays, piping into head is quiet, and -c / filters /
// -w agree with tcpdump and tshark reading the same files.
#include <gtest/gtest.h>

#include <string>

#include "live_support.hpp"

namespace pktscope::testing {
namespace {

std::string capture(const std::string& name) {
    return std::string(PKTSCOPE_SOURCE_DIR) + "/captures/" + name;
}

std::size_t count_lines(const std::string& text) {
    std::size_t n = 0;
    for (char c : text) n += c == '\n' ? 1 : 0;
    return n;
}

std::string stderr_of(const std::string& command) {
    return run(command + " 2>&1 >/dev/null", false).output;
}

TEST(SniffCliTest, MissingFileIsOneLineNamingIt) {
    const command_result r = run(pktscope_binary() + " sniff -r /nonexistent/x.pcap");
    EXPECT_NE(r.exit_status, 0);
    EXPECT_EQ(r.output, "pktscope: cannot read /nonexistent/x.pcap: No such file or directory\n");
}

TEST(SniffCliTest, NotACaptureIsRejected) {
    temp_dir dir;
    run("printf 'hello, not a pcap' > " + dir.file("text.pcap"));
    const command_result r = run(pktscope_binary() + " sniff -r " + dir.file("text.pcap"));
    EXPECT_NE(r.exit_status, 0);
    EXPECT_EQ(count_lines(r.output), 1U);
    EXPECT_NE(r.output.find("is not a pcap or pcapng capture"), std::string::npos) << r.output;
}

TEST(SniffCliTest, TruncatedFileKeepsEarlierPacketsAndSaysHowMany) {
    temp_dir dir;
    // 700 bytes of tcp_session.pcap: 7 whole packets, the 8th cut in its data.
    run("head -c 700 " + capture("tcp_session.pcap") + " > " + dir.file("cut.pcap"));
    const command_result out = run(pktscope_binary() + " sniff --utc -r " + dir.file("cut.pcap"), false);
    EXPECT_NE(out.exit_status, 0);
    EXPECT_EQ(count_lines(out.output), 7U);
    const std::string err = stderr_of(pktscope_binary() + " sniff -r " + dir.file("cut.pcap"));
    EXPECT_NE(err.find("is truncated"), std::string::npos) << err;
    EXPECT_NE(err.find("(after 7 packets)"), std::string::npos) << err;
    // tcpdump reads the same 7 packets before its own truncation error.
    const command_result tcpdump = run("tcpdump -n -r " + dir.file("cut.pcap") + " 2>/dev/null", false);
    EXPECT_EQ(count_lines(tcpdump.output), 7U);
}

TEST(SniffCliTest, UnsupportedLinkTypeIsNamed) {
    const std::string file = std::string(PKTSCOPE_CORPUS_DIR) + "/tcpdump/pcaps/802_15_4_beacon.pcap";
    const command_result r = run(pktscope_binary() + " sniff -r " + file);
    EXPECT_NE(r.exit_status, 0);
    EXPECT_NE(r.output.find("link type IEEE802_15_4 (195) is not decoded"), std::string::npos) << r.output;
}

TEST(SniffCliTest, BadFilterIsOneLine) {
    const command_result r = run(pktscope_binary() + " sniff -r " + capture("dns.pcap") + " 'tcp port'");
    EXPECT_NE(r.exit_status, 0);
    EXPECT_EQ(count_lines(r.output), 1U);
    EXPECT_NE(r.output.find("bad filter expression 'tcp port'"), std::string::npos) << r.output;
}

TEST(SniffCliTest, NeitherSourceGivenIsAnError) {
    const command_result r = run(pktscope_binary() + " sniff");
    EXPECT_NE(r.exit_status, 0);
    EXPECT_NE(r.output.find("give exactly one of -r FILE or -i INTERFACE"), std::string::npos) << r.output;
}

TEST(SniffCliTest, PipingIntoHeadEndsQuietly) {
    // 2282 lines of output, so the writer is still going when head exits; the exit status
    // of pktscope is captured through a file because the shell reports head's.
    temp_dir dir;
    const std::string file = std::string(PKTSCOPE_CORPUS_DIR) + "/tcpdump/pcaps/arp-oobr.pcap";
    // Built by appending: GCC 12's -Wrestrict misfires on "literal" + std::string&& here.
    std::string command = "(";
    command += pktscope_binary() + " sniff -r " + file + " 2>" + dir.file("err");
    command += "; echo $? > " + dir.file("rc") + ") | head -1";
    const command_result r = run(command, false);
    EXPECT_EQ(count_lines(r.output), 1U) << r.output;
    EXPECT_EQ(read_file(dir.file("err")), "");
    EXPECT_EQ(read_file(dir.file("rc")), "0\n");
}

TEST(SniffCliTest, FiltersSelectWhatTcpdumpSelects) {
    for (const char* filter : {"udp", "tcp", "tcp[tcpflags] & tcp-syn != 0", "port 53 and ip"}) {
        const std::string f = std::string("'") + filter + "'";
        const command_result ours = run(pktscope_binary() + " sniff -r " + capture("dns.pcap") + " " + f, false);
        const command_result theirs = run("tcpdump -n -r " + capture("dns.pcap") + " " + f + " 2>/dev/null", false);
        ASSERT_EQ(ours.exit_status, 0) << filter;
        EXPECT_GT(count_lines(theirs.output), 0U) << filter;
        EXPECT_EQ(count_lines(ours.output), count_lines(theirs.output)) << filter;
    }
}

TEST(SniffCliTest, CountStopsAfterN) {
    const command_result r = run(pktscope_binary() + " sniff -c 3 -r " + capture("dns.pcap"), false);
    EXPECT_EQ(r.exit_status, 0);
    EXPECT_EQ(count_lines(r.output), 3U);
}

TEST(SniffCliTest, WriteKeepsNanosecondsAndIsReadableByTshark) {
    temp_dir dir;
    const std::string out = dir.file("out.pcap");
    const command_result r = run(pktscope_binary() + " sniff -q -r " + capture("dns.pcap") + " -w " + out + " udp");
    ASSERT_EQ(r.exit_status, 0) << r.output;
    // Nanosecond pcap magic a1 b2 3c 4d, written little-endian on this machine.
    EXPECT_EQ(run("od -An -tx1 -N4 " + out, false).output, " 4d 3c b2 a1\n");
    const command_result tshark =
        run("tshark -n -r " + out + " -T fields -e frame.time_epoch 2>/dev/null", false);
    EXPECT_EQ(count_lines(tshark.output), 12U);
    // The first UDP packet's timestamp survives to the nanosecond (1795457704.893866990).
    EXPECT_EQ(tshark.output.substr(0, tshark.output.find('\n')), "1795457704.893866990");
}

}  // namespace
}  // namespace pktscope::testing
