// route trace: TTL probing over raw ICMP sockets (answers decoded with our decoder), with an
// IP_RECVERR fallback for unprivileged UDP probing.
#include "pktscope/hop_probe.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "pktscope/capture.hpp"
#include "pktscope/checksum.hpp"
#include "pktscope/decode.hpp"

namespace pktscope {

bool hop_result::reached() const noexcept {
    for (const probe_reply& p : probes)
        if (p.reached) return true;
    return false;
}

namespace {

using clock = std::chrono::steady_clock;

class socket_fd {
  public:
    explicit socket_fd(int fd = -1) noexcept : fd_(fd) {}
    ~socket_fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    socket_fd(socket_fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    socket_fd& operator=(socket_fd&& o) noexcept {
        std::swap(fd_, o.fd_);
        return *this;
    }
    int get() const noexcept { return fd_; }

  private:
    int fd_;
};

struct socket_address {
    sockaddr_storage storage{};
    socklen_t length = 0;
};

socket_address make_address(const any_address& a, std::uint16_t port) {
    socket_address s;
    if (a.ipv6) {
        auto* sin6 = reinterpret_cast<sockaddr_in6*>(&s.storage);
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
        std::memcpy(&sin6->sin6_addr, a.v6.octets.data(), 16);
        s.length = sizeof(sockaddr_in6);
    } else {
        auto* sin = reinterpret_cast<sockaddr_in*>(&s.storage);
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        sin->sin_addr.s_addr = htonl(a.v4.value);
        s.length = sizeof(sockaddr_in);
    }
    return s;
}

any_address address_of(const sockaddr_storage& s) {
    any_address a;
    if (s.ss_family == AF_INET6) {
        a.ipv6 = true;
        std::memcpy(a.v6.octets.data(), &reinterpret_cast<const sockaddr_in6*>(&s)->sin6_addr, 16);
    } else {
        a.v4.value = ntohl(reinterpret_cast<const sockaddr_in*>(&s)->sin_addr.s_addr);
    }
    return a;
}

std::uint16_t local_port(int fd) {
    sockaddr_storage s{};
    socklen_t len = sizeof s;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&s), &len) != 0) return 0;
    return ntohs(s.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&s)->sin6_port
                                         : reinterpret_cast<sockaddr_in*>(&s)->sin_port);
}

void set_ttl(int fd, bool ipv6, unsigned ttl) {
    const int v = static_cast<int>(ttl);
    const int rc = ipv6 ? ::setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &v, sizeof v)
                        : ::setsockopt(fd, IPPROTO_IP, IP_TTL, &v, sizeof v);
    if (rc != 0)
        throw capture_error(fmt::format("route trace: cannot set TTL: {}", std::strerror(errno)));
}

std::string_view answer_name(bool ipv6, std::uint8_t type, std::uint8_t code) {
    if (!ipv6) {
        if (type == 11) return "time exceeded";
        if (type == 0) return "echo reply";
        if (type == 3) {
            static constexpr std::array<std::string_view, 14> names{"net unreachable",
                                                                    "host unreachable",
                                                                    "protocol unreachable",
                                                                    "port unreachable",
                                                                    "fragmentation needed",
                                                                    "source route failed",
                                                                    "net unknown",
                                                                    "host unknown",
                                                                    "source host isolated",
                                                                    "net prohibited",
                                                                    "host prohibited",
                                                                    "net unreachable for TOS",
                                                                    "host unreachable for TOS",
                                                                    "administratively prohibited"};
            return code < names.size() ? names[code] : "unreachable";
        }
        return icmpv4_type_name(type);
    }
    if (type == 3) return "time exceeded";
    if (type == 129) return "echo reply";
    if (type == 1) {
        static constexpr std::array<std::string_view, 7> names{
            "no route",         "administratively prohibited",
            "beyond scope",     "address unreachable",
            "port unreachable", "source policy failed",
            "reject route"};
        return code < names.size() ? names[code] : "unreachable";
    }
    return icmpv6_type_name(type);
}

bool is_unreachable(bool ipv6, std::uint8_t type) {
    return ipv6 ? type == 1 : type == 3;
}
bool is_time_exceeded(bool ipv6, std::uint8_t type) {
    return ipv6 ? type == 3 : type == 11;
}

// The probe an ICMP message answers, as read by our decoder.
struct icmp_answer {
    any_address from;
    std::uint8_t type = 0;
    std::uint8_t code = 0;
    std::uint16_t echo_id = 0;  // echo replies
    std::uint16_t echo_seq = 0;
    std::optional<icmp_quote> quote;
    byte_span message;  // the whole ICMP message
};

std::optional<icmp_answer> decode_answer(bool ipv6, byte_span bytes, const sockaddr_storage& peer) {
    icmp_answer a;
    a.from = address_of(peer);
    if (!ipv6) {
        // Raw IPv4 sockets deliver the IP header too: decode the datagram as a whole.
        frame f;
        f.linktype = linktype::ipv4;
        f.caplen = f.wirelen = static_cast<std::uint32_t>(bytes.size());
        f.data = bytes;
        decoded_packet p;
        decode(f, p);
        if (!p.ipv4 || !p.icmp) return std::nullopt;
        a.from.v4 = p.ipv4->source();
        a.type = p.icmp->type();
        a.code = p.icmp->code();
        a.echo_id = p.icmp->identifier();
        a.echo_seq = p.icmp->sequence();
        a.quote = p.quote;
        a.message = p.icmp->bytes();
        return a;
    }
    // Raw ICMPv6 sockets deliver the ICMPv6 message only.
    const result<icmp_view> icmp = icmp_view::parse(bytes);
    if (!icmp) return std::nullopt;
    a.type = icmp->type();
    a.code = icmp->code();
    a.echo_id = icmp->identifier();
    a.echo_seq = icmp->sequence();
    if (icmpv6_is_error(a.type)) a.quote = parse_icmp_quote(bytes, true);
    a.message = bytes;
    return a;
}

// Echo identifier and sequence of a quoted ICMP echo request (bytes 4-7 of the quoted header).
std::pair<std::uint16_t, std::uint16_t> quoted_echo(const icmp_answer& a, bool ipv6) {
    std::size_t header = 40;
    if (!ipv6 && a.quote && a.quote->ipv4) header = a.quote->ipv4->header_length();
    return {load_be16(a.message, 8 + header + 4), load_be16(a.message, 8 + header + 6)};
}

struct probe_context {
    const probe_options& options;
    bool ipv6;
    int icmp_fd;
    std::uint16_t ident;
    std::uint16_t base_port;
};

// Waits for the answer to one probe: `match` says whether an ICMP answer is ours; `extra_fd`
// (TCP) reports the destination's own answer by becoming writable.
template <class Match>
probe_reply wait_answer(const probe_context& ctx, clock::time_point sent, Match match,
                        int extra_fd = -1) {
    probe_reply reply;
    const clock::time_point deadline = sent + ctx.options.wait;
    std::array<std::byte, 2048> buf;
    while (true) {
        const auto now = clock::now();
        if (now >= deadline) return reply;
        const int timeout_ms =
            static_cast<int>(
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count()) +
            1;
        pollfd fds[2] = {{ctx.icmp_fd, POLLIN, 0}, {extra_fd, POLLOUT, 0}};
        const int n = ::poll(fds, extra_fd >= 0 ? 2 : 1, timeout_ms);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw capture_error(fmt::format("route trace: poll: {}", std::strerror(errno)));
        if (extra_fd >= 0 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
            int err = 0;
            socklen_t len = sizeof err;
            ::getsockopt(extra_fd, SOL_SOCKET, SO_ERROR, &err, &len);
            if (err == 0 || err == ECONNREFUSED) {
                reply.answered = reply.reached = true;
                reply.from = ctx.options.destination;
                reply.rtt_ms =
                    std::chrono::duration<double, std::milli>(clock::now() - sent).count();
                reply.what = err == 0 ? "syn-ack" : "rst";
                return reply;
            }
            extra_fd = -1;  // an ICMP error reached the socket too; the raw socket has the detail
        }
        if (!(fds[0].revents & POLLIN)) continue;
        sockaddr_storage peer{};
        socklen_t peer_len = sizeof peer;
        const ssize_t got = ::recvfrom(ctx.icmp_fd, buf.data(), buf.size(), MSG_DONTWAIT,
                                       reinterpret_cast<sockaddr*>(&peer), &peer_len);
        if (got <= 0) continue;
        const auto answer =
            decode_answer(ctx.ipv6, byte_span(buf.data(), static_cast<std::size_t>(got)), peer);
        if (!answer || !match(*answer)) continue;
        reply.answered = true;
        reply.from = answer->from;
        reply.icmp_type = answer->type;
        reply.icmp_code = answer->code;
        reply.rtt_ms = std::chrono::duration<double, std::milli>(clock::now() - sent).count();
        reply.what = std::string(answer_name(ctx.ipv6, answer->type, answer->code));
        reply.reached = !is_time_exceeded(ctx.ipv6, answer->type);
        return reply;
    }
}

bool quote_is_to(const icmp_answer& a, const any_address& destination) {
    if (!a.quote) return false;
    if (destination.ipv6) return a.quote->ipv6 && a.quote->ipv6->destination() == destination.v6;
    return a.quote->ipv4 && a.quote->ipv4->destination() == destination.v4;
}

probe_reply probe_udp(const probe_context& ctx, int udp_fd, std::uint16_t source_port, unsigned ttl,
                      std::uint16_t seq) {
    set_ttl(udp_fd, ctx.ipv6, ttl);
    const auto port = static_cast<std::uint16_t>(ctx.base_port + seq);
    const socket_address to = make_address(ctx.options.destination, port);
    const char payload[32] = "pktscope route trace probe";
    const auto sent = clock::now();
    if (::sendto(udp_fd, payload, sizeof payload, 0, reinterpret_cast<const sockaddr*>(&to.storage),
                 to.length) < 0 &&
        errno != EHOSTUNREACH && errno != ENETUNREACH && errno != ECONNREFUSED)
        throw capture_error(fmt::format("route trace: send: {}", std::strerror(errno)));
    return wait_answer(ctx, sent, [&](const icmp_answer& a) {
        return (is_time_exceeded(ctx.ipv6, a.type) || is_unreachable(ctx.ipv6, a.type)) &&
               quote_is_to(a, ctx.options.destination) && a.quote->protocol == 17 &&
               a.quote->destination_port == port && a.quote->source_port == source_port;
    });
}

probe_reply probe_icmp(const probe_context& ctx, unsigned ttl, std::uint16_t seq) {
    set_ttl(ctx.icmp_fd, ctx.ipv6, ttl);
    std::array<std::uint8_t, 40> message{};
    message[0] = ctx.ipv6 ? 128 : 8;  // echo request
    message[4] = static_cast<std::uint8_t>(ctx.ident >> 8);
    message[5] = static_cast<std::uint8_t>(ctx.ident);
    message[6] = static_cast<std::uint8_t>(seq >> 8);
    message[7] = static_cast<std::uint8_t>(seq);
    std::memcpy(message.data() + 8, "pktscope route trace probe", 26);
    if (!ctx.ipv6) {  // ICMPv4 has no pseudo-header; the kernel fills the ICMPv6 checksum
        const std::uint16_t sum = static_cast<std::uint16_t>(
            ~ones_complement_sum(as_bytes_of(message.data(), message.size())));
        message[2] = static_cast<std::uint8_t>(sum >> 8);
        message[3] = static_cast<std::uint8_t>(sum);
    }
    const socket_address to = make_address(ctx.options.destination, 0);
    const auto sent = clock::now();
    if (::sendto(ctx.icmp_fd, message.data(), message.size(), 0,
                 reinterpret_cast<const sockaddr*>(&to.storage), to.length) < 0 &&
        errno != EHOSTUNREACH && errno != ENETUNREACH)
        throw capture_error(fmt::format("route trace: send: {}", std::strerror(errno)));
    const std::uint8_t reply_type = ctx.ipv6 ? 129 : 0;
    return wait_answer(ctx, sent, [&](const icmp_answer& a) {
        if (a.type == reply_type) return a.echo_id == ctx.ident && a.echo_seq == seq;
        if (!quote_is_to(a, ctx.options.destination) || a.quote->protocol != (ctx.ipv6 ? 58 : 1))
            return false;
        const auto [id, s] = quoted_echo(a, ctx.ipv6);
        return id == ctx.ident && s == seq;
    });
}

probe_reply probe_tcp(const probe_context& ctx, unsigned ttl) {
    socket_fd fd(
        ::socket(ctx.ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (fd.get() < 0)
        throw capture_error(fmt::format("route trace: socket: {}", std::strerror(errno)));
    set_ttl(fd.get(), ctx.ipv6, ttl);
    const socket_address to = make_address(ctx.options.destination, ctx.base_port);
    const auto sent = clock::now();
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&to.storage), to.length) != 0 &&
        errno != EINPROGRESS)
        throw capture_error(fmt::format("route trace: connect: {}", std::strerror(errno)));
    const std::uint16_t source_port = local_port(fd.get());
    return wait_answer(
        ctx, sent,
        [&](const icmp_answer& a) {
            return (is_time_exceeded(ctx.ipv6, a.type) || is_unreachable(ctx.ipv6, a.type)) &&
                   quote_is_to(a, ctx.options.destination) && a.quote->protocol == 6 &&
                   a.quote->source_port == source_port &&
                   a.quote->destination_port == ctx.base_port;
        },
        fd.get());
}

// Without CAP_NET_RAW: a UDP socket per probe with IP_RECVERR; the kernel matches the ICMP
// answer to the socket and reports it on the error queue.
probe_reply probe_udp_recverr(const probe_options& o, unsigned ttl, std::uint16_t port) {
    const bool ipv6 = o.destination.ipv6;
    socket_fd fd(::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (fd.get() < 0)
        throw capture_error(fmt::format("route trace: socket: {}", std::strerror(errno)));
    const int on = 1;
    if (ipv6)
        ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof on);
    else
        ::setsockopt(fd.get(), IPPROTO_IP, IP_RECVERR, &on, sizeof on);
    set_ttl(fd.get(), ipv6, ttl);
    const socket_address to = make_address(o.destination, port);
    const char payload[32] = "pktscope route trace probe";
    const auto sent = clock::now();
    ::sendto(fd.get(), payload, sizeof payload, 0, reinterpret_cast<const sockaddr*>(&to.storage),
             to.length);
    probe_reply reply;
    pollfd p{fd.get(), POLLERR, 0};
    if (::poll(&p, 1, static_cast<int>(o.wait.count())) <= 0) return reply;
    std::array<char, 512> control{};
    char data[64];
    iovec iov{data, sizeof data};
    sockaddr_storage from{};
    msghdr msg{};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof from;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.data();
    msg.msg_controllen = control.size();
    if (::recvmsg(fd.get(), &msg, MSG_ERRQUEUE) < 0) return reply;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (!((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) ||
              (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR)))
            continue;
        sock_extended_err ee;
        std::memcpy(&ee, CMSG_DATA(c), sizeof ee);
        if (ee.ee_origin != SO_EE_ORIGIN_ICMP && ee.ee_origin != SO_EE_ORIGIN_ICMP6) continue;
        sockaddr_storage offender{};
        std::memcpy(&offender, SO_EE_OFFENDER(reinterpret_cast<sock_extended_err*>(CMSG_DATA(c))),
                    ipv6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in));
        reply.answered = true;
        reply.from = address_of(offender);
        reply.icmp_type = ee.ee_type;
        reply.icmp_code = ee.ee_code;
        reply.rtt_ms = std::chrono::duration<double, std::milli>(clock::now() - sent).count();
        reply.what = std::string(answer_name(ipv6, ee.ee_type, ee.ee_code));
        reply.reached = !is_time_exceeded(ipv6, ee.ee_type);
        return reply;
    }
    return reply;
}

}  // namespace

void trace_route(const probe_options& o, const std::function<void(const hop_result&)>& on_hop) {
    const bool ipv6 = o.destination.ipv6;
    const int family = ipv6 ? AF_INET6 : AF_INET;
    socket_fd icmp_fd(
        ::socket(family, SOCK_RAW | SOCK_CLOEXEC, ipv6 ? int{IPPROTO_ICMPV6} : int{IPPROTO_ICMP}));
    const std::uint16_t base_port =
        o.port != 0 ? o.port : (o.method == probe_method::tcp ? 80 : 33434);
    const unsigned max_ttl = std::min(o.max_ttl, 255U);
    if (icmp_fd.get() < 0) {
        if ((errno == EPERM || errno == EACCES) && o.method == probe_method::udp) {
            // Unprivileged: UDP probes with the kernel's error queue.
            std::uint16_t seq = 0;
            for (unsigned ttl = std::max(o.first_ttl, 1U); ttl <= max_ttl; ++ttl) {
                hop_result hop{ttl, {}};
                for (unsigned i = 0; i < o.probes_per_hop; ++i)
                    hop.probes.push_back(
                        probe_udp_recverr(o, ttl, static_cast<std::uint16_t>(base_port + ++seq)));
                on_hop(hop);
                if (hop.reached()) return;
            }
            return;
        }
        throw capture_error(
            fmt::format("route trace: cannot open a raw ICMP socket ({}); --icmp and --tcp need "
                        "CAP_NET_RAW: run "
                        "as root or `setcap cap_net_raw=eip pktscope` (--udp works without it)",
                        std::strerror(errno)));
    }
    socket_fd udp_fd;
    std::uint16_t udp_source_port = 0;
    if (o.method == probe_method::udp) {
        udp_fd = socket_fd(::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        const socket_address any = make_address(any_address{ipv6, {}, {}}, 0);
        if (udp_fd.get() < 0 ||
            ::bind(udp_fd.get(), reinterpret_cast<const sockaddr*>(&any.storage), any.length) != 0)
            throw capture_error(fmt::format("route trace: UDP socket: {}", std::strerror(errno)));
        udp_source_port = local_port(udp_fd.get());
    }
    const probe_context ctx{o, ipv6, icmp_fd.get(), static_cast<std::uint16_t>(::getpid() & 0xFFFF),
                            base_port};
    std::uint16_t seq = 0;
    for (unsigned ttl = std::max(o.first_ttl, 1U); ttl <= max_ttl; ++ttl) {
        hop_result hop{ttl, {}};
        for (unsigned i = 0; i < o.probes_per_hop; ++i) {
            ++seq;
            switch (o.method) {
                case probe_method::udp:
                    hop.probes.push_back(probe_udp(ctx, udp_fd.get(), udp_source_port, ttl, seq));
                    break;
                case probe_method::icmp:
                    hop.probes.push_back(probe_icmp(ctx, ttl, seq));
                    break;
                case probe_method::tcp:
                    hop.probes.push_back(probe_tcp(ctx, ttl));
                    break;
            }
        }
        on_hop(hop);
        if (hop.reached()) return;
    }
}

}  // namespace pktscope
