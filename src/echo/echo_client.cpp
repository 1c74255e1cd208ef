// The echo client's connections and its single-threaded epoll loop.
#include "pktscope/echo_client.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>

#include "clock.hpp"
#include "pktscope/echo_payload.hpp"
#include "unique_fd.hpp"

namespace pktscope {
namespace {

using echo_detail::monotonic_ns;
using echo_detail::unique_fd;

constexpr std::array<std::string_view, 6> failure_names = {
    "connect_failed", "mismatch", "timeout", "closed_early", "reset", "io_error",
};
// Deadlines are checked this often (and epoll_wait never sleeps longer).
constexpr int tick_ms = 10;
// size_bytes x concurrency: the expected messages all live in memory at once.
constexpr std::uint64_t max_total_message_bytes = std::uint64_t{1} << 30;
constexpr std::size_t scratch_bytes = 65536;

enum class phase : std::uint8_t { connecting, exchanging, finishing, done };

struct connection {
    unique_fd fd;
    phase state = phase::connecting;
    std::vector<std::byte> message;  ///< the message in flight (what must come back)
    std::uint64_t message_index = 0;
    std::size_t sent = 0;      ///< bytes of the message sent so far
    std::size_t received = 0;  ///< bytes of its echo received (and verified) so far
    std::int64_t started_ns = 0;
    std::int64_t deadline_ns = 0;
    std::uint32_t registered = 0;
    echo_connection_result result;
};

echo_client_failure failure_of(echo_failure_kind kind, const connection& c, int error_number = 0) {
    echo_client_failure f;
    f.kind = kind;
    f.message = c.message_index;
    f.byte_offset = c.received;
    f.error_number = error_number;
    return f;
}

echo_failure_kind kind_of_errno(int e) noexcept {
    if (e == ECONNRESET || e == EPIPE) return echo_failure_kind::reset;
    if (e == ECONNREFUSED || e == ENETUNREACH || e == EHOSTUNREACH)
        return echo_failure_kind::connect_failed;
    return echo_failure_kind::io_error;
}

socket_address resolve(const echo_client_config& config) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = config.transport == echo_transport::tcp ? SOCK_STREAM : SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(config.port);
    const int rc = ::getaddrinfo(config.host.c_str(), port.c_str(), &hints, &found);
    if (rc != 0) throw echo_error("cannot resolve " + config.host + ": " + ::gai_strerror(rc));
    socket_address out;
    for (const addrinfo* a = found; a != nullptr && out.length == 0; a = a->ai_next)
        out = socket_address_from(a->ai_addr, a->ai_addrlen);
    ::freeaddrinfo(found);
    if (out.length == 0)
        throw echo_error("cannot resolve " + config.host + ": no IPv4 or IPv6 address");
    return out;
}

void validate(const echo_client_config& c) {
    if (c.size_bytes < 1 || c.size_bytes > max_echo_message_bytes)
        throw echo_error("--size must be 1.." + std::to_string(max_echo_message_bytes) + " bytes");
    if (c.transport == echo_transport::udp && c.size_bytes > max_udp_echo_bytes)
        throw echo_error("--size must be at most " + std::to_string(max_udp_echo_bytes) +
                         " bytes over UDP");
    if (c.concurrency < 1 || c.concurrency > max_echo_concurrency)
        throw echo_error("--concurrency must be 1.." + std::to_string(max_echo_concurrency));
    if (static_cast<std::uint64_t>(c.size_bytes) * c.concurrency > max_total_message_bytes)
        throw echo_error("--size x --concurrency must stay within 1 GiB of messages in flight");
    if (c.duration_ms <= 0 && c.count < 1)
        throw echo_error("-n must be at least 1 (or give --duration)");
    if (c.timeout_ms < 1) throw echo_error("--timeout must be at least 1 ms");
}

void reserve_descriptors(std::size_t wanted) {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
    const rlim_t need = static_cast<rlim_t>(wanted) + 16;
    if (limit.rlim_cur >= need) return;
    limit.rlim_cur = std::min(need, limit.rlim_max);
    ::setrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < need)
        throw echo_error("--concurrency " + std::to_string(wanted) + " needs " +
                         std::to_string(need) + " descriptors; the hard limit is " +
                         std::to_string(limit.rlim_max) + " (ulimit -Hn)");
}

class client_loop {
  public:
    client_loop(const echo_client_config& config, int stop_fd)
        : config_(config), stop_fd_(stop_fd) {
        report_.config = config;
        tcp_ = config.transport == echo_transport::tcp;
    }

    echo_client_report run() {
        validate(config_);
        report_.server = resolve(config_);
        reserve_descriptors(config_.concurrency);
        epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
        if (!epoll_) throw echo_error(std::string("epoll_create1: ") + std::strerror(errno));
        if (stop_fd_ >= 0) watch_fd(stop_fd_, EPOLLIN, EPOLL_CTL_ADD, UINT32_MAX);
        scratch_ = std::make_unique<std::byte[]>(scratch_bytes);

        const std::int64_t start = monotonic_ns();
        if (config_.duration_ms > 0) send_until_ns_ = start + config_.duration_ms * 1'000'000;
        connections_.resize(config_.concurrency);
        for (std::size_t i = 0; i < connections_.size(); ++i)
            open(static_cast<std::uint32_t>(i), start);

        std::array<epoll_event, 512> events{};
        std::int64_t next_check = start + tick_ms * 1'000'000;
        while (active_ > 0 && !report_.interrupted) {
            const int n =
                ::epoll_wait(epoll_.get(), events.data(), static_cast<int>(events.size()), tick_ms);
            if (n < 0 && errno != EINTR)
                throw echo_error(std::string("epoll_wait: ") + std::strerror(errno));
            const std::int64_t now = monotonic_ns();
            for (int i = 0; i < n; ++i) {
                const std::uint32_t key = events[static_cast<std::size_t>(i)].data.u32;
                if (key == UINT32_MAX)
                    report_.interrupted = true;
                else
                    handle(connections_[key], now);
            }
            if (now >= next_check) {
                for (connection& c : connections_)
                    if (c.state != phase::done && now > c.deadline_ns)
                        fail(c, failure_of(echo_failure_kind::timeout, c));
                next_check = now + tick_ms * 1'000'000;
            }
        }
        report_.elapsed_ns = monotonic_ns() - start;
        for (connection& c : connections_) {
            c.fd.reset();
            report_.connections.push_back(c.result);
        }
        return std::move(report_);
    }

  private:
    void watch_fd(int fd, std::uint32_t events, int op, std::uint32_t key) {
        epoll_event ev{};
        ev.events = events;
        ev.data.u32 = key;
        if (::epoll_ctl(epoll_.get(), op, fd, &ev) != 0 && op != EPOLL_CTL_DEL)
            throw echo_error(std::string("epoll_ctl: ") + std::strerror(errno));
    }

    void want(connection& c, std::uint32_t events) {
        if (events == c.registered) return;
        watch_fd(c.fd.get(), events, EPOLL_CTL_MOD, c.result.index);
        c.registered = events;
    }

    void open(std::uint32_t index, std::int64_t now) {
        connection& c = connections_[index];
        c.result.index = index;
        c.message.resize(config_.size_bytes);
        c.started_ns = now;
        c.deadline_ns = now + config_.timeout_ms * 1'000'000;
        ++active_;
        c.fd.reset(::socket(report_.server.family(),
                            (tcp_ ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        if (!c.fd) return fail(c, failure_of(echo_failure_kind::connect_failed, c, errno));
        if (tcp_) {
            const int on = 1;
            ::setsockopt(c.fd.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        }
        c.registered = EPOLLOUT;
        watch_fd(c.fd.get(), EPOLLOUT, EPOLL_CTL_ADD, index);
        if (::connect(c.fd.get(), report_.server.get(), report_.server.length) != 0 &&
            errno != EINPROGRESS)
            return fail(c, failure_of(echo_failure_kind::connect_failed, c, errno));
        if (!tcp_) established(c, now);  // a UDP connect() only fixes the peer
    }

    void established(connection& c, std::int64_t now) {
        c.state = phase::exchanging;
        if (tcp_) c.result.connect_ns = now - c.started_ns;
        sockaddr_storage local{};
        socklen_t length = sizeof local;
        ::getsockname(c.fd.get(), reinterpret_cast<sockaddr*>(&local), &length);
        c.result.local = socket_address_from(reinterpret_cast<const sockaddr*>(&local), length);
        begin_message(c, now);
    }

    void handle(connection& c, std::int64_t now) {
        if (c.state == phase::connecting) {
            int error = 0;
            socklen_t length = sizeof error;
            ::getsockopt(c.fd.get(), SOL_SOCKET, SO_ERROR, &error, &length);
            if (error != 0) return fail(c, failure_of(echo_failure_kind::connect_failed, c, error));
            return established(c, now);
        }
        if (c.state == phase::exchanging) return pump(c, now, true);
        if (c.state == phase::finishing) return await_close(c);
    }

    bool more_messages(const connection& c, std::int64_t now) const noexcept {
        if (config_.duration_ms > 0) return now < send_until_ns_;
        return c.message_index < config_.count;
    }

    void begin_message(connection& c, std::int64_t now) {
        if (!more_messages(c, now)) return finish(c, now);
        fill_echo_payload(c.message, c.result.index, c.message_index);
        c.sent = c.received = 0;
        c.started_ns = now;
        c.deadline_ns = now + config_.timeout_ms * 1'000'000;
        ++report_.messages_sent;
        pump(c, now, false);
    }

    // Sends what the socket takes and verifies what came back; loops over messages while the
    // socket keeps up. `readable`: epoll reported input (a message just sent cannot have its
    // echo yet, so reading then would only cost a recv() returning EAGAIN).
    void pump(connection& c, std::int64_t now, bool readable) {
        for (;; readable = false) {
            if (!(tcp_ ? exchange_tcp(c, readable) : exchange_udp(c, readable)))
                return;  // failed and closed
            if (c.received < c.message.size()) {
                want(c, EPOLLIN | (c.sent < c.message.size() ? EPOLLOUT : 0U));
                return;
            }
            now = monotonic_ns();
            report_.rtt.record(static_cast<std::uint64_t>(now - c.started_ns));
            ++c.result.messages_verified;
            ++report_.messages_verified;
            ++c.message_index;
            if (!more_messages(c, now)) return finish(c, now);
            fill_echo_payload(c.message, c.result.index, c.message_index);
            c.sent = c.received = 0;
            c.started_ns = now;
            c.deadline_ns = now + config_.timeout_ms * 1'000'000;
            ++report_.messages_sent;
        }
    }

    // Compares `n` echoed bytes (in scratch_) with the message at the current offset.
    bool verify(connection& c, std::size_t n) {
        const std::byte* expected = c.message.data() + c.received;
        if (std::memcmp(scratch_.get(), expected, n) == 0) return true;
        std::size_t at = 0;
        while (scratch_[at] == expected[at]) ++at;
        echo_client_failure f = failure_of(echo_failure_kind::mismatch, c);
        f.byte_offset = c.received + at;
        f.expected = static_cast<std::uint8_t>(expected[at]);
        f.received = static_cast<std::uint8_t>(scratch_[at]);
        fail(c, f);
        return false;
    }

    bool exchange_tcp(connection& c, bool readable) {
        const std::size_t size = c.message.size();
        while (c.sent < size) {
            const ssize_t n = ::send(c.fd.get(), c.message.data() + c.sent, size - c.sent,
                                     MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n > 0) {
                c.sent += static_cast<std::size_t>(n);
                c.result.bytes_sent += static_cast<std::uint64_t>(n);
                report_.bytes_sent += static_cast<std::uint64_t>(n);
            } else if (n < 0 && errno == EINTR) {
                continue;
            } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                break;
            } else {
                const int e = n < 0 ? errno : EPIPE;
                fail(c, failure_of(kind_of_errno(e), c, e));
                return false;
            }
        }
        while (readable && c.received < size) {
            const std::size_t room = std::min(scratch_bytes, size - c.received);
            const ssize_t n = ::recv(c.fd.get(), scratch_.get(), room, MSG_DONTWAIT);
            if (n > 0) {
                const auto got = static_cast<std::size_t>(n);
                c.result.bytes_received += got;
                report_.bytes_received += got;
                if (!verify(c, got)) return false;
                c.received += got;
                if (got < room) break;  // drained; epoll reports the rest
            } else if (n == 0) {
                fail(c, failure_of(echo_failure_kind::closed_early, c));
                return false;
            } else if (errno == EINTR) {
                continue;
            } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
                break;
            } else {
                const int e = errno;
                fail(c, failure_of(kind_of_errno(e), c, e));
                return false;
            }
        }
        return true;
    }

    bool exchange_udp(connection& c, bool readable) {
        const std::size_t size = c.message.size();
        if (c.sent < size) {
            const ssize_t n =
                ::send(c.fd.get(), c.message.data(), size, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n == static_cast<ssize_t>(size)) {
                c.sent = size;
                c.result.bytes_sent += size;
                report_.bytes_sent += size;
            } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
                return true;
            } else {
                const int e = n < 0 ? errno : EMSGSIZE;
                fail(c, failure_of(kind_of_errno(e), c, e));
                return false;
            }
        }
        while (readable) {
            // MSG_TRUNC makes recv report a datagram's real length even past the buffer.
            const ssize_t n =
                ::recv(c.fd.get(), scratch_.get(), scratch_bytes, MSG_DONTWAIT | MSG_TRUNC);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
            if (n < 0) {
                const int e = errno;
                fail(c, failure_of(kind_of_errno(e), c, e));
                return false;
            }
            const auto got = static_cast<std::size_t>(n);
            c.result.bytes_received += got;
            report_.bytes_received += got;
            if (!verify(c, std::min(got, size))) return false;
            if (got != size) {  // a prefix matched: the datagram is shorter or longer
                echo_client_failure f = failure_of(echo_failure_kind::mismatch, c);
                f.byte_offset = std::min(got, size);
                fail(c, f);
                return false;
            }
            c.received = size;
            return true;
        }
        return true;
    }

    // All messages verified: take the kernel's RTT estimate, then (TCP) send FIN and wait for
    // the server's, so nothing the server sends late goes unchecked.
    void finish(connection& c, std::int64_t now) {
        if (tcp_) {
            tcp_info info{};
            socklen_t length = sizeof info;
            if (::getsockopt(c.fd.get(), IPPROTO_TCP, TCP_INFO, &info, &length) == 0) {
                c.result.tcp_rtt_us = info.tcpi_rtt;
                c.result.tcp_rttvar_us = info.tcpi_rttvar;
            }
            ::shutdown(c.fd.get(), SHUT_WR);
            c.state = phase::finishing;
            c.deadline_ns = now + config_.timeout_ms * 1'000'000;
            want(c, EPOLLIN);
            return await_close(c);
        }
        done(c);
    }

    void await_close(connection& c) {
        for (;;) {
            const ssize_t n = ::recv(c.fd.get(), scratch_.get(), scratch_bytes, MSG_DONTWAIT);
            if (n == 0) return done(c);
            if (n > 0) {
                echo_client_failure f = failure_of(echo_failure_kind::mismatch, c);
                f.byte_offset = 0;  // bytes beyond the last message
                c.result.bytes_received += static_cast<std::uint64_t>(n);
                report_.bytes_received += static_cast<std::uint64_t>(n);
                return fail(c, f);
            }
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            const int e = errno;
            return fail(c, failure_of(kind_of_errno(e), c, e));
        }
    }

    void done(connection& c) {
        c.state = phase::done;
        c.fd.reset();
        --active_;
    }

    void fail(connection& c, const echo_client_failure& f) {
        c.result.failure = f;
        if (f.kind == echo_failure_kind::mismatch)
            ++report_.mismatches;
        else if (f.kind == echo_failure_kind::timeout)
            ++report_.timeouts;
        else
            ++report_.connection_errors;
        done(c);
    }

    const echo_client_config& config_;
    int stop_fd_;
    bool tcp_ = true;
    unique_fd epoll_;
    std::unique_ptr<std::byte[]> scratch_;
    std::vector<connection> connections_;
    std::size_t active_ = 0;
    std::int64_t send_until_ns_ = 0;
    echo_client_report report_;
};

}  // namespace

std::string_view echo_failure_kind_name(echo_failure_kind kind) noexcept {
    const auto i = static_cast<std::size_t>(kind);
    return i < failure_names.size() ? failure_names[i] : std::string_view("unknown");
}

double echo_client_report::messages_per_second() const noexcept {
    if (elapsed_ns <= 0) return 0;
    return static_cast<double>(messages_verified) * 1e9 / static_cast<double>(elapsed_ns);
}

bool echo_client_report::ok() const noexcept {
    if (interrupted || mismatches != 0 || timeouts != 0 || connection_errors != 0) return false;
    for (const echo_connection_result& c : connections)
        if (c.failure || (config.duration_ms <= 0 && c.messages_verified != config.count))
            return false;
    return !connections.empty();
}

echo_client_report run_echo_client(const echo_client_config& config, int stop_fd) {
    client_loop loop(config, stop_fd);
    return loop.run();
}

}  // namespace pktscope
