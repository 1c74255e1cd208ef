// The UDP side of the echo server: receive with the destination address (PKTINFO), apply the
// reply policy and rate limits, echo from the address the request was sent to (internal).
#pragma once

#include <cstdint>
#include <memory>

#include "pktscope/echo_server.hpp"
#include "pktscope/rate_limiter.hpp"

namespace pktscope::echo_detail {

/// Reports refused datagrams as echo_udp_dropped records, at most one per reason per second
/// (a flood of refusals must not become a flood of log lines).
class udp_drop_log {
  public:
    /// Counts one refusal; reports it now if the reason was quiet for a second.
    void note(udp_drop_reason reason, const udp_request_facts& facts, std::int64_t now_ns,
              const echo_event_sink& sink);
    /// Reports counts older than a second (`force`: all of them, at shutdown).
    void flush(std::int64_t now_ns, const echo_event_sink& sink, bool force);
    /// True while some refusals are not reported yet.
    bool pending() const noexcept;

  private:
    struct slot {
        std::uint64_t unreported = 0;
        std::int64_t last_report_ns = 0;
        bool reported_once = false;
        socket_address peer;
        socket_address destination;
    };
    void report(udp_drop_reason reason, slot& s, std::int64_t now_ns, const echo_event_sink& sink);
    slot slots_[udp_drop_reason_count];
};

/// State the UDP sockets share: rate limits, the refusal log, a receive buffer.
struct udp_echo_state {
    explicit udp_echo_state(const echo_server_limits& limits);
    const echo_server_limits& limits;
    source_rate_limiter per_source;
    token_bucket total;
    udp_drop_log drops;
    std::unique_ptr<std::byte[]> buffer;  ///< udp_echo_buffer_bytes
};

/// Large enough for any UDP datagram (65,535 - 8), so MSG_TRUNC means a broken sender.
inline constexpr std::size_t udp_echo_buffer_bytes = 65536;

/// Receives and answers (or refuses) the datagrams waiting on `fd`, at most a batch per call.
void serve_udp_echo(int fd, udp_echo_state& state, echo_server_totals& totals,
                    const echo_event_sink& sink, std::int64_t now_ns);

/// Asks the kernel for each datagram's destination address on `fd` (IP_PKTINFO for IPv4 and
/// IPv4-mapped traffic, IPV6_RECVPKTINFO for IPv6). Returns false with errno on failure.
bool enable_destination_info(int fd, int family) noexcept;

}  // namespace pktscope::echo_detail
