// An open-addressing multimap from 64-bit hashes to slot numbers (internal to the DNS
// tracker): one flat array probed linearly, so a lookup is usually one cache line instead of
// a bucket and a node. Several slots may share a hash; callers check the slot itself.
#pragma once

#include <cstdint>
#include <vector>

namespace pktscope::detail {

class dns_hash_index {
  public:
    static constexpr std::uint32_t npos = UINT32_MAX;

    void insert(std::uint64_t hash, std::uint32_t slot) {
        if ((size_ + 1) * 2 > entries_.size()) grow();
        place({hash, slot});
        ++size_;
    }

    /// Removes the entry (hash, slot); no-op when absent.
    void erase(std::uint64_t hash, std::uint32_t slot) {
        if (entries_.empty()) return;
        const std::size_t mask = entries_.size() - 1;
        std::size_t i = static_cast<std::size_t>(hash) & mask;
        for (; entries_[i].slot != npos; i = (i + 1) & mask)
            if (entries_[i].hash == hash && entries_[i].slot == slot) break;
        if (entries_[i].slot == npos) return;
        // Backward-shift deletion keeps every probe sequence unbroken without tombstones.
        std::size_t hole = i;
        for (std::size_t j = (hole + 1) & mask; entries_[j].slot != npos; j = (j + 1) & mask) {
            const std::size_t home = static_cast<std::size_t>(entries_[j].hash) & mask;
            const bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!stays) {
                entries_[hole] = entries_[j];
                hole = j;
            }
        }
        entries_[hole].slot = npos;
        --size_;
    }

    /// Calls f(slot) for each slot stored under `hash` until f returns true.
    template <class F>
    void for_each(std::uint64_t hash, F&& f) const {
        if (entries_.empty()) return;
        const std::size_t mask = entries_.size() - 1;
        for (std::size_t i = static_cast<std::size_t>(hash) & mask; entries_[i].slot != npos;
             i = (i + 1) & mask)
            if (entries_[i].hash == hash && f(entries_[i].slot)) return;
    }

  private:
    struct entry {
        std::uint64_t hash = 0;
        std::uint32_t slot = npos;
    };

    void place(entry e) {
        const std::size_t mask = entries_.size() - 1;
        std::size_t i = static_cast<std::size_t>(e.hash) & mask;
        while (entries_[i].slot != npos) i = (i + 1) & mask;
        entries_[i] = e;
    }

    void grow() {
        std::vector<entry> old;
        old.swap(entries_);
        entries_.assign(old.empty() ? 1024 : old.size() * 2, entry{});
        for (const entry& e : old)
            if (e.slot != npos) place(e);
    }

    std::vector<entry> entries_;
    std::size_t size_ = 0;
};

}  // namespace pktscope::detail
