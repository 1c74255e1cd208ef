#include "sniff_bench_process.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace pktscope::bench {
namespace {

double seconds(const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) * 1e-6;
}

std::string tail_of(const std::string& path, std::size_t max_bytes) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    return s.size() > max_bytes ? s.substr(s.size() - max_bytes) : s;
}

}  // namespace

process_run run_process(const std::vector<std::string>& argv, const std::string& stderr_path) {
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        const int null_fd = open("/dev/null", O_RDWR);
        const int err_fd = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (null_fd < 0 || err_fd < 0) _exit(126);
        dup2(null_fd, STDIN_FILENO);
        dup2(null_fd, STDOUT_FILENO);
        dup2(err_fd, STDERR_FILENO);
        execvp(args[0], args.data());
        _exit(127);
    }
    int status = 0;
    rusage usage{};
    while (wait4(pid, &status, 0, &usage) < 0) {
        if (errno != EINTR) throw std::runtime_error(std::string("wait4: ") + std::strerror(errno));
    }
    const auto end = std::chrono::steady_clock::now();

    process_run r;
    r.wall_s = std::chrono::duration<double>(end - start).count();
    r.cpu_s = seconds(usage.ru_utime) + seconds(usage.ru_stime);
    r.peak_rss_kib = usage.ru_maxrss;
    r.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (r.exit_status != 0) r.stderr_tail = tail_of(stderr_path, 600);
    if (r.exit_status == 127)
        throw std::runtime_error("cannot run " + argv[0] + " (not installed?)");
    return r;
}

}  // namespace pktscope::bench
