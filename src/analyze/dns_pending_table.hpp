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

/// One query in the table, or an alias: the (client port, ID) of a retry of another query,
/// so that a response to the retry finds the transaction too.
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
    std::uint32_t next_same_key = 0;     ///< next slot with the same flow key, or npos
    std::uint32_t alias_of = 0;          ///< for an alias: its query's slot, else npos
    std::vector<std::uint32_t> aliases;  ///< a query's alias slots
    std::uint64_t retry_hash = 0;        ///< client host + server + question
    std::uint32_t next_same_retry = 0;   ///< next query with the same retry_hash, or npos
    bool live = false;
};

class dns_pending_table {
  public:
    static constexpr std::uint32_t npos = UINT32_MAX;

    explicit dns_pending_table(std::size_t capacity);

    /// The live entry (query or alias) for `key` asking `question`; when the message has no
    /// question, the oldest unanswered one for `key`. npos when there is none.
    std::uint32_t find(const dns_flow_key& key, const question_facts& question) const;
    /// The unanswered query that a query with `key` and `question` repeats from another
    /// client port or with another ID: same transport, client host, server and question.
    std::uint32_t find_retried(const dns_flow_key& key, const question_facts& question) const;
    /// The query an entry stands for (itself, or the query an alias belongs to).
    std::uint32_t query_of(std::uint32_t slot) const {
        return slots_[slot].alias_of == npos ? slot : slots_[slot].alias_of;
    }
    /// A fresh query for `key` asking `question` (the caller fills the rest). Not when full.
    std::uint32_t insert(const dns_flow_key& key, const question_facts& question);
    /// Makes `key` find query `slot` too (a retry from another port or ID). No-op when full.
    void add_alias(std::uint32_t slot, const dns_flow_key& key);
    /// Removes a query with its aliases.
    void erase(std::uint32_t slot);
    pending_query& at(std::uint32_t slot) { return slots_[slot]; }

    std::size_t size() const noexcept { return size_; }
    bool full() const noexcept { return size_ >= capacity_; }
    /// The oldest live query (in arrival order), or npos.
    std::uint32_t oldest();
    /// Unanswered queries (answered ones linger until they expire).
    std::size_t unanswered() const noexcept { return unanswered_; }
    void mark_answered(std::uint32_t slot);

  private:
    std::uint32_t allocate(const dns_flow_key& key);
    void release(std::uint32_t slot);

    std::size_t capacity_;
    std::size_t size_ = 0;
    std::size_t unanswered_ = 0;
    std::vector<pending_query> slots_;
    std::vector<std::uint32_t> free_;
    std::unordered_map<dns_flow_key, std::uint32_t, dns_flow_key_hash> heads_;
    std::unordered_map<std::uint64_t, std::uint32_t> retry_heads_;
    struct arrival {
        std::uint32_t slot;
        std::uint32_t generation;
    };
    std::deque<arrival> arrivals_;
};

}  // namespace pktscope::detail
