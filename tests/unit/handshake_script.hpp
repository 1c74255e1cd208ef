// Helpers for the handshake unit tests: TCP segments crafted with libtins (real checksums,
// real option encodings), fed through decode() into a handshake_tracker, records collected.
#pragma once

#include <gtest/gtest.h>
#include <tins/tins.h>

#include <cstdint>
#include <string>
#include <vector>

#include "pktscope/decode.hpp"
#include "pktscope/handshake.hpp"

namespace pktscope::test {

/// libtins' flag bits are the header's bits, so tcp_flag values pass through unchanged.
inline constexpr std::uint16_t SYN = tcp_flag::syn, ACK = tcp_flag::ack, FIN = tcp_flag::fin,
                               RST = tcp_flag::rst, PSH = tcp_flag::psh;

/// One TCP segment to craft.
struct segment_spec {
    // A constructor (not an aggregate) so that tests can leave the trailing fields out.
    segment_spec(std::uint16_t flags_, std::uint32_t seq_, std::uint32_t ack_,
                 std::string payload_ = {}, std::uint16_t window_ = 64240,
                 bool syn_options_ = false, std::uint16_t ip_id_ = 0)
        : flags(flags_),
          seq(seq_),
          ack(ack_),
          payload(std::move(payload_)),
          window(window_),
          syn_options(syn_options_),
          ip_id(ip_id_) {}
    std::uint16_t flags;
    std::uint32_t seq;
    std::uint32_t ack;
    std::string payload;
    std::uint16_t window;
    bool syn_options;     ///< MSS 1460 (1440 over IPv6), SACK permitted, timestamps, window scale 7
    std::uint16_t ip_id;  ///< IPv4 identification (0: a fresh one per segment)
};

/// A client and a server, and a tracker watching the segments they exchange.
class scripted_capture {
  public:
    explicit scripted_capture(handshake_options options = {}, bool ipv6 = false,
                              std::uint16_t client_port = 40000, std::uint16_t server_port = 80)
        : ipv6_(ipv6),
          client_port_(client_port),
          server_port_(server_port),
          tracker_(options, {[this](const tcp_connection& c) { established.push_back(c); },
                             [this](const tcp_connection& c) { records.push_back(c); }}) {}

    static constexpr std::int64_t t0 = 1'700'000'000'000'000'000;  ///< ns, 2023-11-14
    static constexpr std::int64_t ms = 1'000'000;

    /// Crafts the segment, decodes it and gives it to the tracker at t0 + at_ns.
    void client(std::int64_t at_ns, const segment_spec& s) { send(true, at_ns, s); }
    void server(std::int64_t at_ns, const segment_spec& s) { send(false, at_ns, s); }
    /// The bytes of the segment as they would be captured (for checksum corruption tests).
    std::vector<std::uint8_t> bytes(bool from_client, const segment_spec& s) {
        std::vector<std::uint8_t> out;
        Tins::TCP tcp = from_client ? Tins::TCP(server_port_, client_port_)
                                    : Tins::TCP(client_port_, server_port_);
        tcp.flags(static_cast<Tins::small_uint<12>>(s.flags));
        tcp.seq(s.seq);
        tcp.ack_seq(s.ack);
        tcp.window(s.window);
        if (s.syn_options) {
            tcp.mss(ipv6_ ? 1440 : 1460);
            tcp.sack_permitted();
            tcp.timestamp(1000, 0);
            tcp.winscale(7);
        }
        const std::string client_ip = ipv6_ ? "fd00::1" : "10.0.0.1";
        const std::string server_ip = ipv6_ ? "fd00::2" : "10.0.0.2";
        const std::string& src = from_client ? client_ip : server_ip;
        const std::string& dst = from_client ? server_ip : client_ip;
        if (ipv6_) {
            Tins::EthernetII eth = Tins::EthernetII() / Tins::IPv6(dst, src) / tcp;
            if (!s.payload.empty()) eth /= Tins::RawPDU(s.payload);
            out = eth.serialize();
        } else {
            Tins::IP ip(dst, src);
            ip.id(s.ip_id != 0 ? s.ip_id : ++next_ip_id_);
            Tins::EthernetII eth = Tins::EthernetII() / ip / tcp;
            if (!s.payload.empty()) eth /= Tins::RawPDU(s.payload);
            out = eth.serialize();
        }
        return out;
    }
    /// Gives raw frame bytes to the tracker.
    void feed(std::int64_t at_ns, const std::vector<std::uint8_t>& data) {
        frame f;
        f.ts_ns = t0 + at_ns;
        f.caplen = f.wirelen = static_cast<std::uint32_t>(data.size());
        f.linktype = linktype::en10mb;
        f.data = as_bytes_of(data.data(), data.size());
        decoded_packet p;
        decode(f, p);
        tracker_.process(f, p, ++frames_);
    }
    /// End of capture.
    void flush() { tracker_.flush(); }
    void advance(std::int64_t at_ns) { tracker_.advance(t0 + at_ns); }
    handshake_tracker& tracker() { return tracker_; }

    /// The only record; fails the test when there is not exactly one.
    const tcp_connection& only_record() const {
        EXPECT_EQ(records.size(), 1U);
        static const tcp_connection empty;
        return records.empty() ? empty : records.front();
    }

    std::vector<tcp_connection> records;
    std::vector<tcp_connection> established;

  private:
    void send(bool from_client, std::int64_t at_ns, const segment_spec& s) {
        feed(at_ns, bytes(from_client, s));
    }

    bool ipv6_;
    std::uint16_t client_port_;
    std::uint16_t server_port_;
    std::uint16_t next_ip_id_ = 100;
    std::uint64_t frames_ = 0;
    handshake_tracker tracker_;
};

/// The connection anomaly names of a record, in enum order.
inline std::vector<std::string> anomaly_names(const tcp_connection& c) {
    std::vector<std::string> out;
    c.packet_anomalies.for_each([&](anomaly a) { out.emplace_back(anomaly_name(a)); });
    c.anomalies.for_each(
        [&](connection_anomaly a) { out.emplace_back(connection_anomaly_name(a)); });
    return out;
}

}  // namespace pktscope::test
