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

}  // namespace

std::size_t dns_flow_key_hash::operator()(const dns_flow_key& k) const noexcept {
    // The flow hash with the ID folded into the protocol byte's neighbours: IDs of one
    // client/server pair spread over the table.
    const std::uint8_t protocol =
        k.transport == dns_transport::udp ? ip_protocol::udp : ip_protocol::tcp;
    const std::uint64_t h = flow_hash({k.client, k.server, protocol});
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
        if (!question.present && !q.answered) without_question = s;
    }
    return without_question;
}

std::uint32_t dns_pending_table::insert(const dns_flow_key& key) {
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
    ++q.generation;
    auto [it, inserted] = heads_.try_emplace(key, slot);
    q.next_same_key = inserted ? npos : it->second;
    it->second = slot;
    arrivals_.push_back({slot, q.generation});
    ++size_;
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

void dns_pending_table::erase(std::uint32_t slot) {
    pending_query& q = slots_[slot];
    if (!q.live) return;
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
    if (!q.answered) --unanswered_;
    q.live = false;
    ++q.generation;
    --size_;
    free_.push_back(slot);
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
