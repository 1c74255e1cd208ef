// The echo client: sends messages over TCP or UDP, verifies every echoed byte, and measures
// round-trip times (its own per message, and the kernel's TCP_INFO estimate per connection).
// One thread, non-blocking sockets around epoll, `concurrency` connections at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pktscope/echo_server.hpp"
#include "pktscope/latency_histogram.hpp"
#include "pktscope/socket_address.hpp"

namespace pktscope {

/// What to send, where.
struct echo_client_config {
    std::string host = "127.0.0.1";  ///< numeric address or name (getaddrinfo; first answer)
    std::uint16_t port = 6797;
    echo_transport transport = echo_transport::tcp;
    std::uint64_t count = 10;        ///< messages per connection (when duration_ms is 0)
    std::size_t size_bytes = 64;     ///< bytes per message, 1..16 MiB (UDP: at most 65,507)
    std::size_t concurrency = 1;     ///< connections (TCP) or sockets (UDP) in parallel, 1..10,000
    std::int64_t duration_ms = 0;    ///< when > 0, send for this long instead of `count` messages
    std::int64_t timeout_ms = 2000;  ///< per connect and per message
};

/// Largest UDP payload over IPv4 (65,535 - 20 - 8).
inline constexpr std::size_t max_udp_echo_bytes = 65507;
/// Largest message the client sends.
inline constexpr std::size_t max_echo_message_bytes = 16 << 20;
/// Most connections the client opens at once.
inline constexpr std::size_t max_echo_concurrency = 10000;

/// Why a connection failed.
enum class echo_failure_kind : std::uint8_t {
    connect_failed,  ///< connect() failed (`error_number`: ECONNREFUSED, ...)
    mismatch,        ///< an echoed byte differs from the byte sent (or extra bytes came back)
    timeout,         ///< no complete echo (or connect, or FIN) within timeout_ms
    closed_early,    ///< the server closed before echoing everything
    reset,           ///< ECONNRESET / EPIPE
    io_error,        ///< another socket error (`error_number`)
};
/// snake_case name of `kind`.
std::string_view echo_failure_kind_name(echo_failure_kind kind) noexcept;

/// The first failure of one connection (it stops there).
struct echo_client_failure {
    echo_failure_kind kind = echo_failure_kind::io_error;
    std::uint64_t message = 0;      ///< 0-based message index
    std::uint64_t byte_offset = 0;  ///< mismatch: offset in the message; else bytes echoed so far
    int error_number = 0;           ///< errno where one applies
    std::uint8_t expected = 0;      ///< mismatch: the byte sent
    std::uint8_t received = 0;      ///< mismatch: the byte that came back
};

/// One connection's outcome.
struct echo_connection_result {
    std::uint32_t index = 0;
    socket_address local;
    std::uint64_t messages_verified = 0;
    std::uint64_t bytes_sent = 0;
    std::uint64_t bytes_received = 0;
    std::int64_t connect_ns = -1;                ///< TCP: connect() to established; -1 unknown
    std::optional<std::uint32_t> tcp_rtt_us;     ///< TCP_INFO tcpi_rtt (smoothed RTT) at the end
    std::optional<std::uint32_t> tcp_rttvar_us;  ///< TCP_INFO tcpi_rttvar
    std::optional<echo_client_failure> failure;
};

/// Everything a run measured.
struct echo_client_report {
    echo_client_config config;
    socket_address server;
    std::vector<echo_connection_result> connections;
    std::uint64_t messages_sent = 0;      ///< messages whose first byte was sent
    std::uint64_t messages_verified = 0;  ///< messages echoed completely and byte for byte
    std::uint64_t bytes_sent = 0;
    std::uint64_t bytes_received = 0;
    std::uint64_t mismatches = 0;         ///< connections that failed with `mismatch`
    std::uint64_t timeouts = 0;           ///< ... with `timeout`
    std::uint64_t connection_errors = 0;  ///< ... with any other failure
    latency_histogram rtt;                ///< per verified message, ns
    std::int64_t elapsed_ns = 0;          ///< first connect to last close
    bool interrupted = false;             ///< stopped early through stop_fd

    /// Verified messages per second of elapsed time.
    double messages_per_second() const noexcept;
    /// True when every connection verified all its messages and nothing failed or stopped it.
    bool ok() const noexcept;
};

/// Runs the client until every connection is done (or `stop_fd` becomes readable; -1 =
/// never). Throws echo_error for what prevents starting: an unresolvable host, a size or
/// concurrency out of range, no descriptors.
echo_client_report run_echo_client(const echo_client_config& config, int stop_fd = -1);

}  // namespace pktscope
