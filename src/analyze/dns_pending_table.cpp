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

// What a retry keeps: transport, client host (not port), server, question (name without case).
std::uint64_t retry_hash_of(const dns_flow_key& key, const question_facts& q) noexcept {
    flow_endpoint client_host = key.client;
    client_host.port = 0;
    std::uint64_t h = flow_hash({client_host, key.server, protocol_of(key.transport)});
    h ^= (std::uint64_t{q.qtype} << 16 | q.qclass) * 0x9e3779b97f4a7c15ULL;
    for (char c : q.name.view()) {  // FNV-1a over the lower-cased name
        const char lower = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
        h = (h ^ static_cast<unsigned char>(lower)) * 0x100000001b3ULL;
    }
    return h;
}

}  // namespace

std::size_t dns_flow_key_hash::operator()(const dns_flow_key& k) const noexcept {
    // The flow hash with the ID mixed in: IDs of one client/server pair spread over the table.
    const std::uint64_t h = flow_hash({k.client, k.server, protocol_of(k.transport)});
    return static_cast<std::size_t>(h ^ (std::uint64_t{k.id} * 0x9e3779b97f4a7c15ULL));
}

dns_pending_table::dns_pending_table(std::size_t capacity)
    : capacity_(capacity == 0 ? 1 : capacity) {}

std::uint32_t dns_pending_table::find(const dns_flow_key& key,
                                      const question_facts& question) const {
    const auto it = heads_.find(key);
    if (it == heads_.end()) return npos;
    std::uint32_t without_question = npos;
    // The chain is newest first; remember the last (oldest) unanswered one for responses
    // that carry no question.
    for (std::uint32_t s = it->second; s != npos; s = slots_[s].next_same_key) {
        const pending_query& q = slots_[s];
        if (question.present && question_matches(q, question)) return s;
        if (!question.present && !slots_[query_of(s)].answered) without_question = s;
    }
    return without_question;
}

std::uint32_t dns_pending_table::find_retried(const dns_flow_key& key,
                                              const question_facts& question) const {
    if (!question.present) return npos;
    const auto it = retry_heads_.find(retry_hash_of(key, question));
    if (it == retry_heads_.end()) return npos;
    for (std::uint32_t s = it->second; s != npos; s = slots_[s].next_same_retry) {
        const pending_query& q = slots_[s];
        if (q.answered || q.key.transport != key.transport || !(q.key.server == key.server) ||
            !(q.key.client.address == key.client.address) || !question_matches(q, question))
            continue;
        return s;
    }
    return npos;
}

std::uint32_t dns_pending_table::allocate(const dns_flow_key& key) {
    std::uint32_t slot;
    if (!free_.empty()) {
        slot = free_.back();
        free_.pop_back();
    } else {
        slot = static_cast<std::uint32_t>(slots_.size());
        slots_.emplace_back();
    }
    pending_query& q = slots_[slot];
    q.key = key;
    q.live = true;
    q.answered = false;
    q.alias_of = npos;
    q.aliases.clear();
    q.next_same_retry = npos;
    ++q.generation;
    auto [it, inserted] = heads_.try_emplace(key, slot);
    q.next_same_key = inserted ? npos : it->second;
    it->second = slot;
    ++size_;
    return slot;
}

std::uint32_t dns_pending_table::insert(const dns_flow_key& key, const question_facts& question) {
    const std::uint32_t slot = allocate(key);
    pending_query& q = slots_[slot];
    q.has_question = question.present;
    q.qname.assign(question.name.view());
    q.qtype = question.qtype;
    q.qclass = question.qclass;
    if (question.present) {
        q.retry_hash = retry_hash_of(key, question);
        auto [it, inserted] = retry_heads_.try_emplace(q.retry_hash, slot);
        q.next_same_retry = inserted ? npos : it->second;
        it->second = slot;
    }
    arrivals_.push_back({slot, q.generation});
    ++unanswered_;
    // Entries erased out of order leave stale arrivals behind; drop them before they pile up.
    if (arrivals_.size() > 4 * capacity_ + 64) {
        std::deque<arrival> kept;
        for (const arrival& a : arrivals_)
            if (slots_[a.slot].live && slots_[a.slot].generation == a.generation) kept.push_back(a);
        arrivals_.swap(kept);
    }
    return slot;
}

void dns_pending_table::add_alias(std::uint32_t slot, const dns_flow_key& key) {
    if (full()) return;
    const std::uint32_t alias = allocate(key);
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
    const auto it = heads_.find(q.key);
    if (it != heads_.end()) {
        if (it->second == slot) {
            if (q.next_same_key == npos)
                heads_.erase(it);
            else
                it->second = q.next_same_key;
        } else {
            for (std::uint32_t s = it->second; s != npos; s = slots_[s].next_same_key) {
                if (slots_[s].next_same_key == slot) {
                    slots_[s].next_same_key = q.next_same_key;
                    break;
                }
            }
        }
    }
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
    if (q.has_question) {
        const auto it = retry_heads_.find(q.retry_hash);
        if (it != retry_heads_.end()) {
            if (it->second == slot) {
                if (q.next_same_retry == npos)
                    retry_heads_.erase(it);
                else
                    it->second = q.next_same_retry;
            } else {
                for (std::uint32_t s = it->second; s != npos; s = slots_[s].next_same_retry) {
                    if (slots_[s].next_same_retry == slot) {
                        slots_[s].next_same_retry = q.next_same_retry;
                        break;
                    }
                }
            }
        }
    }
    if (!q.answered) --unanswered_;
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

void dns_pending_table::mark_answered(std::uint32_t slot) {
    pending_query& q = slots_[slot];
    if (q.live && !q.answered) {
        q.answered = true;
        --unanswered_;
    }
}

}  // namespace pktscope::detail
