#include "stop_signal.hpp"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <string>

namespace pktscope::tools {

stop_signal::stop_signal() {
    // A shell starts background jobs with SIGINT ignored, and an ignored signal is discarded
    // before a signalfd could report it: restore the default (the signals are blocked, so it
    // never runs).
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    fd_ = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd_ < 0) throw std::runtime_error(std::string("signalfd: ") + std::strerror(errno));
}

stop_signal::~stop_signal() {
    // The signals stay blocked: one arriving during the final output must not kill us.
    if (fd_ >= 0) ::close(fd_);
}

int stop_signal::take() noexcept {
    signalfd_siginfo info{};
    const ssize_t n = ::read(fd_, &info, sizeof info);
    return n == static_cast<ssize_t>(sizeof info) ? static_cast<int>(info.ssi_signo) : 0;
}

}  // namespace pktscope::tools
