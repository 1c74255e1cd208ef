#include "live_support.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace pktscope::testing {

bool running_under_ci() {
    const char* ci = std::getenv("CI");
    return ci != nullptr && std::string(ci) == "true";
}

command_result run(const std::string& command, bool merge_stderr, std::chrono::seconds timeout) {
    const std::string full = "timeout -k 2 " + std::to_string(timeout.count()) + " /bin/sh -c '" +
                             [&] {
                                 std::string escaped;
                                 for (char c : command) {
                                     if (c == '\'') escaped += "'\\''";
                                     else escaped += c;
                                 }
                                 return escaped;
                             }() +
                             "'" + (merge_stderr ? " 2>&1" : "");
    command_result r;
    FILE* pipe = ::popen(full.c_str(), "r");
    if (pipe == nullptr) {
        ADD_FAILURE() << "cannot run: " << command;
        return r;
    }
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
    const int status = ::pclose(pipe);
    r.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

netns::netns(const std::string& tag) : name_("pks-" + std::to_string(::getpid()) + "-" + tag) {
    testing::run("ip netns del " + name_ + " 2>/dev/null");
    const command_result r = testing::run("ip netns add " + name_ + " && ip -n " + name_ + " link set lo up");
    if (r.exit_status != 0) ADD_FAILURE() << "cannot create namespace " << name_ << ": " << r.output;
}

netns::~netns() {
    // Kill anything left inside, then delete the namespace (veth peers go with it).
    testing::run("ip netns pids " + name_ + " 2>/dev/null | xargs -r kill -9 2>/dev/null; ip netns del " +
                 name_ + " 2>/dev/null");
}

command_result netns::run(const std::string& command, bool merge_stderr, std::chrono::seconds timeout) const {
    return testing::run(exec_prefix() + "/bin/sh -c '" + [&] {
        std::string escaped;
        for (char c : command) {
            if (c == '\'') escaped += "'\\''";
            else escaped += c;
        }
        return escaped;
    }() + "'", merge_stderr, timeout);
}

void make_veth(const netns& a, const std::string& a_if, const std::string& a_addrs, const netns& b,
               const std::string& b_if, const std::string& b_addrs) {
    std::ostringstream cmd;
    cmd << "ip -n " << a.name() << " link add " << a_if << " type veth peer name " << b_if << " netns "
        << b.name() << " && ip -n " << a.name() << " link set " << a_if << " up && ip -n " << b.name()
        << " link set " << b_if << " up";
    auto add_addrs = [&](const netns& ns, const std::string& ifname, const std::string& addrs) {
        std::istringstream in(addrs);
        std::string addr;
        while (in >> addr) {
            cmd << " && ip -n " << ns.name() << " addr add " << addr << " dev " << ifname;
            if (addr.find(':') != std::string::npos) cmd << " nodad";
        }
    };
    add_addrs(a, a_if, a_addrs);
    add_addrs(b, b_if, b_addrs);
    const command_result r = testing::run(cmd.str());
    if (r.exit_status != 0) ADD_FAILURE() << "cannot create veth " << a_if << "/" << b_if << ": " << r.output;
}

background_process::background_process(const std::string& command, const std::string& log_path) {
    pid_ = ::fork();
    if (pid_ == 0) {
        ::setpgid(0, 0);
        const int fd = ::open(log_path.empty() ? "/dev/null" : log_path.c_str(),
                              O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            ::close(fd);
        }
        const int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) ::dup2(devnull, 0);
        ::execl("/bin/sh", "sh", "-c", ("exec " + command).c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    if (pid_ < 0) ADD_FAILURE() << "fork failed for: " << command;
    else ::setpgid(pid_, pid_);
}

background_process::~background_process() {
    if (pid_ <= 0 || reaped_) return;
    signal(SIGTERM);
    if (wait(std::chrono::milliseconds(2000)) == -1) {
        signal(SIGKILL);
        wait(std::chrono::milliseconds(2000));
    }
}

void background_process::signal(int sig) const {
    if (pid_ > 0 && !reaped_) ::kill(-pid_, sig);
}

int background_process::wait(std::chrono::milliseconds timeout) {
    if (reaped_) return status_;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int status = 0;
        const pid_t r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            reaped_ = true;
            status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            return status_;
        }
        if (std::chrono::steady_clock::now() >= deadline) return -1;
        ::usleep(10'000);
    }
}

std::vector<nlohmann::json> parse_json_lines(const std::string& text) {
    std::vector<nlohmann::json> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        out.push_back(nlohmann::json::parse(line));
    }
    return out;
}

temp_dir::temp_dir() {
    char tmpl[] = "/tmp/pktscope-test-XXXXXX";
    const char* made = ::mkdtemp(tmpl);
    path_ = made != nullptr ? made : "/tmp";
}

temp_dir::~temp_dir() {
    if (path_ != "/tmp") testing::run("rm -rf '" + path_ + "'");
}

std::string pktscope_binary() { return PKTSCOPE_BINARY; }

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace pktscope::testing
