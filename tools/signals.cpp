#include "signals.hpp"

#include <csignal>
#include <ctime>

namespace pktscope::tools {
namespace {

sigset_t watched_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR1);
    return set;
}

}  // namespace

signal_watcher::signal_watcher() {
    // A shell starts background jobs with SIGINT ignored, and an ignored signal is discarded
    // instead of becoming pending, so sigtimedwait() would never see it: restore the default
    // (harmless, as the signals are blocked and only ever taken by the watcher).
    for (const int sig : {SIGINT, SIGTERM, SIGUSR1}) std::signal(sig, SIG_DFL);
    const sigset_t set = watched_signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    thread_ = std::thread([this] { run(); });
}

signal_watcher::~signal_watcher() {
    quit_ = true;
    thread_.join();
    // Leave the signals blocked: pending ones must not kill us during the final flush.
}

void signal_watcher::run() {
    const sigset_t set = watched_signals();
    const timespec tick{0, 100'000'000};
    while (!quit_) {
        const int sig = sigtimedwait(&set, nullptr, &tick);
        if (sig == SIGUSR1) {
            // Wake a blocked read so the statistics print now, not with the next packet
            // (an immediate-mode read can block indefinitely on an idle interface).
            stats_ = true;
            if (pcap_source* s = source_.load()) s->break_loop();
        } else if (sig == SIGINT || sig == SIGTERM) {
            stop_ = true;
            if (pcap_source* s = source_.load()) s->break_loop();
        }
    }
}

}  // namespace pktscope::tools
