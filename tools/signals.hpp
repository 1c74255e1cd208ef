// Signal handling without globals: SIGINT, SIGTERM and SIGUSR1 are blocked in every thread
// and a watcher thread waits for them, turning them into flags the capture loop polls and
// a pcap_breakloop() that wakes a blocked read.
#pragma once

#include <atomic>
#include <thread>

#include "pktscope/capture.hpp"

namespace pktscope::tools {

class signal_watcher {
public:
    /// Blocks the signals (call before starting other threads) and starts watching.
    signal_watcher();
    ~signal_watcher();
    signal_watcher(const signal_watcher&) = delete;
    signal_watcher& operator=(const signal_watcher&) = delete;

    /// The source whose blocked read SIGINT/SIGTERM should interrupt (may be null).
    void attach(pcap_source* source) noexcept { source_.store(source); }
    /// True once SIGINT or SIGTERM arrived.
    bool stop_requested() const noexcept { return stop_.load(std::memory_order_relaxed); }
    /// True once per SIGUSR1 (clears the flag).
    bool take_stats_request() noexcept {
        // A plain load first: an atomic exchange on every packet costs a locked instruction.
        return stats_.load(std::memory_order_relaxed) && stats_.exchange(false);
    }

private:
    void run();
    std::atomic<bool> stop_{false};
    std::atomic<bool> stats_{false};
    std::atomic<bool> quit_{false};
    std::atomic<pcap_source*> source_{nullptr};
    std::thread thread_;
};

}  // namespace pktscope::tools
