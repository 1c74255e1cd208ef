// Zeek's view of a TCP connection (internal to the analyze library): the per-endpoint analysis
// states that conn_state is computed from, and the history letters. The rules follow Zeek's
// documented meanings (conn.log: conn_state, history) and its TCP endpoint state machine, so
// the two fields mean exactly what a Zeek user expects.
#pragma once

#include <cstdint>
#include <string>

#include "pktscope/handshake.hpp"

namespace pktscope::detail {

/// A counter that reports its 1st, 10th, 100th, ... occurrence (Zeek's logarithmic history
/// letters c, t, w).
struct scaled_counter {
    std::uint32_t count = 0;
    std::uint32_t threshold = 1;
    /// Counts one occurrence; true when this one should add a history letter.
    bool hit() noexcept {
        if (++count != threshold) return false;
        threshold = threshold > UINT32_MAX / 10 ? UINT32_MAX : threshold * 10;
        return true;
    }
};

/// One endpoint as Zeek's TCP analyzer tracks it.
struct zeek_endpoint {
    zeek_endpoint_state state = zeek_endpoint_state::inactive;
    zeek_endpoint_state prev_state = zeek_endpoint_state::inactive;
    std::uint32_t start_seq = 0;
    std::uint32_t last_seq = 0;     ///< one past the highest sequence number sent
    std::uint8_t letters_seen = 0;  ///< which once-only letters this endpoint already added
    std::uint32_t last_syn_seq = 0;
    std::uint32_t last_fin_seq = 0;
    std::uint32_t last_rst_seq = 0;
    scaled_counter checksum_errors;
    scaled_counter retransmissions;
    scaled_counter zero_windows;

    /// Zeek remembers the previous state only on a real change.
    void set_state(zeek_endpoint_state s) noexcept {
        if (s == state) return;
        prev_state = state;
        state = s;
    }
};

/// Both endpoints; orig = the client of the record.
struct zeek_connection {
    zeek_endpoint orig;
    zeek_endpoint resp;
};

/// The fields of one segment Zeek's analysis looks at.
struct zeek_segment {
    bool is_orig = true;
    std::uint16_t flags = 0;  ///< tcp_flag bits
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint32_t payload_length = 0;
    std::uint16_t window = 0;
};

/// Appends a history letter (upper case for the originator), bounded by max_history_letters.
void add_history_letter(tcp_connection& record, char upper_letter, bool is_orig) noexcept;

/// Processes one (checksum-valid, non-duplicate) segment: history letters, zero-window and
/// retransmission counters, then the endpoint state machine.
void zeek_process(zeek_connection& conn, const zeek_segment& segment,
                  tcp_connection& record) noexcept;

/// A segment with a bad checksum: only the scaled 'c' letter (Zeek drops the segment).
void zeek_checksum_error(zeek_connection& conn, bool is_orig, tcp_connection& record) noexcept;

/// Zeek's conn_state for the endpoints' current states.
conn_state zeek_conn_state(const zeek_connection& conn, std::string_view history,
                           std::uint64_t orig_bytes, std::uint64_t resp_bytes) noexcept;

/// Why zeek_conn_state() returns what it does for the same inputs, in one sentence (--explain).
std::string zeek_conn_state_reason(const zeek_connection& conn, std::string_view history,
                                   std::uint64_t orig_bytes, std::uint64_t resp_bytes);

}  // namespace pktscope::detail
