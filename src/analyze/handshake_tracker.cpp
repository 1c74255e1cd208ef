// The handshake tracker: per-packet bookkeeping of every TCP connection, from the first SYN
// (or the first packet seen) to the record.
//
// Rules that decide what the record says (each one also becomes an --explain note):
// - client: the sender of the first SYN without ACK; when the first packet seen is a SYN-ACK,
//   its receiver; otherwise the port >= 1024 talking to a port < 1024, else the first sender
//   (picked_up_mid_stream, history starts with '^' when the first sender is not the client);
// - a SYN retransmission carries the ISN of the first SYN; a SYN with another ISN starts a new
//   connection on the same ports (the old one ends); SYN-ACKs are counted the same way;
// - a copy of a packet (same TCP header, checksum and IPv4 identification) within the
//   duplicate window, as `-i any` shows a forwarded packet on two interfaces, is counted once;
// - a packet with a bad TCP checksum is ignored, as the receiving stack would (Zeek's 'c');
// - the ACK completing the handshake is the first client ACK (no SYN, no RST) acknowledging
//   the server's ISN + 1;
// - a RST ends the connection only when acceptable (RFC 9293 3.10.7.3 in SYN-SENT: it must
//   acknowledge the SYN; otherwise RFC 5961 3.2: its sequence number lies in the receiver's
//   window); a RST answering the SYN before any SYN-ACK means `refused`;
// - after both FINs, the record comes out once the second FIN is acknowledged (or after the
//   closing timeout); after the record, the entry lingers to absorb stragglers.
#include <algorithm>

#include "handshake_connection.hpp"
#include "handshake_notes.hpp"
#include "handshake_rfc9293.hpp"
#include "handshake_zeek.hpp"
#include "pktscope/handshake.hpp"

namespace pktscope {
namespace {

using detail::connection_phase;
using detail::connection_tracking;
using detail::direction_state;

constexpr std::size_t timeout_classes = 4;
using connection_table = flow_table<connection_tracking, timeout_classes>;

bool has(std::uint16_t flags, std::uint16_t bit) {
    return (flags & bit) != 0;
}

// Sequence distance b - a, modulo 2^32 (RFC 9293 3.4).
std::int32_t seq_diff(std::uint32_t b, std::uint32_t a) {
    return static_cast<std::int32_t>(b - a);
}

// Larger sequence jumps than this are treated as garbage, not as data.
constexpr std::int32_t max_plausible_advance = 1 << 30;

constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

// Identity of a packet for duplicate detection: everything a copy keeps and a retransmission
// would change (IP identification, TCP timestamps via the checksum).
std::uint64_t packet_identity(const decoded_packet& p) {
    const tcp_view& t = *p.tcp;
    std::uint64_t h =
        mix64((std::uint64_t{t.sequence_number().value()} << 32) | t.ack_number().value());
    h = mix64(h ^ ((std::uint64_t{t.flags()} << 48) | (std::uint64_t{t.window()} << 32) |
                   (std::uint64_t{t.checksum()} << 16) | (p.ipv4 ? p.ipv4->identification() : 0U)));
    return mix64(h ^ p.payload_length);
}

tcp_offered_options offered_options(const tcp_options& o) {
    tcp_offered_options out;
    out.mss = o.mss;
    out.window_scale = o.window_scale;
    out.sack_permitted = o.sack_permitted;
    out.timestamps = o.timestamp.has_value();
    return out;
}

tcp_negotiated_options negotiate(const tcp_offered_options& c, const tcp_offered_options& s) {
    tcp_negotiated_options n;
    if (c.mss && s.mss) n.mss = std::min(*c.mss, *s.mss);
    n.window_scaling = c.window_scale.has_value() && s.window_scale.has_value();
    n.sack_permitted = c.sack_permitted && s.sack_permitted;
    n.timestamps = c.timestamps && s.timestamps;
    return n;
}

std::string options_text(const tcp_offered_options& o) {
    std::string out;
    auto add = [&out](const std::string& s) {
        if (!out.empty()) out += ", ";
        out += s;
    };
    if (o.mss) add("mss " + std::to_string(*o.mss));
    if (o.window_scale) add("wscale " + std::to_string(*o.window_scale));
    if (o.sack_permitted) add("sackOK");
    if (o.timestamps) add("TS");
    return out.empty() ? std::string("no options") : out;
}

// The reasons behind one frame's conclusions, for --explain, joined by "; ". Built only when
// explaining: each part is a callable that makes its text, called only then (no allocation
// per packet otherwise).
class reasons {
  public:
    explicit reasons(bool on) : on_(on) {}
    template <class Make>
    void add(Make&& make) {
        if (!on_) return;
        if (!text_.empty()) text_ += "; ";
        text_ += make();
    }
    bool empty() const noexcept { return text_.empty(); }
    const std::string& text() const noexcept { return text_; }

  private:
    bool on_;
    std::string text_;
};

}  // namespace

struct handshake_tracker::impl {
    handshake_options options;
    handshake_callbacks callbacks;
    connection_table table;
    handshake_counters counters;
    std::int64_t clock_ns = INT64_MIN;

    static connection_table::options table_options(const handshake_options& o) {
        connection_table::options t;
        t.max_entries = o.max_connections;
        t.idle_timeout_ns[static_cast<std::size_t>(connection_phase::attempt)] =
            o.attempt_timeout_ns;
        t.idle_timeout_ns[static_cast<std::size_t>(connection_phase::active)] = o.idle_timeout_ns;
        t.idle_timeout_ns[static_cast<std::size_t>(connection_phase::closing)] =
            o.closing_timeout_ns;
        t.idle_timeout_ns[static_cast<std::size_t>(connection_phase::lingering)] = o.linger_ns;
        return t;
    }

    impl(const handshake_options& o, handshake_callbacks cb)
        : options(o), callbacks(std::move(cb)), table(table_options(o)) {}

    // --- removal from the table -------------------------------------------------------

    auto removal_handler() {
        return [this](const flow_key&, connection_tracking& c, flow_removal why) {
            on_removed(c, why);
        };
    }

    void on_removed(connection_tracking& c, flow_removal why) {
        if (c.emitted) return;
        const bool both_fin = c.client_side.fin_sent && c.server_side.fin_sent;
        if (why == flow_removal::flushed) {
            finish(c, both_fin ? connection_end::fin : connection_end::open, [both_fin] {
                return std::string(
                    both_fin ? "both sides sent a FIN; the capture ended before the last one "
                               "was acknowledged"
                             : "still open when the capture ended");
            });
            return;
        }
        if (both_fin) {
            finish(c, connection_end::fin, [] {
                return std::string("both sides sent a FIN; the last one was never acknowledged");
            });
            return;
        }
        if (why == flow_removal::table_full) {
            finish(c, connection_end::timeout, [this] {
                return "evicted: the connection table was full (" +
                       std::to_string(table.max_entries()) +
                       " connections) and it was the nearest to its idle deadline";
            });
        } else {
            finish(c, connection_end::timeout, [&c] {
                return "idle timeout: no packet for longer than its class allows (" +
                       std::string(c.phase == connection_phase::attempt
                                       ? "attempt, --attempt-timeout"
                                       : "--idle-timeout") +
                       ")";
            });
        }
    }

    // --- notes for --explain -----------------------------------------------------------

    connection_details* details(connection_tracking& c) { return c.record.details.get(); }

    void note(connection_tracking& c, std::uint64_t frame, std::int64_t ts_ns, std::string text) {
        connection_details* d = details(c);
        if (d == nullptr || !options.explain) return;
        if (d->explain.size() >= options.max_explain_steps) {
            ++d->explain_dropped;
            return;
        }
        d->explain.push_back(
            {frame, ts_ns, c.record.client_state, c.record.server_state, std::move(text)});
    }

    void ladder(connection_tracking& c, const ladder_row& row) {
        connection_details* d = details(c);
        if (d == nullptr || !options.ladder) return;
        if (d->ladder_head.size() < options.ladder_rows) {
            d->ladder_head.push_back(row);
            return;
        }
        if (d->ladder_tail.size() < options.ladder_rows) {
            d->ladder_tail.push_back(row);
            return;
        }
        // Keep the newest rows: overwrite the oldest (the ring is re-ordered at the end).
        d->ladder_tail[c.ladder_tail_next] = row;
        c.ladder_tail_next =
            static_cast<std::uint32_t>((c.ladder_tail_next + 1) % d->ladder_tail.size());
        ++d->ladder_omitted;
    }

    // --- the record ---------------------------------------------------------------------

    // `why` makes the text of the end's reason (called only when explaining).
    template <class Why>
    void finish(connection_tracking& c, connection_end end, Why&& why) {
        tcp_connection& r = c.record;
        r.end = end;
        r.state = detail::zeek_conn_state(c.zeek, r.history(), r.bytes_client_to_server,
                                          r.bytes_server_to_client);
        r.zeek_originator = c.zeek.orig.state;
        r.zeek_responder = c.zeek.resp.state;
        if (connection_details* d = details(c)) {
            if (!d->ladder_tail.empty() && c.ladder_tail_next != 0)
                std::rotate(d->ladder_tail.begin(), d->ladder_tail.begin() + c.ladder_tail_next,
                            d->ladder_tail.end());
            if (options.explain) {
                // Conclusions always fit: they bypass the per-packet bound.
                d->explain.push_back(
                    {0, r.last_ts_ns, r.client_state, r.server_state,
                     "end " + std::string(connection_end_name(end)) + ": " + why()});
                d->explain.push_back(
                    {0, r.last_ts_ns, r.client_state, r.server_state,
                     detail::zeek_conn_state_reason(c.zeek, r.history(), r.bytes_client_to_server,
                                                    r.bytes_server_to_client)});
            }
        }
        ++counters.records;
        ++counters.by_end[static_cast<std::size_t>(end)];
        ++counters.by_state[static_cast<std::size_t>(r.state)];
        r.anomalies.for_each(
            [this](connection_anomaly a) { ++counters.anomalies[static_cast<std::size_t>(a)]; });
        c.emitted = true;
        c.phase = connection_phase::lingering;
        if (callbacks.finished) callbacks.finished(r);
    }

    // --- a new connection -----------------------------------------------------------------

    void start(connection_tracking& c, const flow_key& key, std::uint16_t flags,
               std::uint64_t frame, std::int64_t ts_ns) {
        tcp_connection& r = c.record;
        const bool syn = has(flags, tcp_flag::syn), ack = has(flags, tcp_flag::ack);
        bool flipped = false;
        if (syn && !ack) {
            r.client = key.source;
            r.server = key.destination;
        } else {
            r.picked_up_mid_stream = true;
            // The SYN-ACK's receiver sent the SYN; otherwise a port below 1024 is the server's.
            flipped = (syn && ack) || (key.source.port < 1024 && key.destination.port >= 1024);
            r.client = flipped ? key.destination : key.source;
            r.server = flipped ? key.source : key.destination;
        }
        r.first_frame = frame;
        r.first_ts_ns = ts_ns;
        if (options.explain || options.ladder) r.details = std::make_shared<connection_details>();
        if (flipped) detail::add_history_letter(r, '^', true);
        if (r.picked_up_mid_stream) {
            // Without the SYN the endpoints' states are a guess: a SYN-ACK implies the client
            // sent a SYN; anything else implies an established connection.
            r.client_state = syn && ack ? tcp_state::syn_sent : tcp_state::established;
            r.server_state = syn && ack ? tcp_state::listen : tcp_state::established;
            note(c, frame, ts_ns,
                 "picked up mid-stream (the first packet is " + detail::flags_text(flags) +
                     ", not a SYN): " + detail::endpoint_text(r.client) +
                     " taken as the client because " +
                     (syn && ack ? std::string("it receives the SYN-ACK")
                      : flipped  ? "the other port is below 1024 (a server's)"
                                 : "it sent the first packet") +
                     "; endpoint states assumed " + std::string(tcp_state_name(r.client_state)) +
                     " / " + std::string(tcp_state_name(r.server_state)));
        }
    }

    // True when a SYN on an existing entry opens a new connection on the same ports.
    static bool opens_new_connection(const connection_tracking& c, bool from_client,
                                     std::uint16_t flags, std::uint32_t seq) {
        if (!has(flags, tcp_flag::syn) || has(flags, tcp_flag::ack) || has(flags, tcp_flag::rst))
            return false;
        const std::optional<std::uint32_t>& isn = c.record.client_isn;
        // After the record, anything but the same SYN again (a retransmission) is a new one.
        if (c.emitted) return !(from_client && isn && seq == *isn);
        // The client's SYN with another ISN; or a SYN after traffic picked up mid-stream, which
        // belonged to an earlier connection whose start was not seen.
        if (from_client) return !isn || seq != *isn;
        // The server's SYN: simultaneous open when the client's SYN was seen, else a new start.
        return !isn;
    }

    // --- RST acceptability ------------------------------------------------------------------

    bool rst_acceptable(const connection_tracking& c, bool from_client, std::uint32_t seq,
                        std::uint32_t ack, bool ack_bit, reasons& why) const {
        const tcp_connection& r = c.record;
        const direction_state& sender = from_client ? c.client_side : c.server_side;
        const direction_state& receiver = from_client ? c.server_side : c.client_side;
        if (!from_client && r.client_isn && !r.server_isn) {
            // The client is in SYN-SENT: only a RST acknowledging its SYN counts (RFC
            // 9293 3.10.7.3).
            const bool ok = ack_bit && ack == *r.client_isn + 1;
            why.add([ok] {
                return std::string(
                    ok ? "it acknowledges the client's ISN + 1, as RFC 9293 3.10.7.3 "
                         "requires in SYN-SENT"
                       : "in SYN-SENT a RST must acknowledge the SYN (RFC 9293 "
                         "3.10.7.3); this one does not");
            });
            return ok;
        }
        if (!sender.seen && !receiver.ack_known) {
            why.add([] { return std::string("nothing was seen to check it against"); });
            return true;
        }
        // RFC 5961 3.2: RCV.NXT <= SEG.SEQ < RCV.NXT + RCV.WND. RCV.NXT is the receiver's
        // last acknowledgment number, or the sender's next sequence number when it never acked.
        const std::uint32_t rcv_nxt = receiver.ack_known ? receiver.last_ack : sender.next_seq;
        const std::int64_t offset = seq_diff(seq, rcv_nxt);
        const std::int64_t window = std::max<std::int64_t>(receiver.window_bytes, 1);
        const bool ok = offset >= 0 && offset < window;
        why.add([&] {
            return "its sequence number is " + std::to_string(offset) +
                   " bytes past the receiver's RCV.NXT, " + (ok ? "inside" : "outside") +
                   " its window of " + std::to_string(window) + " bytes (RFC 5961 3.2)";
        });
        return ok;
    }

    // --- one segment ----------------------------------------------------------------------

    void segment(connection_tracking& c, const frame& f, const decoded_packet& p,
                 std::uint64_t frame, const flow_key& key);

    void process(const frame& f, const decoded_packet& p, std::uint64_t frame) {
        ++counters.packets;
        advance(f.ts_ns);
        if (!p.tcp) return;
        const std::optional<flow_key> key = flow_key_of(p);
        if (!key) return;
        ++counters.tcp_packets;
        const tcp_view& t = *p.tcp;
        const canonical_flow canonical = canonicalize(*key);
        connection_table::handle h = table.find(canonical.key);
        if (h != connection_table::npos) {
            connection_tracking& c = table.value(h);
            const bool from_client = key->source == c.record.client;
            if (opens_new_connection(c, from_client, t.flags(), t.sequence_number().value())) {
                if (!c.emitted) {
                    c.record.anomalies.add(connection_anomaly::superseded_by_new_syn);
                    finish(c,
                           c.client_side.fin_sent && c.server_side.fin_sent
                               ? connection_end::fin
                               : connection_end::timeout,
                           [frame] {
                               return "superseded: frame " + std::to_string(frame) +
                                      " is a SYN with a new ISN on the same addresses and ports";
                           });
                }
                table.erase(h);
                h = connection_table::npos;
            }
        }
        if (h == connection_table::npos) {
            h = table.insert(canonical.key, clock_ns, 0, removal_handler());
            start(table.value(h), *key, t.flags(), frame, f.ts_ns);
        }
        connection_tracking& c = table.value(h);
        segment(c, f, p, frame, *key);
        table.touch(h, clock_ns, static_cast<std::size_t>(c.phase));
    }

    void advance(std::int64_t now_ns) {
        if (now_ns > clock_ns) clock_ns = now_ns;
        table.expire(clock_ns, removal_handler());
    }

    void flush() { table.flush(removal_handler()); }
};

void handshake_tracker::impl::segment(connection_tracking& c, const frame& f,
                                      const decoded_packet& p, std::uint64_t frame,
                                      const flow_key& key) {
    tcp_connection& r = c.record;
    const tcp_view& t = *p.tcp;
    const bool from_client = key.source == r.client;
    direction_state& self = from_client ? c.client_side : c.server_side;
    direction_state& peer = from_client ? c.server_side : c.client_side;
    const char* const who = from_client ? "client" : "server";
    const std::int64_t ts = f.ts_ns;

    const std::uint16_t flags = t.flags();
    const std::uint32_t seq = t.sequence_number().value();
    const std::uint32_t ack = t.ack_number().value();
    const std::uint32_t len = p.payload_length;
    const bool syn = has(flags, tcp_flag::syn), ack_bit = has(flags, tcp_flag::ack),
               fin = has(flags, tcp_flag::fin), rst = has(flags, tcp_flag::rst);
    const std::string packet_text = [&] {
        if (!options.explain) return std::string();
        return std::string(who) + " -> " + (from_client ? "server" : "client") + " " +
               detail::flags_text(flags) + " seq " + std::to_string(seq) +
               (ack_bit ? " ack " + std::to_string(ack) : "") + " len " + std::to_string(len) +
               ": ";
    }();

    // A copy of a packet seen moments ago (another interface on `-i any`) is not a new segment.
    const std::uint64_t identity = packet_identity(p);
    for (const detail::packet_fingerprint& seen : self.recent) {
        if (seen.frame != 0 && seen.hash == identity && ts >= seen.ts_ns &&
            ts - seen.ts_ns <= options.duplicate_window_ns) {
            ++counters.duplicates;
            if (c.emitted) return;  // a copy of a straggler: the record is already out
            ++r.duplicates;
            note(c, frame, ts,
                 packet_text + "a copy of frame " + std::to_string(seen.frame) +
                     " (same TCP header, checksum and " + "IP identification, " +
                     detail::ms_text(ts - seen.ts_ns) +
                     " later, within the duplicate window): counted once, not as a retransmission");
            return;
        }
    }
    self.recent[self.recent_next] = {identity, ts, frame};
    self.recent_next = static_cast<std::uint8_t>((self.recent_next + 1) % self.recent.size());
    if (c.emitted) {
        ++counters.after_close;
        return;
    }

    // A capture clock that steps back makes every duration from here on suspect.
    if (ts < r.last_ts_ns) r.anomalies.add(connection_anomaly::timestamps_out_of_order);
    r.last_ts_ns = ts;
    r.last_frame = frame;
    if (from_client)
        ++r.packets_client_to_server;
    else
        ++r.packets_server_to_client;
    if (!p.anomalies.empty()) p.anomalies.for_each([&r](anomaly a) { r.packet_anomalies.add(a); });

    if (p.l4_checksum.status == checksum_status::bad) {
        // The receiving stack drops it, and so does Zeek: only the 'c' letter remains.
        ++counters.bad_checksum;
        detail::zeek_checksum_error(c.zeek, from_client, r);
        note(c, frame, ts,
             packet_text + "ignored: bad TCP checksum (carried " +
                 std::to_string(p.l4_checksum.value) + ", expected " +
                 std::to_string(p.l4_checksum.expected) + "); the receiver drops it too");
        return;
    }

    // Segment-level anomalies.
    if (syn && fin) r.anomalies.add(connection_anomaly::syn_fin);
    if (syn && rst) r.anomalies.add(connection_anomaly::syn_rst);
    if (fin && rst) r.anomalies.add(connection_anomaly::fin_rst);
    if (flags == 0) r.anomalies.add(connection_anomaly::no_flags);
    if (syn && len > 0) r.anomalies.add(connection_anomaly::syn_with_payload);
    if (syn && p.tcp_opts.window_scale && *p.tcp_opts.window_scale > 14)
        r.anomalies.add(connection_anomaly::window_scale_over_14);

    detail::zeek_process(c.zeek, {from_client, flags, seq, ack, len, t.window()}, r);

    // Relative numbering: from the ISN, or as if a SYN had come just before (mid-stream).
    if (syn) {
        self.base_known = true;
        self.base_seq = seq;
    } else if (!self.base_known) {
        self.base_known = true;
        self.base_seq = seq - 1;
    }
    if (ack_bit && !peer.base_known) {
        peer.base_known = true;
        peer.base_seq = ack - 1;
    }

    // Sequence bookkeeping: payload bytes from sequence numbers, retransmitted payload.
    const std::uint32_t data_start = seq + (syn ? 1U : 0U);
    const std::uint32_t data_end = data_start + len;
    if (!self.seen) {
        self.seen = true;
        self.next_seq = data_start;
    }
    bool retransmission = false;
    if (!rst) {
        const std::int32_t advance_bytes = seq_diff(data_end, self.next_seq);
        if (self.fin_sent && len > 0 && seq_diff(data_end, self.fin_end - 1) > 0)
            r.anomalies.add(connection_anomaly::data_after_fin);
        if (advance_bytes > 0 && advance_bytes < max_plausible_advance) {
            (from_client ? r.bytes_client_to_server : r.bytes_server_to_client) +=
                static_cast<std::uint64_t>(advance_bytes);
            self.next_seq = data_end;
        } else if (len > 0 && advance_bytes <= 0) {
            retransmission = true;
        }
        if (fin) {
            const std::uint32_t fin_end = data_end + 1;
            if (!self.fin_sent) {
                self.fin_sent = true;
                self.fin_end = fin_end;
            }
            if (seq_diff(fin_end, self.next_seq) > 0) self.next_seq = fin_end;
        }
        if (syn && seq_diff(data_start, self.next_seq) > 0) self.next_seq = data_start;
    }

    // RST acceptability is judged against what the receiver knew before this segment.
    const bool explaining = options.explain;
    reasons rst_why(explaining);
    const bool rst_accepted = rst && rst_acceptable(c, from_client, seq, ack, ack_bit, rst_why);

    bool acknowledges_peer_fin = false;
    if (ack_bit && !rst) {
        self.ack_known = true;
        self.last_ack = ack;
        if (peer.fin_sent && !peer.fin_acknowledged && seq_diff(ack, peer.fin_end) >= 0) {
            peer.fin_acknowledged = true;
            acknowledges_peer_fin = true;
        }
    }
    self.window_bytes =
        syn ? t.window() : static_cast<std::uint32_t>(t.window()) << self.window_shift;

    // The handshake.
    reasons why(explaining);
    bool completes_handshake = false;
    if (syn && !ack_bit && from_client) {
        if (!r.client_isn) {
            r.client_isn = seq;
            r.syn_frame = frame;
            r.syn_ts_ns = ts;
            r.syn_count = 1;
            r.client_options = offered_options(p.tcp_opts);
            c.last_syn_ts_ns = ts;
            why.add([&] {
                return "first SYN: " + detail::endpoint_text(r.client) + " is the client, ISN " +
                       std::to_string(seq) + ", offers " + options_text(*r.client_options);
            });
        } else {
            ++r.syn_count;
            retransmission = true;
            if (r.synack_frame == 0) c.last_syn_ts_ns = ts;
            why.add([&] {
                return "SYN retransmission: it carries the first SYN's ISN " + std::to_string(seq) +
                       " (retransmissions are told by sequence number), syn_count " +
                       std::to_string(r.syn_count);
            });
        }
    } else if (syn && !ack_bit) {
        r.anomalies.add(connection_anomaly::simultaneous_open);
        why.add([] {
            return std::string(
                "the server sent a SYN without ACK: simultaneous open (RFC 9293 3.5)");
        });
    } else if (syn && ack_bit && !from_client) {
        if (!r.server_isn) {
            r.server_isn = seq;
            r.synack_frame = frame;
            r.synack_ts_ns = ts;
            r.synack_count = 1;
            r.server_options = offered_options(p.tcp_opts);
            c.last_synack_ts_ns = ts;
            why.add([&] {
                return "first SYN-ACK: server ISN " + std::to_string(seq) + ", offers " +
                       options_text(*r.server_options);
            });
            if (r.client_isn) {
                r.syn_to_synack_ns = ts - c.last_syn_ts_ns;
                why.add([&] {
                    return "syn_to_synack " + detail::ms_text(*r.syn_to_synack_ns) +
                           " from the last SYN before it";
                });
                if (ack != *r.client_isn + 1) {
                    r.anomalies.add(connection_anomaly::synack_bad_ack);
                    why.add([&] {
                        return "its ACK " + std::to_string(ack) + " is not the client ISN + 1";
                    });
                }
            } else {
                r.anomalies.add(connection_anomaly::synack_without_syn);
                why.add([] { return std::string("no SYN was seen before it"); });
            }
            if (r.client_options) {
                r.negotiated = negotiate(*r.client_options, *r.server_options);
                if (r.negotiated->window_scaling) {
                    c.client_side.window_shift =
                        std::min<std::uint8_t>(*r.client_options->window_scale, 14);
                    c.server_side.window_shift =
                        std::min<std::uint8_t>(*r.server_options->window_scale, 14);
                }
            }
        } else if (seq == *r.server_isn) {
            ++r.synack_count;
            retransmission = true;
            if (r.ack_frame == 0) c.last_synack_ts_ns = ts;
            why.add([&] {
                return "SYN-ACK retransmission: same server ISN " + std::to_string(seq) +
                       ", synack_count " + std::to_string(r.synack_count);
            });
        } else {
            r.anomalies.add(connection_anomaly::synack_seq_changed);
            why.add([&] {
                return "a SYN-ACK with another ISN (" + std::to_string(seq) + ") than the first (" +
                       std::to_string(*r.server_isn) + ")";
            });
        }
    } else if (syn && ack_bit) {
        r.anomalies.add(connection_anomaly::originator_syn_ack);
        why.add([] { return std::string("the client sent a SYN-ACK"); });
    } else if (ack_bit && !rst && from_client && r.server_isn && r.ack_frame == 0 &&
               seq_diff(ack, *r.server_isn + 1) >= 0 &&
               seq_diff(ack, *r.server_isn + 1) < max_plausible_advance) {
        completes_handshake = true;
        r.ack_frame = frame;
        r.ack_ts_ns = ts;
        r.synack_to_ack_ns = ts - c.last_synack_ts_ns;
        if (r.client_isn) r.handshake_ns = ts - r.syn_ts_ns;
        why.add([&] {
            std::string text =
                "completes the handshake: the first client ACK acknowledging the server's ISN + 1; "
                "synack_to_ack " +
                detail::ms_text(*r.synack_to_ack_ns);
            if (r.handshake_ns)
                text += ", handshake " + detail::ms_text(*r.handshake_ns) + " from the first SYN";
            return text;
        });
    }
    if (len > 0 && !syn && r.ack_frame == 0 && !completes_handshake && r.client_isn)
        r.anomalies.add(connection_anomaly::data_before_handshake);
    if (retransmission && why.empty())
        why.add([&] {
            return "payload retransmission: it does not advance past sequence " +
                   std::to_string(self.next_seq - self.base_seq) + " (relative)";
        });

    // RFC 9293 states.
    const tcp_state client_before = r.client_state, server_before = r.server_state;
    detail::rfc9293_update(r.client_state, r.server_state,
                           {from_client, flags, acknowledges_peer_fin, rst_accepted});

    // What ends the connection.
    std::optional<connection_end> end;
    reasons end_why(explaining);
    if (rst) {
        if (!rst_accepted) {
            r.anomalies.add(connection_anomaly::rst_out_of_window);
            why.add([&] { return "RST ignored: " + rst_why.text(); });
        } else {
            if (!from_client && r.client_isn && !r.server_isn) {
                end = connection_end::refused;
                end_why.add([&] {
                    return "the server answered the SYN with a RST in frame " +
                           std::to_string(frame) +
                           " and never sent a SYN-ACK: nothing listens on port " +
                           std::to_string(r.server.port);
                });
            } else {
                end = from_client ? connection_end::rst_by_client : connection_end::rst_by_server;
                end_why.add([&] {
                    return std::string("the ") + who + "'s RST in frame " + std::to_string(frame) +
                           " is acceptable: " + rst_why.text();
                });
            }
            why.add([&] { return "RST accepted: " + rst_why.text(); });
        }
    }
    if (fin) why.add([&] { return std::string("FIN: the ") + who + " closes its direction"; });
    if (acknowledges_peer_fin)
        why.add([&] {
            return std::string("acknowledges the ") + (from_client ? "server" : "client") +
                   "'s FIN";
        });
    if (!end && c.client_side.fin_sent && c.server_side.fin_sent &&
        c.client_side.fin_acknowledged && c.server_side.fin_acknowledged) {
        end = connection_end::fin;
        end_why.add(
            [] { return std::string("both sides sent a FIN and both FINs were acknowledged"); });
    }

    if (options.explain &&
        (!why.empty() || client_before != r.client_state || server_before != r.server_state)) {
        std::string text = packet_text + (why.empty() ? std::string("data") : why.text());
        if (client_before != r.client_state)
            text += "; client " + std::string(tcp_state_name(client_before)) + " -> " +
                    std::string(tcp_state_name(r.client_state));
        if (server_before != r.server_state)
            text += "; server " + std::string(tcp_state_name(server_before)) + " -> " +
                    std::string(tcp_state_name(r.server_state));
        note(c, frame, ts, std::move(text));
    }
    if (options.ladder) {
        ladder_row row;
        row.frame = frame;
        row.ts_ns = ts;
        row.from_client = from_client;
        row.flags = flags;
        row.relative_seq = seq - self.base_seq;
        row.relative_ack = ack_bit ? ack - peer.base_seq : 0;
        row.payload_length = len;
        row.window = t.window();
        row.retransmission = retransmission;
        ladder(c, row);
    }

    if (completes_handshake) {
        ++counters.handshakes;
        if (callbacks.established) callbacks.established(r);
    }
    if (end) {
        finish(c, *end, [&end_why] { return end_why.text(); });
        return;
    }
    if (c.client_side.fin_sent && c.server_side.fin_sent)
        c.phase = connection_phase::closing;
    else if (c.server_side.seen)
        c.phase = connection_phase::active;
    else
        c.phase = connection_phase::attempt;
}

handshake_tracker::handshake_tracker(const handshake_options& options,
                                     handshake_callbacks callbacks)
    : impl_(std::make_unique<impl>(options, std::move(callbacks))) {}

handshake_tracker::~handshake_tracker() = default;

void handshake_tracker::process(const frame& f, const decoded_packet& p,
                                std::uint64_t frame_number) {
    impl_->process(f, p, frame_number);
}

void handshake_tracker::advance(std::int64_t now_ns) {
    impl_->advance(now_ns);
}

void handshake_tracker::flush() {
    impl_->flush();
}

const handshake_counters& handshake_tracker::counters() const noexcept {
    return impl_->counters;
}

const flow_table_counters& handshake_tracker::table_counters() const noexcept {
    return impl_->table.counters();
}

std::size_t handshake_tracker::tracked() const noexcept {
    return impl_->table.size();
}

}  // namespace pktscope
