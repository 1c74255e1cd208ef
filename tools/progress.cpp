#include "progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace pktscope::tools {

progress_meter::progress_meter(std::uint64_t total_bytes)
    : enabled_(total_bytes > 0 && isatty(STDERR_FILENO) == 1 && isatty(STDOUT_FILENO) == 0),
      total_(total_bytes),
      last_(std::chrono::steady_clock::now()) {}

progress_meter::~progress_meter() {
    if (drawn_) std::fputs("\r\033[K", stderr);
}

void progress_meter::redraw(std::uint64_t bytes_done, std::uint64_t packets) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    drawn_ = true;
    std::fprintf(stderr, "\r\033[K%5.1f%%  %llu packets", 100.0 * static_cast<double>(bytes_done) / static_cast<double>(total_),
                 static_cast<unsigned long long>(packets));
    std::fflush(stderr);
}

}  // namespace pktscope::tools
