// The traffic model behind the benchmark captures: many concurrent conversations (TCP
// connections with handshakes, data and FIN/RST teardown; DNS over UDP and TCP; pings; ICMP
// errors; other UDP), each a short script of packets, interleaved by one clock.
//
// Deterministic: everything comes from one seeded std::mt19937_64 (whose output the standard
// fixes), never from <random>'s distributions (whose algorithms differ between libraries).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "capture_gen_frames.hpp"

namespace pktscope::bench {

/// What a capture looks like.
enum class capture_profile : std::uint8_t {
    mixed,        ///< ~600-byte average, TCP with options, IPv6, DNS, ICMP, ~5 % VLAN
    minimum_tcp,  ///< 60-byte Ethernet/IPv4/TCP frames (no options, 0-6 payload bytes)
};

/// Counts of what the generator wrote, printed so a reader can check the mix.
struct traffic_counts {
    std::uint64_t packets = 0, bytes = 0;
    std::uint64_t tcp_v4 = 0, tcp_v6 = 0, udp_dns = 0, udp_other = 0, icmp = 0;
    std::uint64_t vlan = 0, spoiled_checksums = 0;
    std::uint64_t tcp_connections = 0, dns_transactions = 0;
};

/// One frame to write.
struct generated_frame {
    std::int64_t ts_ns = 0;
    std::vector<std::uint8_t> bytes;
};

/// A small random source with the few draws the model needs.
class rng {
  public:
    explicit rng(std::uint64_t seed) : engine_(seed) {}
    /// Uniform in [0, n) (n > 0; the modulo bias is irrelevant here).
    std::uint64_t below(std::uint64_t n) { return engine_() % n; }
    /// Uniform in [lo, hi].
    std::uint64_t between(std::uint64_t lo, std::uint64_t hi) { return lo + below(hi - lo + 1); }
    /// True with probability p.
    bool chance(double p) { return static_cast<double>(engine_() >> 11) * 0x1.0p-53 < p; }
    std::uint32_t u32() { return static_cast<std::uint32_t>(engine_() >> 32); }
    std::uint16_t u16() { return static_cast<std::uint16_t>(engine_() >> 48); }

  private:
    std::mt19937_64 engine_;
};

/// Produces the frames of one capture in time order.
class traffic_generator {
  public:
    traffic_generator(capture_profile profile, std::uint64_t seed);
    /// Fills `out` with the next frame.
    void next(generated_frame& out);
    const traffic_counts& counts() const noexcept { return counts_; }

    /// One scripted packet of a conversation.
    struct step {
        enum class kind : std::uint8_t { tcp, udp, icmp_echo, icmp_error } what = kind::tcp;
        bool from_client = true;
        spoil spoiled = spoil::none;
        std::int64_t min_gap_ns = 0;        ///< earliest emission after the previous step
        tcp_segment segment;                ///< kind::tcp
        std::vector<std::uint8_t> payload;  ///< udp payload, or a TCP payload (DNS over TCP)
        std::uint16_t echo_sequence = 0;    ///< kind::icmp_echo
        bool time_exceeded = false;         ///< kind::icmp_error
    };
    /// One conversation: its hosts, its script and where it is in it.
    struct session {
        host_pair hosts;
        std::vector<step> steps;
        std::size_t next = 0;
        std::int64_t ready_ns = 0;
        std::uint32_t client_ts_offset_ms = 0, server_ts_offset_ms = 0;
        std::uint32_t last_client_tsval = 0, last_server_tsval = 0;
        std::uint16_t echo_identifier = 0;
        Tins::IPv4Address reporter;
        bool is_dns = false;
    };

  private:
    session new_session();
    void emit(session& s, generated_frame& out);

    capture_profile profile_;
    rng rng_;
    std::int64_t clock_ns_;
    std::vector<session> sessions_;
    std::vector<std::uint8_t> filler_;
    traffic_counts counts_;
};

}  // namespace pktscope::bench
