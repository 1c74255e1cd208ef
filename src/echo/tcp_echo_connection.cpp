#include "tcp_echo_connection.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

namespace pktscope::echo_detail {
namespace {

// Several read/write rounds per wake-up save epoll round trips, but a bound keeps one busy
// client from starving the others (the socket stays ready; epoll reports it again).
constexpr int max_rounds = 4;

tcp_echo_end error_end(int error_number) noexcept {
    if (error_number == ECONNRESET || error_number == EPIPE || error_number == ETIMEDOUT)
        return {echo_close_reason::peer_reset, error_number};
    return {echo_close_reason::io_error, error_number};
}

std::uint64_t read_allowance(const tcp_echo_connection& c, std::uint64_t max_bytes) noexcept {
    if (max_bytes == 0) return UINT64_MAX;
    return c.bytes_received >= max_bytes ? 0 : max_bytes - c.bytes_received;
}

bool may_read(const tcp_echo_connection& c, std::uint64_t max_bytes, bool reading) noexcept {
    return reading && !c.peer_finished && c.end < tcp_echo_buffer_bytes &&
           read_allowance(c, max_bytes) > 0;
}

// Sends everything pending that the socket takes; the connection's end on a send error.
std::optional<tcp_echo_end> flush(tcp_echo_connection& c, bool& progressed) {
    while (c.pending() > 0) {
        const ssize_t n =
            ::send(c.fd.get(), c.buffer.get() + c.begin, c.pending(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            c.begin += static_cast<std::size_t>(n);
            c.bytes_sent += static_cast<std::uint64_t>(n);
            progressed = true;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        } else {
            return error_end(n < 0 ? errno : EPIPE);
        }
    }
    if (c.begin == c.end) c.begin = c.end = 0;
    return std::nullopt;
}

}  // namespace

std::optional<tcp_echo_end> service_tcp_echo(tcp_echo_connection& c, std::uint64_t max_bytes,
                                             bool reading, bool& progressed) {
    for (int round = 0;; ++round) {
        if (auto end = flush(c, progressed)) return end;
        if (round == max_rounds || !may_read(c, max_bytes, reading)) break;
        if (!c.buffer) c.buffer = std::make_unique<std::byte[]>(tcp_echo_buffer_bytes);
        const std::size_t room =
            std::min<std::uint64_t>(tcp_echo_buffer_bytes - c.end, read_allowance(c, max_bytes));
        ssize_t n = 0;
        do {
            n = ::recv(c.fd.get(), c.buffer.get() + c.end, room, MSG_DONTWAIT);
        } while (n < 0 && errno == EINTR);
        if (n > 0) {
            c.end += static_cast<std::size_t>(n);
            c.bytes_received += static_cast<std::uint64_t>(n);
            progressed = true;
            // A short read drained the socket: echo it and let epoll report the next bytes
            // rather than spend a recv() on EAGAIN.
            if (static_cast<std::size_t>(n) < room) {
                if (auto end = flush(c, progressed)) return end;
                break;
            }
        } else if (n == 0) {
            c.peer_finished = true;
            break;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            break;
        } else {
            return error_end(errno);
        }
    }
    if (c.pending() == 0) {
        if (c.peer_finished) return tcp_echo_end{echo_close_reason::peer_closed, 0};
        if (max_bytes != 0 && c.bytes_received >= max_bytes)
            return tcp_echo_end{echo_close_reason::byte_limit, 0};
    }
    return std::nullopt;
}

std::uint32_t wanted_tcp_events(const tcp_echo_connection& c, std::uint64_t max_bytes,
                                bool reading) noexcept {
    std::uint32_t events = 0;
    if (may_read(c, max_bytes, reading)) events |= EPOLLIN;
    if (c.pending() > 0) events |= EPOLLOUT;
    return events;
}

}  // namespace pktscope::echo_detail
