// routing_tables: routes per table in prefix tables, rules in priority order, and decide().
#include "pktscope/route_table.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include <fmt/format.h>

namespace pktscope {

std::string_view to_string(route_type type) noexcept {
    switch (type) {
        case route_type::unicast:
            return "unicast";
        case route_type::local:
            return "local";
        case route_type::broadcast:
            return "broadcast";
        case route_type::anycast:
            return "anycast";
        case route_type::multicast:
            return "multicast";
        case route_type::blackhole:
            return "blackhole";
        case route_type::unreachable:
            return "unreachable";
        case route_type::prohibit:
            return "prohibit";
        case route_type::throw_:
            return "throw";
        case route_type::nat:
            return "nat";
        case route_type::unspec:
            return "unspec";
    }
    return "unspec";
}

bool parse_route_type(std::string_view word, route_type& out) noexcept {
    static constexpr std::array types{
        route_type::unicast,   route_type::local,     route_type::broadcast,   route_type::anycast,
        route_type::multicast, route_type::blackhole, route_type::unreachable, route_type::prohibit,
        route_type::throw_,    route_type::nat};
    for (route_type t : types)
        if (to_string(t) == word) {
            out = t;
            return true;
        }
    return false;
}

std::string table_name(std::uint32_t table) {
    switch (table) {
        case table_main:
            return "main";
        case table_local:
            return "local";
        case table_default:
            return "default";
        default:
            return std::to_string(table);
    }
}

bool parse_table_name(std::string_view text, std::uint32_t& out) noexcept {
    if (text == "main")
        out = table_main;
    else if (text == "local")
        out = table_local;
    else if (text == "default")
        out = table_default;
    else {
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
        return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
    }
    return true;
}

std::string to_string(const any_prefix& prefix) {
    return prefix.ipv6 ? to_string(prefix.v6) : to_string(prefix.v4);
}

bool parse_any_prefix(std::string_view text, any_prefix& out, bool ipv6_default,
                      host_bits_policy policy) noexcept {
    if (text == "default" || text == "all") {
        out = {};
        out.ipv6 = ipv6_default;
        return true;
    }
    out = {};
    out.ipv6 = text.find(':') != std::string_view::npos;
    const prefix_parse_status s =
        out.ipv6 ? parse_prefix(text, out.v6, policy) : parse_prefix(text, out.v4, policy);
    return s == prefix_parse_status::ok || s == prefix_parse_status::host_bits_cleared;
}

bool parse_any_address(std::string_view text, any_address& out) noexcept {
    out = {};
    out.ipv6 = text.find(':') != std::string_view::npos;
    return out.ipv6 ? parse_ipv6(text, out.v6) : parse_ipv4(text, out.v4);
}

std::string to_string(const any_address& address) {
    return address.ipv6 ? to_string(address.v6) : to_string(address.v4);
}

std::vector<routing_rule> default_rules(bool ipv6) {
    std::vector<routing_rule> rules(3);
    const std::uint32_t priorities[] = {0, 32766, 32767};
    const std::uint32_t tables[] = {table_local, table_main, table_default};
    for (std::size_t i = 0; i < 3; ++i) {
        rules[i].priority = priorities[i];
        rules[i].ipv6 = ipv6;
        rules[i].table = tables[i];
        rules[i].text = fmt::format("{}: from all lookup {}", priorities[i], table_name(tables[i]));
    }
    return rules;
}

std::string route_decision::outcome() const {
    if (rule_verdict) {
        switch (*rule_verdict) {
            case route_type::blackhole:
                return "dropped silently (rule action blackhole)";
            case route_type::unreachable:
                return "dropped, ICMP unreachable (rule action)";
            case route_type::prohibit:
                return "dropped, ICMP prohibited (rule action)";
            default:
                break;
        }
    }
    if (matched == nullptr) return "no route: network unreachable";
    const route_entry& r = *matched;
    switch (r.type) {
        case route_type::local:
            return "delivered locally";
        case route_type::broadcast:
            return fmt::format("broadcast on {}", r.dev);
        case route_type::blackhole:
            return "dropped silently (blackhole route)";
        case route_type::unreachable:
            return "dropped, ICMP host unreachable (unreachable route)";
        case route_type::prohibit:
            return "dropped, ICMP administratively prohibited (prohibit route)";
        default:
            break;
    }
    if (!r.via.empty())
        return r.dev.empty() ? fmt::format("forwarded via {}", r.via)
                             : fmt::format("forwarded via {} dev {}", r.via, r.dev);
    if (r.nexthop_id) return fmt::format("forwarded to next hop {}", *r.nexthop_id);
    if (!r.dev.empty()) return fmt::format("sent directly on {} (on-link)", r.dev);
    return "forwarded";
}

// One table: a prefix table per family whose value is the offset of the prefix's first route
// in `ordered` (routes of one prefix are adjacent there, lowest metric first).
struct routing_tables::table_index {
    prefix_table_v4 v4;
    prefix_table_v6 v6;
    std::vector<const route_entry*> ordered_v4;
    std::vector<const route_entry*> ordered_v6;
};

routing_tables::routing_tables() = default;
routing_tables::~routing_tables() = default;
routing_tables::routing_tables(routing_tables&&) noexcept = default;
routing_tables& routing_tables::operator=(routing_tables&&) noexcept = default;

void routing_tables::add_route(route_entry route) {
    routes_.push_back(std::move(route));
}

void routing_tables::add_rule(routing_rule rule) {
    have_rules_ = true;
    rules_.push_back(std::move(rule));
}

namespace {
bool same_prefix(const route_entry* a, const route_entry* b) {
    if (a->prefix.ipv6 != b->prefix.ipv6) return false;
    return a->prefix.ipv6 ? a->prefix.v6 == b->prefix.v6 : a->prefix.v4 == b->prefix.v4;
}
}  // namespace

void routing_tables::finish() {
    // Missing families get the default rules; rules sort by priority (stable: file order).
    bool have_v4 = false, have_v6 = false;
    for (const routing_rule& r : rules_) (r.ipv6 ? have_v6 : have_v4) = true;
    if (!have_v4)
        for (routing_rule& r : default_rules(false)) rules_.push_back(std::move(r));
    if (!have_v6)
        for (routing_rule& r : default_rules(true)) rules_.push_back(std::move(r));
    std::stable_sort(
        rules_.begin(), rules_.end(),
        [](const routing_rule& a, const routing_rule& b) { return a.priority < b.priority; });

    tables_.clear();
    for (const route_entry& r : routes_) {
        auto& t = tables_[r.table];
        if (!t) t = std::make_unique<table_index>();
        (r.prefix.ipv6 ? t->ordered_v6 : t->ordered_v4).push_back(&r);
    }
    for (auto& [id, t] : tables_) {
        auto by_prefix_then_metric = [](const route_entry* a, const route_entry* b) {
            if (a->prefix.ipv6) {
                if (a->prefix.v6 != b->prefix.v6) return a->prefix.v6 < b->prefix.v6;
            } else if (a->prefix.v4 != b->prefix.v4) {
                return a->prefix.v4 < b->prefix.v4;
            }
            return a->metric < b->metric;
        };
        std::stable_sort(t->ordered_v4.begin(), t->ordered_v4.end(), by_prefix_then_metric);
        std::stable_sort(t->ordered_v6.begin(), t->ordered_v6.end(), by_prefix_then_metric);
        std::vector<prefix_table_v4::route> v4;
        for (std::size_t i = 0; i < t->ordered_v4.size(); ++i)
            if (i == 0 || !same_prefix(t->ordered_v4[i - 1], t->ordered_v4[i]))
                v4.push_back({t->ordered_v4[i]->prefix.v4, static_cast<std::uint32_t>(i)});
        t->v4.assign(v4);
        std::vector<prefix_table_v6::route> v6;
        for (std::size_t i = 0; i < t->ordered_v6.size(); ++i)
            if (i == 0 || !same_prefix(t->ordered_v6[i - 1], t->ordered_v6[i]))
                v6.push_back({t->ordered_v6[i]->prefix.v6, static_cast<std::uint32_t>(i)});
        t->v6.assign(v6);
    }
}

const routing_tables::table_index* routing_tables::find_table(std::uint32_t id) const {
    const auto it = tables_.find(id);
    return it == tables_.end() ? nullptr : it->second.get();
}

namespace {

bool prefix_contains(const any_prefix& p, const any_address& a) {
    if (p.ipv6 != a.ipv6) return false;
    return p.ipv6 ? contains(p.v6, a.v6) : contains(p.v4, a.v4);
}

// Why a rule does not apply to a locally generated lookup (empty when it does).
std::string rule_mismatch(const routing_rule& r, const any_address& destination,
                          const std::optional<any_address>& source) {
    if (!r.unsupported.empty()) return fmt::format("selector {} not evaluated", r.unsupported);
    std::string why;
    if (r.from && r.from->length() != 0) {
        if (!source)
            why = "from selector needs a source address (--from)";
        else if (!prefix_contains(*r.from, *source))
            why = "source not in from prefix";
    }
    if (why.empty() && r.to && !prefix_contains(*r.to, destination))
        why = "destination not in to prefix";
    if (why.empty() && r.fwmark && (*r.fwmark & r.fwmask) != 0) why = "fwmark (lookup mark is 0)";
    if (why.empty() && !r.iif.empty() && r.iif != "lo") why = "iif (local lookups come from lo)";
    if (why.empty() && !r.oif.empty()) why = "oif (no output interface given)";
    if (why.empty() && r.tos != 0) why = "tos (lookup TOS is 0)";
    if (r.invert) return why.empty() ? "inverted (not) selector matches" : std::string{};
    return why;
}

std::string describe_route(const route_entry& r) {
    std::string s = fmt::format("{}", to_string(r.prefix));
    if (r.type != route_type::unicast) s = fmt::format("{} {}", to_string(r.type), s);
    if (!r.via.empty()) s += fmt::format(" via {}", r.via);
    if (!r.dev.empty()) s += fmt::format(" dev {}", r.dev);
    if (r.nexthop_id) s += fmt::format(" nexthop {}", *r.nexthop_id);
    if (r.metric != 0) s += fmt::format(" metric {}", r.metric);
    return s;
}

}  // namespace

route_decision routing_tables::decide(const any_address& destination,
                                      const std::optional<any_address>& source,
                                      bool explain) const {
    route_decision d;
    d.address = destination;
    for (const routing_rule& rule : rules_) {
        if (rule.ipv6 != destination.ipv6) continue;
        const std::string mismatch = rule_mismatch(rule, destination, source);
        if (!mismatch.empty()) {
            if (explain)
                d.explanation.push_back(fmt::format("rule {}: skipped ({})", rule.text, mismatch));
            continue;
        }
        switch (rule.action) {
            case rule_action::nop:
                if (explain) d.explanation.push_back(fmt::format("rule {}: nop", rule.text));
                continue;
            case rule_action::goto_:
                if (explain)
                    d.explanation.push_back(fmt::format("rule {}: goto not followed", rule.text));
                continue;
            case rule_action::blackhole:
            case rule_action::unreachable:
            case rule_action::prohibit:
                d.rule = &rule;
                d.rule_verdict = rule.action == rule_action::blackhole     ? route_type::blackhole
                                 : rule.action == rule_action::unreachable ? route_type::unreachable
                                                                           : route_type::prohibit;
                if (explain)
                    d.explanation.push_back(fmt::format("rule {}: ends the lookup", rule.text));
                return d;
            case rule_action::lookup:
                break;
        }
        const table_index* t = find_table(rule.table);
        if (t == nullptr) {
            if (explain)
                d.explanation.push_back(
                    fmt::format("rule {}: table {} is empty", rule.text, table_name(rule.table)));
            continue;
        }
        std::array<route_id, 129> ids{};
        const std::size_t n = destination.ipv6 ? t->v6.covering(destination.v6, ids)
                                               : t->v4.covering(destination.v4, ids);
        const auto& ordered = destination.ipv6 ? t->ordered_v6 : t->ordered_v4;
        if (n == 0) {
            if (explain)
                d.explanation.push_back(fmt::format("rule {}: no prefix in table {} covers {}",
                                                    rule.text, table_name(rule.table),
                                                    to_string(destination)));
            continue;
        }
        const std::size_t first_candidate = d.candidates.size();
        for (std::size_t k = 0; k < std::min<std::size_t>(n, ids.size()); ++k) {
            const std::uint32_t at = destination.ipv6 ? t->v6.value(ids[k]) : t->v4.value(ids[k]);
            for (std::size_t i = at;
                 i < ordered.size() && (i == at || same_prefix(ordered[i], ordered[at])); ++i)
                d.candidates.push_back({ordered[i], k == 0 ? (i == at ? "chosen" : "higher metric")
                                                           : "shorter prefix"});
        }
        const route_entry& best = *d.candidates[first_candidate].route;
        if (explain) {
            std::string covering_list;
            for (std::size_t i = first_candidate; i < d.candidates.size(); ++i) {
                if (i > first_candidate &&
                    same_prefix(d.candidates[i].route, d.candidates[i - 1].route))
                    continue;
                covering_list +=
                    (covering_list.empty() ? "" : ", ") + to_string(d.candidates[i].route->prefix);
            }
            d.explanation.push_back(fmt::format("rule {}: table {}: {} covering prefix{} ({})",
                                                rule.text, table_name(rule.table), n,
                                                n == 1 ? "" : "es", covering_list));
        }
        if (rule.suppress_prefixlength && best.prefix.length() <= *rule.suppress_prefixlength) {
            for (std::size_t i = first_candidate; i < d.candidates.size(); ++i)
                d.candidates[i].verdict = "suppressed by rule";
            if (explain)
                d.explanation.push_back(
                    fmt::format("  /{} suppressed (suppress_prefixlength {}): next rule",
                                best.prefix.length(), *rule.suppress_prefixlength));
            continue;
        }
        if (best.type == route_type::throw_) {
            d.candidates[first_candidate].verdict = "throw";
            if (explain)
                d.explanation.push_back(fmt::format(
                    "  longest prefix {} is a throw route: next rule", to_string(best.prefix)));
            continue;
        }
        if (explain) {
            std::string why =
                n == 1 ? fmt::format("  {} is the only covering prefix", to_string(best.prefix))
                       : fmt::format("  {} wins: longest prefix (/{}) among {}",
                                     to_string(best.prefix), best.prefix.length(), n);
            const std::size_t next = first_candidate + 1;
            if (next < d.candidates.size() && same_prefix(d.candidates[next].route, &best))
                why += fmt::format("; metric {} beats {}", best.metric,
                                   d.candidates[next].route->metric);
            d.explanation.push_back(why);
            d.explanation.push_back(fmt::format("  chosen: {}", describe_route(best)));
        }
        d.rule = &rule;
        d.matched = &best;
        return d;
    }
    if (explain) d.explanation.push_back("no rule produced a route: network unreachable");
    return d;
}

}  // namespace pktscope
