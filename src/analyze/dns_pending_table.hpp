// The bounded table of queries waiting for a response, internal to the DNS tracker. Entries
// live in reusable slots (their strings keep their storage), are found by transport +
// endpoints + ID and then by question, and leave in arrival order. Hashes are computed once
// per message by the caller (dns_lookup) and passed in.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "dns_hash_index.hpp"
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

/// A message's key, question and the hashes the table needs, computed once.
struct dns_lookup {
    dns_flow_key key;
    const question_facts* question = nullptr;
    std::uint64_t key_hash = 0;       ///< every field of `key`
    std::uint64_t question_hash = 0;  ///< type, class and the name without case (0: none)
    mutable std::uint64_t retry_hash_ = 0;
    mutable bool has_retry_hash_ = false;
    /// Computes both hashes.
    dns_lookup(const dns_flow_key& k, const question_facts& q) noexcept;
    /// Client host (not port), server, transport and question: what a retry keeps (computed
    /// on first use).
    std::uint64_t retry_hash() const noexcept;
    /// Identifies the answered transaction for duplicate detection.
    std::uint64_t fingerprint() const noexcept {
        return key_hash ^ (question_hash * 0xc2b2ae3d27d4eb4fULL);
    }
};

/// One query waiting for its response, or an alias: the (client port, ID) of a retry of
/// another query, so that a response to the retry finds the transaction too.
struct pending_query {
    dns_flow_key key;
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
    std::uint64_t key_hash = 0;
    std::uint64_t question_hash = 0;
    std::uint64_t retry_hash = 0;
    std::uint32_t alias_of = 0;          ///< for an alias: its query's slot, else npos
    std::vector<std::uint32_t> aliases;  ///< a query's alias slots
    bool live = false;
    /// What fingerprint() of a response to this entry's key would be.
    std::uint64_t fingerprint() const noexcept {
        return key_hash ^ (question_hash * 0xc2b2ae3d27d4eb4fULL);
    }
};

class dns_pending_table {
  public:
    static constexpr std::uint32_t npos = UINT32_MAX;

    explicit dns_pending_table(std::size_t capacity);

    /// The live entry (query or alias) for the key asking the question; when the message has
    /// no question, the oldest one for the key. npos when there is none.
    std::uint32_t find(const dns_lookup& m) const;
    /// The query that `m` repeats from another client port (same ID) or with another ID
    /// (same port): same transport, client host, server and question. npos when none.
    std::uint32_t find_retried(const dns_lookup& m) const;
    /// The query an entry stands for (itself, or the query an alias belongs to).
    std::uint32_t query_of(std::uint32_t slot) const {
        return slots_[slot].alias_of == npos ? slot : slots_[slot].alias_of;
    }
    /// A fresh query for `m` (the caller fills the rest). Not when full.
    std::uint32_t insert(const dns_lookup& m);
    /// Makes `m`'s key find query `slot` too (a retry). No-op when full.
    void add_alias(std::uint32_t slot, const dns_lookup& m);
    /// Removes a query with its aliases.
    void erase(std::uint32_t slot);
    pending_query& at(std::uint32_t slot) { return slots_[slot]; }

    std::size_t size() const noexcept { return size_; }
    bool full() const noexcept { return size_ >= capacity_; }
    /// The oldest live query (in arrival order), or npos.
    std::uint32_t oldest();
    /// Queries waiting (aliases not counted).
    std::size_t queries() const noexcept { return queries_; }

  private:
    std::uint32_t allocate(const dns_lookup& m);
    void release(std::uint32_t slot);

    std::size_t capacity_;
    std::size_t size_ = 0;
    std::size_t queries_ = 0;
    std::vector<pending_query> slots_;
    std::vector<std::uint32_t> free_;
    dns_hash_index by_key_;    // flow key -> queries and aliases
    dns_hash_index by_retry_;  // client host + server + question -> queries
    struct arrival {
        std::uint32_t slot;
        std::uint32_t generation;
    };
    std::deque<arrival> arrivals_;
};

/// Fingerprints of recently answered transactions (every key of the query and its aliases,
/// with the question), so that a second response is a duplicate rather than unsolicited.
/// Direct-mapped and fixed in size: an old fingerprint can be overwritten (its duplicate then
/// counts as unsolicited); a wrong match needs a 64-bit collision.
class dns_answered_memory {
  public:
    explicit dns_answered_memory(std::size_t slots = 1u << 15);
    void remember(std::uint64_t fingerprint, std::int64_t answered_ns);
    /// True when `fingerprint` was answered no longer than `within_ns` before `now_ns`.
    bool recall(std::uint64_t fingerprint, std::int64_t now_ns, std::int64_t within_ns) const;

  private:
    struct entry {
        std::uint64_t fingerprint = 0;
        std::int64_t answered_ns = 0;
    };
    std::vector<entry> entries_;
};

}  // namespace pktscope::detail
