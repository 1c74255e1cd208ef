// The state the handshake tracker keeps per connection (internal to the analyze library):
// the record being built, Zeek's and RFC 9293's view of the endpoints, and per-direction
// sequence bookkeeping.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "handshake_zeek.hpp"
#include "pktscope/handshake.hpp"

namespace pktscope::detail {

/// A packet's identity for spotting copies of it (same TCP header fields, checksum and IPv4
/// identification): hash, when and where it was first seen.
struct packet_fingerprint {
    std::uint64_t hash = 0;
    std::int64_t ts_ns = 0;
    std::uint64_t frame = 0;
};

/// Bookkeeping for the segments one endpoint sent.
struct direction_state {
    bool seen = false;           ///< this endpoint sent a segment
    bool base_known = false;     ///< base_seq is set (ISN, or guessed mid-stream)
    std::uint32_t base_seq = 0;  ///< ISN, for relative sequence numbers
    std::uint32_t next_seq = 0;  ///< one past the highest sequence number sent (SYN/FIN count)
    bool ack_known = false;
    std::uint32_t last_ack = 0;          ///< last acknowledgment number it sent (its RCV.NXT)
    std::uint32_t window_bytes = 65535;  ///< last window it advertised, scaled when negotiated
    std::uint8_t window_shift = 0;       ///< its window scale, once negotiated
    bool fin_sent = false;
    bool fin_acknowledged = false;               ///< the peer acknowledged the FIN
    std::uint32_t fin_end = 0;                   ///< sequence number one past the FIN
    std::array<packet_fingerprint, 2> recent{};  ///< last packets, for duplicate detection
    std::uint8_t recent_next = 0;
};

/// Where a connection is in its life inside the tracker; picks the flow-table timeout class.
enum class connection_phase : std::uint8_t {
    attempt = 0,    ///< only the client has spoken
    active = 1,     ///< both have spoken, not closed
    closing = 2,    ///< both sent a FIN, the last one is not acknowledged yet
    lingering = 3,  ///< the record is out; trailing packets are absorbed
};

/// Everything the tracker keeps for one connection.
struct connection_tracking {
    tcp_connection record;
    zeek_connection zeek;
    direction_state client_side;         ///< segments sent by the client
    direction_state server_side;         ///< segments sent by the server
    std::int64_t last_syn_ts_ns = 0;     ///< last SYN before the first SYN-ACK
    std::int64_t last_synack_ts_ns = 0;  ///< last SYN-ACK before the completing ACK
    std::uint32_t ladder_tail_next = 0;  ///< oldest slot of the ladder's tail ring
    connection_phase phase = connection_phase::attempt;
    bool emitted = false;
};

}  // namespace pktscope::detail
