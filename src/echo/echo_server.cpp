// The echo server's sockets and its single-threaded epoll loop.
#include "pktscope/echo_server.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <unordered_map>

#include "clock.hpp"
#include "tcp_echo_connection.hpp"
#include "udp_echo.hpp"
#include "unique_fd.hpp"

namespace pktscope {
namespace {

using echo_detail::monotonic_ns;
using echo_detail::realtime_ns;
using echo_detail::tcp_echo_connection;
using echo_detail::unique_fd;

constexpr std::array<std::string_view, echo_close_reason_count> close_reason_names = {
    "peer_closed", "peer_reset",   "io_error", "idle_timeout",
    "byte_limit",  "client_limit", "shutdown",
};

// Connections accepted per readiness report of a listener, so a connection storm cannot
// starve the clients already being served.
constexpr int accepts_per_wakeup = 64;
// Descriptors besides the clients: listeners, epoll, the stop fd, the spare, stdio.
constexpr rlim_t spare_descriptors = 16;

struct listener {
    unique_fd fd;
    echo_transport transport = echo_transport::tcp;
    socket_address local;
};

std::string where(echo_transport transport, const socket_address& address) {
    return std::string(echo_transport_name(transport)) + " " + to_string(address);
}

// Every client holds a descriptor: make the soft limit room for max_clients when the hard
// limit allows (the default soft limit of 1024 would refuse clients with EMFILE first).
void reserve_descriptors(std::size_t max_clients) noexcept {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
    const rlim_t wanted = static_cast<rlim_t>(max_clients) + spare_descriptors;
    if (limit.rlim_cur >= wanted) return;
    limit.rlim_cur = std::min(wanted, limit.rlim_max);
    ::setrlimit(RLIMIT_NOFILE, &limit);
}

listener open_listener(echo_transport transport, const socket_address& address) {
    const bool tcp = transport == echo_transport::tcp;
    listener l;
    l.transport = transport;
    l.fd.reset(::socket(address.family(),
                        (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!l.fd)
        throw echo_error("cannot create a " + where(transport, address) +
                         " socket: " + std::strerror(errno));
    const int on = 1;
    // A restarted server must not wait out TIME_WAIT of its previous connections.
    ::setsockopt(l.fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (address.family() == AF_INET6) {
        // "::" serves IPv4 too (dual-stack, RFC 3493 5.3); any other IPv6 address only IPv6.
        const ipv6_address unspecified{};
        const int v6only = ipv6_of(address) == unspecified ? 0 : 1;
        ::setsockopt(l.fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
    }
    if (!tcp && !echo_detail::enable_destination_info(l.fd.get(), address.family()))
        throw echo_error("cannot enable PKTINFO on " + where(transport, address) + ": " +
                         std::strerror(errno));
    if (::bind(l.fd.get(), address.get(), address.length) != 0) {
        const int e = errno;
        std::string why = std::strerror(e);
        if (e == EADDRINUSE) why += " (another server is on this port; choose one with --port)";
        if (e == EACCES) why += " (ports below 1024 need root or CAP_NET_BIND_SERVICE)";
        if (e == EADDRNOTAVAIL) why += " (no interface has this address)";
        throw echo_error("cannot bind " + where(transport, address) + ": " + why);
    }
    if (tcp && ::listen(l.fd.get(), SOMAXCONN) != 0)
        throw echo_error("cannot listen on " + where(transport, address) + ": " +
                         std::strerror(errno));
    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    ::getsockname(l.fd.get(), reinterpret_cast<sockaddr*>(&bound), &length);
    l.local = socket_address_from(reinterpret_cast<const sockaddr*>(&bound), length);
    return l;
}

}  // namespace

std::string_view echo_transport_name(echo_transport transport) noexcept {
    return transport == echo_transport::tcp ? "tcp" : "udp";
}

std::string_view echo_close_reason_name(echo_close_reason reason) noexcept {
    const auto i = static_cast<std::size_t>(reason);
    return i < close_reason_names.size() ? close_reason_names[i] : std::string_view("unknown");
}

struct echo_server::state {
    echo_server_config config;
    std::vector<listener> listeners;
};

echo_server::echo_server(const echo_server_config& config) : state_(std::make_unique<state>()) {
    state_->config = config;
    if (!config.tcp && !config.udp)
        throw echo_error("nothing to serve: choose --tcp, --udp or --both");
    std::optional<socket_address> address = make_socket_address(config.bind_address, config.port);
    if (!address)
        throw echo_error("--bind " + config.bind_address + ": not a numeric IPv4 or IPv6 address");
    reserve_descriptors(std::max<std::size_t>(1, config.limits.max_clients));
    if (config.tcp) {
        state_->listeners.push_back(open_listener(echo_transport::tcp, *address));
        // With port 0, UDP takes the port the kernel gave TCP, so one number serves both.
        if (config.port == 0)
            address =
                make_socket_address(config.bind_address, state_->listeners.back().local.port());
    }
    if (config.udp) state_->listeners.push_back(open_listener(echo_transport::udp, *address));
}

echo_server::~echo_server() = default;

std::vector<echo_listening> echo_server::local_addresses() const {
    std::vector<echo_listening> out;
    for (const listener& l : state_->listeners) out.push_back({l.transport, l.local});
    return out;
}

namespace {

// The loop's state for one run(): connections by descriptor, their idle order, the UDP state.
class server_loop {
  public:
    server_loop(const echo_server_config& config, std::vector<listener>& listeners, int stop_fd,
                const echo_event_sink& sink)
        : limits_(config.limits),
          listeners_(listeners),
          stop_fd_(stop_fd),
          sink_(sink),
          udp_(limits_) {
        epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
        if (!epoll_) throw echo_error(std::string("epoll_create1: ") + std::strerror(errno));
        spare_.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
        for (const listener& l : listeners_) watch(l.fd.get(), EPOLLIN, EPOLL_CTL_ADD);
        if (stop_fd_ >= 0) watch(stop_fd_, EPOLLIN, EPOLL_CTL_ADD);
    }

    echo_server_totals run() {
        if (sink_)
            for (const listener& l : listeners_) sink_(echo_listening{l.transport, l.local});
        std::array<epoll_event, 256> events{};
        for (;;) {
            const int n = ::epoll_wait(epoll_.get(), events.data(), static_cast<int>(events.size()),
                                       next_timeout_ms());
            if (n < 0 && errno != EINTR)
                throw echo_error(std::string("epoll_wait: ") + std::strerror(errno));
            const std::int64_t now = monotonic_ns();
            for (int i = 0; i < n; ++i) dispatch(events[static_cast<std::size_t>(i)], now);
            expire_idle(now);
            udp_.drops.flush(now, sink_, false);
            if (draining_ && (connections_.empty() || now >= drain_deadline_ns_)) break;
        }
        while (!connections_.empty())
            close_connection(connections_.begin()->second, {echo_close_reason::shutdown, 0});
        udp_.drops.flush(monotonic_ns(), sink_, true);
        return totals_;
    }

  private:
    void watch(int fd, std::uint32_t events, int op) {
        epoll_event ev{};
        ev.events = events;
        ev.data.fd = fd;
        if (::epoll_ctl(epoll_.get(), op, fd, &ev) != 0 && op != EPOLL_CTL_DEL)
            throw echo_error(std::string("epoll_ctl: ") + std::strerror(errno));
    }

    int next_timeout_ms() const {
        std::int64_t wait_ns = -1;
        auto consider = [&](std::int64_t ns) {
            wait_ns = wait_ns < 0 ? ns : std::min(wait_ns, ns);
        };
        const std::int64_t now = monotonic_ns();
        if (limits_.idle_timeout_ms > 0 && !idle_order_.empty()) {
            const tcp_echo_connection& oldest = connections_.at(idle_order_.front());
            consider(std::max<std::int64_t>(
                0, oldest.last_activity_ns + limits_.idle_timeout_ms * 1'000'000 - now));
        }
        if (udp_.drops.pending()) consider(1'000'000'000);
        if (draining_) consider(std::max<std::int64_t>(0, drain_deadline_ns_ - now));
        if (wait_ns < 0) return -1;
        return static_cast<int>(std::min<std::int64_t>((wait_ns + 999'999) / 1'000'000, 60'000));
    }

    void dispatch(const epoll_event& ev, std::int64_t now) {
        const int fd = ev.data.fd;
        if (fd == stop_fd_) return begin_drain(now);
        for (const listener& l : listeners_) {
            if (l.fd.get() != fd) continue;
            if (l.transport == echo_transport::tcp)
                accept_clients(l, now);
            else
                echo_detail::serve_udp_echo(fd, udp_, totals_, sink_, now);
            return;
        }
        const auto it = connections_.find(fd);
        if (it != connections_.end()) service(it->second, now);
    }

    void accept_clients(const listener& l, std::int64_t now) {
        for (int i = 0; i < accepts_per_wakeup; ++i) {
            sockaddr_storage peer{};
            socklen_t length = sizeof peer;
            const int fd = ::accept4(l.fd.get(), reinterpret_cast<sockaddr*>(&peer), &length,
                                     SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO) continue;
                if (errno == EMFILE || errno == ENFILE)
                    refuse_for_descriptors(l, now);
                else if (errno != EAGAIN && errno != EWOULDBLOCK)
                    ++totals_.accept_errors;
                return;
            }
            unique_fd client(fd);
            const socket_address peer_address =
                socket_address_from(reinterpret_cast<const sockaddr*>(&peer), length);
            if (connections_.size() >= std::max<std::size_t>(1, limits_.max_clients)) {
                ++totals_.connections_refused;
                report_refusal(peer_address, l.local, echo_close_reason::client_limit, 0);
                continue;  // `client` closes: the client sees its connection end at once
            }
            admit(std::move(client), peer_address, now);
        }
    }

    // Out of descriptors: accept with the spare one and close at once, so the pending
    // connection gets an answer instead of hanging in the backlog and waking us forever.
    void refuse_for_descriptors(const listener& l, std::int64_t) {
        const int error_number = errno;
        ++totals_.accept_errors;
        spare_.reset();
        sockaddr_storage peer{};
        socklen_t length = sizeof peer;
        unique_fd client(
            ::accept4(l.fd.get(), reinterpret_cast<sockaddr*>(&peer), &length, SOCK_CLOEXEC));
        if (client) {
            ++totals_.connections_refused;
            report_refusal(socket_address_from(reinterpret_cast<const sockaddr*>(&peer), length),
                           l.local, echo_close_reason::io_error, error_number);
        }
        client.reset();
        spare_.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    }

    void report_refusal(const socket_address& peer, const socket_address& local,
                        echo_close_reason reason, int error_number) {
        ++totals_.closed[static_cast<std::size_t>(reason)];
        if (!sink_) return;
        echo_connection_closed record;
        record.peer = peer;
        record.local = local;
        record.start_ts_ns = realtime_ns();
        record.reason = reason;
        record.error_number = error_number;
        sink_(record);
    }

    void admit(unique_fd fd, const socket_address& peer, std::int64_t now) {
        const int on = 1;
        // Echoes of a message split across segments must not wait for the client's delayed
        // ACK (Nagle's algorithm holding the tail): latency is the point of an echo.
        ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        sockaddr_storage local{};
        socklen_t length = sizeof local;
        ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&local), &length);
        const int key = fd.get();
        tcp_echo_connection& c = connections_[key];
        c.fd = std::move(fd);
        c.peer = peer;
        c.local = socket_address_from(reinterpret_cast<const sockaddr*>(&local), length);
        c.start_real_ns = realtime_ns();
        c.start_mono_ns = c.last_activity_ns = now;
        c.idle_position = idle_order_.insert(idle_order_.end(), key);
        ++totals_.connections_accepted;
        c.registered_events = EPOLLIN;
        watch(key, EPOLLIN, EPOLL_CTL_ADD);
    }

    void service(tcp_echo_connection& c, std::int64_t now) {
        bool progressed = false;
        const std::uint64_t sent_before = c.bytes_sent;
        const auto end =
            echo_detail::service_tcp_echo(c, limits_.max_bytes_per_client, !draining_, progressed);
        totals_.tcp_bytes_echoed += c.bytes_sent - sent_before;
        if (progressed) {
            c.last_activity_ns = now;
            idle_order_.splice(idle_order_.end(), idle_order_, c.idle_position);
        }
        if (end) return close_connection(c, *end);
        if (draining_ && c.pending() == 0)
            return close_connection(c, {echo_close_reason::shutdown, 0});
        const std::uint32_t wanted =
            echo_detail::wanted_tcp_events(c, limits_.max_bytes_per_client, !draining_);
        if (wanted != c.registered_events) {
            c.registered_events = wanted;
            watch(c.fd.get(), wanted, EPOLL_CTL_MOD);
        }
    }

    void close_connection(tcp_echo_connection& c, echo_detail::tcp_echo_end end) {
        ++totals_.closed[static_cast<std::size_t>(end.reason)];
        if (sink_) {
            echo_connection_closed record;
            record.peer = c.peer;
            record.local = c.local;
            record.start_ts_ns = c.start_real_ns;
            record.duration_ns = monotonic_ns() - c.start_mono_ns;
            record.bytes_received = c.bytes_received;
            record.bytes_sent = c.bytes_sent;
            record.reason = end.reason;
            record.error_number = end.error_number;
            sink_(record);
        }
        const int key = c.fd.get();
        watch(key, 0, EPOLL_CTL_DEL);
        idle_order_.erase(c.idle_position);
        connections_.erase(key);  // closes the socket: FIN after the last echo
    }

    void expire_idle(std::int64_t now) {
        if (limits_.idle_timeout_ms <= 0) return;
        const std::int64_t limit_ns = limits_.idle_timeout_ms * 1'000'000;
        while (!idle_order_.empty()) {
            tcp_echo_connection& oldest = connections_.at(idle_order_.front());
            if (now - oldest.last_activity_ns < limit_ns) break;
            close_connection(oldest, {echo_close_reason::idle_timeout, 0});
        }
    }

    // Stop: no new clients or datagrams, no more reading; what was received is still echoed
    // (for at most shutdown_drain_ms), then every connection closes with reason shutdown.
    void begin_drain(std::int64_t now) {
        if (draining_) return;
        draining_ = true;
        drain_deadline_ns_ = now + std::max<std::int64_t>(0, limits_.shutdown_drain_ms) * 1'000'000;
        watch(stop_fd_, 0, EPOLL_CTL_DEL);
        for (listener& l : listeners_) {
            watch(l.fd.get(), 0, EPOLL_CTL_DEL);
            l.fd.reset();
        }
        std::vector<int> keys;
        keys.reserve(connections_.size());
        for (const auto& entry : connections_) keys.push_back(entry.first);
        for (int key : keys) service(connections_.at(key), now);
    }

    const echo_server_limits& limits_;
    std::vector<listener>& listeners_;
    int stop_fd_;
    const echo_event_sink& sink_;
    unique_fd epoll_;
    unique_fd spare_;
    std::unordered_map<int, tcp_echo_connection> connections_;
    std::list<int> idle_order_;  ///< descriptors, least recently active first
    echo_detail::udp_echo_state udp_;
    echo_server_totals totals_;
    bool draining_ = false;
    std::int64_t drain_deadline_ns_ = 0;
};

}  // namespace

echo_server_totals echo_server::run(int stop_fd, const echo_event_sink& sink) {
    server_loop loop(state_->config, state_->listeners, stop_fd, sink);
    return loop.run();
}

}  // namespace pktscope
