// RFC 9293 endpoint states inferred from the capture (internal to the analyze library).
//
// A monitor only sees segments, so each endpoint's state changes when it sends a segment
// (SYN, FIN) or when a segment that the capture saw on its way reaches it (assumed delivered).
#pragma once

#include <cstdint>

#include "pktscope/handshake.hpp"

namespace pktscope::detail {

/// What one accepted segment means for the two endpoints' states.
struct rfc9293_segment {
    bool from_client = true;
    std::uint16_t flags = 0;             ///< tcp_flag bits
    bool acknowledges_peer_fin = false;  ///< its ACK covers the receiver's FIN
    bool rst_accepted = false;           ///< a RST that passed the RFC 5961 check
};

/// Applies one segment to the client and server states (RFC 9293 3.5, 3.6, 3.10.7).
void rfc9293_update(tcp_state& client, tcp_state& server, const rfc9293_segment& segment) noexcept;

}  // namespace pktscope::detail
