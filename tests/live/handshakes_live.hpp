// Helpers for the handshakes live tests: code run inside a test namespace (forked children
// that setns() into it), a `pktscope sniff -w` capture that is known to be running before the
// traffic starts, `pktscope handshakes --json` on the file, and an independent reading of the
// same file by tshark from which the expected record fields are computed.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "live_support.hpp"

namespace pktscope::testing::handshakes {

/// A child process running `body` inside network namespace `ns` (exit status = its return
/// value). Killed on destruction if still running.
class netns_child {
  public:
    netns_child(const netns& ns, const std::function<int()>& body) {
        pid_ = ::fork();
        if (pid_ == 0) {
            const int fd = ::open(("/var/run/netns/" + ns.name()).c_str(), O_RDONLY | O_CLOEXEC);
            if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) ::_exit(120);
            ::_exit(body());
        }
    }
    ~netns_child() {
        if (pid_ > 0 && !reaped_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    netns_child(const netns_child&) = delete;
    netns_child& operator=(const netns_child&) = delete;

    /// Exit status, or -1 when it did not end within `timeout`.
    int wait(std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!reaped_) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                reaped_ = true;
                status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                break;
            }
            if (std::chrono::steady_clock::now() >= deadline) return -1;
            ::usleep(5000);
        }
        return status_;
    }

  private:
    pid_t pid_ = -1;
    bool reaped_ = false;
    int status_ = -1;
};

/// A socket address for `ip` (v4 or v6 text) and `port`.
inline sockaddr_storage address_of(const std::string& ip, std::uint16_t port, socklen_t& length) {
    sockaddr_storage s{};
    if (ip.find(':') != std::string::npos) {
        auto* in6 = reinterpret_cast<sockaddr_in6*>(&s);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        ::inet_pton(AF_INET6, ip.c_str(), &in6->sin6_addr);
        length = sizeof *in6;
    } else {
        auto* in = reinterpret_cast<sockaddr_in*>(&s);
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        ::inet_pton(AF_INET, ip.c_str(), &in->sin_addr);
        length = sizeof *in;
    }
    return s;
}

/// Closes with SO_LINGER 0: the kernel sends a RST instead of a FIN (RFC 9293 3.10.5 ABORT).
inline void abort_socket(int fd) {
    const linger hard{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    ::close(fd);
}

/// Reads until `n` bytes arrived, EOF or `timeout_ms`; returns the bytes read.
inline std::size_t read_bytes(int fd, std::size_t n, int timeout_ms) {
    std::size_t got = 0;
    char buf[4096];
    while (got < n) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, timeout_ms) <= 0) break;
        const ssize_t r = ::read(fd, buf, sizeof buf);
        if (r <= 0) break;
        got += static_cast<std::size_t>(r);
    }
    return got;
}

/// What a test server does with each connection.
enum class server_mode {
    echo_then_close,   ///< echo what arrives until EOF, then close (FIN)
    reset_after_read,  ///< read the request, then close with SO_LINGER 0 (RST)
    hold,              ///< echo, never close (until killed)
};

/// A listening server inside `ns` on `ip`:`port` serving `connections` connections (bounded
/// by 20 s). Returns once it listens.
inline std::unique_ptr<netns_child> start_server(const netns& ns, const std::string& ip,
                                                 std::uint16_t port, server_mode mode,
                                                 int connections = 1) {
    int ready[2];
    if (::pipe(ready) != 0) return nullptr;
    auto child = std::make_unique<netns_child>(ns, [&]() -> int {
        ::close(ready[0]);
        socklen_t length = 0;
        const sockaddr_storage a = address_of(ip, port, length);
        const int listener = ::socket(a.ss_family, SOCK_STREAM, 0);
        const int one = 1;
        ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (::bind(listener, reinterpret_cast<const sockaddr*>(&a), length) != 0 ||
            ::listen(listener, 8) != 0)
            return 10;
        (void)!::write(ready[1], "r", 1);
        ::close(ready[1]);
        for (int i = 0; i < connections; ++i) {
            pollfd p{listener, POLLIN, 0};
            if (::poll(&p, 1, 20000) <= 0) return 11;
            const int fd = ::accept(listener, nullptr, nullptr);
            if (fd < 0) return 12;
            if (mode == server_mode::reset_after_read) {
                read_bytes(fd, 1, 5000);
                abort_socket(fd);
                continue;
            }
            char buf[4096];
            for (;;) {
                pollfd q{fd, POLLIN, 0};
                if (::poll(&q, 1, 20000) <= 0) break;
                const ssize_t r = ::read(fd, buf, sizeof buf);
                if (r <= 0) break;
                (void)!::write(fd, buf, static_cast<std::size_t>(r));
            }
            if (mode == server_mode::hold) ::pause();
            ::close(fd);
        }
        return 0;
    });
    ::close(ready[1]);
    char c = 0;
    pollfd p{ready[0], POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0 || ::read(ready[0], &c, 1) != 1)
        ADD_FAILURE() << "server did not start";
    ::close(ready[0]);
    return child;
}

/// What a test client does after connecting and sending its payload.
enum class client_mode {
    close_after_echo,  ///< read the echo, then close (FIN first)
    reset_after_echo,  ///< read the echo, then close with SO_LINGER 0 (RST)
    read_until_reset,  ///< wait for the server to reset it
    hold,              ///< read the echo, then keep the connection open (until killed)
};

/// Connects from inside `ns` to ip:port, sends `payload`, then behaves as `mode`. Exit status 0
/// on success, 20+ on failures, 30 when the connection was refused.
inline int client_body(const std::string& ip, std::uint16_t port, const std::string& payload,
                       client_mode mode) {
    socklen_t length = 0;
    const sockaddr_storage a = address_of(ip, port, length);
    const int fd = ::socket(a.ss_family, SOCK_STREAM, 0);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), length) != 0)
        return errno == ECONNREFUSED ? 30 : 20;
    if (!payload.empty() &&
        ::write(fd, payload.data(), payload.size()) != static_cast<ssize_t>(payload.size()))
        return 21;
    if (mode == client_mode::read_until_reset) {
        char buf[64];
        pollfd p{fd, POLLIN, 0};
        ::poll(&p, 1, 5000);
        const ssize_t r = ::read(fd, buf, sizeof buf);
        ::close(fd);
        return r < 0 && errno == ECONNRESET ? 0 : 22;
    }
    if (read_bytes(fd, payload.size(), 5000) != payload.size()) return 23;
    if (mode == client_mode::hold) {
        ::pause();
        return 0;
    }
    if (mode == client_mode::reset_after_echo) {
        abort_socket(fd);
        return 0;
    }
    ::shutdown(fd, SHUT_WR);
    read_bytes(fd, 1, 5000);  // until the server's FIN
    ::close(fd);
    return 0;
}

/// Turns off checksum and segmentation offloads, so captured sums are final and frames are
/// no larger than the MTU.
inline void disable_offloads(const netns& ns, const std::string& ifname) {
    ns.run("ethtool -K " + ifname + " tx off rx off tso off gso off gro off >/dev/null 2>&1");
}

/// `pktscope sniff -i IFACE -w FILE` inside a namespace, known to be capturing before any
/// traffic: UDP probes to port 9 of `probe_ip` are sent from `probe_ns` until sniff prints one.
class capture {
  public:
    capture(const netns& ns, const std::string& ifname, const std::string& file,
            const netns& probe_ns, const std::string& probe_ip)
        : file_(file), log_(file + ".log"), probe_ns_(&probe_ns), probe_ip_(probe_ip) {
        process_ = std::make_unique<background_process>(ns.exec_prefix() + pktscope_binary() +
                                                            " sniff -i " + ifname + " -w " + file_ +
                                                            " 'tcp or udp port 9'",
                                                        log_);
        if (!wait_for_probe())
            ADD_FAILURE() << "capture on " << ifname << " did not start: " << read_file(log_);
    }
    /// Stops the capture (SIGINT: sniff flushes the file) and waits for it. A last probe is sent
    /// first and awaited in sniff's output, so that packets sent before it (the traffic under
    /// test) have left the kernel's buffer: on a loaded machine a bare SIGINT lost the last
    /// segments of a connection.
    void stop() {
        if (!process_) return;
        if (!wait_for_probe()) ADD_FAILURE() << "the closing probe was not captured";
        process_->signal(SIGINT);
        if (process_->wait(std::chrono::milliseconds(5000)) != 0)
            ADD_FAILURE() << "sniff did not end cleanly: " << read_file(log_);
        process_.reset();
    }
    ~capture() { stop(); }
    const std::string& file() const { return file_; }

  private:
    /// Sends UDP probes to port 9 of the probe address until sniff prints one more UDP line
    /// than before (at most 10 s).
    bool wait_for_probe() {
        const auto udp_lines = [&] {
            const std::string text = read_file(log_);
            std::size_t count = 0;
            for (std::size_t at = text.find("UDP"); at != std::string::npos;
                 at = text.find("UDP", at + 1))
                ++count;
            return count;
        };
        const std::size_t before = udp_lines();
        return wait_until(
            [&] {
                netns_child probe(*probe_ns_, [&]() -> int {
                    socklen_t length = 0;
                    const sockaddr_storage a = address_of(probe_ip_, 9, length);
                    const int fd = ::socket(a.ss_family, SOCK_DGRAM, 0);
                    ::sendto(fd, "p", 1, 0, reinterpret_cast<const sockaddr*>(&a), length);
                    return 0;
                });
                probe.wait(std::chrono::milliseconds(2000));
                ::usleep(50'000);
                return udp_lines() > before;
            },
            std::chrono::milliseconds(10000));
    }

    std::string file_;
    std::string log_;
    const netns* probe_ns_;
    std::string probe_ip_;
    std::unique_ptr<background_process> process_;
};

/// The tcp_connection records of `pktscope handshakes -r FILE --json` (optionally only those
/// to `server_port`).
inline std::vector<nlohmann::json> analyse(const std::string& file,
                                           std::optional<int> server_port = std::nullopt) {
    const command_result r = run(pktscope_binary() + " handshakes -r " + file + " --json", false);
    EXPECT_EQ(r.exit_status, 0) << r.output;
    std::vector<nlohmann::json> out;
    for (nlohmann::json& record : parse_json_lines(r.output))
        if (record["type"] == "tcp_connection" &&
            (!server_port || record["server_port"] == *server_port))
            out.push_back(std::move(record));
    return out;
}

/// One TCP packet as tshark decodes it.
struct tshark_tcp {
    std::uint64_t frame = 0;
    std::int64_t ts_ns = 0;
    std::string src, dst;
    int sport = 0, dport = 0;
    unsigned flags = 0;
    std::uint32_t seq = 0, ack = 0, len = 0;
    std::optional<int> mss, wscale;
    bool sack_perm = false, timestamps = false;
};

inline std::int64_t epoch_to_ns(const std::string& text) {
    const auto dot = text.find('.');
    std::string frac = dot == std::string::npos ? "" : text.substr(dot + 1);
    frac.resize(9, '0');
    return std::stoll(text.substr(0, dot)) * 1'000'000'000 + std::stoll(frac);
}

/// Every TCP packet of `file`, decoded by tshark (the independent reading).
inline std::vector<tshark_tcp> tshark_packets(const std::string& file) {
    const command_result r = run(
        "tshark -n -r " + file +
            " -Y tcp -o tcp.relative_sequence_numbers:FALSE -T fields -E separator=/t -E "
            "occurrence=f "
            "-e frame.number -e frame.time_epoch -e ip.src -e ipv6.src -e tcp.srcport -e ip.dst -e "
            "ipv6.dst "
            "-e tcp.dstport -e tcp.flags -e tcp.seq_raw -e tcp.ack_raw -e tcp.len -e "
            "tcp.options.mss_val "
            "-e tcp.options.wscale.shift -e tcp.options.sack_perm -e tcp.options.timestamp.tsval "
            "2>/dev/null",
        false);
    std::vector<tshark_tcp> out;
    std::size_t start = 0;
    while (start < r.output.size()) {
        const std::size_t end = r.output.find('\n', start);
        const std::string line = r.output.substr(start, end - start);
        start = end == std::string::npos ? r.output.size() : end + 1;
        std::vector<std::string> c;
        std::size_t s = 0;
        for (;;) {
            const std::size_t tab = line.find('\t', s);
            c.push_back(line.substr(s, tab == std::string::npos ? std::string::npos : tab - s));
            if (tab == std::string::npos) break;
            s = tab + 1;
        }
        if (c.size() < 16) continue;
        tshark_tcp p;
        p.frame = std::stoull(c[0]);
        p.ts_ns = epoch_to_ns(c[1]);
        p.src = c[2].empty() ? c[3] : c[2];
        p.sport = std::stoi(c[4]);
        p.dst = c[5].empty() ? c[6] : c[5];
        p.dport = std::stoi(c[7]);
        p.flags = static_cast<unsigned>(std::stoul(c[8], nullptr, 16));
        p.seq = static_cast<std::uint32_t>(std::stoul(c[9]));
        p.ack = static_cast<std::uint32_t>(std::stoul(c[10]));
        p.len = static_cast<std::uint32_t>(std::stoul(c[11]));
        if (!c[12].empty()) p.mss = std::stoi(c[12]);
        if (!c[13].empty()) p.wscale = std::stoi(c[13]);
        p.sack_perm = !c[14].empty();
        p.timestamps = !c[15].empty();
        out.push_back(p);
    }
    return out;
}

inline constexpr unsigned th_fin = 0x01, th_syn = 0x02, th_rst = 0x04, th_ack = 0x10;

/// Checks every handshake field of `record` against values computed from tshark's packets of
/// the same connection (its client port), by the record's definitions (DESIGN.md).
inline void expect_matches_tshark(const nlohmann::json& record,
                                  const std::vector<tshark_tcp>& all) {
    const int client_port = record["client_port"];
    const int server_port = record["server_port"];
    std::vector<tshark_tcp> packets;
    for (const tshark_tcp& p : all)
        if ((p.sport == client_port && p.dport == server_port) ||
            (p.sport == server_port && p.dport == client_port))
            packets.push_back(p);
    ASSERT_FALSE(packets.empty());
    const auto from_client = [&](const tshark_tcp& p) { return p.sport == client_port; };
    EXPECT_EQ(record["client_ip"],
              packets.front().sport == client_port ? packets.front().src : packets.front().dst);
    EXPECT_EQ(record["first_frame"], packets.front().frame);
    EXPECT_EQ(record["first_ts_ns"], packets.front().ts_ns);
    EXPECT_EQ(record["last_frame"], packets.back().frame);
    EXPECT_EQ(record["last_ts_ns"], packets.back().ts_ns);

    const tshark_tcp* syn = nullptr;
    const tshark_tcp* synack = nullptr;
    const tshark_tcp* completing = nullptr;
    std::int64_t last_syn_before_synack = 0, last_synack_before_ack = 0;
    unsigned syns = 0, synacks = 0, c2s = 0, s2c = 0;
    std::uint32_t client_end = 0, server_end = 0;
    for (const tshark_tcp& p : packets) {
        (from_client(p) ? c2s : s2c) += 1;
        const bool is_syn = (p.flags & th_syn) != 0, is_ack = (p.flags & th_ack) != 0;
        if (is_syn && !is_ack && from_client(p)) {
            if (syn == nullptr) syn = &p;
            if (p.seq == syn->seq) ++syns;
            if (synack == nullptr) last_syn_before_synack = p.ts_ns;
        }
        if (is_syn && is_ack && !from_client(p)) {
            if (synack == nullptr) synack = &p;
            if (p.seq == synack->seq) ++synacks;
            if (completing == nullptr) last_synack_before_ack = p.ts_ns;
        }
        if (!is_syn && is_ack && (p.flags & th_rst) == 0 && from_client(p) && synack != nullptr &&
            completing == nullptr && p.ack == synack->seq + 1)
            completing = &p;
        if ((p.flags & th_rst) == 0 && p.len > 0) {
            // One past the last payload byte (sequence numbers; retransmissions add nothing).
            std::uint32_t& end = from_client(p) ? client_end : server_end;
            const std::uint32_t e = p.seq + p.len;
            if (end == 0 || static_cast<std::int32_t>(e - end) > 0) end = e;
        }
    }
    EXPECT_EQ(record["packets_client_to_server"], c2s);
    EXPECT_EQ(record["packets_server_to_client"], s2c);
    EXPECT_EQ(record["syn_count"], syns);
    EXPECT_EQ(record["synack_count"], synacks);
    if (syn != nullptr) {
        EXPECT_EQ(record["client_isn"], syn->seq);
        EXPECT_EQ(record["syn_frame"], syn->frame);
        EXPECT_EQ(record["syn_ts_ns"], syn->ts_ns);
        const nlohmann::json& o = record["client_options"];
        EXPECT_EQ(o.contains("mss"), syn->mss.has_value());
        if (syn->mss) {
            EXPECT_EQ(o["mss"], *syn->mss);
        }
        EXPECT_EQ(o.contains("window_scale"), syn->wscale.has_value());
        if (syn->wscale) {
            EXPECT_EQ(o["window_scale"], *syn->wscale);
        }
        EXPECT_EQ(o["sack_permitted"], syn->sack_perm);
        EXPECT_EQ(o["timestamps"], syn->timestamps);
        EXPECT_EQ(record["bytes_client_to_server"],
                  client_end == 0 ? 0U : client_end - syn->seq - 1);
    } else {
        EXPECT_FALSE(record.contains("client_isn"));
        EXPECT_FALSE(record.contains("syn_frame"));
    }
    if (synack != nullptr) {
        EXPECT_EQ(record["server_isn"], synack->seq);
        EXPECT_EQ(record["synack_frame"], synack->frame);
        EXPECT_EQ(record["synack_ts_ns"], synack->ts_ns);
        const nlohmann::json& o = record["server_options"];
        if (synack->mss) {
            EXPECT_EQ(o["mss"], *synack->mss);
        }
        if (synack->wscale) {
            EXPECT_EQ(o["window_scale"], *synack->wscale);
        }
        EXPECT_EQ(o["sack_permitted"], synack->sack_perm);
        EXPECT_EQ(o["timestamps"], synack->timestamps);
        EXPECT_EQ(record["bytes_server_to_client"],
                  server_end == 0 ? 0U : server_end - synack->seq - 1);
        if (syn != nullptr) {
            const double expected =
                static_cast<double>(synack->ts_ns - last_syn_before_synack) / 1e6;
            EXPECT_NEAR(record["syn_to_synack_ms"].get<double>(), expected, 1e-6);
            const nlohmann::json& n = record["negotiated"];
            if (syn->mss && synack->mss) {
                EXPECT_EQ(n["mss"], std::min(*syn->mss, *synack->mss));
            }
            EXPECT_EQ(n["window_scaling"], syn->wscale.has_value() && synack->wscale.has_value());
            EXPECT_EQ(n["sack_permitted"], syn->sack_perm && synack->sack_perm);
            EXPECT_EQ(n["timestamps"], syn->timestamps && synack->timestamps);
        }
    } else {
        EXPECT_FALSE(record.contains("server_isn"));
        EXPECT_FALSE(record.contains("synack_frame"));
        EXPECT_FALSE(record.contains("syn_to_synack_ms"));
        EXPECT_FALSE(record.contains("negotiated"));
    }
    if (completing != nullptr) {
        EXPECT_EQ(record["ack_frame"], completing->frame);
        EXPECT_EQ(record["ack_ts_ns"], completing->ts_ns);
        EXPECT_NEAR(record["synack_to_ack_ms"].get<double>(),
                    static_cast<double>(completing->ts_ns - last_synack_before_ack) / 1e6, 1e-6);
        if (syn != nullptr) {
            EXPECT_NEAR(record["handshake_ms"].get<double>(),
                        static_cast<double>(completing->ts_ns - syn->ts_ns) / 1e6, 1e-6);
        }
    } else {
        EXPECT_FALSE(record.contains("ack_frame"));
        EXPECT_FALSE(record.contains("handshake_ms"));
    }
}

/// Saves a scenario's capture under $PKTSCOPE_SAVE_CAPTURES/NAME.pcap when that is set (how the
/// handshake_*.pcap files in captures/ were made).
inline void maybe_save_capture(const std::string& file, const std::string& name) {
    const char* dir = std::getenv("PKTSCOPE_SAVE_CAPTURES");
    if (dir != nullptr) run("cp " + file + " '" + std::string(dir) + "/" + name + ".pcap'");
}

}  // namespace pktscope::testing::handshakes
