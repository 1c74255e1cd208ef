#include "udp_echo.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace pktscope::echo_detail {
namespace {

// Datagrams handled per readiness report before the loop looks at other sockets.
constexpr int datagrams_per_wakeup = 64;
constexpr std::int64_t drop_report_interval_ns = 1'000'000'000;

// Fills the destination facts from IP_PKTINFO / IPV6_PKTINFO control messages.
void read_destination(msghdr& msg, udp_request_facts& facts, in_pktinfo& v4, in6_pktinfo& v6,
                      bool& have_v4, bool& have_v6) noexcept {
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
            c->cmsg_len >= CMSG_LEN(sizeof(in_pktinfo))) {
            std::memcpy(&v4, CMSG_DATA(c), sizeof v4);
            have_v4 = true;
        } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
                   c->cmsg_len >= CMSG_LEN(sizeof(in6_pktinfo))) {
            std::memcpy(&v6, CMSG_DATA(c), sizeof v6);
            have_v6 = true;
        }
    }
    if (have_v4) {
        sockaddr_in sin{};
        sin.sin_family = AF_INET;
        sin.sin_addr = v4.ipi_addr;
        facts.destination =
            socket_address_from(reinterpret_cast<const sockaddr*>(&sin), sizeof sin);
        facts.ipv4_not_local_unicast = v4.ipi_addr.s_addr != v4.ipi_spec_dst.s_addr;
    } else if (have_v6) {
        sockaddr_in6 sin6{};
        sin6.sin6_family = AF_INET6;
        sin6.sin6_addr = v6.ipi6_addr;
        facts.destination =
            socket_address_from(reinterpret_cast<const sockaddr*>(&sin6), sizeof sin6);
    }
}

ipv6_address rate_key(const socket_address& source) noexcept {
    if (const auto v4 = ipv4_of(source)) return mapped_ipv6(*v4);
    if (const auto v6 = ipv6_of(source)) return *v6;
    return {};
}

}  // namespace

void udp_drop_log::note(udp_drop_reason reason, const udp_request_facts& facts, std::int64_t now_ns,
                        const echo_event_sink& sink) {
    slot& s = slots_[static_cast<std::size_t>(reason)];
    ++s.unreported;
    s.peer = facts.source;
    s.destination = facts.destination;
    if (!s.reported_once || now_ns - s.last_report_ns >= drop_report_interval_ns)
        report(reason, s, now_ns, sink);
}

void udp_drop_log::flush(std::int64_t now_ns, const echo_event_sink& sink, bool force) {
    for (std::size_t i = 0; i < udp_drop_reason_count; ++i) {
        slot& s = slots_[i];
        if (s.unreported != 0 && (force || now_ns - s.last_report_ns >= drop_report_interval_ns))
            report(static_cast<udp_drop_reason>(i), s, now_ns, sink);
    }
}

bool udp_drop_log::pending() const noexcept {
    for (const slot& s : slots_)
        if (s.unreported != 0) return true;
    return false;
}

void udp_drop_log::report(udp_drop_reason reason, slot& s, std::int64_t now_ns,
                          const echo_event_sink& sink) {
    if (sink) sink(echo_udp_dropped{s.peer, s.destination, reason, s.unreported});
    s.unreported = 0;
    s.last_report_ns = now_ns;
    s.reported_once = true;
}

udp_echo_state::udp_echo_state(const echo_server_limits& l)
    : limits(l),
      per_source(l.udp_rate_per_source, l.udp_burst_per_source, l.udp_rate_table_size),
      buffer(std::make_unique<std::byte[]>(udp_echo_buffer_bytes)) {}

bool enable_destination_info(int fd, int family) noexcept {
    const int on = 1;
    // On an AF_INET6 socket IP_PKTINFO covers the IPv4-mapped (dual-stack) datagrams; it fails
    // harmlessly on an IPv6-only socket, so only its result on AF_INET counts.
    const int v4 = ::setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
    if (family == AF_INET) return v4 == 0;
    return ::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on) == 0;
}

void serve_udp_echo(int fd, udp_echo_state& state, echo_server_totals& totals,
                    const echo_event_sink& sink, std::int64_t now_ns) {
    for (int i = 0; i < datagrams_per_wakeup; ++i) {
        sockaddr_storage from{};
        iovec iov{state.buffer.get(), udp_echo_buffer_bytes};
        alignas(
            cmsghdr) char control[CMSG_SPACE(sizeof(in_pktinfo)) + CMSG_SPACE(sizeof(in6_pktinfo))];
        msghdr msg{};
        msg.msg_name = &from;
        msg.msg_namelen = sizeof from;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        const ssize_t n = ::recvmsg(fd, &msg, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) continue;
            return;  // EAGAIN: drained. Other errors (ICMP reports) concern no one waiting.
        }

        udp_request_facts facts;
        facts.source =
            socket_address_from(reinterpret_cast<const sockaddr*>(&from), msg.msg_namelen);
        facts.truncated = (msg.msg_flags & MSG_TRUNC) != 0;
        in_pktinfo info4{};
        in6_pktinfo info6{};
        bool have_v4 = false;
        bool have_v6 = false;
        read_destination(msg, facts, info4, info6, have_v4, have_v6);

        std::optional<udp_drop_reason> refusal = udp_reply_refusal(facts);
        if (!refusal && !state.per_source.allow(rate_key(facts.source), now_ns))
            refusal = udp_drop_reason::rate_limited_source;
        if (!refusal &&
            !state.total.take(state.limits.udp_rate_total, state.limits.udp_rate_total, now_ns))
            refusal = udp_drop_reason::rate_limited_total;
        totals.rate_table_evictions = state.per_source.evictions();
        if (refusal) {
            ++totals.udp_dropped[static_cast<std::size_t>(*refusal)];
            state.drops.note(*refusal, facts, now_ns, sink);
            continue;
        }

        // Reply from the address the request was sent to (a multi-homed host would otherwise
        // pick its own source, and the client would not recognise the answer). The reply is
        // the request's bytes: never larger.
        alignas(cmsghdr) char reply_control[CMSG_SPACE(sizeof(in6_pktinfo))] = {};
        msghdr reply{};
        iovec reply_iov{state.buffer.get(), static_cast<std::size_t>(n)};
        reply.msg_name = &from;
        reply.msg_namelen = msg.msg_namelen;
        reply.msg_iov = &reply_iov;
        reply.msg_iovlen = 1;
        reply.msg_control = reply_control;
        cmsghdr* c = reinterpret_cast<cmsghdr*>(reply_control);
        if (have_v4) {
            in_pktinfo out{};
            out.ipi_spec_dst = info4.ipi_addr;
            c->cmsg_level = IPPROTO_IP;
            c->cmsg_type = IP_PKTINFO;
            c->cmsg_len = CMSG_LEN(sizeof out);
            std::memcpy(CMSG_DATA(c), &out, sizeof out);
            reply.msg_controllen = CMSG_SPACE(sizeof out);
        } else {
            in6_pktinfo out{};
            out.ipi6_addr = info6.ipi6_addr;
            out.ipi6_ifindex = info6.ipi6_ifindex;
            c->cmsg_level = IPPROTO_IPV6;
            c->cmsg_type = IPV6_PKTINFO;
            c->cmsg_len = CMSG_LEN(sizeof out);
            std::memcpy(CMSG_DATA(c), &out, sizeof out);
            reply.msg_controllen = CMSG_SPACE(sizeof out);
        }
        ssize_t sent = 0;
        do {
            sent = ::sendmsg(fd, &reply, MSG_DONTWAIT | MSG_NOSIGNAL);
        } while (sent < 0 && errno == EINTR);
        if (sent == n) {
            ++totals.udp_datagrams_echoed;
            totals.udp_bytes_echoed += static_cast<std::uint64_t>(n);
        } else {
            ++totals.udp_send_errors;
        }
    }
}

}  // namespace pktscope::echo_detail
