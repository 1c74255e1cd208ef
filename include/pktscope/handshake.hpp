// TCP handshake tracer: follows every TCP connection attempt in a packet stream and produces
// one `tcp_connection` record per connection (DESIGN.md "Records").
//
// Sources of the rules:
// - handshake and teardown, endpoint states: RFC 9293 (3.3.2 states, 3.5 establishment,
//   3.6 closing, 3.10.7 segment arrival), RST acceptability: RFC 5961 3.2;
// - conn_state and history: Zeek's documented meanings (base/protocols/conn/main.zeek) and
//   its per-endpoint analysis states (TCP_Endpoint);
// - options: RFC 9293 3.2 (MSS), RFC 7323 (window scale, timestamps), RFC 2018 (SACK).
//
// The tracker keeps bounded state (a flow_table with idle timeouts) and never drops a
// connection silently: every connection ends in exactly one record, through the `finished`
// callback, with end = fin | rst_by_client | rst_by_server | refused | timeout | open.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pktscope/anomaly.hpp"
#include "pktscope/decode.hpp"
#include "pktscope/flow.hpp"
#include "pktscope/frame.hpp"

namespace pktscope {

/// State of one TCP endpoint (RFC 9293 3.3.2), as inferred from the packets it sent and
/// received at the capture point.
enum class tcp_state : std::uint8_t {
    closed,
    listen,
    syn_sent,
    syn_received,
    established,
    fin_wait_1,
    fin_wait_2,
    close_wait,
    closing,
    last_ack,
    time_wait,
};

/// RFC 9293's name of `s` ("SYN-SENT", "FIN-WAIT-1", ...).
constexpr std::string_view tcp_state_name(tcp_state s) noexcept {
    constexpr std::string_view names[] = {"CLOSED",      "LISTEN",     "SYN-SENT",   "SYN-RECEIVED",
                                          "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT",
                                          "CLOSING",     "LAST-ACK",   "TIME-WAIT"};
    return names[static_cast<std::size_t>(s)];
}

/// Zeek's conn_state summary of a connection (Zeek base/protocols/conn/main.zeek, conn.log).
enum class conn_state : std::uint8_t {
    s0,
    s1,
    sf,
    rej,
    s2,
    s3,
    rsto,
    rstr,
    rstos0,
    rstrh,
    sh,
    shr,
    oth
};

inline constexpr std::size_t conn_state_count = 13;

/// Zeek's spelling of `s` ("S0", "SF", "RSTOS0", ...).
constexpr std::string_view conn_state_name(conn_state s) noexcept {
    constexpr std::string_view names[] = {"S0",   "S1",     "SF",    "REJ", "S2",  "S3", "RSTO",
                                          "RSTR", "RSTOS0", "RSTRH", "SH",  "SHR", "OTH"};
    return names[static_cast<std::size_t>(s)];
}

/// Zeek's documented meaning of `s`, one line (for --explain and the README).
constexpr std::string_view conn_state_meaning(conn_state s) noexcept {
    constexpr std::string_view meanings[] = {
        "connection attempt seen, no reply",
        "connection established, not terminated",
        "normal establishment and termination",
        "connection attempt rejected",
        "established, close attempt by originator seen (but no reply from responder)",
        "established, close attempt by responder seen (but no reply from originator)",
        "established, originator aborted (sent a RST)",
        "responder sent a RST",
        "originator sent a SYN followed by a RST, never saw a SYN-ACK from the responder",
        "responder sent a SYN-ACK followed by a RST, never saw a SYN from the originator",
        "originator sent a SYN followed by a FIN, never saw a SYN-ACK (half open)",
        "responder sent a SYN-ACK followed by a FIN, never saw a SYN from the originator",
        "no SYN seen, just midstream traffic",
    };
    return meanings[static_cast<std::size_t>(s)];
}

/// How a connection's record came to be emitted.
enum class connection_end : std::uint8_t {
    fin,            ///< both sides sent a FIN
    rst_by_client,  ///< the client's RST was accepted (RFC 5961 3.2)
    rst_by_server,  ///< the server's RST was accepted after a SYN-ACK (or mid-stream)
    refused,        ///< the server answered the SYN with a RST (no SYN-ACK): port closed
    timeout,        ///< idle past its timeout, evicted from a full table, or superseded
    open,           ///< still open when the capture ended
};

inline constexpr std::size_t connection_end_count = 6;

/// "fin", "rst_by_client", "rst_by_server", "refused", "timeout" or "open".
constexpr std::string_view connection_end_name(connection_end e) noexcept {
    constexpr std::string_view names[] = {"fin",     "rst_by_client", "rst_by_server",
                                          "refused", "timeout",       "open"};
    return names[static_cast<std::size_t>(e)];
}

/// Zeek's per-endpoint analysis state (TCP_Endpoint), the input of conn_state.
enum class zeek_endpoint_state : std::uint8_t {
    inactive,
    syn_sent,
    syn_ack_sent,
    partial,
    established,
    closed,
    reset
};

/// Zeek's spelling ("INACTIVE", "SYN_SENT", ..., "RESET").
constexpr std::string_view zeek_endpoint_state_name(zeek_endpoint_state s) noexcept {
    constexpr std::string_view names[] = {"INACTIVE",    "SYN_SENT", "SYN_ACK_SENT", "PARTIAL",
                                          "ESTABLISHED", "CLOSED",   "RESET"};
    return names[static_cast<std::size_t>(s)];
}

/// X-macro of connection-level anomalies (names stable; they appear in records and summaries).
#define PKTSCOPE_CONNECTION_ANOMALIES(X)                                                       \
    X(syn_with_payload)        /* a SYN carrying data (TCP Fast Open, RFC 7413, or crafted) */ \
    X(syn_fin)                 /* SYN and FIN in one segment (a scanner's probe) */            \
    X(syn_rst)                 /* SYN and RST in one segment */                                \
    X(fin_rst)                 /* FIN and RST in one segment */                                \
    X(no_flags)                /* a segment with no flag at all (a "null scan" probe) */       \
    X(rst_out_of_window)       /* RST not acceptable per RFC 5961 3.2 / RFC 9293 3.10.7.3 */   \
    X(synack_without_syn)      /* a SYN-ACK with no SYN from the client before it */           \
    X(synack_bad_ack)          /* SYN-ACK that does not acknowledge the client's ISN + 1 */    \
    X(synack_seq_changed)      /* a later SYN-ACK with another ISN than the first */           \
    X(simultaneous_open)       /* the server also sent a SYN without ACK (RFC 9293 3.5) */     \
    X(originator_syn_ack)      /* the client sent a SYN-ACK */                                 \
    X(superseded_by_new_syn)   /* a SYN with a new ISN on the same ports replaced it */        \
    X(data_before_handshake)   /* payload before the handshake completed (not on the SYN) */   \
    X(data_after_fin)          /* payload beyond the sender's own FIN */                       \
    X(window_scale_over_14)    /* window scale shift > 14 (RFC 7323 2.3 caps it at 14) */      \
    X(timestamps_out_of_order) /* a packet's capture time is before the previous one's */      \
    X(history_truncated)       /* more history letters than the record keeps */

/// One connection-level anomaly.
enum class connection_anomaly : std::uint8_t {
#define PKTSCOPE_CONNECTION_ANOMALY_ENUM(name) name,
    PKTSCOPE_CONNECTION_ANOMALIES(PKTSCOPE_CONNECTION_ANOMALY_ENUM)
#undef PKTSCOPE_CONNECTION_ANOMALY_ENUM
        count_
};

inline constexpr std::size_t connection_anomaly_count =
    static_cast<std::size_t>(connection_anomaly::count_);

/// The stable snake_case name of `a`.
constexpr std::string_view connection_anomaly_name(connection_anomaly a) noexcept {
    constexpr std::string_view names[] = {
#define PKTSCOPE_CONNECTION_ANOMALY_NAME(name) #name,
        PKTSCOPE_CONNECTION_ANOMALIES(PKTSCOPE_CONNECTION_ANOMALY_NAME)
#undef PKTSCOPE_CONNECTION_ANOMALY_NAME
    };
    const auto i = static_cast<std::size_t>(a);
    return i < connection_anomaly_count ? names[i] : std::string_view("unknown");
}

/// A set of connection anomalies (bitset, no allocation).
class connection_anomaly_set {
  public:
    constexpr void add(connection_anomaly a) noexcept {
        bits_ |= std::uint32_t{1} << static_cast<unsigned>(a);
    }
    constexpr bool contains(connection_anomaly a) const noexcept {
        return ((bits_ >> static_cast<unsigned>(a)) & 1U) != 0;
    }
    constexpr bool empty() const noexcept { return bits_ == 0; }
    /// Calls f(connection_anomaly) for each member in enum order.
    template <class F>
    constexpr void for_each(F&& f) const {
        for (std::size_t i = 0; i < connection_anomaly_count; ++i)
            if (((bits_ >> i) & 1U) != 0) f(static_cast<connection_anomaly>(i));
    }

  private:
    std::uint32_t bits_ = 0;
};
static_assert(connection_anomaly_count <= 32);

/// Options one side offered in its SYN (client) or SYN-ACK (server).
struct tcp_offered_options {
    std::optional<std::uint16_t> mss;          ///< bytes (RFC 9293 3.7.1)
    std::optional<std::uint8_t> window_scale;  ///< shift count (RFC 7323 2.2)
    bool sack_permitted = false;               ///< RFC 2018
    bool timestamps = false;                   ///< RFC 7323 3
};

/// What the SYN and SYN-ACK agreed on (RFC 7323 1.3: an option is in use only when both sides
/// sent it).
struct tcp_negotiated_options {
    std::optional<std::uint16_t> mss;  ///< smaller of the two MSS values (when both sent one)
    bool window_scaling = false;       ///< both sent window scale: each side's shift applies
    bool sack_permitted = false;
    bool timestamps = false;
};

/// One arrow of a --ladder diagram. Sequence and acknowledgment numbers are relative to the
/// sender's and the receiver's ISN (as tshark shows them).
struct ladder_row {
    std::uint64_t frame = 0;
    std::int64_t ts_ns = 0;
    bool from_client = true;
    std::uint16_t flags = 0;  ///< tcp_flag bits
    std::uint32_t relative_seq = 0;
    std::uint32_t relative_ack = 0;
    std::uint32_t payload_length = 0;  ///< bytes
    std::uint16_t window = 0;          ///< as carried (unscaled)
    bool retransmission = false;       ///< same SYN/SYN-ACK again, or payload not advancing
};

/// One step of --explain: what a frame changed, the endpoint states after it, and why.
struct explain_step {
    std::uint64_t frame = 0;  ///< 0: a conclusion drawn at the end, not tied to a frame
    std::int64_t ts_ns = 0;
    tcp_state client_state = tcp_state::closed;
    tcp_state server_state = tcp_state::listen;
    std::string note;
};

/// Per-connection details kept only with --explain / --ladder (bounded by the options).
struct connection_details {
    std::vector<explain_step> explain;
    std::uint32_t explain_dropped = 0;    ///< steps beyond the bound, not kept
    std::vector<ladder_row> ladder_head;  ///< the first packets (handshake)
    std::vector<ladder_row> ladder_tail;  ///< the last packets (teardown), oldest first
    std::uint64_t ladder_omitted = 0;     ///< packets between head and tail not kept
};

/// Maximum history letters a record keeps (Zeek's history is unbounded; real ones are short).
inline constexpr std::size_t max_history_letters = 30;

/// One `tcp_connection` record (DESIGN.md). Times are nanoseconds since the Unix epoch;
/// frames are 1-based capture indices (0 = not seen); durations are nanoseconds (rendered as
/// `_ms` fields).
struct tcp_connection {
    flow_endpoint client;  ///< the side that sent the first SYN (or guessed, mid-stream)
    flow_endpoint server;
    /// No SYN from the client was seen first: the roles are a guess (SYN-ACK receiver, or the
    /// port below 1024 is the server).
    bool picked_up_mid_stream = false;
    std::optional<std::uint32_t> client_isn;
    std::optional<std::uint32_t> server_isn;

    std::uint64_t syn_frame = 0;     ///< first SYN from the client
    std::uint64_t synack_frame = 0;  ///< first SYN-ACK from the server
    std::uint64_t ack_frame = 0;     ///< the client ACK acknowledging the server's ISN + 1
    std::int64_t syn_ts_ns = 0;
    std::int64_t synack_ts_ns = 0;
    std::int64_t ack_ts_ns = 0;
    std::uint32_t syn_count = 0;     ///< SYNs carrying the client ISN (duplicates excluded)
    std::uint32_t synack_count = 0;  ///< SYN-ACKs carrying the server ISN (duplicates excluded)
    /// Last SYN before the first SYN-ACK -> that SYN-ACK (the server side, as seen here).
    std::optional<std::int64_t> syn_to_synack_ns;
    /// Last SYN-ACK before the completing ACK -> that ACK (the client side, as seen here).
    std::optional<std::int64_t> synack_to_ack_ns;
    /// First SYN -> the completing ACK.
    std::optional<std::int64_t> handshake_ns;

    std::optional<tcp_offered_options> client_options;  ///< from the first SYN
    std::optional<tcp_offered_options> server_options;  ///< from the first SYN-ACK
    std::optional<tcp_negotiated_options> negotiated;   ///< when both were seen

    conn_state state = conn_state::oth;
    connection_end end = connection_end::open;
    std::array<char, max_history_letters> history_letters{};
    std::uint8_t history_length = 0;

    std::uint64_t bytes_client_to_server = 0;  ///< payload bytes, from sequence numbers
    std::uint64_t bytes_server_to_client = 0;
    std::uint64_t packets_client_to_server = 0;
    std::uint64_t packets_server_to_client = 0;
    /// Copies of a packet seen again within the duplicate window (e.g. on two interfaces with
    /// `-i any`), counted once and not as retransmissions.
    std::uint64_t duplicates = 0;
    std::int64_t first_ts_ns = 0;
    std::int64_t last_ts_ns = 0;
    std::uint64_t first_frame = 0;
    std::uint64_t last_frame = 0;

    tcp_state client_state = tcp_state::closed;  ///< RFC 9293 state at the end of the record
    tcp_state server_state = tcp_state::listen;
    zeek_endpoint_state zeek_originator = zeek_endpoint_state::inactive;
    zeek_endpoint_state zeek_responder = zeek_endpoint_state::inactive;

    anomaly_set packet_anomalies;      ///< decoder anomalies met in this connection's packets
    connection_anomaly_set anomalies;  ///< connection-level anomalies
    std::shared_ptr<connection_details> details;  ///< null unless --explain or --ladder

    /// Zeek's history string (upper case: originator = client).
    std::string_view history() const noexcept { return {history_letters.data(), history_length}; }
};

/// Knobs of the tracker. Timeouts are in nanoseconds of capture time.
struct handshake_options {
    std::size_t max_connections = 262144;              ///< flow-table bound
    std::int64_t attempt_timeout_ns = 30'000'000'000;  ///< SYN seen, nothing back yet
    std::int64_t idle_timeout_ns = 300'000'000'000;    ///< any other unfinished connection
    std::int64_t closing_timeout_ns = 5'000'000'000;   ///< both FINs seen, last not ACKed
    std::int64_t linger_ns = 5'000'000'000;            ///< after the record: absorb stragglers
    std::int64_t duplicate_window_ns = 1'000'000;      ///< same packet again within: a copy
    bool explain = false;                              ///< keep explain steps
    bool ladder = false;                               ///< keep ladder rows
    std::size_t ladder_rows = 8;                       ///< rows kept at each end
    std::size_t max_explain_steps = 64;
};

/// Totals over everything the tracker saw (for the summary record).
struct handshake_counters {
    std::uint64_t packets = 0;       ///< frames given to process()
    std::uint64_t tcp_packets = 0;   ///< of which TCP (first fragments included)
    std::uint64_t duplicates = 0;    ///< copies within the duplicate window, ignored
    std::uint64_t bad_checksum = 0;  ///< TCP checksum bad: ignored like the receiver would
    std::uint64_t after_close = 0;   ///< absorbed after their connection's record
    std::uint64_t handshakes = 0;    ///< completed three-way handshakes
    std::uint64_t records = 0;       ///< tcp_connection records emitted
    std::array<std::uint64_t, connection_end_count> by_end{};
    std::array<std::uint64_t, conn_state_count> by_state{};
    std::array<std::uint64_t, connection_anomaly_count> anomalies{};  ///< connections with each
};

/// Where the tracker reports; both are called synchronously from process(), advance(), flush().
struct handshake_callbacks {
    /// A handshake just completed: the RTT fields are set, the record is not final.
    std::function<void(const tcp_connection&)> established;
    /// A connection's final record (exactly once per connection).
    std::function<void(const tcp_connection&)> finished;
};

/// Follows TCP connections packet by packet. Not thread-safe; one per capture.
class handshake_tracker {
  public:
    /// A tracker with no connection yet; `callbacks` may be empty functions.
    handshake_tracker(const handshake_options& options, handshake_callbacks callbacks);
    ~handshake_tracker();
    handshake_tracker(const handshake_tracker&) = delete;
    handshake_tracker& operator=(const handshake_tracker&) = delete;

    /// Feeds one frame (`p` = its decoding, `frame_number` 1-based). Non-TCP packets only
    /// advance the clock. Expires idle connections first (their records come out first).
    void process(const frame& f, const decoded_packet& p, std::uint64_t frame_number);
    /// Advances the clock to `now_ns` without a packet (live read timeouts), expiring idle
    /// connections.
    void advance(std::int64_t now_ns);
    /// Ends the capture: every connection still tracked is emitted with end = open (or its
    /// settled end, when it had already ended and was lingering).
    void flush();

    const handshake_counters& counters() const noexcept;
    /// The flow table's counters (evictions, expiries, peak size).
    const flow_table_counters& table_counters() const noexcept;
    /// Connections currently tracked (lingering ones included).
    std::size_t tracked() const noexcept;

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace pktscope
