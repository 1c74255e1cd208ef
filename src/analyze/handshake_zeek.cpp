// Zeek-compatible history letters and conn_state (see handshake_zeek.hpp).
//
// Letters (upper case when the originator sent the packet): s SYN without ACK, h SYN+ACK,
// a pure ACK, d payload, f FIN, r RST, c bad checksum, t retransmitted payload, w zero window,
// i FIN+RST, q other multi-flag packet, ^ roles flipped. a d i q appear once per direction;
// s h f r again only when their sequence number differs from the last one of their kind;
// c t w at the 1st, 10th, 100th ... occurrence.
#include "handshake_zeek.hpp"

#include "pktscope/tcp.hpp"

namespace pktscope::detail {
namespace {

// Once-only letter groups per endpoint (S and H share one, as in Zeek).
constexpr std::uint8_t seen_syn = 0x01;
constexpr std::uint8_t seen_fin = 0x02;
constexpr std::uint8_t seen_rst = 0x04;
constexpr std::uint8_t seen_fin_rst = 0x08;
constexpr std::uint8_t seen_data = 0x10;
constexpr std::uint8_t seen_ack = 0x20;
constexpr std::uint8_t seen_multi_flag = 0x40;

// Zeek ignores sequence jumps this large on SYN and RST when updating the last sequence.
constexpr std::int32_t too_large_seq_delta = 1048576;

using state = zeek_endpoint_state;

bool has(std::uint16_t flags, std::uint16_t bit) {
    return (flags & bit) != 0;
}

// Adds `letter` the first time this endpoint shows `group`; true when it was already there.
bool check_history(zeek_endpoint& ep, std::uint8_t group, char letter, bool is_orig,
                   tcp_connection& rec) {
    if ((ep.letters_seen & group) != 0) return true;
    ep.letters_seen |= group;
    add_history_letter(rec, letter, is_orig);
    return false;
}

void update_history(zeek_endpoint& ep, const zeek_segment& s, tcp_connection& rec) {
    const bool syn = has(s.flags, tcp_flag::syn), fin = has(s.flags, tcp_flag::fin),
               rst = has(s.flags, tcp_flag::rst);
    const int control_bits = int{syn} + int{fin} + int{rst};
    if (control_bits > 1) {
        if (fin && rst)
            check_history(ep, seen_fin_rst, 'I', s.is_orig, rec);
        else
            check_history(ep, seen_multi_flag, 'Q', s.is_orig, rec);
    } else if (control_bits == 1) {
        if (syn) {
            const char code = has(s.flags, tcp_flag::ack) ? 'H' : 'S';
            if (check_history(ep, seen_syn, code, s.is_orig, rec) && s.seq != ep.last_syn_seq)
                add_history_letter(rec, code, s.is_orig);
            ep.last_syn_seq = s.seq;
        }
        if (fin) {
            // A FIN's sequence number is taken after the data it carries.
            const std::uint32_t fin_seq = s.seq + s.payload_length;
            if (check_history(ep, seen_fin, 'F', s.is_orig, rec) && fin_seq != ep.last_fin_seq)
                add_history_letter(rec, 'F', s.is_orig);
            ep.last_fin_seq = fin_seq;
        }
        if (rst) {
            if (check_history(ep, seen_rst, 'R', s.is_orig, rec) && s.seq != ep.last_rst_seq)
                add_history_letter(rec, 'R', s.is_orig);
            ep.last_rst_seq = s.seq;
        }
    } else if (s.payload_length > 0) {
        check_history(ep, seen_data, 'D', s.is_orig, rec);
    } else if (has(s.flags, tcp_flag::ack)) {
        check_history(ep, seen_ack, 'A', s.is_orig, rec);
    }
}

// Sequence space the segment occupies: SYN and FIN take one each; a RST's data does not count.
std::uint32_t segment_length(const zeek_segment& s) {
    std::uint32_t len = s.payload_length;
    if (has(s.flags, tcp_flag::syn)) ++len;
    if (has(s.flags, tcp_flag::fin)) ++len;
    if (has(s.flags, tcp_flag::rst)) len -= s.payload_length;
    return len;
}

void init_endpoint(zeek_endpoint& ep, const zeek_segment& s, std::uint32_t one_past) {
    const bool syn = has(s.flags, tcp_flag::syn);
    switch (ep.state) {
        case state::inactive:
            if (syn) {
                ep.start_seq = s.seq;
                ep.last_seq = one_past;
            } else {
                // Picked up mid-stream: number as if a SYN had come just before.
                ep.start_seq = s.seq - 1;
                ep.last_seq = s.seq;
            }
            break;
        case state::syn_sent:
        case state::syn_ack_sent:
            if (syn && s.seq != ep.start_seq) {
                ep.start_seq = s.seq;
                ep.last_seq = one_past;
            }
            break;
        case state::established:
        case state::partial:
            if (syn) {
                ep.start_seq = s.seq;
                ep.last_seq = one_past;
            }
            break;
        case state::reset:
            if (syn && ep.prev_state == state::inactive) {
                ep.start_seq = s.seq;
                ep.last_seq = one_past;
            }
            break;
        case state::closed:
            break;
    }
}

void update_last_seq(zeek_endpoint& ep, const zeek_segment& s, std::uint32_t one_past,
                     tcp_connection& rec) {
    const auto delta = static_cast<std::int32_t>(one_past - ep.last_seq);
    const bool syn_or_rst = has(s.flags, tcp_flag::syn) || has(s.flags, tcp_flag::rst);
    if (syn_or_rst && (delta > too_large_seq_delta || delta < -too_large_seq_delta)) return;
    if (has(s.flags, tcp_flag::fin) && ep.last_seq == ep.start_seq + 1) {
        ep.last_seq = one_past;
    } else if (ep.state == state::reset) {
        return;
    } else if (delta > 0) {
        ep.last_seq = one_past;
    } else if (s.payload_length > 0) {
        if (ep.retransmissions.hit()) add_history_letter(rec, 'T', s.is_orig);
    }
}

void update_inactive(zeek_endpoint& ep, zeek_endpoint& peer, const zeek_connection& conn,
                     const zeek_segment& s) {
    const bool ack = has(s.flags, tcp_flag::ack);
    if (has(s.flags, tcp_flag::syn)) {
        if (s.is_orig) {
            ep.set_state(ack ? state::syn_ack_sent : state::syn_sent);
        } else {
            if (peer.state == state::syn_sent) peer.set_state(state::established);
            ep.set_state(state::established);
        }
    }
    if (has(s.flags, tcp_flag::fin)) ep.set_state(state::closed);
    if (has(s.flags, tcp_flag::rst)) ep.set_state(state::reset);
    if (ep.state == state::inactive) {  // no control flag changed it
        if (!s.is_orig && s.payload_length == 0 && conn.orig.state == state::syn_sent) {
            // Some stacks ACK a SYN before answering it; not a partial connection.
        } else if (ack && peer.state == state::established) {
            ep.set_state(state::established);  // the SYN was missed, the SYN-ACK was not
        } else {
            ep.set_state(state::partial);
        }
    }
}

void update_syn_sent(zeek_endpoint& ep, const zeek_segment& s) {
    if (has(s.flags, tcp_flag::fin)) ep.set_state(state::closed);
    if (has(s.flags, tcp_flag::rst)) ep.set_state(state::reset);
}

void update_established(zeek_endpoint& ep, zeek_endpoint& peer, const zeek_segment& s) {
    if (has(s.flags, tcp_flag::syn) && ep.state == state::partial &&
        peer.state == state::inactive && !has(s.flags, tcp_flag::ack))
        ep.set_state(state::syn_sent);
    if (has(s.flags, tcp_flag::fin) && !has(s.flags, tcp_flag::rst)) {
        ep.set_state(state::closed);
        // A FIN after the peer's FIN+RST sequence is a normal close after all.
        if (peer.state == state::reset && peer.prev_state == state::closed)
            peer.set_state(state::closed);
    }
    if (has(s.flags, tcp_flag::rst)) ep.set_state(state::reset);
}

void update_closed(zeek_endpoint& ep, const zeek_endpoint& peer, const zeek_segment& s) {
    // After both FINs a RST changes nothing: the exchange already ended normally.
    if (has(s.flags, tcp_flag::rst) && peer.state != state::closed) ep.set_state(state::reset);
}

// Zeek's "S, then no originator H A F G I Q before an originator R" (RSTOS0), with an
// optional leading '^'.
bool syn_then_reset_history(std::string_view h) {
    if (!h.empty() && h.front() == '^') h.remove_prefix(1);
    if (h.empty() || h.front() != 'S') return false;
    for (char c : h.substr(1)) {
        if (c == 'R') return true;
        if (c == 'H' || c == 'A' || c == 'F' || c == 'G' || c == 'I' || c == 'Q') return false;
    }
    return false;
}

struct state_verdict {
    conn_state state;
    std::string_view rule;
};

state_verdict conn_state_with_rule(const zeek_connection& conn, std::string_view history,
                                   std::uint64_t orig_bytes, std::uint64_t resp_bytes) {
    const state os = conn.orig.state, rs = conn.resp.state;
    const bool o_inactive = os == state::inactive || os == state::partial;
    const bool r_inactive = rs == state::inactive || rs == state::partial;
    if (rs == state::reset) {
        if (os == state::syn_sent || os == state::syn_ack_sent ||
            (os == state::reset && orig_bytes == 0 && resp_bytes == 0))
            return {conn_state::rej,
                    "the responder reset while the originator was still in SYN_SENT "
                    "(or both reset without any data)"};
        if (o_inactive)
            return {conn_state::rstrh, "the responder reset and the originator never sent a SYN"};
        return {conn_state::rstr, "the responder reset after the originator's SYN was answered"};
    }
    if (os == state::reset) {
        if (r_inactive) {
            if (syn_then_reset_history(history))
                return {conn_state::rstos0,
                        "the originator sent a SYN and then a RST, with no SYN-ACK or ACK "
                        "in between"};
            return {conn_state::oth,
                    "the originator reset a connection the responder never took part in"};
        }
        return {conn_state::rsto, "the originator reset an established connection"};
    }
    if (rs == state::closed && os == state::closed)
        return {conn_state::sf, "both endpoints closed with a FIN"};
    if (os == state::closed)
        return r_inactive ? state_verdict{conn_state::sh,
                                          "the originator closed (FIN) and the responder never "
                                          "answered its SYN"}
                          : state_verdict{conn_state::s2,
                                          "the originator closed (FIN), the responder did not"};
    if (rs == state::closed)
        return o_inactive ? state_verdict{conn_state::shr,
                                          "the responder closed (FIN) and the originator never "
                                          "sent a SYN"}
                          : state_verdict{conn_state::s3,
                                          "the responder closed (FIN), the originator did not"};
    if (os == state::syn_sent && rs == state::inactive)
        return {conn_state::s0, "the originator sent a SYN and the responder sent nothing"};
    if (os == state::established && rs == state::established)
        return {conn_state::s1, "both endpoints established, neither closed"};
    return {conn_state::oth, "no rule for these endpoint states matched (midstream traffic)"};
}

}  // namespace

void add_history_letter(tcp_connection& record, char upper_letter, bool is_orig) noexcept {
    if (record.history_length >= max_history_letters) {
        record.anomalies.add(connection_anomaly::history_truncated);
        return;
    }
    const char letter = is_orig || upper_letter < 'A' || upper_letter > 'Z'
                            ? upper_letter
                            : static_cast<char>(upper_letter - 'A' + 'a');
    record.history_letters[record.history_length++] = letter;
}

void zeek_process(zeek_connection& conn, const zeek_segment& s, tcp_connection& record) noexcept {
    zeek_endpoint& ep = s.is_orig ? conn.orig : conn.resp;
    zeek_endpoint& peer = s.is_orig ? conn.resp : conn.orig;
    const std::uint32_t one_past = s.seq + segment_length(s);

    init_endpoint(ep, s, one_past);
    update_history(ep, s, record);

    // Zero windows matter unless they come with or after a RST, or after the peer's FIN.
    if (s.window == 0 && !has(s.flags, tcp_flag::rst) && peer.state != state::closed &&
        ep.state != state::reset && ep.zero_windows.hit())
        add_history_letter(record, 'W', s.is_orig);

    update_last_seq(ep, s, one_past, record);

    switch (ep.state) {
        case state::inactive:
            update_inactive(ep, peer, conn, s);
            break;
        case state::syn_sent:
        case state::syn_ack_sent:
            update_syn_sent(ep, s);
            break;
        case state::established:
        case state::partial:
            update_established(ep, peer, s);
            break;
        case state::closed:
            update_closed(ep, peer, s);
            break;
        case state::reset:
            break;
    }
}

void zeek_checksum_error(zeek_connection& conn, bool is_orig, tcp_connection& record) noexcept {
    zeek_endpoint& ep = is_orig ? conn.orig : conn.resp;
    if (ep.checksum_errors.hit()) add_history_letter(record, 'C', is_orig);
}

conn_state zeek_conn_state(const zeek_connection& conn, std::string_view history,
                           std::uint64_t orig_bytes, std::uint64_t resp_bytes) noexcept {
    return conn_state_with_rule(conn, history, orig_bytes, resp_bytes).state;
}

std::string zeek_conn_state_reason(const zeek_connection& conn, std::string_view history,
                                   std::uint64_t orig_bytes, std::uint64_t resp_bytes) {
    const state_verdict v = conn_state_with_rule(conn, history, orig_bytes, resp_bytes);
    std::string out = "conn_state ";
    out += conn_state_name(v.state);
    out += " (";
    out += conn_state_meaning(v.state);
    out += "): Zeek endpoint states originator ";
    out += zeek_endpoint_state_name(conn.orig.state);
    out += ", responder ";
    out += zeek_endpoint_state_name(conn.resp.state);
    out += ": ";
    out += v.rule;
    return out;
}

}  // namespace pktscope::detail
