// DNS transaction tracking: pairs each DNS query with its response over UDP and TCP and
// yields one `dns_transaction` record per query (answered or unanswered) and per response
// that matched nothing (unsolicited).
//
// Matching (RFC 5452 9.1 lists what a resolver checks): transport, client address and port,
// server address and port, message ID and the question (name case-insensitively, type,
// class). A response without a question (FORMERR often omits it) matches by the rest.
// Time is capture time: a query with no response within `timeout_ns` of its first
// transmission is unanswered. Identical queries while one is pending are retransmissions
// of it (latency counts from the first transmission); so is the same question from the same
// client host to the same server from another port with the same ID (dig) or with another ID
// from the same port (stub resolvers), and a response to any retry answers the transaction. A UDP
// answer with TC set is linked to the TCP retry of the same question from the same client to the
// same server. All state is bounded (pending queries, TCP streams, buffered bytes), with eviction
// counters.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pktscope/anomaly.hpp"
#include "pktscope/decode.hpp"
#include "pktscope/flow.hpp"
#include "pktscope/frame.hpp"

namespace pktscope {

/// Transport that carried a DNS message (RFC 1035 4.2.1 UDP, 4.2.2 TCP).
enum class dns_transport : std::uint8_t { udp, tcp };

/// "udp" or "tcp".
constexpr std::string_view dns_transport_name(dns_transport t) noexcept {
    return t == dns_transport::udp ? "udp" : "tcp";
}

/// Whether a query got its response.
enum class dns_status : std::uint8_t {
    answered,     ///< a response matched the query
    unanswered,   ///< no response within the timeout, evicted, or the capture ended
    unsolicited,  ///< a response that matched no query (the record has no query side)
};

/// "answered", "unanswered" or "unsolicited".
constexpr std::string_view dns_status_name(dns_status status) noexcept {
    switch (status) {
        case dns_status::answered:
            return "answered";
        case dns_status::unanswered:
            return "unanswered";
        case dns_status::unsolicited:
            return "unsolicited";
    }
    return "";
}

/// What a response tells a resolver to do next (the answer type shown in --chain).
enum class dns_outcome : std::uint8_t {
    none,       ///< no response
    answer,     ///< NOERROR with records of the asked type (possibly after CNAMEs)
    cname,      ///< NOERROR with a CNAME chain only: restart the query at its target
    referral,   ///< NOERROR, no answer, NS records in authority, not authoritative
    nodata,     ///< NOERROR, the name exists but has no records of the type (RFC 2308 2.2)
    nxdomain,   ///< the name does not exist (RCODE 3, RFC 2308 2.1)
    error,      ///< any other RCODE (SERVFAIL, REFUSED, FORMERR, ...)
    truncated,  ///< TC set: retry over TCP (RFC 7766 5)
    malformed,  ///< the answer section could not be read (the anomalies say why)
};

/// "answer", "cname", "referral", "nodata", "nxdomain", "error", "truncated", "malformed"
/// ("" for none).
constexpr std::string_view dns_outcome_name(dns_outcome outcome) noexcept {
    switch (outcome) {
        case dns_outcome::none:
            return "";
        case dns_outcome::answer:
            return "answer";
        case dns_outcome::cname:
            return "cname";
        case dns_outcome::referral:
            return "referral";
        case dns_outcome::nodata:
            return "nodata";
        case dns_outcome::nxdomain:
            return "nxdomain";
        case dns_outcome::error:
            return "error";
        case dns_outcome::truncated:
            return "truncated";
        case dns_outcome::malformed:
            return "malformed";
    }
    return "";
}

/// One resource record in presentation form (escaped as dns.hpp describes).
struct dns_rr_text {
    std::string name;
    std::uint16_t type = 0;
    std::uint16_t rrclass = 0;
    std::uint32_t ttl = 0;  ///< seconds
    std::string data;       ///< format_dns_rdata() text
};

/// EDNS(0) facts of one message (RFC 6891 6.1.3; Client Subnet RFC 7871; COOKIE RFC 7873).
struct dns_edns_facts {
    std::uint16_t udp_size = 0;  ///< advertised UDP payload size, bytes
    bool do_bit = false;         ///< DNSSEC OK (RFC 3225)
    std::uint8_t version = 0;
    std::string client_subnet;  ///< "ADDRESS/SOURCE/SCOPE", empty when absent
    std::string client_cookie;  ///< hex, empty when absent
    std::string server_cookie;  ///< hex, empty when absent
    bool nsid = false;          ///< NSID option present (RFC 5001)
};

/// Longest list of retransmission frame numbers kept per transaction.
inline constexpr std::size_t max_listed_retransmissions = 32;

/// One query and its response (or its absence). Frame numbers are 1-based as tshark counts;
/// 0 means "none". Timestamps are capture time in nanoseconds since the Unix epoch.
struct dns_transaction {
    dns_transport transport = dns_transport::udp;
    flow_endpoint client;  ///< the querier (address and port)
    flow_endpoint server;  ///< the queried server
    std::uint16_t id = 0;
    std::uint8_t opcode = 0;
    bool rd = false;  ///< recursion desired (from the query; from the response if unsolicited)
    bool has_question = false;
    std::string qname;  ///< presentation form, as the query spelled it
    std::uint16_t qtype = 0;
    std::uint16_t qclass = 0;
    dns_status status = dns_status::unanswered;
    bool evicted = false;  ///< unanswered because the pending table was full

    // Response side (meaningful when status != unanswered).
    std::uint16_t rcode = 0;  ///< 12-bit RCODE (header bits plus the EDNS extension)
    bool aa = false;
    bool tc = false;
    bool ra = false;
    bool ad = false;
    dns_outcome outcome = dns_outcome::none;
    std::vector<dns_rr_text> answers;    ///< answer section, in message order
    std::vector<dns_rr_text> authority;  ///< authority section, in message order
    bool has_soa = false;                ///< a negative answer's SOA (RFC 2308 3) is in `soa`
    dns_rr_text soa;
    std::string delegation;  ///< for a referral: the zone delegated to (the NS records' owner)

    std::uint64_t query_frame = 0;     ///< first transmission
    std::uint64_t response_frame = 0;  ///< first matching response
    std::int64_t query_ts_ns = 0;
    std::int64_t response_ts_ns = 0;
    std::int64_t latency_ns = 0;  ///< response minus first transmission
    std::uint32_t retransmissions = 0;
    std::vector<std::uint64_t> retransmission_frames;  ///< at most max_listed_retransmissions

    bool has_query_edns = false;
    dns_edns_facts query_edns;
    bool has_response_edns = false;
    dns_edns_facts response_edns;

    /// For a UDP answer with TC: the query frame of the TCP retry that followed (0: none seen).
    std::uint64_t tcp_retry_frame = 0;
    /// For a TCP query: the UDP query frame whose truncated answer it retries (0: none).
    std::uint64_t truncated_udp_frame = 0;

    anomaly_set anomalies;  ///< DNS anomalies of the query and response messages
};

/// Bounds and knobs of a dns_tracker.
struct dns_tracker_options {
    std::int64_t timeout_ns = 5'000'000'000;  ///< capture time before a query is unanswered
    std::size_t max_pending = 262'144;        ///< queries held at once (oldest evicted)
    std::size_t max_tcp_streams = 16'384;     ///< TCP connections reassembled at once
    /// Capture time before an idle TCP connection is forgotten.
    std::int64_t tcp_idle_timeout_ns = 60'000'000'000;
    std::size_t max_tcp_buffered_bytes = 64u << 20;  ///< bytes held across all TCP streams
    std::size_t max_held_truncated = 4'096;          ///< TC answers waiting for their TCP retry
    std::vector<std::uint16_t> ports{53};            ///< server ports carrying DNS
};

/// Counters over a whole capture (for the dns_summary record).
struct dns_tracker_counters {
    std::uint64_t queries = 0;                   ///< query messages, retransmissions included
    std::uint64_t responses = 0;                 ///< response messages
    std::uint64_t answered = 0;                  ///< transactions answered
    std::uint64_t unanswered = 0;                ///< transactions unanswered (evicted included)
    std::uint64_t unsolicited = 0;               ///< responses that matched no query
    std::uint64_t duplicate_responses = 0;       ///< further responses to an answered query
    std::uint64_t retransmissions = 0;           ///< repeated queries linked to a pending one
    std::uint64_t truncated = 0;                 ///< UDP answers with TC set
    std::uint64_t tcp_retries_linked = 0;        ///< TC answers linked to their TCP retry
    std::uint64_t udp_messages = 0;              ///< UDP datagrams on a DNS port
    std::uint64_t tcp_messages = 0;              ///< messages reassembled from TCP streams
    std::uint64_t malformed = 0;                 ///< messages too short for a DNS header
    std::uint64_t pending_evictions = 0;         ///< pending queries evicted (table full)
    std::uint64_t tcp_stream_evictions = 0;      ///< TCP streams dropped because the table was full
    std::uint64_t tcp_buffer_resets = 0;         ///< streams emptied to keep the byte budget
    std::uint64_t tcp_gaps = 0;                  ///< missing TCP bytes (capture loss): resynced
    std::uint64_t tcp_bytes_dropped = 0;         ///< TCP payload bytes that could not be used
    std::uint64_t held_truncated_evictions = 0;  ///< TC answers reported before their retry (full)
    anomaly_counters anomalies;  ///< DNS anomalies, counted once per message that had them
};

/// Receives each finished transaction. The reference is valid only during the call.
using dns_transaction_sink = std::function<void(const dns_transaction&)>;

/// Pairs DNS queries and responses from decoded packets, in capture order. It reads every
/// DNS message itself (from the UDP payload or the reassembled TCP stream), so packets may be
/// decoded with decode_options::decode_dns off. Not thread-safe.
class dns_tracker {
  public:
    /// A tracker reporting each finished transaction to `sink` (called from add(), advance()
    /// and finish()).
    dns_tracker(dns_tracker_options options, dns_transaction_sink sink);
    ~dns_tracker();
    dns_tracker(const dns_tracker&) = delete;
    dns_tracker& operator=(const dns_tracker&) = delete;

    /// Feeds one decoded frame (`frame_number` 1-based). Advances capture time first, so
    /// queries older than the timeout are reported unanswered before this frame is used.
    void add(const frame& f, const decoded_packet& p, std::uint64_t frame_number);
    /// Advances capture time to `now_ns` without a packet (a live capture gone idle).
    void advance(std::int64_t now_ns);
    /// End of the capture: every pending query is reported unanswered, every held record
    /// is reported.
    void finish();

    /// Totals so far.
    const dns_tracker_counters& counters() const noexcept;
    /// Queries waiting for a response right now.
    std::size_t pending() const noexcept;

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace pktscope
