// Routing decisions as the Linux kernel makes them: routes in numbered tables (RFC 1812
// section 5.2.4.3 longest match, then the lowest metric), consulted in the order of the policy
// rules (ip-rule(8): 0 local, 32766 main, 32767 default unless told otherwise), with the
// special route types that end a lookup (blackhole, unreachable, prohibit) or pass it on to
// the next rule (throw).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pktscope/cidr.hpp"
#include "pktscope/prefix_table.hpp"

namespace pktscope {

/// Route type (rtnetlink RTN_*), named as `ip route` prints it.
enum class route_type : std::uint8_t {
    unicast,
    local,
    broadcast,
    anycast,
    multicast,
    blackhole,    ///< drop silently
    unreachable,  ///< drop, ICMP host unreachable
    prohibit,     ///< drop, ICMP administratively prohibited
    throw_,       ///< "throw": end this table's lookup, go on with the next rule
    nat,
    unspec,
};
/// `ip route`'s word for a type ("unicast", "blackhole", "throw", ...).
std::string_view to_string(route_type type) noexcept;
/// Parses a type word; false when it is none.
bool parse_route_type(std::string_view word, route_type& out) noexcept;

/// Well-known table ids (rtnetlink RT_TABLE_*).
inline constexpr std::uint32_t table_default = 253;
inline constexpr std::uint32_t table_main = 254;
inline constexpr std::uint32_t table_local = 255;
/// "main", "local", "default" or the number.
std::string table_name(std::uint32_t table);
/// Parses "main", "local", "default" or a number; false otherwise.
bool parse_table_name(std::string_view text, std::uint32_t& out) noexcept;

/// An IPv4 or IPv6 prefix.
struct any_prefix {
    bool ipv6 = false;
    ipv4_prefix v4;
    ipv6_prefix v6;
    std::uint8_t length() const noexcept { return ipv6 ? v6.length : v4.length; }
};
/// "A.B.C.D/N" or "X::/N".
std::string to_string(const any_prefix& prefix);
/// Parses either family ("default" is 0.0.0.0/0 unless `ipv6_default`); false on error.
bool parse_any_prefix(std::string_view text, any_prefix& out, bool ipv6_default = false,
                      host_bits_policy policy = host_bits_policy::reject) noexcept;

/// An IPv4 or IPv6 address.
struct any_address {
    bool ipv6 = false;
    ipv4_address v4;
    ipv6_address v6;
};
/// Parses either family; false on error.
bool parse_any_address(std::string_view text, any_address& out) noexcept;
/// Dotted quad or RFC 5952 text.
std::string to_string(const any_address& address);

/// One route, as `ip route` shows it (strings empty when absent).
struct route_entry {
    any_prefix prefix;
    route_type type = route_type::unicast;
    std::uint32_t table = table_main;
    std::uint32_t metric = 0;  ///< "metric" (IPv4 priority / IPv6 metric); lower wins
    std::string dev;           ///< output interface
    std::string via;           ///< gateway (first next hop of a multipath route)
    std::string src;           ///< preferred source address
    std::string protocol;      ///< "kernel", "static", "boot", ...
    std::string scope;         ///< "link", "host", "global"...
    std::optional<std::uint32_t> nexthop_id;  ///< plain "PREFIX NEXTHOP_ID" tables
    std::uint16_t nexthop_count = 1;          ///< > 1 for multipath routes
};

/// Action of a policy rule (FR_ACT_*).
enum class rule_action : std::uint8_t { lookup, blackhole, unreachable, prohibit, nop, goto_ };

/// One policy routing rule (ip-rule(8)) as the decision evaluates it.
struct routing_rule {
    std::uint32_t priority = 0;
    bool ipv6 = false;
    bool invert = false;             ///< "not"
    std::optional<any_prefix> from;  ///< source selector (absent = all)
    std::optional<any_prefix> to;    ///< destination selector (absent = all)
    std::optional<std::uint32_t> fwmark;
    std::uint32_t fwmask = 0xFFFFFFFF;
    std::string iif;       ///< matches locally generated traffic only when "lo"
    std::string oif;       ///< never matches a lookup without an output interface
    std::uint8_t tos = 0;  ///< a non-zero TOS never matches (the lookup has TOS 0)
    std::optional<std::uint32_t> suppress_prefixlength;  ///< ignore results this short or shorter
    std::string unsupported;  ///< a selector not evaluated (uidrange, ipproto...): never matches
    rule_action action = rule_action::lookup;
    std::uint32_t table = table_main;
    std::string text;  ///< the rule as written, for explanations
};
/// The three rules every Linux system starts with, for one family.
std::vector<routing_rule> default_rules(bool ipv6);

/// A covering route met while deciding, with why it did or did not win.
struct route_candidate {
    const route_entry* route = nullptr;
    std::string verdict;  ///< "chosen", "shorter prefix", "higher metric", ...
};

/// The outcome of a routing decision (the `route_decision` record of DESIGN.md).
struct route_decision {
    any_address address;
    /// The chosen route; null when no rule produced one.
    const route_entry* matched = nullptr;
    /// When a rule itself ended the lookup (blackhole/unreachable/prohibit action).
    std::optional<route_type> rule_verdict;
    const routing_rule* rule = nullptr;       ///< the rule that produced the result
    std::vector<route_candidate> candidates;  ///< every covering prefix, per table, longest first
    std::vector<std::string> explanation;     ///< one line per step, in order
    /// What happens to the packet: "forwarded", "delivered locally", "dropped (blackhole)"...
    std::string outcome() const;
};

/// A set of routing tables and rules for both families. Add routes and rules, then call
/// finish() once; decide() is then const and allocation-light.
class routing_tables {
  public:
    routing_tables();
    ~routing_tables();
    routing_tables(routing_tables&&) noexcept;
    routing_tables& operator=(routing_tables&&) noexcept;

    /// Adds a route (kept until the object dies; decide() points at it).
    void add_route(route_entry route);
    /// Adds a rule. When no rule is added, default_rules() are used for both families.
    void add_rule(routing_rule rule);
    /// Builds the lookup structures. Call after the last add.
    void finish();

    /// The decision for `destination` (optional `source` for "from" rules): rules in
    /// priority order, longest prefix, then lowest metric. Without `explain` the explanation
    /// lines are not built (the per-packet annotation path).
    route_decision decide(const any_address& destination,
                          const std::optional<any_address>& source = std::nullopt,
                          bool explain = true) const;

    std::size_t route_count() const noexcept { return routes_.size(); }
    std::size_t rule_count() const noexcept { return rules_.size(); }
    const std::vector<routing_rule>& rules() const noexcept { return rules_; }

  private:
    struct table_index;
    const table_index* find_table(std::uint32_t id) const;
    std::deque<route_entry> routes_;  // stable addresses: decisions point into it
    std::vector<routing_rule> rules_;
    bool have_rules_ = false;
    std::map<std::uint32_t, std::unique_ptr<table_index>> tables_;
};

}  // namespace pktscope
