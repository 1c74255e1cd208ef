// Resolution chains (`pktscope dns --chain`): under each query a client sent to a recursive
// resolver, the iterative queries that resolver sent upstream to answer it (root, TLD,
// authoritative servers; referrals followed, CNAMEs restarted), in the order it sent them.
//
// Every query with RD set is a possible client query. A step belongs to it when it was sent
// while the client query was open (between its first transmission and its response) and
// either comes from the queried server's own address, or is an iterative query (RD clear)
// from another host than the client whose name is related: the query's name or one of its
// parent zones (QNAME minimisation, RFC 9156; priming for "."), or a name the chain led to (a
// CNAME target, a delegated name server). The second rule finds a resolver that answers
// clients on one address and asks upstream from another; when several client queries could
// own such a step, the one opened first gets it. A client query with no step is a
// chain only when its server was seen resolving before (an answer from its cache).
// Records wait at most two timeouts before they are reported, so memory stays bounded.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "pktscope/dns_tracker.hpp"

namespace pktscope {

/// A client query and the upstream transactions its resolver made for it.
struct dns_chain {
    dns_transaction client;              ///< the query to the resolver
    std::vector<dns_transaction> steps;  ///< upstream transactions, by first transmission
};

/// Counters of a dns_chain_builder.
struct dns_chain_counters {
    std::uint64_t chains = 0;     ///< client queries reported with their steps
    std::uint64_t steps = 0;      ///< upstream transactions placed in a chain
    std::uint64_t evictions = 0;  ///< records reported early because too many waited
};

/// Receives each finished chain (valid only during the call).
using dns_chain_sink = std::function<void(const dns_chain&)>;

/// Groups finished transactions into chains; transactions that belong to no chain are passed
/// on unchanged, in the order they arrived.
class dns_chain_builder {
  public:
    /// `timeout_ns` must be the tracker's timeout (how long a query can stay open);
    /// `max_held` bounds the records waiting.
    dns_chain_builder(std::int64_t timeout_ns, std::size_t max_held, dns_chain_sink on_chain,
                      dns_transaction_sink on_single);
    /// Takes a finished transaction (from the tracker's sink). Call advance() afterwards.
    void add(const dns_transaction& t);
    /// Reports what capture time `now_ns` makes final.
    void advance(std::int64_t now_ns);
    /// Reports everything held (end of capture).
    void finish();
    /// Totals so far.
    const dns_chain_counters& counters() const noexcept { return counters_; }

  private:
    struct held_record {
        dns_transaction transaction;
        std::uint64_t sequence = 0;
        bool candidate = false;  ///< a possible client query (RD set)
        bool done = false;       ///< reported (as a chain, or as a step of one)
    };
    void build_chain(held_record& client);
    bool claimed_earlier(const held_record& client, const held_record& step);
    held_record* held_at(std::uint64_t sequence);
    void drop_front();
    void pop_front_reported(std::int64_t now_ns, bool force);
    static std::int64_t completion_ns(const dns_transaction& t, std::int64_t timeout_ns) noexcept;

    std::int64_t timeout_ns_;
    std::size_t max_held_;
    dns_chain_sink on_chain_;
    dns_transaction_sink on_single_;
    std::deque<held_record> held_;
    std::deque<std::uint64_t> candidates_;  // sequence numbers, in arrival order
    std::uint64_t next_sequence_ = 0;
    std::set<ip_address> resolvers_;  // servers that were seen resolving upstream
    // Held queries (sequence numbers, ascending) by client address, and those sent without
    // RD (iterative): where build_chain() looks for steps instead of scanning everything.
    std::map<ip_address, std::deque<std::uint64_t>> by_client_;
    std::deque<std::uint64_t> iterative_;
    std::int64_t now_ns_ = INT64_MIN;
    dns_chain chain_;  // reused
    dns_chain_counters counters_;
};

}  // namespace pktscope
