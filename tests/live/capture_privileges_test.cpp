// Live: capture privileges. Without CAP_NET_RAW the error is one line naming the capability
// and the setcap command; -Z drops to the user before the output file is created; reading a
// file needs no privilege at all.
#include <grp.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>

#include "live_capture_support.hpp"

namespace pktscope::testing {
namespace {

constexpr const char* unprivileged_user = "nobody";

std::string as_nobody(const std::string& command) {
    const group* g = ::getgrgid(::getpwnam(unprivileged_user)->pw_gid);
    return std::string("setpriv --reuid=") + unprivileged_user + " --regid=" + g->gr_name +
           " --clear-groups " + command;
}

class CapturePrivileges : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) return;
        ASSERT_NE(::getpwnam(unprivileged_user), nullptr) << "no user " << unprivileged_user;
        // A copy the unprivileged user can surely execute, in a directory it may write to.
        ASSERT_EQ(::chmod(dir.path().c_str(), 01777), 0);
        binary = dir.file("pktscope");
        ASSERT_EQ(run("install -m 0755 " + pktscope_binary() + " " + binary).exit_status, 0);
    }
    temp_dir dir;
    std::string binary;
};

TEST_F(CapturePrivileges, MissingCapabilityIsOneLineWithTheSetcapCommand) {
    PKTSCOPE_REQUIRE_ROOT();
    netns ns("priv");
    for (const char* device : {"lo", "any"}) {
        const command_result r = ns.run(as_nobody(binary + " sniff -i " + device + " -c 1"));
        EXPECT_EQ(r.exit_status, 1) << r.output;
        EXPECT_EQ(count_of(r.output, "\n"), 1U) << r.output;
        EXPECT_NE(
            r.output.find(std::string("capture on interface ") + device + " needs CAP_NET_RAW"),
            std::string::npos)
            << r.output;
        EXPECT_NE(r.output.find("setcap cap_net_raw,cap_net_admin=eip " + binary + "`"),
                  std::string::npos)
            << r.output;
    }
    const command_result missing = ns.run(as_nobody(binary + " sniff -i pks-nosuch -c 1"));
    EXPECT_EQ(missing.exit_status, 1);
    EXPECT_NE(missing.output.find("no such interface: pks-nosuch"), std::string::npos)
        << missing.output;
}

TEST_F(CapturePrivileges, ReadingAFileNeedsNoPrivilege) {
    PKTSCOPE_REQUIRE_ROOT();
    netns ns("read");
    const std::string pcap = dir.file("made.pcap");
    auto capture = start_capture(ns, "-i lo -c 2 -w " + pcap, dir.file("capture.log"));
    ASSERT_EQ(ns.run("ping -c 1 127.0.0.1").exit_status, 0);
    ASSERT_EQ(capture->wait(std::chrono::seconds(10)), 0);
    ASSERT_EQ(::chmod(pcap.c_str(), 0644), 0);
    const command_result r = ns.run(as_nobody(binary + " sniff -r " + pcap), false);
    EXPECT_EQ(r.exit_status, 0) << r.output;
    EXPECT_EQ(count_of(r.output, "ICMP echo"), 2U) << r.output;
}

TEST_F(CapturePrivileges, DropToUserBeforeCreatingTheOutputFile) {
    PKTSCOPE_REQUIRE_ROOT();
    netns ns("dropz");
    const std::string pcap = dir.file("dropped.pcap");
    // The test runs pktscope as root; -Z nobody must switch before the file exists.
    auto capture =
        std::make_unique<background_process>(ns.exec_prefix() + binary + " sniff -i lo -c 4 -Z " +
                                                 unprivileged_user + " -w " + pcap + " icmp",
                                             dir.file("capture.log"));
    ASSERT_TRUE(wait_until(
        [&] {
            return read_file(dir.file("capture.log")).find("listening on") != std::string::npos;
        },
        std::chrono::seconds(10)));
    ASSERT_TRUE(
        wait_until([&] { return ::access(pcap.c_str(), F_OK) == 0; }, std::chrono::seconds(5)));
    // While it runs, the process holds none of root's ids or capabilities (the kernel says).
    const std::string status = read_file("/proc/" + std::to_string(capture->pid()) + "/status");
    const std::string uid = std::to_string(::getpwnam(unprivileged_user)->pw_uid);
    EXPECT_NE(status.find("Uid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid), std::string::npos)
        << status;
    EXPECT_NE(status.find("CapEff:\t0000000000000000"), std::string::npos) << status;

    ASSERT_EQ(ns.run("ping -c 2 -i 0.2 127.0.0.1").exit_status, 0);
    ASSERT_EQ(capture->wait(std::chrono::seconds(10)), 0) << read_file(dir.file("capture.log"));
    struct stat st {};
    ASSERT_EQ(::stat(pcap.c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, ::getpwnam(unprivileged_user)->pw_uid);
    EXPECT_EQ(tshark_packets(pcap).size(), 4U);
}

TEST_F(CapturePrivileges, UnknownUserFailsBeforeAnyFileIsMade) {
    PKTSCOPE_REQUIRE_ROOT();
    netns ns("dropbad");
    const std::string pcap = dir.file("never.pcap");
    const command_result r = ns.run(binary + " sniff -i lo -c 1 -Z pks-no-such-user -w " + pcap);
    EXPECT_EQ(r.exit_status, 1);
    EXPECT_NE(r.output.find("-Z: no such user: pks-no-such-user"), std::string::npos) << r.output;
    EXPECT_NE(::access(pcap.c_str(), F_OK), 0) << "the output file was created";
}

}  // namespace
}  // namespace pktscope::testing
