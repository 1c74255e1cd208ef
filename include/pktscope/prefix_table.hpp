// Longest-prefix match for IPv4 and IPv6 (RFC 1812 section 5.2.4.3): a Poptrie FIB for lookups
// and an ordered RIB for exact edits and covering-prefix queries.
//
// Why Poptrie (Asai & Ohara, SIGCOMM 2015) and not DIR-24-8 or a tree bitmap:
// - DIR-24-8 (DPDK rte_lpm) answers in one or two memory reads but its first level alone is
//   2^24 entries (64 MiB for IPv4) and it does not extend to IPv6 without a chain of 8-bit
//   tables (rte_lpm6: ~170 MiB for a BGP table); the working set does not fit in cache, so
//   random lookups pay DRAM latency.
// - A tree bitmap is compact but spends several dependent reads and bit scans per level.
// - Poptrie keeps DIR-24-8's direct-indexed top (2^18 entries = 1 MiB for IPv4, 2^16 for
//   IPv6) and below it 6-bit strides whose children and leaves are found with one POPCNT over
//   a 64-bit bitmap; equal neighbouring leaves are stored once (leaf compression). A full
//   IPv4 BGP table fits in a few MiB, mostly in the CPU caches, at the cost of a population
//   count and one or two extra dependent reads per level below /18.
// Updates do not rebuild the whole FIB: a prefix longer than the direct level rebuilds only
// the deepest node whose span contains it (a few dozen prefixes, typically); a shorter one rewrites
// the leaves that inherited the previous best route in the slots it spans (route ids are unique, so
// the rewrite is exact).
//
// Route ids: every stored prefix has a small id (1-based; 0 = no route). lookup() returns the
// id of the longest matching prefix; prefix(), value() and parent() read its facts. parent()
// is the next shorter stored prefix containing it, so the covering prefixes of an address are
// lookup() followed by parents (they are nested, longest first).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <utility>
#include <vector>

#include "pktscope/address.hpp"
#include "pktscope/cidr.hpp"

namespace pktscope {

namespace detail {
__extension__ typedef unsigned __int128 uint128_t;

/// Per-family layout of the Poptrie: `key` holds the address left-aligned, `direct_bits` is the
/// size of the directly indexed first level.
template <class Address>
struct poptrie_traits;

template <>
struct poptrie_traits<ipv4_address> {
    using key = std::uint64_t;
    static constexpr unsigned direct_bits = 18;
    static key to_key(ipv4_address a) noexcept { return key{a.value} << 32; }
    static ipv4_address from_key(key k) noexcept { return {static_cast<std::uint32_t>(k >> 32)}; }
};

template <>
struct poptrie_traits<ipv6_address> {
    using key = uint128_t;
    static constexpr unsigned direct_bits = 16;
    static key to_key(const ipv6_address& a) noexcept {
        key k = 0;
        for (std::uint8_t o : a.octets) k = (k << 8) | o;
        return k;
    }
    static ipv6_address from_key(key k) noexcept {
        ipv6_address a;
        for (int i = 15; i >= 0; --i) {
            a.octets[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(k & 0xFF);
            k >>= 8;
        }
        return a;
    }
};
}  // namespace detail

/// Id of a stored prefix (1-based); 0 means "no route".
using route_id = std::uint32_t;
/// The "no matching prefix" id.
inline constexpr route_id no_route = 0;

/// Sizes of a prefix table, in bytes.
struct prefix_table_memory {
    std::size_t fib_bytes = 0;  ///< lookup structure: direct array, nodes, leaves
    std::size_t rib_bytes = 0;  ///< control plane: entries, ordered index, per-slot defaults
};

/// Longest-prefix-match table mapping prefixes of one family to 32-bit values. Not
/// thread-safe for writes; concurrent const lookups are safe. Throws std::bad_alloc only.
template <class Address>
class prefix_table {
  public:
    using prefix_type = ip_prefix<Address>;
    /// A (prefix, value) pair for assign().
    using route = std::pair<prefix_type, std::uint32_t>;

    prefix_table();

    /// Replaces the contents with `routes` in one pass (a duplicate prefix: the last wins).
    /// Prefixes must be normalised (host bits zero, see parse_prefix).
    void assign(std::span<const route> routes);
    /// Adds `prefix` with `value`, or sets the value when present. Returns its id.
    route_id insert(const prefix_type& prefix, std::uint32_t value);
    /// Removes `prefix`; false when absent. Its id may be reused by a later insert.
    bool erase(const prefix_type& prefix);
    /// Removes everything.
    void clear();

    /// Id of exactly `prefix`, or no_route.
    route_id find(const prefix_type& prefix) const noexcept;
    /// Id of the longest prefix containing `address`, or no_route. About 10 ns, no allocation.
    route_id lookup(const Address& address) const noexcept;
    /// lookup() for each address (out.size() >= in.size()), interleaved so that the memory
    /// reads of several lookups overlap.
    void lookup_batch(std::span<const Address> in, std::span<route_id> out) const noexcept;
    /// Every prefix containing `address`, longest first: writes up to out.size() ids and
    /// returns how many there are (at most address_bits + 1).
    std::size_t covering(const Address& address, std::span<route_id> out) const noexcept;

    /// The prefix of a valid id.
    prefix_type prefix(route_id id) const noexcept;
    /// The value of a valid id.
    std::uint32_t value(route_id id) const noexcept { return entries_[id].value; }
    /// The next shorter stored prefix containing this one, or no_route.
    route_id parent(route_id id) const noexcept { return entries_[id].parent; }

    /// Number of stored prefixes.
    std::size_t size() const noexcept { return index_.size(); }
    /// Memory held by the FIB and the RIB (capacity, not just size).
    prefix_table_memory memory() const noexcept;

  private:
    using traits = detail::poptrie_traits<Address>;
    using key_type = typename traits::key;
    static constexpr unsigned key_bits = sizeof(key_type) * 8;
    static constexpr unsigned width = address_bits<Address>;
    static constexpr unsigned direct_bits = traits::direct_bits;
    static constexpr unsigned stride = 6;
    static constexpr std::uint32_t leaf_flag = 0x8000'0000U;

    // Poptrie internal node: bit i of `vector` set = child i is a node (at children + rank),
    // else a leaf; bit i of `leafvec` set = a run of equal leaves starts at i (at leaves + rank).
    struct node {
        std::uint64_t vector = 0;
        std::uint64_t leafvec = 0;
        std::uint32_t leaves = 0;
        std::uint32_t children = 0;
    };
    struct entry {
        key_type key = 0;
        std::uint8_t length = 0;
        std::uint32_t value = 0;
        route_id parent = no_route;
    };
    struct rib_key {
        key_type key;
        std::uint8_t length;
        friend bool operator<(const rib_key& a, const rib_key& b) noexcept {
            return a.key != b.key ? a.key < b.key : a.length < b.length;
        }
    };
    struct item {  // a prefix handed to the FIB builder
        key_type key;
        std::uint8_t length;
        route_id id;
    };
    // Fixed-size groups of nodes or leaves, recycled by exact size (1..64).
    struct group_pool {
        std::array<std::vector<std::uint32_t>, 65> free;
        std::size_t free_slots = 0;
    };

    static unsigned chunk(key_type k, unsigned offset, unsigned bits) noexcept {
        return static_cast<unsigned>((k << offset) >> (key_bits - bits));
    }
    static key_type mask_of(unsigned length) noexcept {
        return length == 0 ? key_type{0} : ~key_type{0} << (key_bits - length);
    }

    route_id new_id();
    std::uint32_t alloc_nodes(std::uint32_t count);
    std::uint32_t alloc_leaves(std::uint32_t count);
    void free_subtree(std::uint32_t node_index);
    void replace_leaves(std::uint32_t node_index, route_id from, route_id to) noexcept;
    void build_node(std::uint32_t node_index, std::span<const item> items, unsigned depth,
                    route_id inherited);
    void rebuild_slot(std::uint32_t slot);
    void update_subtree(key_type key, unsigned length);
    void set_slot_default(std::uint32_t slot, route_id from, route_id to);
    void build_all();

    std::vector<std::uint32_t> direct_;  // leaf_flag|id, or a node index
    std::vector<node> nodes_;
    std::vector<route_id> leaves_;
    group_pool node_pool_;
    group_pool leaf_pool_;
    std::vector<route_id> slot_default_;  // best prefix of length <= direct_bits per slot

    std::vector<entry> entries_;  // indexed by route_id; [0] unused
    std::vector<route_id> free_ids_;
    std::map<rib_key, route_id> index_;
    std::vector<item> scratch_;
};

extern template class prefix_table<ipv4_address>;
extern template class prefix_table<ipv6_address>;

/// IPv4 longest-prefix-match table.
using prefix_table_v4 = prefix_table<ipv4_address>;
/// IPv6 longest-prefix-match table.
using prefix_table_v6 = prefix_table<ipv6_address>;

}  // namespace pktscope
