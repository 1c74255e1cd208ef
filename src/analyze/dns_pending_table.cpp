#include "dns_pending_table.hpp"

#include "pktscope/ip_protocol.hpp"

namespace pktscope::detail {
namespace {

bool question_matches(const pending_query& q, const question_facts& question) noexcept {
    if (q.has_question != question.present) return false;
    if (!question.present) return true;
    return q.qtype == question.qtype && q.qclass == question.qclass &&
           dns_names_equal(q.qname, question.name.view());
}

std::uint8_t protocol_of(dns_transport t) noexcept {
    return t == dns_transport::udp ? ip_protocol::udp : ip_protocol::tcp;
}

}  // namespace

dns_lookup::dns_lookup(const dns_flow_key& k, const question_facts& q) noexcept
    : key(k), question(&q) {
    // The flow hash with the ID mixed in: IDs of one client/server pair spread over the table.
    key_hash = flow_hash({k.client, k.server, protocol_of(k.transport)}) ^
               ((std::uint64_t{k.id} + 1) * 0x9e3779b97f4a7c15ULL);
    if (!q.present) return;
    std::uint64_t h = (std::uint64_t{q.qtype} << 16 | q.qclass) * 0x9e3779b97f4a7c15ULL + 1;
    for (char c : q.name.view()) {  // FNV-1a over the lower-cased name
        const char lower = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
        h = (h ^ static_cast<unsigned char>(lower)) * 0x100000001b3ULL;
    }
    question_hash = h;
}

std::uint64_t dns_lookup::retry_hash() const noexcept {
    if (!has_retry_hash_) {
        flow_endpoint client_host = key.client;
        client_host.port = 0;
        retry_hash_ =
            flow_hash({client_host, key.server, protocol_of(key.transport)}) ^ question_hash;
        has_retry_hash_ = true;
    }
    return retry_hash_;
}

dns_pending_table::dns_pending_table(std::size_t capacity)
    : capacity_(capacity == 0 ? 1 : capacity) {}

std::uint32_t dns_pending_table::find(const dns_lookup& m) const {
    std::uint32_t found = npos;
    by_key_.for_each(m.key_hash, [&](std::uint32_t s) {
        const pending_query& q = slots_[s];
        if (!(q.key == m.key)) return false;
        if (m.question->present) {
            if (q.question_hash != m.question_hash || !question_matches(q, *m.question))
                return false;
            found = s;
            return true;
        }
        // No question to go by: the oldest query for this key.
        if (found == npos || slots_[query_of(s)].query_ts_ns < slots_[query_of(found)].query_ts_ns)
            found = s;
        return false;
    });
    return found;
}

std::uint32_t dns_pending_table::find_retried(const dns_lookup& m) const {
    if (!m.question->present) return npos;
    std::uint32_t found = npos;
    by_retry_.for_each(m.retry_hash(), [&](std::uint32_t s) {
        const pending_query& q = slots_[s];
        // A retry keeps its ID (dig: new port, same ID) or its port (new ID, same socket);
        // a new port and a new ID is another transaction.
        if ((q.key.id != m.key.id && q.key.client.port != m.key.client.port) ||
            q.key.transport != m.key.transport || !(q.key.server == m.key.server) ||
            !(q.key.client.address == m.key.client.address) || !question_matches(q, *m.question))
            return false;
        found = s;
        return true;
    });
    return found;
}

std::uint32_t dns_pending_table::allocate(const dns_lookup& m) {
    std::uint32_t slot;
    if (!free_.empty()) {
        slot = free_.back();
        free_.pop_back();
    } else {
        slot = static_cast<std::uint32_t>(slots_.size());
        slots_.emplace_back();
    }
    pending_query& q = slots_[slot];
    q.key = m.key;
    q.key_hash = m.key_hash;
    q.question_hash = m.question_hash;
    q.live = true;
    q.alias_of = npos;
    q.aliases.clear();
    ++q.generation;
    by_key_.insert(q.key_hash, slot);
    ++size_;
    return slot;
}

std::uint32_t dns_pending_table::insert(const dns_lookup& m) {
    const std::uint32_t slot = allocate(m);
    pending_query& q = slots_[slot];
    const question_facts& question = *m.question;
    q.has_question = question.present;
    q.qname.assign(question.name.view());
    q.qtype = question.qtype;
    q.qclass = question.qclass;
    if (question.present) {
        q.retry_hash = m.retry_hash();
        by_retry_.insert(q.retry_hash, slot);
    }
    arrivals_.push_back({slot, q.generation});
    ++queries_;
    // Entries erased out of order leave stale arrivals behind; drop them before they pile up.
    if (arrivals_.size() > 4 * capacity_ + 64) {
        std::deque<arrival> kept;
        for (const arrival& a : arrivals_)
            if (slots_[a.slot].live && slots_[a.slot].generation == a.generation) kept.push_back(a);
        arrivals_.swap(kept);
    }
    return slot;
}

void dns_pending_table::add_alias(std::uint32_t slot, const dns_lookup& m) {
    if (full()) return;
    const std::uint32_t alias = allocate(m);
    pending_query& a = slots_[alias];
    const pending_query& q = slots_[slot];
    a.alias_of = slot;
    a.has_question = q.has_question;
    a.qname = q.qname;
    a.qtype = q.qtype;
    a.qclass = q.qclass;
    slots_[slot].aliases.push_back(alias);
}

void dns_pending_table::release(std::uint32_t slot) {
    pending_query& q = slots_[slot];
    by_key_.erase(q.key_hash, slot);
    q.live = false;
    ++q.generation;
    --size_;
    free_.push_back(slot);
}

void dns_pending_table::erase(std::uint32_t slot) {
    pending_query& q = slots_[slot];
    if (!q.live || q.alias_of != npos) return;
    for (std::uint32_t alias : q.aliases) release(alias);
    q.aliases.clear();
    if (q.has_question) by_retry_.erase(q.retry_hash, slot);
    --queries_;
    release(slot);
}

std::uint32_t dns_pending_table::oldest() {
    while (!arrivals_.empty()) {
        const arrival a = arrivals_.front();
        const pending_query& q = slots_[a.slot];
        if (q.live && q.generation == a.generation) return a.slot;
        arrivals_.pop_front();
    }
    return npos;
}

dns_answered_memory::dns_answered_memory(std::size_t slots) {
    std::size_t n = 1;
    while (n < slots) n <<= 1;
    entries_.resize(n);
}

void dns_answered_memory::remember(std::uint64_t fingerprint, std::int64_t answered_ns) {
    entries_[static_cast<std::size_t>(fingerprint) & (entries_.size() - 1)] = {fingerprint,
                                                                               answered_ns};
}

bool dns_answered_memory::recall(std::uint64_t fingerprint, std::int64_t now_ns,
                                 std::int64_t within_ns) const {
    const entry& e = entries_[static_cast<std::size_t>(fingerprint) & (entries_.size() - 1)];
    return e.fingerprint == fingerprint && now_ns - e.answered_ns <= within_ns;
}

}  // namespace pktscope::detail
