// The bounded table of queries waiting for (or recently given) a response, internal to the
// DNS tracker. Entries live in reusable slots (their strings keep their storage), are found
// by transport + endpoints + ID and then by question, and leave in arrival order.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "dns_message_facts.hpp"
#include "pktscope/dns_tracker.hpp"

namespace pktscope::detail {

/// What identifies a transaction apart from its question.
struct dns_flow_key {
    flow_endpoint client;
    flow_endpoint server;
    std::uint16_t id = 0;
    dns_transport transport = dns_transport::udp;
    friend bool operator==(const dns_flow_key&, const dns_flow_key&) = default;
};

struct dns_flow_key_hash {
    std::size_t operator()(const dns_flow_key& k) const noexcept;
};

/// One query in the table.
struct pending_query {
    dns_flow_key key;
    bool answered = false;  ///< kept after its answer to recognise duplicate responses
    bool has_question = false;
    std::string qname;
    std::uint16_t qtype = 0;
    std::uint16_t qclass = 0;
    std::uint8_t opcode = 0;
    bool rd = false;
    std::uint64_t query_frame = 0;
    std::int64_t query_ts_ns = 0;
    std::uint32_t retransmissions = 0;
    std::vector<std::uint64_t> retransmission_frames;
    bool has_edns = false;
    dns_edns_facts edns;
    anomaly_set anomalies;
    std::uint64_t truncated_udp_frame = 0;
    // Table bookkeeping.
    std::uint32_t generation = 0;
    std::uint32_t next_same_key = 0;  ///< next slot with the same flow key, or npos
    bool live = false;
};

class dns_pending_table {
  public:
    static constexpr std::uint32_t npos = UINT32_MAX;

    explicit dns_pending_table(std::size_t capacity);

    /// The live entry for `key` asking `question`; when the message has no question, the
    /// oldest unanswered entry for `key`. npos when there is none.
    std::uint32_t find(const dns_flow_key& key, const question_facts& question) const;
    /// A fresh entry for `key` (the caller fills it). The table must not be full.
    std::uint32_t insert(const dns_flow_key& key);
    void erase(std::uint32_t slot);
    pending_query& at(std::uint32_t slot) { return slots_[slot]; }

    std::size_t size() const noexcept { return size_; }
    bool full() const noexcept { return size_ >= capacity_; }
    /// The oldest live entry (in arrival order), or npos.
    std::uint32_t oldest();
    /// Unanswered entries (answered ones linger until they expire).
    std::size_t unanswered() const noexcept { return unanswered_; }
    void mark_answered(std::uint32_t slot);

  private:
    std::size_t capacity_;
    std::size_t size_ = 0;
    std::size_t unanswered_ = 0;
    std::vector<pending_query> slots_;
    std::vector<std::uint32_t> free_;
    std::unordered_map<dns_flow_key, std::uint32_t, dns_flow_key_hash> heads_;
    struct arrival {
        std::uint32_t slot;
        std::uint32_t generation;
    };
    std::deque<arrival> arrivals_;
};

}  // namespace pktscope::detail
