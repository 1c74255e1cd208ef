#include <unistd.h>

#include <cerrno>

#include "pktscope/output.hpp"

namespace pktscope {

bool output_stream::flush() noexcept {
    if (reader_gone_ || failed_) {
        buffer_.clear();
        return false;
    }
    const char* p = buffer_.data();
    std::size_t left = buffer_.size();
    while (left > 0) {
        const ssize_t n = ::write(fd_, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            (errno == EPIPE ? reader_gone_ : failed_) = true;
            buffer_.clear();
            return false;
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    buffer_.clear();
    return true;
}

}  // namespace pktscope
