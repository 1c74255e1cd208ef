// One accepted TCP connection of the echo server and the step that moves its bytes
// (internal to the echo library).
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>

#include "pktscope/echo_server.hpp"
#include "unique_fd.hpp"

namespace pktscope::echo_detail {

/// Echo buffer per connection: bytes received and not yet sent back. While it is full the
/// connection stops reading, so a client that does not read its echoes is throttled by TCP
/// flow control instead of growing our memory.
inline constexpr std::size_t tcp_echo_buffer_bytes = 32 * 1024;

struct tcp_echo_connection {
    unique_fd fd;
    socket_address peer;
    socket_address local;
    std::int64_t start_real_ns = 0;
    std::int64_t start_mono_ns = 0;
    std::int64_t last_activity_ns = 0;    ///< monotonic; any byte received or sent
    std::unique_ptr<std::byte[]> buffer;  ///< allocated on first read
    std::size_t begin = 0;                ///< first byte not yet sent back
    std::size_t end = 0;                  ///< one past the last byte received
    std::uint64_t bytes_received = 0;
    std::uint64_t bytes_sent = 0;
    bool peer_finished = false;              ///< recv() returned 0: the client sent FIN
    std::uint32_t registered_events = 0;     ///< what epoll currently watches
    std::list<int>::iterator idle_position;  ///< place in the server's idle order

    std::size_t pending() const noexcept { return end - begin; }
};

/// How a connection ended, when it has.
struct tcp_echo_end {
    echo_close_reason reason = echo_close_reason::peer_closed;
    int error_number = 0;
};

/// Sends what is pending and reads what fits (at most `max_bytes` in total over the
/// connection's life, 0 = unlimited; nothing when `reading` is false), retrying EINTR,
/// stopping at EAGAIN, never raising SIGPIPE (MSG_NOSIGNAL). Sets `progressed` when a byte
/// moved. Returns how the connection ended, or nullopt while it stays open.
std::optional<tcp_echo_end> service_tcp_echo(tcp_echo_connection& c, std::uint64_t max_bytes,
                                             bool reading, bool& progressed);

/// The epoll events `c` needs: EPOLLIN while it may read, EPOLLOUT while echoes are pending.
std::uint32_t wanted_tcp_events(const tcp_echo_connection& c, std::uint64_t max_bytes,
                                bool reading) noexcept;

}  // namespace pktscope::echo_detail
