// Flow keys and a bounded flow table with idle timeouts, shared by the analyzers (handshake
// tracker, DNS tracker, ...).
//
// A flow_key names one direction of a transport conversation (source -> destination, protocol).
// Trackers that want one entry per conversation look it up by its canonical form, in which the
// lower endpoint comes first, and remember which side they consider the client.
//
// flow_table<Value> holds at most `max_entries` values. Each entry sits in one of a few
// timeout classes (for example "attempt", "established", "closing"), each with its own idle
// timeout; entries of a class are kept in least-recently-used order, so expiry only looks at
// the head of each class. The order is kept lazily: touching an entry only stamps its time
// (no list surgery, so no cache misses on its neighbours per packet); an entry found at the
// head with a newer stamp than its place in the list is moved to the tail then. When the
// table is full, the entry nearest to its deadline is evicted.
// Every removal goes through a caller-supplied callback (so no record is ever dropped silently)
// and is counted.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "pktscope/address.hpp"
#include "pktscope/decode.hpp"

namespace pktscope {

/// An IPv4 or IPv6 address as one value: family 4 or 6 (0 = none); IPv4 uses octets[0..3].
struct ip_address {
    std::uint8_t family = 0;
    std::array<std::uint8_t, 16> octets{};

    /// The IPv4 address `a` (RFC 791).
    static ip_address from(ipv4_address a) noexcept {
        ip_address r;
        r.family = 4;
        for (std::size_t i = 0; i < 4; ++i)
            r.octets[i] = static_cast<std::uint8_t>(a.value >> (24 - 8 * i));
        return r;
    }
    /// The IPv6 address `a` (RFC 8200).
    static ip_address from(const ipv6_address& a) noexcept {
        ip_address r;
        r.family = 6;
        r.octets = a.octets;
        return r;
    }
    /// The IPv4 value (meaningful when family == 4).
    ipv4_address v4() const noexcept {
        return {(std::uint32_t{octets[0]} << 24) | (std::uint32_t{octets[1]} << 16) |
                (std::uint32_t{octets[2]} << 8) | std::uint32_t{octets[3]}};
    }
    /// The IPv6 value (meaningful when family == 6).
    ipv6_address v6() const noexcept { return {octets}; }
    friend constexpr auto operator<=>(const ip_address&, const ip_address&) = default;
};

/// Writes the address as dotted quad (family 4) or RFC 5952 text (family 6); returns the end.
/// At most ipv6_text_max characters; "-" for family 0.
char* format_to(char* out, const ip_address& address) noexcept;

/// One end of a flow: an address and a port (0 for protocols without ports).
struct flow_endpoint {
    ip_address address;
    std::uint16_t port = 0;
    friend constexpr auto operator<=>(const flow_endpoint&, const flow_endpoint&) = default;
};

/// One direction of a transport flow: source -> destination over IP protocol `protocol`.
struct flow_key {
    flow_endpoint source;
    flow_endpoint destination;
    std::uint8_t protocol = 0;  ///< IP protocol number (6 TCP, 17 UDP)

    /// The same flow seen from the other side.
    flow_key reversed() const noexcept { return {destination, source, protocol}; }
    friend constexpr bool operator==(const flow_key&, const flow_key&) = default;
};

/// A direction-independent key (lower endpoint first) and whether `key` had to be swapped.
struct canonical_flow {
    flow_key key;
    bool swapped = false;
};

/// The canonical form of `key`: both directions of one conversation map to the same key.
inline canonical_flow canonicalize(const flow_key& key) noexcept {
    if (key.destination < key.source) return {key.reversed(), true};
    return {key, false};
}

/// A 64-bit hash of every field of `key` (not direction-independent; canonicalize first).
std::uint64_t flow_hash(const flow_key& key) noexcept;

/// The flow of a decoded TCP or UDP packet (source -> destination as sent); nullopt when the
/// packet has no IP layer, no TCP/UDP header (including non-first fragments).
std::optional<flow_key> flow_key_of(const decoded_packet& packet) noexcept;

/// Why an entry left a flow_table.
enum class flow_removal : std::uint8_t {
    idle_timeout,  ///< no packet for its class's idle timeout
    table_full,    ///< evicted to make room (the entry nearest its deadline goes first)
    flushed,       ///< the caller emptied the table (end of capture)
};

/// Counters every flow_table keeps (for the `summary` record).
struct flow_table_counters {
    std::uint64_t inserted = 0;
    std::uint64_t expired_idle = 0;  ///< removals with flow_removal::idle_timeout
    std::uint64_t evicted_full = 0;  ///< removals with flow_removal::table_full
    std::uint64_t flushed = 0;       ///< removals with flow_removal::flushed
    std::uint64_t erased = 0;        ///< removals by erase()
    std::uint64_t peak_entries = 0;  ///< largest number of entries held at once
};

/// A bounded hash table of flows with per-class idle timeouts and LRU order. `Classes` timeout
/// classes, each with its own idle timeout in nanoseconds. Value must be default-constructible
/// and move-assignable. Entries are addressed by handles (stable until the entry is removed).
/// The times given to insert() and touch() must not go backwards (LRU order relies on it).
/// Not thread-safe.
template <class Value, std::size_t Classes = 4>
class flow_table {
  public:
    /// Index of an entry; stable until the entry is removed.
    using handle = std::uint32_t;
    /// "No entry" (find() misses).
    static constexpr handle npos = 0xffffffffU;

    /// Size bound and the idle timeout of each class.
    struct options {
        std::size_t max_entries = 1 << 18;                    ///< at least 1
        std::array<std::int64_t, Classes> idle_timeout_ns{};  ///< per class; <= 0 never expires
    };

    /// An empty table; max_entries is clamped to [1, 2^30]. Memory grows with use.
    explicit flow_table(const options& o) : options_(o) {
        if (options_.max_entries < 1) options_.max_entries = 1;
        if (options_.max_entries > npos / 4) options_.max_entries = npos / 4;
        heads_.fill(npos);
        tails_.fill(npos);
    }

    /// Entries held now.
    std::size_t size() const noexcept { return size_; }
    /// The bound on size().
    std::size_t max_entries() const noexcept { return options_.max_entries; }
    /// Insertions and removals so far, by cause.
    const flow_table_counters& counters() const noexcept { return counters_; }

    /// The entry stored under `key`, or npos.
    handle find(const flow_key& key) const noexcept {
        if (slots_.empty()) return npos;
        const std::uint64_t h = flow_hash(key);
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = static_cast<std::size_t>(h) & mask;; i = (i + 1) & mask) {
            const std::uint64_t s = slots_[i];
            if (s == empty_slot) return npos;
            // The slot carries the hash's high half: other keys are told apart without
            // touching their entries.
            if ((s >> 32) != (h >> 32)) continue;
            const auto candidate = static_cast<handle>(s);
            if (at(candidate).key == key) return candidate;
        }
    }

    /// Inserts a default Value under `key` (which must not be present) in class `cls`, last
    /// touched at `now_ns`. When the table is full, first evicts the entry nearest its deadline,
    /// calling on_remove(key, value, flow_removal::table_full).
    template <class OnRemove>
    handle insert(const flow_key& key, std::int64_t now_ns, std::size_t cls, OnRemove&& on_remove) {
        if (size_ >= options_.max_entries) evict_one(on_remove);
        handle h;
        if (free_ != npos) {
            h = free_;
            free_ = at(h).next;
        } else {
            if (allocated_ % chunk_entries == 0)
                chunks_.push_back(std::make_unique<entry[]>(chunk_entries));
            h = static_cast<handle>(allocated_++);
        }
        entry& e = at(h);
        e.key = key;
        e.hash = flow_hash(key);
        e.value = Value{};
        e.last_ns = now_ns;
        e.cls = static_cast<std::uint8_t>(cls);
        link_tail(h);
        ++size_;
        grow_index_if_needed();
        place_in_index(h);
        ++counters_.inserted;
        if (size_ > counters_.peak_entries) counters_.peak_entries = size_;
        return h;
    }

    /// The value of entry `h` (which must be present).
    Value& value(handle h) noexcept { return at(h).value; }
    /// The value of entry `h` (which must be present).
    const Value& value(handle h) const noexcept { return at(h).value; }
    /// The key entry `h` was inserted under.
    const flow_key& key(handle h) const noexcept { return at(h).key; }
    /// When entry `h` was last used, nanoseconds.
    std::int64_t last_seen_ns(handle h) const noexcept { return at(h).last_ns; }
    /// The timeout class entry `h` is in.
    std::size_t timeout_class(handle h) const noexcept { return at(h).cls; }

    /// Marks the entry as used at `now_ns`, in class `cls` (moved to its tail when the class
    /// changes; otherwise only the time is stamped, see above).
    void touch(handle h, std::int64_t now_ns, std::size_t cls) noexcept {
        entry& e = at(h);
        if (now_ns > e.last_ns) e.last_ns = now_ns;
        if (e.cls == cls) return;
        unlink(h);
        e.cls = static_cast<std::uint8_t>(cls);
        link_tail(h);
    }

    /// Removes the entry without a callback (the caller has dealt with its value).
    void erase(handle h) noexcept {
        remove(h);
        ++counters_.erased;
    }

    /// Removes every entry idle for longer than its class's timeout at `now_ns`, oldest first
    /// within each class, calling on_remove(key, value, flow_removal::idle_timeout).
    template <class OnRemove>
    void expire(std::int64_t now_ns, OnRemove&& on_remove) {
        for (std::size_t c = 0; c < Classes; ++c) {
            const std::int64_t timeout = options_.idle_timeout_ns[c];
            if (timeout <= 0) continue;
            while (settle_head(c) != npos && now_ns - at(heads_[c]).last_ns > timeout) {
                const handle h = heads_[c];
                on_remove(at(h).key, at(h).value, flow_removal::idle_timeout);
                remove(h);
                ++counters_.expired_idle;
            }
        }
    }

    /// Removes every entry in order of last use (oldest first, across classes), calling
    /// on_remove(key, value, flow_removal::flushed).
    template <class OnRemove>
    void flush(OnRemove&& on_remove) {
        for (;;) {
            handle oldest = npos;
            for (std::size_t c = 0; c < Classes; ++c)
                if (settle_head(c) != npos &&
                    (oldest == npos || at(heads_[c]).last_ns < at(oldest).last_ns))
                    oldest = heads_[c];
            if (oldest == npos) return;
            on_remove(at(oldest).key, at(oldest).value, flow_removal::flushed);
            remove(oldest);
            ++counters_.flushed;
        }
    }

  private:
    static constexpr std::size_t chunk_entries = 4096;

    static constexpr std::uint64_t empty_slot = ~std::uint64_t{0};

    struct entry {
        flow_key key;
        std::uint64_t hash = 0;
        std::int64_t last_ns = 0;    ///< last use
        std::int64_t queued_ns = 0;  ///< last use when it took its place in the class list
        handle prev = npos;
        handle next = npos;
        std::uint8_t cls = 0;
        Value value{};
    };

    entry& at(handle h) noexcept { return chunks_[h / chunk_entries][h % chunk_entries]; }
    const entry& at(handle h) const noexcept {
        return chunks_[h / chunk_entries][h % chunk_entries];
    }

    void link_tail(handle h) noexcept {
        entry& e = at(h);
        e.queued_ns = e.last_ns;
        e.prev = tails_[e.cls];
        e.next = npos;
        if (tails_[e.cls] != npos)
            at(tails_[e.cls]).next = h;
        else
            heads_[e.cls] = h;
        tails_[e.cls] = h;
    }

    void unlink(handle h) noexcept {
        entry& e = at(h);
        if (e.prev != npos)
            at(e.prev).next = e.next;
        else
            heads_[e.cls] = e.next;
        if (e.next != npos)
            at(e.next).prev = e.prev;
        else
            tails_[e.cls] = e.prev;
        e.prev = e.next = npos;
    }

    // Moves heads used since they were queued to the tail, until the head is the entry of
    // the class used longest ago; returns it (npos for an empty class). Amortised O(1): each
    // touch causes at most one move.
    handle settle_head(std::size_t c) noexcept {
        while (heads_[c] != npos) {
            const handle h = heads_[c];
            if (at(h).last_ns <= at(h).queued_ns) break;
            unlink(h);
            link_tail(h);
        }
        return heads_[c];
    }

    // The entry whose deadline (last use + its class's timeout) comes first; classes without
    // a timeout count as never expiring and go last.
    template <class OnRemove>
    void evict_one(OnRemove& on_remove) {
        handle victim = npos;
        std::int64_t victim_deadline = 0;
        bool victim_expires = false;
        for (std::size_t c = 0; c < Classes; ++c) {
            const handle h = settle_head(c);
            if (h == npos) continue;
            const bool expires = options_.idle_timeout_ns[c] > 0;
            const std::int64_t deadline =
                at(h).last_ns + (expires ? options_.idle_timeout_ns[c] : 0);
            const bool better = victim == npos || (expires && !victim_expires) ||
                                (expires == victim_expires && deadline < victim_deadline);
            if (better) {
                victim = h;
                victim_deadline = deadline;
                victim_expires = expires;
            }
        }
        if (victim == npos) return;
        on_remove(at(victim).key, at(victim).value, flow_removal::table_full);
        remove(victim);
        ++counters_.evicted_full;
    }

    void remove(handle h) noexcept {
        unlink(h);
        erase_from_index(h);
        entry& e = at(h);
        e.value = Value{};  // release whatever the value owns now, not when the slot is reused
        e.next = free_;
        free_ = h;
        --size_;
    }

    // Open addressing with linear probing, load factor <= 1/2, grown by doubling. A slot
    // holds the entry's handle and the high half of its hash (empty_slot when free).
    void grow_index_if_needed() {
        if (size_ * 2 <= slots_.size()) return;
        std::size_t capacity = slots_.empty() ? 64 : slots_.size() * 2;
        std::vector<std::uint64_t> old;
        old.swap(slots_);
        slots_.assign(capacity, empty_slot);
        for (std::uint64_t s : old)
            if (s != empty_slot) place_in_index(static_cast<handle>(s));
    }

    void place_in_index(handle h) noexcept {
        const std::size_t mask = slots_.size() - 1;
        std::size_t i = static_cast<std::size_t>(at(h).hash) & mask;
        while (slots_[i] != empty_slot) i = (i + 1) & mask;
        slots_[i] = (at(h).hash >> 32 << 32) | h;
    }

    // Backward-shift deletion keeps probe chains intact without tombstones.
    void erase_from_index(handle h) noexcept {
        const std::size_t mask = slots_.size() - 1;
        std::size_t i = static_cast<std::size_t>(at(h).hash) & mask;
        while (static_cast<handle>(slots_[i]) != h) i = (i + 1) & mask;
        std::size_t hole = i;
        for (std::size_t j = (hole + 1) & mask; slots_[j] != empty_slot; j = (j + 1) & mask) {
            const auto home =
                static_cast<std::size_t>(at(static_cast<handle>(slots_[j])).hash) & mask;
            // Move slots_[j] into the hole unless its home lies cyclically in (hole, j].
            const bool home_between =
                hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!home_between) {
                slots_[hole] = slots_[j];
                hole = j;
            }
        }
        slots_[hole] = empty_slot;
    }

    options options_;
    std::vector<std::unique_ptr<entry[]>> chunks_;
    std::size_t allocated_ = 0;
    std::size_t size_ = 0;
    handle free_ = npos;
    std::vector<std::uint64_t> slots_;
    std::array<handle, Classes> heads_{};
    std::array<handle, Classes> tails_{};
    flow_table_counters counters_;
};

}  // namespace pktscope
