// Reassembly of DNS messages from one direction of a TCP connection (RFC 1035 4.2.2: each
// message is preceded by a two-byte length; RFC 7766 8: a message may span segments and a
// segment may carry several messages).
//
// Segments are placed by sequence number: retransmitted bytes are trimmed, segments that
// arrive early are held until the gap before them fills. Everything is bounded: a hole that
// never fills (bytes the capture lost) or too many held bytes make the reassembler skip to
// the held data and treat it as the start of a message (a resync, counted).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "pktscope/bytes.hpp"
#include "pktscope/tcp.hpp"

namespace pktscope {

/// Bounds of one dns_stream_reassembler.
struct dns_stream_limits {
    std::size_t max_held_segments = 64;       ///< out-of-order segments kept
    std::size_t max_held_bytes = 256u << 10;  ///< bytes in out-of-order segments kept
};

/// Counters of one dns_stream_reassembler (summed by the tracker).
struct dns_stream_counters {
    std::uint64_t messages = 0;               ///< complete messages returned
    std::uint64_t out_of_order_segments = 0;  ///< segments held because they came early
    std::uint64_t retransmitted_bytes = 0;    ///< bytes seen before (trimmed)
    std::uint64_t gaps = 0;                   ///< holes skipped (resyncs)
    std::uint64_t bytes_dropped = 0;          ///< bytes discarded at a resync or limit
};

/// One direction of a TCP connection carrying length-prefixed DNS messages.
class dns_stream_reassembler {
  public:
    /// A reassembler with the default limits.
    dns_stream_reassembler() = default;
    /// A reassembler with `limits`.
    explicit dns_stream_reassembler(dns_stream_limits limits) : limits_(limits) {}

    /// Adds a segment's payload. `seq` is the segment's sequence number; with `syn` the
    /// payload starts at seq + 1 (RFC 9293 3.4). The first segment seen fixes the stream's
    /// start when no SYN was captured. `payload` must be the whole payload (a segment cut by
    /// the snapshot length should be passed with its captured bytes and `complete` false,
    /// which ends the stream's alignment as a gap would). Invalidates spans from next_message().
    void add(tcp_seq seq, bool syn, byte_span payload, bool complete = true);

    /// The next complete message (without its length prefix), valid until the next add().
    /// False when no complete message is buffered.
    bool next_message(byte_span& message);

    /// Bytes held (unconsumed in-order bytes plus out-of-order segments).
    std::size_t buffered_bytes() const noexcept { return buffer_.size() - read_ + held_bytes_; }
    /// Totals so far.
    const dns_stream_counters& counters() const noexcept { return counters_; }

  private:
    struct held_segment {
        tcp_seq seq;
        std::vector<std::byte> bytes;
    };
    void append_in_order(tcp_seq seq, byte_span payload);
    void drain_held();
    void resync_to_held();

    dns_stream_limits limits_;
    bool started_ = false;
    tcp_seq next_seq_;               ///< sequence number of the next in-order byte
    std::vector<std::byte> buffer_;  ///< in-order bytes; [read_, size) not yet consumed
    std::size_t read_ = 0;
    std::vector<held_segment> held_;  ///< early segments, unsorted
    std::size_t held_bytes_ = 0;
    dns_stream_counters counters_;
};

}  // namespace pktscope
