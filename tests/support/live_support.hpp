// Support for live tests: private network namespaces, processes run inside them, and JSON
// Lines parsing. Every namespace is created by the test and deleted when the owning object
// goes out of scope, so traffic never leaves what the test built.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace pktscope::testing {

/// Skips the test (with the reason) when not root; under CI (CI=true) fails instead, because
/// CI must run live tests.
#define PKTSCOPE_REQUIRE_ROOT()                                                               \
    do {                                                                                      \
        if (::geteuid() != 0) {                                                               \
            if (::pktscope::testing::running_under_ci())                                      \
                FAIL() << "live test needs root (CAP_NET_ADMIN for namespaces) and CI=true";  \
            GTEST_SKIP() << "live test needs root (CAP_NET_ADMIN to create network namespaces)"; \
        }                                                                                     \
    } while (0)

bool running_under_ci();

/// Output and exit status of a finished command.
struct command_result {
    int exit_status = -1;  ///< exit code, or 128+signal
    std::string output;    ///< stdout (stderr too when merged)
};

/// Runs `command` with /bin/sh -c, capturing stdout (and stderr when merge_stderr).
/// Fails the current test (ADD_FAILURE) if it cannot be started; bounded by `timeout`.
command_result run(const std::string& command, bool merge_stderr = true,
                   std::chrono::seconds timeout = std::chrono::seconds(60));

/// A network namespace named uniquely for this process ("pks-<pid>-<tag>"), with `lo` up.
/// Deleted (with every process still in it killed) on destruction.
class netns {
public:
    explicit netns(const std::string& tag);
    ~netns();
    netns(const netns&) = delete;
    netns& operator=(const netns&) = delete;

    const std::string& name() const { return name_; }
    /// "ip netns exec NAME " — prefix for commands to run inside.
    std::string exec_prefix() const { return "ip netns exec " + name_ + " "; }
    /// Runs `command` inside the namespace.
    command_result run(const std::string& command, bool merge_stderr = true,
                       std::chrono::seconds timeout = std::chrono::seconds(60)) const;

private:
    std::string name_;
};

/// Creates a veth pair between two namespaces: `a_if` in `a` with `a_addr` (CIDR, e.g.
/// "10.9.0.1/24" or an IPv6 "fd00::1/64"; several separated by spaces), `b_if` in `b`.
void make_veth(const netns& a, const std::string& a_if, const std::string& a_addrs,
               const netns& b, const std::string& b_if, const std::string& b_addrs);

/// A process started in the background (optionally inside a namespace); killed with
/// SIGTERM (then SIGKILL) on destruction unless already reaped.
class background_process {
public:
    /// Starts `command` via /bin/sh -c; stdout+stderr go to `log_path` (or /dev/null).
    explicit background_process(const std::string& command, const std::string& log_path = {});
    ~background_process();
    background_process(const background_process&) = delete;
    background_process& operator=(const background_process&) = delete;

    pid_t pid() const { return pid_; }
    /// Sends `sig` to the process group.
    void signal(int sig) const;
    /// Waits up to `timeout` for exit; returns the exit status (128+signal) or -1 on timeout.
    int wait(std::chrono::milliseconds timeout);

private:
    pid_t pid_ = -1;
    bool reaped_ = false;
    int status_ = -1;
};

/// Polls until `predicate` is true or `timeout` passes; returns the last predicate value.
template <class Predicate>
bool wait_until(Predicate predicate, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (predicate()) return true;
        ::usleep(20'000);
    }
    return predicate();
}

/// Parses JSON Lines text (one object per line; blank lines ignored).
std::vector<nlohmann::json> parse_json_lines(const std::string& text);

/// A temporary directory removed (recursively) on destruction.
class temp_dir {
public:
    temp_dir();
    ~temp_dir();
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

/// Path of the built pktscope program (set by CMake).
std::string pktscope_binary();
/// Reads a whole file ("" when missing).
std::string read_file(const std::string& path);

}  // namespace pktscope::testing
