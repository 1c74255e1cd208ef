// The echo library end to end on 127.0.0.1 (host loopback, ephemeral ports): the server in a
// thread, the client in the test, and a deliberately wrong "echo" peer to prove the client's
// byte-for-byte verification fails when it must.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "pktscope/echo_client.hpp"
#include "pktscope/echo_records.hpp"
#include "pktscope/echo_server.hpp"

namespace pktscope {
namespace {

// Runs an echo_server on a kernel-chosen port until stop() or destruction.
class server_thread {
  public:
    explicit server_thread(echo_server_config config) : server_(config) {
        stop_fd_ = ::eventfd(0, EFD_CLOEXEC);
        port_ = server_.local_addresses().front().local.port();
        thread_ = std::thread([this] {
            totals_ =
                server_.run(stop_fd_, [this](const echo_server_event& e) { events_.push_back(e); });
        });
    }
    ~server_thread() { stop(); }
    void stop() {
        if (!thread_.joinable()) return;
        const std::uint64_t one = 1;
        EXPECT_EQ(::write(stop_fd_, &one, sizeof one), 8);
        thread_.join();
        ::close(stop_fd_);
    }
    std::uint16_t port() const { return port_; }
    const std::vector<echo_server_event>& events() const { return events_; }  // after stop()
    const echo_server_totals& totals() const { return totals_; }

  private:
    echo_server server_;
    int stop_fd_ = -1;
    std::uint16_t port_ = 0;
    std::thread thread_;
    std::vector<echo_server_event> events_;
    echo_server_totals totals_;
};

echo_server_config loopback_config(bool tcp, bool udp, const char* bind = "127.0.0.1") {
    echo_server_config c;
    c.tcp = tcp;
    c.udp = udp;
    c.bind_address = bind;
    c.port = 0;
    return c;
}

std::vector<echo_connection_closed> closed_connections(
    const std::vector<echo_server_event>& events) {
    std::vector<echo_connection_closed> out;
    for (const auto& e : events)
        if (const auto* c = std::get_if<echo_connection_closed>(&e)) out.push_back(*c);
    return out;
}

TEST(EchoLoopback, TcpMessagesAreVerifiedAndAccounted) {
    server_thread server(loopback_config(true, false));
    echo_client_config client;
    client.port = server.port();
    client.count = 50;
    client.size_bytes = 3000;
    client.concurrency = 4;
    const echo_client_report report = run_echo_client(client);
    server.stop();

    EXPECT_TRUE(report.ok());
    EXPECT_EQ(report.messages_verified, 200U);
    EXPECT_EQ(report.bytes_sent, 200U * 3000);
    EXPECT_EQ(report.bytes_received, 200U * 3000);
    EXPECT_EQ(report.rtt.count(), 200U);
    ASSERT_EQ(report.connections.size(), 4U);
    for (const auto& c : report.connections) {
        EXPECT_EQ(c.messages_verified, 50U);
        EXPECT_TRUE(c.tcp_rtt_us.has_value());
        EXPECT_GE(c.connect_ns, 0);
    }
    // The server's per-connection records agree with the client's byte counts.
    const auto closed = closed_connections(server.events());
    ASSERT_EQ(closed.size(), 4U);
    for (const auto& c : closed) {
        EXPECT_EQ(c.reason, echo_close_reason::peer_closed);
        EXPECT_EQ(c.bytes_received, 50U * 3000);
        EXPECT_EQ(c.bytes_sent, 50U * 3000);
    }
    EXPECT_EQ(server.totals().connections_accepted, 4U);
    EXPECT_EQ(server.totals().tcp_bytes_echoed, 200U * 3000);
}

TEST(EchoLoopback, UdpOverIpv6AndDualStack) {
    server_thread server(loopback_config(false, true, "::"));
    for (const char* host : {"::1", "127.0.0.1"}) {
        echo_client_config client;
        client.host = host;
        client.port = server.port();
        client.transport = echo_transport::udp;
        client.count = 20;
        client.size_bytes = 1200;
        const echo_client_report report = run_echo_client(client);
        EXPECT_TRUE(report.ok()) << host;
        EXPECT_EQ(report.messages_verified, 20U) << host;
    }
    server.stop();
    EXPECT_EQ(server.totals().udp_datagrams_echoed, 40U);
    EXPECT_EQ(server.totals().udp_bytes_echoed, 40U * 1200);
}

TEST(EchoLoopback, ClientLimitRefusesWithAReason) {
    echo_server_config config = loopback_config(true, false);
    config.limits.max_clients = 2;
    server_thread server(config);
    echo_client_config client;
    client.port = server.port();
    client.count = 200;
    client.concurrency = 3;
    client.timeout_ms = 2000;
    const echo_client_report report = run_echo_client(client);
    server.stop();
    EXPECT_FALSE(report.ok());
    EXPECT_GE(server.totals().connections_refused, 1U);
    bool logged = false;
    for (const auto& c : closed_connections(server.events()))
        logged = logged || c.reason == echo_close_reason::client_limit;
    EXPECT_TRUE(logged);
}

TEST(EchoLoopback, ByteLimitClosesTheClient) {
    echo_server_config config = loopback_config(true, false);
    config.limits.max_bytes_per_client = 1000;
    server_thread server(config);
    echo_client_config client;
    client.port = server.port();
    client.count = 10;
    client.size_bytes = 300;
    const echo_client_report report = run_echo_client(client);
    server.stop();
    EXPECT_FALSE(report.ok());
    EXPECT_EQ(report.messages_verified, 3U);  // 900 bytes echoed; the 4th message crosses 1000
    const auto closed = closed_connections(server.events());
    ASSERT_EQ(closed.size(), 1U);
    EXPECT_EQ(closed[0].reason, echo_close_reason::byte_limit);
    EXPECT_EQ(closed[0].bytes_received, 1000U);
    EXPECT_EQ(closed[0].bytes_sent, 1000U);
}

TEST(EchoLoopback, IdleClientIsClosed) {
    echo_server_config config = loopback_config(true, false);
    config.limits.idle_timeout_ms = 200;
    server_thread server(config);
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    const socket_address to = *make_socket_address("127.0.0.1", server.port());
    ASSERT_EQ(::connect(fd, to.get(), to.length), 0);
    char byte = 0;
    // The server closes us after ~200 ms of silence: recv sees EOF (bounded by SO_RCVTIMEO).
    const timeval limit{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    EXPECT_EQ(::recv(fd, &byte, 1, 0), 0);
    ::close(fd);
    server.stop();
    const auto closed = closed_connections(server.events());
    ASSERT_EQ(closed.size(), 1U);
    EXPECT_EQ(closed[0].reason, echo_close_reason::idle_timeout);
}

TEST(EchoLoopback, StopClosesOpenConnectionsWithReasonShutdown) {
    server_thread server(loopback_config(true, false));
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    const socket_address to = *make_socket_address("127.0.0.1", server.port());
    ASSERT_EQ(::connect(fd, to.get(), to.length), 0);
    ASSERT_EQ(::send(fd, "hello", 5, 0), 5);
    char echo[5] = {};
    ASSERT_EQ(::recv(fd, echo, 5, MSG_WAITALL), 5);
    server.stop();
    char byte = 0;
    EXPECT_EQ(::recv(fd, &byte, 1, 0), 0);  // FIN from the server
    ::close(fd);
    const auto closed = closed_connections(server.events());
    ASSERT_EQ(closed.size(), 1U);
    EXPECT_EQ(closed[0].reason, echo_close_reason::shutdown);
    EXPECT_EQ(closed[0].bytes_sent, 5U);
}

// A peer that echoes TCP but changes byte 10 of the stream: the client must name the message,
// the offset and both bytes.
TEST(EchoLoopback, ClientDetectsACorruptedEcho) {
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    socket_address any = *make_socket_address("127.0.0.1", 0);
    ASSERT_EQ(::bind(listener, any.get(), any.length), 0);
    ASSERT_EQ(::listen(listener, 1), 0);
    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    ::getsockname(listener, reinterpret_cast<sockaddr*>(&bound), &length);
    const std::uint16_t port =
        socket_address_from(reinterpret_cast<sockaddr*>(&bound), length).port();
    std::thread corrupt([listener] {
        const int fd = ::accept(listener, nullptr, nullptr);
        char buf[64];
        std::size_t total = 0;
        ssize_t n = 0;
        while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) {
            for (ssize_t i = 0; i < n; ++i)
                if (total + static_cast<std::size_t>(i) == 10)
                    buf[i] = static_cast<char>(buf[i] ^ 0x20);
            total += static_cast<std::size_t>(n);
            ::send(fd, buf, static_cast<std::size_t>(n), MSG_NOSIGNAL);
        }
        ::close(fd);
    });
    echo_client_config client;
    client.port = port;
    client.count = 3;
    client.size_bytes = 16;
    const echo_client_report report = run_echo_client(client);
    corrupt.join();
    ::close(listener);
    EXPECT_FALSE(report.ok());
    EXPECT_EQ(report.mismatches, 1U);
    ASSERT_TRUE(report.connections.at(0).failure);
    const echo_client_failure& f = *report.connections[0].failure;
    EXPECT_EQ(f.kind, echo_failure_kind::mismatch);
    EXPECT_EQ(f.message, 0U);
    EXPECT_EQ(f.byte_offset, 10U);
    // Message 0 of connection 0 is "c0m0:" then the alphabet from 'a': byte 10 is 'f'.
    EXPECT_EQ(f.expected, 'f');
    EXPECT_EQ(f.received, 'F');
    fmt::memory_buffer text;
    render_echo_client_text(text, report);
    EXPECT_NE(fmt::to_string(text).find("mismatch in message 0 at byte 10: sent 0x66, got 0x46"),
              std::string::npos)
        << fmt::to_string(text);
}

TEST(EchoLoopback, TimeoutIsAFailure) {
    // A UDP socket that never answers.
    const int silent = ::socket(AF_INET, SOCK_DGRAM, 0);
    socket_address any = *make_socket_address("127.0.0.1", 0);
    ASSERT_EQ(::bind(silent, any.get(), any.length), 0);
    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    ::getsockname(silent, reinterpret_cast<sockaddr*>(&bound), &length);
    echo_client_config client;
    client.transport = echo_transport::udp;
    client.port = socket_address_from(reinterpret_cast<sockaddr*>(&bound), length).port();
    client.count = 1;
    client.timeout_ms = 100;
    const echo_client_report report = run_echo_client(client);
    ::close(silent);
    EXPECT_FALSE(report.ok());
    EXPECT_EQ(report.timeouts, 1U);
    EXPECT_EQ(report.messages_verified, 0U);
}

TEST(EchoLoopback, BindErrorsNameAddressAndReason) {
    server_thread first(loopback_config(true, false));
    echo_server_config second = loopback_config(true, false);
    second.port = first.port();
    try {
        echo_server again(second);
        ADD_FAILURE() << "second bind succeeded";
    } catch (const echo_error& e) {
        EXPECT_NE(
            std::string(e.what()).find("cannot bind tcp 127.0.0.1:" + std::to_string(first.port())),
            std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("in use"), std::string::npos) << e.what();
    }
    echo_server_config name = loopback_config(true, false, "localhost");
    EXPECT_THROW(echo_server bad(name), echo_error);
}

}  // namespace
}  // namespace pktscope
