// A plain BSD-socket echo server (RFC 862 semantics: every byte received is sent back), TCP
// and UDP, IPv4 and IPv6, in one thread around epoll. Safe by default: loopback bind, bounded
// clients, idle time and bytes per client, and a UDP side that refuses to be a reflector
// (echo_udp_policy.hpp). Every limit hit is reported with its reason.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "pktscope/echo_udp_policy.hpp"
#include "pktscope/socket_address.hpp"

namespace pktscope {

/// A one-line, user-facing error about a socket (bind, listen, address), fit to print as is.
class echo_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Transport of an echo socket.
enum class echo_transport : std::uint8_t { tcp, udp };
/// "tcp" or "udp".
std::string_view echo_transport_name(echo_transport transport) noexcept;

/// Limits of the server; 0 disables a limit where noted.
struct echo_server_limits {
    std::size_t max_clients = 1024;         ///< concurrent TCP connections (>= 1)
    std::int64_t idle_timeout_ms = 60'000;  ///< close a silent TCP client (0 = never)
    std::uint64_t max_bytes_per_client = 64
                                         << 20;  ///< bytes one TCP client may send (0 = no limit)
    double udp_rate_per_source = 1000;           ///< datagrams/s one source address may get echoed
    double udp_burst_per_source = 1000;          ///< datagrams a source may send at once
    double udp_rate_total = 20'000;              ///< datagrams/s echoed to all sources together
    std::size_t udp_rate_table_size = 4096;      ///< sources tracked by the per-source limit
    std::int64_t shutdown_drain_ms = 1000;       ///< on stop, time to flush pending echoes
};

/// What to serve, where.
struct echo_server_config {
    bool tcp = true;
    bool udp = false;
    /// Numeric address to bind ("127.0.0.1", "::1"; "::" is dual-stack, "0.0.0.0" all IPv4).
    std::string bind_address = "127.0.0.1";
    std::uint16_t port = 6797;  ///< 0 lets the kernel choose (see echo_server::local_addresses)
    echo_server_limits limits;
};

/// Why a TCP connection ended.
enum class echo_close_reason : std::uint8_t {
    peer_closed,   ///< the client sent FIN and got every echo back
    peer_reset,    ///< ECONNRESET / EPIPE
    io_error,      ///< another socket error (`error_number`)
    idle_timeout,  ///< nothing received or sent for idle_timeout_ms
    byte_limit,    ///< the client sent max_bytes_per_client
    client_limit,  ///< refused at accept: max_clients connections already open
    shutdown,      ///< the server was stopped (SIGINT/SIGTERM)
};
/// Number of echo_close_reason values.
inline constexpr std::size_t echo_close_reason_count = 7;
/// snake_case name of `reason`.
std::string_view echo_close_reason_name(echo_close_reason reason) noexcept;

/// A socket is listening (one record per socket).
struct echo_listening {
    echo_transport transport = echo_transport::tcp;
    socket_address local;
};

/// A TCP connection ended (one record per connection, refused ones included).
struct echo_connection_closed {
    socket_address peer;
    socket_address local;
    std::int64_t start_ts_ns = 0;  ///< accept time, ns since the Unix epoch
    std::int64_t duration_ns = 0;  ///< accept to close
    std::uint64_t bytes_received = 0;
    std::uint64_t bytes_sent = 0;
    echo_close_reason reason = echo_close_reason::peer_closed;
    int error_number = 0;  ///< errno for io_error, else 0
};

/// UDP datagrams were refused. At most one record per reason per second: `count` is the
/// number refused for this reason since the previous record of it, `peer` the latest.
struct echo_udp_dropped {
    socket_address peer;
    socket_address destination;  ///< may be empty (unknown_destination)
    udp_drop_reason reason = udp_drop_reason::unknown_destination;
    std::uint64_t count = 0;
};

/// Totals when the server stops.
struct echo_server_totals {
    std::uint64_t connections_accepted = 0;
    std::uint64_t connections_refused = 0;  ///< client_limit
    std::uint64_t tcp_bytes_echoed = 0;
    std::uint64_t udp_datagrams_echoed = 0;
    std::uint64_t udp_bytes_echoed = 0;
    std::uint64_t udp_send_errors = 0;  ///< replies the kernel would not take (buffer full)
    std::uint64_t udp_dropped[udp_drop_reason_count] = {};
    std::uint64_t closed[echo_close_reason_count] = {};
    std::uint64_t rate_table_evictions = 0;  ///< sources evicted from the per-source limit
    std::uint64_t accept_errors = 0;         ///< accept() failures (EMFILE, ENOBUFS, ...)
};

/// A record the server reports as it runs.
using echo_server_event = std::variant<echo_listening, echo_connection_closed, echo_udp_dropped>;
/// Receives each record; called on the server's thread.
using echo_event_sink = std::function<void(const echo_server_event&)>;

/// The server: sockets are bound and listening once constructed; run() serves.
class echo_server {
  public:
    /// Binds and listens (SO_REUSEADDR; "::" dual-stack). Throws echo_error naming the
    /// address, port and reason (address in use, not a numeric address, no permission).
    explicit echo_server(const echo_server_config& config);
    ~echo_server();
    echo_server(const echo_server&) = delete;
    echo_server& operator=(const echo_server&) = delete;

    /// The bound sockets' addresses (ports filled in when port 0 was asked for).
    std::vector<echo_listening> local_addresses() const;
    /// Serves until `stop_fd` becomes readable (a signalfd, eventfd or pipe; -1 = never),
    /// then stops accepting, flushes pending echoes for up to shutdown_drain_ms and closes
    /// every connection (reason shutdown). Reports records to `sink`. Throws echo_error
    /// only for failures of epoll itself.
    echo_server_totals run(int stop_fd, const echo_event_sink& sink);

  private:
    struct state;
    std::unique_ptr<state> state_;
};

}  // namespace pktscope
