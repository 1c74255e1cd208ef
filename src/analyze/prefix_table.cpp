// Poptrie FIB + ordered RIB (see prefix_table.hpp for the design and its trade-offs).
#include "pktscope/prefix_table.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace pktscope {
namespace {
inline std::uint32_t rank(std::uint64_t bits) noexcept {
    return static_cast<std::uint32_t>(std::popcount(bits));
}
}  // namespace

template <class Address>
prefix_table<Address>::prefix_table() {
    clear();
}

template <class Address>
void prefix_table<Address>::clear() {
    index_.clear();
    entries_.assign(1, entry{});
    free_ids_.clear();
    build_all();
}

template <class Address>
route_id prefix_table<Address>::new_id() {
    if (!free_ids_.empty()) {
        const route_id id = free_ids_.back();
        free_ids_.pop_back();
        return id;
    }
    if (entries_.size() >= leaf_flag) throw std::length_error("prefix table: too many prefixes");
    entries_.emplace_back();
    return static_cast<route_id>(entries_.size() - 1);
}

template <class Address>
std::uint32_t prefix_table<Address>::alloc_nodes(std::uint32_t count) {
    std::vector<std::uint32_t>& free = node_pool_.free[count];
    if (!free.empty()) {
        const std::uint32_t at = free.back();
        free.pop_back();
        node_pool_.free_slots -= count;
        return at;
    }
    const auto at = static_cast<std::uint32_t>(nodes_.size());
    nodes_.resize(nodes_.size() + count);
    return at;
}

template <class Address>
std::uint32_t prefix_table<Address>::alloc_leaves(std::uint32_t count) {
    std::vector<std::uint32_t>& free = leaf_pool_.free[count];
    if (!free.empty()) {
        const std::uint32_t at = free.back();
        free.pop_back();
        leaf_pool_.free_slots -= count;
        return at;
    }
    const auto at = static_cast<std::uint32_t>(leaves_.size());
    leaves_.resize(leaves_.size() + count);
    return at;
}

template <class Address>
void prefix_table<Address>::free_subtree(std::uint32_t node_index) {
    const node n = nodes_[node_index];
    const std::uint32_t children = rank(n.vector);
    for (std::uint32_t k = 0; k < children; ++k) free_subtree(n.children + k);
    if (children != 0) {
        node_pool_.free[children].push_back(n.children);
        node_pool_.free_slots += children;
    }
    const std::uint32_t leaves = rank(n.leafvec);
    if (leaves != 0) {
        leaf_pool_.free[leaves].push_back(n.leaves);
        leaf_pool_.free_slots += leaves;
    }
}

template <class Address>
void prefix_table<Address>::replace_leaves(std::uint32_t node_index, route_id from,
                                           route_id to) noexcept {
    const node n = nodes_[node_index];
    const std::uint32_t leaves = rank(n.leafvec);
    for (std::uint32_t k = 0; k < leaves; ++k)
        if (leaves_[n.leaves + k] == from) leaves_[n.leaves + k] = to;
    const std::uint32_t children = rank(n.vector);
    for (std::uint32_t k = 0; k < children; ++k) replace_leaves(n.children + k, from, to);
}

// Builds the node at `node_index` covering key bits [depth, depth + stride) for `items`: the
// prefixes inside this node's span (all longer than `depth`), sorted by (key, length).
// `inherited` is the best route for addresses no item covers.
template <class Address>
void prefix_table<Address>::build_node(std::uint32_t node_index, std::span<const item> items,
                                       unsigned depth, route_id inherited) {
    constexpr unsigned fanout = 1U << stride;
    std::array<route_id, fanout> values;
    values.fill(inherited);
    std::array<std::pair<std::size_t, std::size_t>, fanout> child_items{};
    std::uint64_t vector = 0;
    for (std::size_t i = 0; i < items.size();) {
        const item& it = items[i];
        const unsigned c = chunk(it.key, depth, stride);
        if (it.length <= depth + stride) {
            // Ends inside this node: paint its aligned run of slots. In (key, length) order a
            // prefix comes after every prefix containing it, so the longest paints last.
            const unsigned span = 1U << (depth + stride - it.length);
            std::fill_n(values.begin() + c, span, it.id);
            ++i;
            continue;
        }
        // Longer prefixes in slot c are contiguous (shorter ones starting at c sort first).
        std::size_t j = i;
        while (j < items.size() && chunk(items[j].key, depth, stride) == c) ++j;
        child_items[c] = {i, j};
        vector |= std::uint64_t{1} << c;
        i = j;
    }

    std::uint64_t leafvec = 0;
    bool have_leaf = false;
    route_id previous = no_route;
    for (unsigned c = 0; c < fanout; ++c) {
        if ((vector >> c) & 1U) continue;
        if (!have_leaf || values[c] != previous) leafvec |= std::uint64_t{1} << c;
        have_leaf = true;
        previous = values[c];
    }
    const std::uint32_t leaf_count = rank(leafvec);
    const std::uint32_t child_count = rank(vector);
    node n;
    n.vector = vector;
    n.leafvec = leafvec;
    n.leaves = leaf_count != 0 ? alloc_leaves(leaf_count) : 0;
    n.children = child_count != 0 ? alloc_nodes(child_count) : 0;
    std::uint32_t k = 0;
    for (unsigned c = 0; c < fanout; ++c)
        if ((leafvec >> c) & 1U) leaves_[n.leaves + k++] = values[c];
    nodes_[node_index] = n;
    k = 0;
    for (unsigned c = 0; c < fanout; ++c) {
        if (!((vector >> c) & 1U)) continue;
        const auto [b, e] = child_items[c];
        build_node(n.children + k++, items.subspan(b, e - b), depth + stride, values[c]);
    }
}

template <class Address>
void prefix_table<Address>::rebuild_slot(std::uint32_t slot) {
    scratch_.clear();
    const key_type base = key_type{slot} << (key_bits - direct_bits);
    for (auto it = index_.lower_bound({base, static_cast<std::uint8_t>(direct_bits + 1)});
         it != index_.end() && chunk(it->first.key, 0, direct_bits) == slot; ++it)
        scratch_.push_back({it->first.key, it->first.length, it->second});
    const std::uint32_t old = direct_[slot];
    if ((old & leaf_flag) == 0) {
        free_subtree(old);
        node_pool_.free[1].push_back(old);
        node_pool_.free_slots += 1;
    }
    if (scratch_.empty()) {
        direct_[slot] = leaf_flag | slot_default_[slot];
        return;
    }
    const std::uint32_t root = alloc_nodes(1);
    build_node(root, scratch_, direct_bits, slot_default_[slot]);
    direct_[slot] = root;
}

// Rebuilds the FIB after a prefix longer than the direct level was added or removed: only the
// deepest existing node whose span contains the prefix is rebuilt in place (its position in
// its parent does not change while its span still holds a prefix longer than its depth);
// when it would become empty, its parent is rebuilt instead.
template <class Address>
void prefix_table<Address>::update_subtree(key_type key, unsigned length) {
    const std::uint32_t slot = chunk(key, 0, direct_bits);
    const std::uint32_t root = direct_[slot];
    if (root & leaf_flag) {
        rebuild_slot(slot);
        return;
    }
    std::array<std::uint32_t, (width - direct_bits) / stride + 2> path{};
    std::size_t depth_count = 0;
    path[depth_count++] = root;
    unsigned depth = direct_bits;
    while (length > depth + stride) {
        const node& n = nodes_[path[depth_count - 1]];
        const unsigned c = chunk(key, depth, stride);
        if (!((n.vector >> c) & 1U)) break;
        path[depth_count++] = n.children + rank(n.vector & ((std::uint64_t{2} << c) - 1)) - 1;
        depth += stride;
    }
    for (; depth_count >= 1; --depth_count, depth -= stride) {
        const key_type base = key & mask_of(depth);
        scratch_.clear();
        for (auto it = index_.lower_bound({base, static_cast<std::uint8_t>(depth + 1)});
             it != index_.end() && (it->first.key & mask_of(depth)) == base; ++it)
            scratch_.push_back({it->first.key, it->first.length, it->second});
        if (scratch_.empty()) {
            if (depth_count == 1) break;  // the slot holds nothing longer: a direct leaf
            continue;                     // this node disappears: rebuild its parent
        }
        // What the parent paints over this node's span: the best prefix of length <= depth.
        route_id inherited = lookup(traits::from_key(base));
        while (inherited != no_route && entries_[inherited].length > depth)
            inherited = entries_[inherited].parent;
        const std::uint32_t at = path[depth_count - 1];
        free_subtree(at);
        build_node(at, scratch_, depth, inherited);
        return;
    }
    rebuild_slot(slot);
}

template <class Address>
void prefix_table<Address>::set_slot_default(std::uint32_t slot, route_id from, route_id to) {
    if (slot_default_[slot] != from) return;  // a longer prefix of length <= direct_bits wins
    slot_default_[slot] = to;
    const std::uint32_t e = direct_[slot];
    if (e & leaf_flag)
        direct_[slot] = leaf_flag | to;
    else
        replace_leaves(e, from, to);
}

template <class Address>
void prefix_table<Address>::build_all() {
    constexpr std::size_t slots = std::size_t{1} << direct_bits;
    direct_.assign(slots, leaf_flag | no_route);
    slot_default_.assign(slots, no_route);
    nodes_.clear();
    leaves_.clear();
    node_pool_ = {};
    leaf_pool_ = {};
    scratch_.clear();
    for (const auto& [k, id] : index_) {
        if (k.length > direct_bits) {
            scratch_.push_back({k.key, k.length, id});
            continue;
        }
        const std::size_t first = chunk(k.key, 0, direct_bits);
        const std::size_t span = std::size_t{1} << (direct_bits - k.length);
        std::fill_n(slot_default_.begin() + static_cast<std::ptrdiff_t>(first), span, id);
    }
    for (std::size_t s = 0; s < slots; ++s) direct_[s] = leaf_flag | slot_default_[s];
    const std::span<const item> all(scratch_);
    for (std::size_t i = 0; i < all.size();) {
        const std::uint32_t slot = chunk(all[i].key, 0, direct_bits);
        std::size_t j = i;
        while (j < all.size() && chunk(all[j].key, 0, direct_bits) == slot) ++j;
        const std::uint32_t root = alloc_nodes(1);
        build_node(root, all.subspan(i, j - i), direct_bits, slot_default_[slot]);
        direct_[slot] = root;
        i = j;
    }
    scratch_.clear();
    scratch_.shrink_to_fit();
    nodes_.shrink_to_fit();
    leaves_.shrink_to_fit();
}

template <class Address>
void prefix_table<Address>::assign(std::span<const route> routes) {
    index_.clear();
    entries_.assign(1, entry{});
    free_ids_.clear();
    std::vector<entry> sorted;
    sorted.reserve(routes.size());
    for (const auto& [p, value] : routes) {
        const unsigned length = std::min<unsigned>(p.length, width);
        sorted.push_back({traits::to_key(p.address) & mask_of(length),
                          static_cast<std::uint8_t>(length), value, no_route});
    }
    std::stable_sort(sorted.begin(), sorted.end(), [](const entry& a, const entry& b) {
        return a.key != b.key ? a.key < b.key : a.length < b.length;
    });
    entries_.reserve(sorted.size() + 1);
    std::vector<route_id> open;  // the chain of prefixes containing the current one
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        if (i + 1 < sorted.size() && sorted[i + 1].key == sorted[i].key &&
            sorted[i + 1].length == sorted[i].length)
            continue;  // a later duplicate wins
        entry e = sorted[i];
        while (!open.empty()) {
            const entry& top = entries_[open.back()];
            if (top.length < e.length && (e.key & mask_of(top.length)) == top.key) break;
            open.pop_back();
        }
        e.parent = open.empty() ? no_route : open.back();
        entries_.push_back(e);
        const auto id = static_cast<route_id>(entries_.size() - 1);
        index_.emplace_hint(index_.end(), rib_key{e.key, e.length}, id);
        open.push_back(id);
    }
    build_all();
}

template <class Address>
route_id prefix_table<Address>::insert(const prefix_type& prefix, std::uint32_t value) {
    const unsigned length = std::min<unsigned>(prefix.length, width);
    const key_type key = traits::to_key(prefix.address) & mask_of(length);
    const auto [it, inserted] =
        index_.try_emplace(rib_key{key, static_cast<std::uint8_t>(length)}, no_route);
    if (!inserted) {
        entries_[it->second].value = value;
        return it->second;
    }
    route_id id;
    try {
        id = new_id();
    } catch (...) {
        index_.erase(it);
        throw;
    }
    it->second = id;
    // The parent: the longest stored prefix strictly shorter than this one that contains it.
    route_id parent = lookup(traits::from_key(key));
    while (parent != no_route && entries_[parent].length >= length)
        parent = entries_[parent].parent;
    entries_[id] = {key, static_cast<std::uint8_t>(length), value, parent};
    const key_type last = key | ~mask_of(length);
    for (auto j = std::next(it); j != index_.end() && j->first.key <= last; ++j)
        if (entries_[j->second].parent == parent) entries_[j->second].parent = id;

    const std::uint32_t first_slot = chunk(key, 0, direct_bits);
    if (length > direct_bits) {
        update_subtree(key, length);
    } else {
        const std::uint32_t span = 1U << (direct_bits - length);
        for (std::uint32_t s = first_slot; s < first_slot + span; ++s)
            set_slot_default(s, parent, id);
    }
    return id;
}

template <class Address>
bool prefix_table<Address>::erase(const prefix_type& prefix) {
    const unsigned length = std::min<unsigned>(prefix.length, width);
    const key_type key = traits::to_key(prefix.address) & mask_of(length);
    const auto it = index_.find(rib_key{key, static_cast<std::uint8_t>(length)});
    if (it == index_.end()) return false;
    const route_id id = it->second;
    const route_id parent = entries_[id].parent;
    const key_type last = key | ~mask_of(length);
    for (auto j = std::next(it); j != index_.end() && j->first.key <= last; ++j)
        if (entries_[j->second].parent == id) entries_[j->second].parent = parent;
    index_.erase(it);

    const std::uint32_t first_slot = chunk(key, 0, direct_bits);
    if (length > direct_bits) {
        update_subtree(key, length);
    } else {
        const std::uint32_t span = 1U << (direct_bits - length);
        for (std::uint32_t s = first_slot; s < first_slot + span; ++s)
            set_slot_default(s, id, parent);
    }
    entries_[id] = entry{};
    free_ids_.push_back(id);
    return true;
}

template <class Address>
route_id prefix_table<Address>::find(const prefix_type& prefix) const noexcept {
    const unsigned length = std::min<unsigned>(prefix.length, width);
    const key_type key = traits::to_key(prefix.address) & mask_of(length);
    const auto it = index_.find(rib_key{key, static_cast<std::uint8_t>(length)});
    return it == index_.end() ? no_route : it->second;
}

template <class Address>
route_id prefix_table<Address>::lookup(const Address& address) const noexcept {
    const key_type key = traits::to_key(address);
    const std::uint32_t e = direct_[chunk(key, 0, direct_bits)];
    if (e & leaf_flag) return e & ~leaf_flag;
    const node* const nodes = nodes_.data();
    const node* n = nodes + e;
    unsigned offset = direct_bits;
    for (;;) {
        const unsigned c = chunk(key, offset, stride);
        const std::uint64_t upto = (std::uint64_t{2} << c) - 1;  // bits 0..c
        if ((n->vector >> c) & 1U) {
            n = nodes + n->children + rank(n->vector & upto) - 1;
            offset += stride;
        } else {
            return leaves_[n->leaves + rank(n->leafvec & upto) - 1];
        }
    }
}

template <class Address>
void prefix_table<Address>::lookup_batch(std::span<const Address> in,
                                         std::span<route_id> out) const noexcept {
    // Lanes advance one level per round; each round prefetches what the next one reads, so
    // the cache misses of up to `lanes` lookups overlap instead of following one another.
    constexpr std::size_t lanes = 16;
    const node* const nodes = nodes_.data();
    const route_id* const leaves = leaves_.data();
    const std::size_t total = std::min(in.size(), out.size());
    for (std::size_t base = 0; base < total; base += lanes) {
        const std::size_t m = std::min(lanes, total - base);
        key_type keys[lanes];
        std::uint32_t at[lanes];    // direct index, node index or leaf index
        std::uint8_t state[lanes];  // 0 node, 1 leaf, 2 done
        for (std::size_t i = 0; i < m; ++i) {
            keys[i] = traits::to_key(in[base + i]);
            at[i] = chunk(keys[i], 0, direct_bits);
            __builtin_prefetch(&direct_[at[i]]);
        }
        std::size_t pending = 0;
        for (std::size_t i = 0; i < m; ++i) {
            const std::uint32_t e = direct_[at[i]];
            if (e & leaf_flag) {
                out[base + i] = e & ~leaf_flag;
                state[i] = 2;
            } else {
                at[i] = e;
                state[i] = 0;
                __builtin_prefetch(nodes + e);
                ++pending;
            }
        }
        for (unsigned offset = direct_bits; pending != 0; offset += stride) {
            for (std::size_t i = 0; i < m; ++i) {
                if (state[i] == 2) continue;
                if (state[i] == 1) {
                    out[base + i] = leaves[at[i]];
                    state[i] = 2;
                    --pending;
                    continue;
                }
                const node& n = nodes[at[i]];
                const unsigned c = chunk(keys[i], offset, stride);
                const std::uint64_t upto = (std::uint64_t{2} << c) - 1;
                if ((n.vector >> c) & 1U) {
                    at[i] = n.children + rank(n.vector & upto) - 1;
                    __builtin_prefetch(nodes + at[i]);
                } else {
                    at[i] = n.leaves + rank(n.leafvec & upto) - 1;
                    state[i] = 1;
                    __builtin_prefetch(leaves + at[i]);
                }
            }
        }
    }
}

template <class Address>
std::size_t prefix_table<Address>::covering(const Address& address,
                                            std::span<route_id> out) const noexcept {
    std::size_t count = 0;
    for (route_id id = lookup(address); id != no_route; id = entries_[id].parent) {
        if (count < out.size()) out[count] = id;
        ++count;
    }
    return count;
}

template <class Address>
auto prefix_table<Address>::prefix(route_id id) const noexcept -> prefix_type {
    const entry& e = entries_[id];
    return {traits::from_key(e.key), e.length};
}

template <class Address>
prefix_table_memory prefix_table<Address>::memory() const noexcept {
    prefix_table_memory m;
    m.fib_bytes = direct_.capacity() * sizeof(std::uint32_t) + nodes_.capacity() * sizeof(node) +
                  leaves_.capacity() * sizeof(route_id);
    // A red-black tree node: three pointers and a colour word beside the value.
    constexpr std::size_t map_node_bytes =
        4 * sizeof(void*) + sizeof(std::pair<const rib_key, route_id>);
    m.rib_bytes = entries_.capacity() * sizeof(entry) + free_ids_.capacity() * sizeof(route_id) +
                  index_.size() * map_node_bytes + slot_default_.capacity() * sizeof(route_id);
    for (const auto* pool : {&node_pool_, &leaf_pool_})
        for (const auto& list : pool->free) m.rib_bytes += list.capacity() * sizeof(std::uint32_t);
    return m;
}

template class prefix_table<ipv4_address>;
template class prefix_table<ipv6_address>;

}  // namespace pktscope
