// Route and rule file parsers (see route_sources.hpp).
#include <algorithm>
#include <array>
#include <charconv>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "pktscope/route_sources.hpp"
#include "route_json.hpp"

namespace pktscope {
namespace {

std::vector<std::string_view> split_words(std::string_view line) {
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
        const std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
        if (i > start) words.push_back(line.substr(start, i - start));
    }
    return words;
}

bool parse_u32(std::string_view text, std::uint32_t& out) {
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        text.remove_prefix(2);
        base = 16;
    }
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, base);
    return !text.empty() && ec == std::errc{} && end == text.data() + text.size();
}

bool looks_ipv6(std::string_view text) {
    return text.find(':') != std::string_view::npos;
}

// Words `ip route` prints with one argument that decisions do not need.
bool skipped_with_argument(std::string_view w) {
    static constexpr std::array<std::string_view, 24> words{"mtu",
                                                            "advmss",
                                                            "rtt",
                                                            "rttvar",
                                                            "reordering",
                                                            "window",
                                                            "cwnd",
                                                            "initcwnd",
                                                            "initrwnd",
                                                            "ssthresh",
                                                            "realms",
                                                            "hoplimit",
                                                            "expires",
                                                            "error",
                                                            "pref",
                                                            "weight",
                                                            "features",
                                                            "congctl",
                                                            "quickack",
                                                            "nhid",
                                                            "tos",
                                                            "dsfield",
                                                            "fastopen_no_cookie",
                                                            "as"};
    return std::find(words.begin(), words.end(), w) != words.end();
}

// Fills the family of "default" (and of bare host addresses) from the attributes: IPv6 when the
// gateway or source is IPv6 or the route has an IPv6 router preference ("pref").
void settle_family(route_entry& r, std::string_view dst, bool ipv6_hint) {
    const bool ipv6 = looks_ipv6(dst) || looks_ipv6(r.via) || looks_ipv6(r.src) || ipv6_hint;
    if (!parse_any_prefix(dst, r.prefix, ipv6))
        throw std::invalid_argument(fmt::format("bad destination '{}'", dst));
}

}  // namespace

route_entry parse_ip_route_line(std::string_view line) {
    const std::vector<std::string_view> w = split_words(line);
    if (w.empty()) throw std::invalid_argument("empty route");
    route_entry r;
    std::size_t i = 0;
    if (parse_route_type(w[0], r.type)) ++i;
    if (i >= w.size()) throw std::invalid_argument("missing destination");
    const std::string_view dst = w[i++];
    bool pref_seen = false;
    bool in_nexthop = false;
    auto argument = [&](std::string_view key) -> std::string_view {
        if (i >= w.size()) throw std::invalid_argument(fmt::format("'{}' needs a value", key));
        return w[i++];
    };
    while (i < w.size()) {
        const std::string_view key = w[i++];
        if (key == "via") {
            std::string_view gw = argument(key);
            if (gw == "inet" || gw == "inet6") gw = argument(key);
            if (r.via.empty()) r.via = gw;
        } else if (key == "dev") {
            const std::string_view dev = argument(key);
            if (!in_nexthop || r.dev.empty()) r.dev = dev;
        } else if (key == "table") {
            if (!parse_table_name(argument(key), r.table))
                throw std::invalid_argument(fmt::format("bad table '{}'", w[i - 1]));
        } else if (key == "metric" || key == "priority" || key == "preference") {
            if (!parse_u32(argument(key), r.metric))
                throw std::invalid_argument(fmt::format("bad metric '{}'", w[i - 1]));
        } else if (key == "proto") {
            r.protocol = argument(key);
        } else if (key == "scope") {
            r.scope = argument(key);
        } else if (key == "src") {
            r.src = argument(key);
        } else if (key == "nexthop") {
            if (in_nexthop) ++r.nexthop_count;
            in_nexthop = true;
        } else if (key == "encap") {
            break;  // encapsulation words run to the end of the hop; nothing we need
        } else if (skipped_with_argument(key)) {
            if (key == "pref") pref_seen = true;
            if (i < w.size() && w[i] == "lock") ++i;  // "mtu lock 1400"
            argument(key);
        }
        // Anything else is a flag word (onlink, linkdown, dead, offload, trap, ...).
    }
    settle_family(r, dst, pref_seen);
    return r;
}

namespace {

bool is_plain_line(const std::vector<std::string_view>& w) {
    if (w.size() != 2 || w[0].find('/') == std::string_view::npos) return false;
    std::uint32_t id;
    any_address a;
    return parse_u32(w[1], id) || parse_any_address(w[1], a);
}

route_entry parse_plain(const std::vector<std::string_view>& w) {
    route_entry r;
    if (!parse_any_prefix(w[0], r.prefix))
        throw std::invalid_argument(fmt::format("bad prefix '{}' (host bits set?)", w[0]));
    std::uint32_t id;
    if (parse_u32(w[1], id))
        r.nexthop_id = id;
    else
        r.via = w[1];
    return r;
}

std::string member_text(const json_reader::value& o, std::string_view key) {
    const json_reader::value* v = o.get(key);
    if (v == nullptr) return {};
    if (v->type == json_reader::value::kind::string) return v->text;
    if (v->type == json_reader::value::kind::number)
        return std::to_string(static_cast<long long>(v->number));
    return {};
}

route_entry route_from_json(const json_reader::value& o) {
    route_entry r;
    const std::string type = member_text(o, "type");
    if (!type.empty() && !parse_route_type(type, r.type))
        throw std::invalid_argument(fmt::format("unknown route type '{}'", type));
    const std::string dst = member_text(o, "dst");
    if (dst.empty()) throw std::invalid_argument("route without \"dst\"");
    r.via = member_text(o, "gateway");
    if (const json_reader::value* via = o.get("via"); r.via.empty() && via != nullptr)
        r.via = member_text(*via, "host");
    r.dev = member_text(o, "dev");
    r.src = member_text(o, "prefsrc");
    r.protocol = member_text(o, "protocol");
    r.scope = member_text(o, "scope");
    if (const std::string table = member_text(o, "table");
        !table.empty() && !parse_table_name(table, r.table))
        throw std::invalid_argument(fmt::format("bad table '{}'", table));
    if (const json_reader::value* m = o.get("metric");
        m != nullptr && m->type == json_reader::value::kind::number)
        r.metric = static_cast<std::uint32_t>(m->number);
    if (const json_reader::value* hops = o.get("nexthops");
        hops != nullptr && hops->type == json_reader::value::kind::array && !hops->items.empty()) {
        r.nexthop_count =
            static_cast<std::uint16_t>(std::min<std::size_t>(hops->items.size(), 0xFFFF));
        if (r.via.empty()) r.via = member_text(hops->items[0], "gateway");
        if (r.dev.empty()) r.dev = member_text(hops->items[0], "dev");
    }
    settle_family(r, dst, o.get("pref") != nullptr);
    return r;
}

}  // namespace

std::size_t parse_routes(std::string_view text, std::string_view origin,
                         const std::function<void(route_entry&&)>& add, route_file_format format) {
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    if (format == route_file_format::automatic && first != std::string_view::npos &&
        text[first] == '[')
        format = route_file_format::ip_json;
    std::size_t count = 0;
    if (format == route_file_format::ip_json) {
        json_reader::value doc;
        try {
            doc = json_reader::parse(text);
        } catch (const std::runtime_error& e) {
            throw route_file_error(fmt::format("{}: not valid JSON: {}", origin, e.what()));
        }
        if (doc.type != json_reader::value::kind::array)
            throw route_file_error(
                fmt::format("{}: expected a JSON array of routes (ip -j route)", origin));
        for (std::size_t k = 0; k < doc.items.size(); ++k) {
            try {
                add(route_from_json(doc.items[k]));
            } catch (const std::invalid_argument& e) {
                throw route_file_error(fmt::format("{}: route #{}: {}", origin, k + 1, e.what()));
            }
            ++count;
        }
        return count;
    }
    // Text: a line starting with white space continues the previous route (multipath hops).
    std::string logical;
    std::size_t logical_line = 0;
    auto flush = [&] {
        if (logical.empty()) return;
        try {
            const std::vector<std::string_view> w = split_words(logical);
            if (format == route_file_format::plain ||
                (format == route_file_format::automatic && is_plain_line(w))) {
                if (w.size() != 2) throw std::invalid_argument("expected 'PREFIX/LEN NEXTHOP'");
                add(parse_plain(w));
            } else {
                add(parse_ip_route_line(logical));
            }
        } catch (const std::invalid_argument& e) {
            throw route_file_error(fmt::format("{}:{}: {}", origin, logical_line, e.what()));
        }
        ++count;
        logical.clear();
    };
    std::size_t line_number = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = text.substr(pos, end - pos);
        ++line_number;
        pos = end + 1;
        const std::size_t content = line.find_first_not_of(" \t\r");
        if (content == std::string_view::npos || line[content] == '#') {
            if (end == text.size()) break;
            continue;
        }
        if (content > 0 && !logical.empty()) {
            logical.push_back(' ');
            logical.append(line.substr(content));
        } else {
            flush();
            logical.assign(line.substr(content));
            logical_line = line_number;
        }
        if (end == text.size()) break;
    }
    flush();
    return count;
}

std::vector<routing_rule> parse_rules(std::string_view text, std::string_view origin, bool ipv6) {
    std::vector<routing_rule> rules;
    std::size_t line_number = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_number;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
        const std::vector<std::string_view> w = split_words(line);
        if (w.empty() || w[0][0] == '#') continue;
        auto fail = [&](const std::string& why) {
            return route_file_error(fmt::format("{}:{}: {}", origin, line_number, why));
        };
        routing_rule r;
        r.ipv6 = ipv6;
        r.text = std::string(line.substr(line.find_first_not_of(" \t")));
        std::string_view prio = w[0];
        if (prio.empty() || prio.back() != ':' ||
            !parse_u32(prio.substr(0, prio.size() - 1), r.priority))
            throw fail("expected 'PRIORITY:' first (ip rule show output)");
        for (std::size_t i = 1; i < w.size(); ++i) {
            const std::string_view key = w[i];
            auto arg = [&]() -> std::string_view {
                if (i + 1 >= w.size()) throw fail(fmt::format("'{}' needs a value", key));
                return w[++i];
            };
            if (key == "not")
                r.invert = true;
            else if (key == "from" || key == "to") {
                const std::string_view v = arg();
                any_prefix p;
                if (!parse_any_prefix(v, p, ipv6, host_bits_policy::clear))
                    throw fail(fmt::format("bad prefix '{}'", v));
                if (v != "all") {
                    if (p.ipv6 != ipv6)
                        throw fail(fmt::format("'{}' is not of this file's family", v));
                    (key == "from" ? r.from : r.to) = p;
                }
            } else if (key == "fwmark") {
                const std::string_view v = arg();
                const std::size_t slash = v.find('/');
                std::uint32_t mark = 0;
                if (!parse_u32(v.substr(0, slash), mark) ||
                    (slash != std::string_view::npos && !parse_u32(v.substr(slash + 1), r.fwmask)))
                    throw fail(fmt::format("bad fwmark '{}'", v));
                r.fwmark = mark;
            } else if (key == "iif")
                r.iif = arg();
            else if (key == "oif")
                r.oif = arg();
            else if (key == "lookup" || key == "table") {
                if (!parse_table_name(arg(), r.table))
                    throw fail(fmt::format("bad table '{}'", w[i]));
            } else if (key == "suppress_prefixlength") {
                std::uint32_t n = 0;
                if (!parse_u32(arg(), n)) throw fail("bad suppress_prefixlength");
                r.suppress_prefixlength = n;
            } else if (key == "tos" || key == "dsfield") {
                std::uint32_t v = 0;
                if (!parse_u32(arg(), v)) throw fail("bad tos");
                r.tos = static_cast<std::uint8_t>(v);
            } else if (key == "blackhole")
                r.action = rule_action::blackhole;
            else if (key == "unreachable")
                r.action = rule_action::unreachable;
            else if (key == "prohibit")
                r.action = rule_action::prohibit;
            else if (key == "nop")
                r.action = rule_action::nop;
            else if (key == "goto") {
                r.action = rule_action::goto_;
                arg();
            } else if (key == "uidrange" || key == "ipproto" || key == "sport" || key == "dport" ||
                       key == "suppress_ifgroup") {
                r.unsupported = fmt::format("{} {}", key, arg());
            } else if (key == "l3mdev") {
                r.unsupported = "l3mdev";
            } else if (key == "proto" || key == "realms" || key == "protocol") {
                arg();
            }
            // "[detached]", "[l3mdev-table]" and other markers are ignored.
        }
        rules.push_back(std::move(r));
    }
    return rules;
}

}  // namespace pktscope
