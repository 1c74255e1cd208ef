// SIGINT and SIGTERM as a readable descriptor (signalfd) that an epoll loop can watch, so a
// signal ends the loop between two steps instead of interrupting one (no globals, no handler).
#pragma once

namespace pktscope::tools {

class stop_signal {
  public:
    /// Blocks SIGINT and SIGTERM in the calling thread (call before starting threads) and opens
    /// a signalfd for them. Throws std::runtime_error when the descriptor cannot be made.
    stop_signal();
    ~stop_signal();
    stop_signal(const stop_signal&) = delete;
    stop_signal& operator=(const stop_signal&) = delete;

    /// Readable once SIGINT or SIGTERM is pending.
    int fd() const noexcept { return fd_; }
    /// The pending stop signal's number (consuming it), or 0 when none is pending.
    int take() noexcept;

  private:
    int fd_ = -1;
};

}  // namespace pktscope::tools
