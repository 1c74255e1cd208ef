// dns_chain_builder: groups a resolver's upstream transactions under its clients' queries.
#include "pktscope/dns_chain.hpp"

#include <algorithm>

#include "dns_message_facts.hpp"

namespace pktscope {
namespace {

// Hosts remembered as resolvers; beyond this, new ones are not recognised.
constexpr std::size_t max_resolvers = 65'536;

// The names a chain has reached so far: a step is related when it asks for one of them or
// for one of their parent zones.
bool related(std::string_view name, const std::vector<std::string>& interest) {
    for (const std::string& wanted : interest)
        if (detail::dns_name_is_at_or_below(wanted, name)) return true;
    return false;
}

void learn_names(const dns_transaction& t, std::vector<std::string>& interest) {
    constexpr std::size_t max_interest = 256;
    auto learn = [&](const std::string& name) {
        if (interest.size() >= max_interest) return;
        for (const std::string& known : interest)
            if (detail::dns_names_equal(known, name)) return;
        interest.push_back(name);
    };
    for (const dns_rr_text& rr : t.answers)
        if (rr.type == dns_type::cname) learn(rr.data);  // the restart target
    if (t.outcome == dns_outcome::referral)
        for (const dns_rr_text& rr : t.authority)
            if (rr.type == dns_type::ns) learn(rr.data);  // a server the resolver may look up
}

}  // namespace

dns_chain_builder::dns_chain_builder(std::int64_t timeout_ns, std::size_t max_held,
                                     dns_chain_sink on_chain, dns_transaction_sink on_single)
    : timeout_ns_(timeout_ns),
      max_held_(max_held == 0 ? 1 : max_held),
      on_chain_(std::move(on_chain)),
      on_single_(std::move(on_single)) {}

std::int64_t dns_chain_builder::completion_ns(const dns_transaction& t,
                                              std::int64_t timeout_ns) noexcept {
    if (t.status == dns_status::unanswered) return t.query_ts_ns + timeout_ns;
    return t.response_ts_ns;
}

void dns_chain_builder::add(const dns_transaction& t) {
    held_record& r = held_.emplace_back();
    r.transaction = t;
    r.sequence = next_sequence_++;
    r.candidate = t.status != dns_status::unsolicited && t.rd && t.has_question;
    if (r.candidate) candidates_.push_back(r.sequence);
    if (t.query_frame != 0 && t.has_question) {
        by_client_[t.client.address].push_back(r.sequence);
        if (!t.rd) iterative_.push_back(r.sequence);
    }
    if (held_.size() > max_held_) {
        // Too many records waiting: the oldest is reported as it stands.
        ++counters_.evictions;
        held_record& front = held_.front();
        if (!front.done) {
            if (front.candidate)
                build_chain(front);
            else
                on_single_(front.transaction);
        }
        drop_front();
    }
}

dns_chain_builder::held_record* dns_chain_builder::held_at(std::uint64_t sequence) {
    if (held_.empty() || sequence < held_.front().sequence) return nullptr;
    const std::uint64_t index = sequence - held_.front().sequence;
    return index < held_.size() ? &held_[static_cast<std::size_t>(index)] : nullptr;
}

void dns_chain_builder::drop_front() {
    const held_record& r = held_.front();
    // Sequences only grow, so the front record is at the front of its index lists too.
    if (const auto it = by_client_.find(r.transaction.client.address);
        it != by_client_.end() && !it->second.empty() && it->second.front() == r.sequence) {
        it->second.pop_front();
        if (it->second.empty()) by_client_.erase(it);
    }
    if (!iterative_.empty() && iterative_.front() == r.sequence) iterative_.pop_front();
    held_.pop_front();
}

void dns_chain_builder::advance(std::int64_t now_ns) {
    if (now_ns > now_ns_) now_ns_ = now_ns;
    // A client query is final one timeout after it finished: by then every upstream query
    // sent while it was open has finished too (answered, or unanswered after the timeout).
    while (!candidates_.empty()) {
        const std::uint64_t sequence = candidates_.front();
        if (held_.empty() || sequence < held_.front().sequence) {
            candidates_.pop_front();
            continue;
        }
        held_record& r = held_[static_cast<std::size_t>(sequence - held_.front().sequence)];
        if (!r.done) {
            if (completion_ns(r.transaction, timeout_ns_) + timeout_ns_ > now_ns_) break;
            build_chain(r);
        }
        candidates_.pop_front();
    }
    pop_front_reported(now_ns_, false);
}

void dns_chain_builder::finish() {
    for (std::uint64_t sequence : candidates_) {
        if (held_.empty() || sequence < held_.front().sequence) continue;
        held_record& r = held_[static_cast<std::size_t>(sequence - held_.front().sequence)];
        if (!r.done) build_chain(r);
    }
    candidates_.clear();
    pop_front_reported(INT64_MAX, true);
}

void dns_chain_builder::pop_front_reported(std::int64_t now_ns, bool force) {
    while (!held_.empty()) {
        held_record& front = held_.front();
        if (!front.done) {
            if (front.candidate) {
                if (!force) return;  // advance() reports it when it is final
                build_chain(front);
            } else {
                // A query that may still be claimed as a step: any client query it could
                // belong to opened before it and is final two timeouts after it was sent.
                const dns_transaction& t = front.transaction;
                const std::int64_t sent = t.query_frame != 0 ? t.query_ts_ns : t.response_ts_ns;
                if (!force && sent + 2 * timeout_ns_ >= now_ns) return;
                on_single_(t);
            }
        }
        drop_front();
    }
}

bool dns_chain_builder::claimed_earlier(const held_record& client, const held_record& step) {
    // Without the resolver's own address to go by, an upstream query goes to the client
    // query that was open first among those it could serve (resolvers work in arrival order).
    // Looked for among the next client queries to be reported, a bounded number of them.
    constexpr std::size_t max_examined = 4096;
    const dns_transaction& u = step.transaction;
    std::size_t examined = 0;
    for (const std::uint64_t sequence : candidates_) {
        if (++examined > max_examined) break;
        const held_record* other = held_at(sequence);
        if (other == nullptr || other == &client || other->done) continue;
        const dns_transaction& c = other->transaction;
        if (c.query_ts_ns >= client.transaction.query_ts_ns) continue;
        if (u.query_ts_ns < c.query_ts_ns || u.query_ts_ns > completion_ns(c, timeout_ns_))
            continue;
        if (related(u.qname, {c.qname})) return true;
    }
    return false;
}

void dns_chain_builder::build_chain(held_record& client) {
    client.done = true;
    const dns_transaction& c = client.transaction;
    const std::int64_t opened = c.query_ts_ns;
    const std::int64_t closed = completion_ns(c, timeout_ns_);
    struct possible_step {
        held_record* record;
        bool from_elsewhere;
    };
    std::vector<possible_step> sent_meanwhile;
    auto sent_while_open = [&](const held_record* r) {
        return r != nullptr && !r->done && r != &client && r->transaction.query_ts_ns >= opened &&
               r->transaction.query_ts_ns <= closed;
    };
    // Queries from the queried server's own address.
    if (const auto it = by_client_.find(c.server.address); it != by_client_.end())
        for (const std::uint64_t sequence : it->second)
            if (held_record* r = held_at(sequence); sent_while_open(r))
                sent_meanwhile.push_back({r, false});
    // Iterative queries from another of the resolver's addresses (not the client's, not to
    // the same server): kept only if related and no earlier client query claims them.
    for (const std::uint64_t sequence : iterative_) {
        held_record* r = held_at(sequence);
        if (!sent_while_open(r)) continue;
        const dns_transaction& t = r->transaction;
        if (t.client.address == c.server.address || t.client.address == c.client.address ||
            t.server.address == c.server.address)
            continue;
        sent_meanwhile.push_back({r, true});
    }
    std::stable_sort(sent_meanwhile.begin(), sent_meanwhile.end(),
                     [](const possible_step& a, const possible_step& b) {
                         return a.record->transaction.query_ts_ns <
                                b.record->transaction.query_ts_ns;
                     });
    chain_.client = c;
    chain_.steps.clear();
    std::vector<std::string> interest{c.qname};
    for (const possible_step& p : sent_meanwhile) {
        held_record* r = p.record;
        if (!related(r->transaction.qname, interest)) continue;
        if (p.from_elsewhere && claimed_earlier(client, *r)) continue;
        r->done = true;
        chain_.steps.push_back(r->transaction);
        learn_names(r->transaction, interest);
    }
    if (chain_.steps.empty() && resolvers_.count(c.server.address) == 0) {
        on_single_(c);  // nothing seen upstream, and not known as a resolver
        return;
    }
    if (!chain_.steps.empty() && resolvers_.size() < max_resolvers)
        resolvers_.insert(c.server.address);
    ++counters_.chains;
    counters_.steps += chain_.steps.size();
    on_chain_(chain_);
}

}  // namespace pktscope
