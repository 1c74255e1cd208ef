// `pktscope handshakes --connect HOST:PORT`: opens connections (connect()) or sends half-open
// SYN probes (--syn, raw socket) while capturing them on the interface the routing table picks,
// then prints each connection's wire-side record next to what the socket saw.
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "handshakes.hpp"
#include "pktscope/checksum.hpp"
#include "pktscope/decode.hpp"
#include "signals.hpp"

namespace pktscope::tools {
namespace {

using steady = std::chrono::steady_clock;

std::int64_t wall_clock_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Closes a descriptor on scope exit.
class fd_guard {
  public:
    explicit fd_guard(int fd) noexcept : fd_(fd) {}
    ~fd_guard() {
        if (fd_ >= 0) ::close(fd_);
    }
    fd_guard(const fd_guard&) = delete;
    fd_guard& operator=(const fd_guard&) = delete;
    int get() const noexcept { return fd_; }

  private:
    int fd_;
};

struct target {
    sockaddr_storage address{};
    socklen_t length = 0;
    ip_address ip;
    std::uint16_t port = 0;
    std::string host;
};

ip_address ip_of(const sockaddr* sa) {
    if (sa->sa_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
        return ip_address::from(ipv4_address{ntohl(in->sin_addr.s_addr)});
    }
    ipv6_address a;
    std::memcpy(a.octets.data(), &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, 16);
    return ip_address::from(a);
}

std::string ip_string(const ip_address& a) {
    char buf[ipv6_text_max + 1];
    return std::string(buf, format_to(buf, a));
}

// "host:port", "[v6]:port" or "v4:port".
target resolve_target(const std::string& spec) {
    std::string host, port;
    if (!spec.empty() && spec.front() == '[') {
        const auto close = spec.find("]:");
        if (close == std::string::npos)
            throw capture_error("--connect " + spec + ": write IPv6 as [ADDRESS]:PORT");
        host = spec.substr(1, close - 1);
        port = spec.substr(close + 2);
    } else {
        const auto colon = spec.rfind(':');
        if (colon == std::string::npos || spec.find(':') != colon)
            throw capture_error("--connect " + spec +
                                ": expected HOST:PORT (IPv6 as [ADDRESS]:PORT)");
        host = spec.substr(0, colon);
        port = spec.substr(colon + 1);
    }
    char* end = nullptr;
    const unsigned long number = std::strtoul(port.c_str(), &end, 10);
    if (port.empty() || *end != '\0' || number == 0 || number > 65535)
        throw capture_error("--connect " + spec + ": port must be 1-65535");
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0)
        throw capture_error("--connect: cannot resolve " + host + ": " + ::gai_strerror(rc));
    target t;
    std::memcpy(&t.address, found->ai_addr, found->ai_addrlen);
    t.length = found->ai_addrlen;
    t.ip = ip_of(found->ai_addr);
    t.port = static_cast<std::uint16_t>(number);
    t.host = host;
    ::freeaddrinfo(found);
    return t;
}

struct route_choice {
    std::string interface;
    ip_address source;
};

// The kernel's routing decision, read back from a connected UDP socket (no packet is sent),
// and the interface holding the chosen source address; local destinations go over `lo`.
route_choice choose_interface(const target& t) {
    const fd_guard fd(::socket(t.address.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (fd.get() < 0)
        throw capture_error(std::string("--connect: cannot open a socket: ") +
                            std::strerror(errno));
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&t.address), t.length) != 0)
        throw capture_error("--connect: no route to " + t.host + ": " + std::strerror(errno));
    sockaddr_storage local{};
    socklen_t length = sizeof local;
    ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&local), &length);
    route_choice choice;
    choice.source = ip_of(reinterpret_cast<const sockaddr*>(&local));
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0)
        throw capture_error(std::string("--connect: getifaddrs: ") + std::strerror(errno));
    std::string holder, loopback;
    bool destination_is_local = false;
    for (const ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
        if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != t.address.ss_family) continue;
        const ip_address a = ip_of(i->ifa_addr);
        if (a == choice.source && holder.empty()) holder = i->ifa_name;
        if (a == t.ip) destination_is_local = true;
        if ((i->ifa_flags & IFF_LOOPBACK) != 0 && loopback.empty()) loopback = i->ifa_name;
    }
    ::freeifaddrs(list);
    choice.interface = destination_is_local && !loopback.empty() ? loopback : holder;
    if (choice.interface.empty())
        throw capture_error("--connect: no interface holds the source address " +
                            ip_string(choice.source) + "; give -i IFACE");
    return choice;
}

// What the socket saw of one connect().
struct socket_view {
    int error = 0;  ///< errno of the failed connect, 0 on success
    std::int64_t connect_ns = 0;
    std::uint16_t local_port = 0;
    bool have_info = false;
    tcp_info info{};
};

socket_view connect_once(const target& t, unsigned timeout_ms) {
    socket_view v;
    const fd_guard fd(
        ::socket(t.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP));
    if (fd.get() < 0) {
        v.error = errno;
        return v;
    }
    const auto start = steady::now();
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&t.address), t.length) != 0 &&
        errno != EINPROGRESS) {
        v.error = errno;
        return v;
    }
    sockaddr_storage local{};
    socklen_t length = sizeof local;
    if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&local), &length) == 0)
        v.local_port =
            ntohs(local.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&local)->sin_port
                                             : reinterpret_cast<sockaddr_in6*>(&local)->sin6_port);
    pollfd p{fd.get(), POLLOUT, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(timeout_ms));
    v.connect_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now() - start).count();
    if (ready <= 0) {
        v.error = ready == 0 ? ETIMEDOUT : errno;
        return v;
    }
    int so_error = 0;
    socklen_t so_length = sizeof so_error;
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &so_error, &so_length);
    v.error = so_error;
    if (so_error == 0) {
        socklen_t info_length = sizeof v.info;
        v.have_info = ::getsockopt(fd.get(), IPPROTO_TCP, TCP_INFO, &v.info, &info_length) == 0;
    }
    return v;  // closing the socket sends the FIN
}

// A half-open probe: a SYN from a raw socket, from a port held by a bound (not listening,
// not connected) TCP socket, so nothing else uses it and the kernel RSTs the SYN-ACK.
struct syn_probe {
    std::uint16_t local_port = 0;
    std::uint32_t isn = 0;
    int error = 0;
};

std::uint16_t reserve_port(const target& t, const ip_address& source, int& holder_fd) {
    holder_fd = ::socket(t.address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
    if (holder_fd < 0) return 0;
    sockaddr_storage local{};
    socklen_t length = 0;
    if (source.family == 4) {
        auto* in = reinterpret_cast<sockaddr_in*>(&local);
        in->sin_family = AF_INET;
        in->sin_addr.s_addr = htonl(source.v4().value);
        length = sizeof *in;
    } else {
        auto* in6 = reinterpret_cast<sockaddr_in6*>(&local);
        in6->sin6_family = AF_INET6;
        std::memcpy(&in6->sin6_addr, source.octets.data(), 16);
        length = sizeof *in6;
    }
    if (::bind(holder_fd, reinterpret_cast<sockaddr*>(&local), length) != 0) return 0;
    length = sizeof local;
    ::getsockname(holder_fd, reinterpret_cast<sockaddr*>(&local), &length);
    return ntohs(local.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&local)->sin_port
                                            : reinterpret_cast<sockaddr_in6*>(&local)->sin6_port);
}

void put16(std::uint8_t* p, std::uint16_t v) {
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v);
}
void put32(std::uint8_t* p, std::uint32_t v) {
    put16(p, static_cast<std::uint16_t>(v >> 16));
    put16(p + 2, static_cast<std::uint16_t>(v));
}

// SYN with the options Linux sends (MSS, SACK permitted, timestamps, window scale 7).
syn_probe send_syn(int raw_fd, const target& t, const ip_address& source, std::uint16_t port,
                   std::uint32_t isn) {
    std::uint8_t seg[40] = {};
    put16(seg, port);
    put16(seg + 2, t.port);
    put32(seg + 4, isn);
    seg[12] = 10 << 4;  // 40-byte header
    seg[13] = static_cast<std::uint8_t>(tcp_flag::syn);
    put16(seg + 14, 64240);
    std::uint8_t* o = seg + 20;
    const std::uint16_t mss = source.family == 4 ? 1460 : 1440;
    o[0] = 2, o[1] = 4, put16(o + 2, mss);
    o[4] = 4, o[5] = 2;
    o[6] = 8, o[7] = 10, put32(o + 8, static_cast<std::uint32_t>(wall_clock_ns() / 1'000'000)),
    put32(o + 12, 0);
    o[16] = 1, o[17] = 3, o[18] = 3, o[19] = 7;
    const std::uint16_t pseudo =
        source.family == 4 ? pseudo_header_sum(source.v4(), t.ip.v4(), ip_protocol::tcp, 40)
                           : pseudo_header_sum(source.v6(), t.ip.v6(), ip_protocol::tcp, 40);
    const std::uint16_t sum =
        ones_complement_add(pseudo, ones_complement_sum(as_bytes_of(seg, sizeof seg)));
    put16(seg + 16, static_cast<std::uint16_t>(~sum));
    sockaddr_storage destination = t.address;
    if (destination.ss_family == AF_INET)
        reinterpret_cast<sockaddr_in*>(&destination)->sin_port = 0;
    else
        reinterpret_cast<sockaddr_in6*>(&destination)->sin6_port = 0;
    syn_probe probe{port, isn, 0};
    if (::sendto(raw_fd, seg, sizeof seg, 0, reinterpret_cast<sockaddr*>(&destination), t.length) <
        0)
        probe.error = errno;
    return probe;
}

using out_it = std::back_insert_iterator<fmt::memory_buffer>;

void render_socket_view(fmt::memory_buffer& out, const socket_view& v, unsigned attempt,
                        bool json) {
    const bool ok = v.error == 0;
    if (json) {
        fmt::format_to(out_it(out),
                       R"({{"type":"tcp_socket","attempt":{},"client_port":{},"connect_ms":{:.6f})",
                       attempt, v.local_port, static_cast<double>(v.connect_ns) / 1e6);
        if (!ok) {
            out.append(std::string_view(R"(,"error":)"));
            append_json_string(out, std::strerror(v.error));
        }
        if (v.have_info)
            fmt::format_to(
                out_it(out),
                R"(,"rtt_ms":{:.3f},"rttvar_ms":{:.3f},"snd_mss":{},"rcv_mss":{},"snd_wscale":{},)"
                R"("rcv_wscale":{},"sack_permitted":{},"timestamps":{})",
                v.info.tcpi_rtt / 1e3, v.info.tcpi_rttvar / 1e3, v.info.tcpi_snd_mss,
                v.info.tcpi_rcv_mss, v.info.tcpi_snd_wscale, v.info.tcpi_rcv_wscale,
                (v.info.tcpi_options & TCPI_OPT_SACK) != 0,
                (v.info.tcpi_options & TCPI_OPT_TIMESTAMPS) != 0);
        out.append(std::string_view("}\n"));
        return;
    }
    fmt::format_to(out_it(out), "  socket #{}: port {} connect() {:.6f} ms", attempt, v.local_port,
                   static_cast<double>(v.connect_ns) / 1e6);
    if (!ok) fmt::format_to(out_it(out), " failed: {}", std::strerror(v.error));
    if (v.have_info)
        fmt::format_to(out_it(out),
                       ", TCP_INFO rtt {:.3f} ms rttvar {:.3f} ms, mss snd {} rcv {}, wscale snd "
                       "{} rcv {}{}{}",
                       v.info.tcpi_rtt / 1e3, v.info.tcpi_rttvar / 1e3, v.info.tcpi_snd_mss,
                       v.info.tcpi_rcv_mss, v.info.tcpi_snd_wscale, v.info.tcpi_rcv_wscale,
                       (v.info.tcpi_options & TCPI_OPT_SACK) != 0 ? ", sackOK" : "",
                       (v.info.tcpi_options & TCPI_OPT_TIMESTAMPS) != 0 ? ", TS" : "");
    out.push_back('\n');
}

std::string probe_note(const syn_probe& probe, const tcp_connection* c, unsigned wait_ms) {
    if (probe.error != 0)
        return std::string("the SYN could not be sent: ") + std::strerror(probe.error);
    if (c == nullptr) return "the SYN was not seen on the capture interface";
    if (c->synack_frame != 0)
        return "the server answered with a SYN-ACK (the port is open); the SYN came from a raw "
               "socket, so this "
               "kernel has no connection on port " +
               std::to_string(probe.local_port) +
               " and answered the SYN-ACK with a RST (RFC 9293 3.10.7.1), leaving the server's "
               "half-open "
               "connection to be reset";
    if (c->end == connection_end::refused)
        return "the server answered the SYN with a RST: the port is closed";
    return "no answer within " + std::to_string(wait_ms) + " ms (filtered, or the host is down)";
}

void render_probe(fmt::memory_buffer& out, const syn_probe& probe, const tcp_connection* c,
                  unsigned attempt, unsigned wait_ms, bool json) {
    const std::string note = probe_note(probe, c, wait_ms);
    const std::string_view answer = c == nullptr                        ? "none"
                                    : c->synack_frame != 0              ? "syn_ack"
                                    : c->end == connection_end::refused ? "rst"
                                                                        : "none";
    if (json) {
        fmt::format_to(
            out_it(out),
            R"({{"type":"syn_probe","attempt":{},"client_port":{},"isn":{},"answer":"{}")", attempt,
            probe.local_port, probe.isn, answer);
        if (c != nullptr && c->syn_to_synack_ns)
            fmt::format_to(out_it(out), R"(,"rtt_ms":{:.6f})",
                           static_cast<double>(*c->syn_to_synack_ns) / 1e6);
        out.append(std::string_view(R"(,"note":)"));
        append_json_string(out, note);
        out.append(std::string_view("}\n"));
        return;
    }
    fmt::format_to(out_it(out), "  probe #{}: port {} isn {} answer {}: {}\n", attempt,
                   probe.local_port, probe.isn, answer, note);
}

}  // namespace

int run_active_handshakes(const handshakes_options& o) {
    const target t = resolve_target(o.connect);
    source_options capture = o.source;
    route_choice route;
    if (capture.interface.empty()) {
        route = choose_interface(t);
        capture.interface = route.interface;
    } else {
        route = choose_interface(t);  // the source address is still the kernel's choice
        route.interface = capture.interface;
    }
    // Only this target's TCP traffic (and whatever filter the user added).
    std::string filter = "tcp and host " + ip_string(t.ip) + " and port " + std::to_string(t.port);
    if (!capture.filter_words.empty()) filter += " and (" + capture.filter() + ")";
    capture.filter_words = {filter};
    capture.no_immediate = false;

    signal_watcher signals;  // before any other thread: it blocks the signals process-wide
    pcap_source source = open_source(capture);
    signals.attach(&source);

    handshake_options tracker_opts = tracker_options(o);
    // A probe or connect() unanswered within --wait is reported as a timed-out attempt.
    tracker_opts.attempt_timeout_ns = std::int64_t{o.wait_ms} * 1'000'000;
    std::mutex lock;
    std::vector<tcp_connection> finished;
    handshake_callbacks callbacks;
    callbacks.finished = [&finished](const tcp_connection& c) { finished.push_back(c); };
    handshake_tracker tracker(tracker_opts, callbacks);

    std::atomic<bool> stop{false};
    std::thread capture_thread([&] {
        frame f;
        decoded_packet p;
        decode_options decode_opts;
        decode_opts.verify_checksums = !o.no_checksums;
        decode_opts.decode_dns = false;
        std::uint64_t frames = 0;
        try {
            while (!stop.load()) {
                if (!source.next(f)) {
                    if (stop.load() || signals.stop_requested()) break;
                    continue;
                }
                const std::lock_guard<std::mutex> guard(lock);
                if (source.timed_out()) {
                    tracker.advance(wall_clock_ns());
                    continue;
                }
                decode(f, p, decode_opts);
                tracker.process(f, p, ++frames);
            }
        } catch (const capture_error& e) {
            std::fprintf(stderr, "pktscope: %s\n", e.what());
        }
    });
    auto stop_capture = [&] {
        stop = true;
        source.break_loop();
        capture_thread.join();
    };

    int raw_fd = -1;
    if (o.syn) {
        raw_fd = ::socket(t.address.ss_family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_TCP);
        if (raw_fd < 0) {
            const int err = errno;
            stop_capture();
            throw capture_error(
                std::string("--syn needs a raw socket (CAP_NET_RAW): ") + std::strerror(err) +
                "; run as root or `setcap cap_net_raw,cap_net_admin=eip` on pktscope");
        }
    }
    const fd_guard raw_guard(raw_fd);

    std::vector<socket_view> views;
    std::vector<syn_probe> probes;
    std::vector<int> port_holders;
    std::mt19937 random(std::random_device{}());
    for (unsigned i = 0; i < o.connections && !signals.stop_requested(); ++i) {
        if (i != 0) std::this_thread::sleep_for(std::chrono::milliseconds(o.interval_ms));
        if (o.syn) {
            int holder = -1;
            const std::uint16_t port = reserve_port(t, route.source, holder);
            port_holders.push_back(holder);
            syn_probe probe{port, static_cast<std::uint32_t>(random()), 0};
            if (port == 0)
                probe.error = errno;
            else
                probe = send_syn(raw_fd, t, route.source, port, probe.isn);
            probes.push_back(probe);
        } else {
            views.push_back(connect_once(t, o.wait_ms));
        }
    }
    // Let the replies and the FIN exchanges arrive, then stop the capture.
    const std::size_t expected = o.syn ? probes.size() : views.size();
    const auto deadline = steady::now() + std::chrono::milliseconds(o.wait_ms);
    while (steady::now() < deadline && !signals.stop_requested()) {
        {
            const std::lock_guard<std::mutex> guard(lock);
            if (finished.size() >= expected) break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    stop_capture();
    for (int fd : port_holders)
        if (fd >= 0) ::close(fd);
    // Unanswered attempts are timeouts; anything else still tracked is reported as open.
    tracker.advance(wall_clock_ns() + tracker_opts.attempt_timeout_ns + 1);
    tracker.flush();

    output_stream out(STDOUT_FILENO);
    handshakes_options print_options = o;
    record_printer printer(out, print_options);
    if (o.json)
        render_meta_json(out.buffer(), "handshakes", source.description(), source.linktype());
    std::vector<bool> printed(finished.size(), false);
    auto record_for = [&](std::uint16_t port) -> const tcp_connection* {
        for (std::size_t i = 0; i < finished.size(); ++i)
            if (!printed[i] && finished[i].client.port == port &&
                finished[i].client.address == route.source) {
                printed[i] = true;
                return &finished[i];
            }
        return nullptr;
    };
    for (std::size_t i = 0; i < expected; ++i) {
        const std::uint16_t port = o.syn ? probes[i].local_port : views[i].local_port;
        const tcp_connection* c = port != 0 ? record_for(port) : nullptr;
        if (c != nullptr) printer.record(*c);
        if (o.syn)
            render_probe(out.buffer(), probes[i], c, static_cast<unsigned>(i + 1), o.wait_ms,
                         o.json);
        else
            render_socket_view(out.buffer(), views[i], static_cast<unsigned>(i + 1), o.json);
    }
    for (std::size_t i = 0; i < finished.size(); ++i)
        if (!printed[i]) printer.record(finished[i]);  // traffic to the target we did not start

    capture_summary summary;
    summary.stats = source.stats();
    summary.packets = tracker.counters().packets;
    add_handshake_totals(summary, tracker, o.max_connections);
    if (o.json) render_summary_json(out.buffer(), summary);
    out.flush();
    if (!o.json) {
        fmt::memory_buffer buf;
        render_summary_text(buf, summary);
        std::fwrite(buf.data(), 1, buf.size(), stderr);
    }
    bool all_ok = true;
    for (const socket_view& v : views) all_ok = all_ok && v.error == 0;
    for (const syn_probe& p : probes) all_ok = all_ok && p.error == 0;
    return all_ok ? 0 : 2;
}

}  // namespace pktscope::tools
