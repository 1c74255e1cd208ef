// Renderings of route_decision, CIDR and trace records (see route_render.hpp).
#include "route_render.hpp"

#include <cstring>

#include "../src/output/json_writer.hpp"
#include "pktscope/cidr.hpp"

namespace pktscope::tools {
namespace {

auto out_it(fmt::memory_buffer& out) {
    return std::back_inserter(out);
}

route_type effective_type(const route_decision& d, bool& has_route) {
    has_route = d.rule_verdict.has_value() || d.matched != nullptr;
    if (d.rule_verdict) return *d.rule_verdict;
    return d.matched != nullptr ? d.matched->type : route_type::unspec;
}

void route_fields(json::object& o, const route_entry& r) {
    o.field("prefix", to_string(r.prefix));
    if (!r.dev.empty()) o.field("dev", r.dev);
    if (!r.via.empty()) o.field("via", r.via);
    if (r.nexthop_id) o.field("nexthop_id", *r.nexthop_id);
    o.field("metric", r.metric);
    o.field("table", table_name(r.table));
    o.field("type", to_string(r.type));
    if (r.nexthop_count > 1) o.field("nexthops", r.nexthop_count);
}

std::string route_words(const route_entry& r) {
    std::string s;
    if (r.type != route_type::unicast) s = fmt::format("{} ", to_string(r.type));
    s += to_string(r.prefix);
    if (!r.via.empty()) s += " via " + r.via;
    if (!r.dev.empty()) s += " dev " + r.dev;
    if (r.nexthop_id) s += fmt::format(" nexthop {}", *r.nexthop_id);
    if (r.metric != 0) s += fmt::format(" metric {}", r.metric);
    s += " table " + table_name(r.table);
    return s;
}

std::string kernel_words(const kernel_route_answer& a) {
    if (a.error != 0)
        return fmt::format("error {} ({})", std::strerror(a.error),
                           a.error_type() != route_type::unspec ? to_string(a.error_type())
                                                                : std::string_view("no route"));
    return route_words(a.route);
}

}  // namespace

kernel_check compare_with_kernel(const route_decision& d, const kernel_route_answer& a) {
    kernel_check check{a, {}};
    bool ours_has = false;
    const route_type ours = effective_type(d, ours_has);
    const bool dropping = ours == route_type::blackhole || ours == route_type::unreachable ||
                          ours == route_type::prohibit;
    if (a.error != 0) {
        const route_type theirs = a.error_type();
        if (theirs == route_type::unspec) {  // ENETUNREACH and friends: no route at all
            if (ours_has)
                check.differences.push_back(fmt::format("kernel has no route ({}), we chose {}",
                                                        std::strerror(a.error), to_string(ours)));
        } else if (!ours_has || ours != theirs) {
            check.differences.push_back(fmt::format("kernel answers {} ({}), we chose {}",
                                                    to_string(theirs), std::strerror(a.error),
                                                    ours_has ? to_string(ours) : "no route"));
        }
        return check;
    }
    if (d.matched == nullptr) {
        check.differences.push_back(
            ours_has ? fmt::format("kernel routes it, we chose {}", to_string(ours))
                     : "kernel routes it, we found no route");
        return check;
    }
    const route_entry& m = *d.matched;
    const route_entry& k = a.route;
    if (dropping && k.type == m.type && to_string(k.prefix) == to_string(m.prefix)) return check;
    if (to_string(k.prefix) != to_string(m.prefix))
        check.differences.push_back(
            fmt::format("prefix: kernel {}, ours {}", to_string(k.prefix), to_string(m.prefix)));
    // Without custom IPv4 rules the kernel merges table local into main and reports main.
    const bool merged_local = !m.prefix.ipv6 && m.table == table_local && k.table == table_main;
    if (k.table != m.table && !merged_local)
        check.differences.push_back(
            fmt::format("table: kernel {}, ours {}", table_name(k.table), table_name(m.table)));
    if (k.type != m.type)
        check.differences.push_back(
            fmt::format("type: kernel {}, ours {}", to_string(k.type), to_string(m.type)));
    if (k.metric != m.metric)
        check.differences.push_back(fmt::format("metric: kernel {}, ours {}", k.metric, m.metric));
    if (k.dev != m.dev)
        check.differences.push_back(fmt::format("dev: kernel '{}', ours '{}'", k.dev, m.dev));
    if (k.via != m.via)
        check.differences.push_back(fmt::format("via: kernel '{}', ours '{}'", k.via, m.via));
    return check;
}

void render_decision_json(fmt::memory_buffer& out, const route_decision& d, bool explain,
                          const std::optional<kernel_check>& kernel) {
    json::object o(out);
    o.field("type", "route_decision");
    o.field("address", to_string(d.address));
    o.key("matched");
    if (d.matched != nullptr) {
        json::object m(out);
        route_fields(m, *d.matched);
        m.close();
    } else {
        out.append(std::string_view("null"));
    }
    if (d.rule_verdict) o.field("rule_action", to_string(*d.rule_verdict));
    if (d.rule != nullptr) o.field("rule", d.rule->text);
    o.field("outcome", d.outcome());
    o.key("candidates");
    out.push_back('[');
    for (std::size_t i = 0; i < d.candidates.size(); ++i) {
        if (i > 0) out.push_back(',');
        json::object c(out);
        route_fields(c, *d.candidates[i].route);
        c.field("verdict", d.candidates[i].verdict);
        c.close();
    }
    out.push_back(']');
    if (explain) {
        o.key("explanation");
        out.push_back('[');
        for (std::size_t i = 0; i < d.explanation.size(); ++i) {
            if (i > 0) out.push_back(',');
            append_json_string(out, d.explanation[i]);
        }
        out.push_back(']');
    }
    if (kernel) {
        o.key("kernel");
        json::object k(out);
        if (kernel->answer.error != 0) {
            k.field("error", std::strerror(kernel->answer.error));
            k.field("errno", kernel->answer.error);
            if (kernel->answer.error_type() != route_type::unspec)
                k.field("type", to_string(kernel->answer.error_type()));
        } else {
            route_fields(k, kernel->answer.route);
        }
        k.field("agree", kernel->differences.empty());
        if (!kernel->differences.empty()) {
            k.key("differences");
            out.push_back('[');
            for (std::size_t i = 0; i < kernel->differences.size(); ++i) {
                if (i > 0) out.push_back(',');
                append_json_string(out, kernel->differences[i]);
            }
            out.push_back(']');
        }
        k.close();
    }
    o.close();
    out.push_back('\n');
}

void render_decision_text(fmt::memory_buffer& out, const route_decision& d, bool explain,
                          const std::optional<kernel_check>& kernel) {
    const std::string address = to_string(d.address);
    if (!explain) {
        if (d.matched != nullptr)
            fmt::format_to(out_it(out), "{}: {}: {}", address, route_words(*d.matched),
                           d.outcome());
        else
            fmt::format_to(out_it(out), "{}: {}", address, d.outcome());
    } else {
        fmt::format_to(out_it(out), "{}\n", address);
        if (!d.candidates.empty()) {
            fmt::format_to(out_it(out), "  covering prefixes, longest first:\n");
            for (const route_candidate& c : d.candidates)
                fmt::format_to(out_it(out), "    {:<52} {}\n", route_words(*c.route), c.verdict);
        }
        fmt::format_to(out_it(out), "  why:\n");
        for (const std::string& line : d.explanation) fmt::format_to(out_it(out), "    {}\n", line);
        fmt::format_to(out_it(out), "  outcome: {}", d.outcome());
    }
    if (kernel) {
        if (kernel->differences.empty())
            fmt::format_to(out_it(out), "{}kernel agrees ({})", explain ? "\n  " : " | ",
                           kernel_words(kernel->answer));
        else
            fmt::format_to(out_it(out), "{}KERNEL DISAGREES: {}: {}", explain ? "\n  " : " | ",
                           kernel_words(kernel->answer), fmt::join(kernel->differences, "; "));
    }
    out.push_back('\n');
}

bool render_cidr(fmt::memory_buffer& out, const std::string& text, bool json) {
    const bool ipv6 = text.find(':') != std::string::npos;
    std::uint8_t length = 0;
    if (!ipv6) {
        ipv4_address a;
        if (!parse_address_and_length(text, a, length)) return false;
        const ipv4_host_range hosts = host_range_of(a, length);
        const ipv4_prefix network{network_of(a, length), length};
        if (json) {
            json::object o(out);
            o.field("type", "cidr");
            o.field("input", text);
            o.field("prefix", to_string(network));
            o.field("netmask", to_string(netmask_v4(length)));
            o.field("hostmask", to_string(hostmask_v4(length)));
            o.field("network", to_string(network.address));
            o.field("host_part", to_string(host_part_of(a, length)));
            o.field("broadcast", to_string(last_address_of(a, length)));
            o.field("first_host", to_string(hosts.first));
            o.field("last_host", to_string(hosts.last));
            o.field("addresses", address_count_v4(length));
            o.field("hosts", hosts.count);
            o.close();
            out.push_back('\n');
            return true;
        }
        fmt::format_to(
            out_it(out),
            "{}\n  prefix      {}\n  netmask     {}\n  host mask   {}\n  network     {}\n"
            "  host part   {}\n  broadcast   {}\n  first host  {}\n  last host   {}\n"
            "  addresses   {}\n  hosts       {}{}\n",
            text, to_string(network), to_string(netmask_v4(length)), to_string(hostmask_v4(length)),
            to_string(network.address), to_string(host_part_of(a, length)),
            to_string(last_address_of(a, length)), to_string(hosts.first), to_string(hosts.last),
            address_count_v4(length), hosts.count,
            length == 31 ? " (RFC 3021 point-to-point)" : "");
        return true;
    }
    ipv6_address a;
    if (!parse_address_and_length(text, a, length)) return false;
    const ipv6_prefix network{network_of(a, length), length};
    const std::string count = address_count_text(128, length);
    if (json) {
        json::object o(out);
        o.field("type", "cidr");
        o.field("input", text);
        o.field("prefix", to_string(network));
        o.field("netmask", to_string(netmask_v6(length)));
        o.field("hostmask", to_string(hostmask_v6(length)));
        o.field("network", to_string(network.address));
        o.field("host_part", to_string(host_part_of(a, length)));
        o.field("first_address", to_string(network.address));
        o.field("last_address", to_string(last_address_of(a, length)));
        o.field("addresses", count);  // up to 2^128: a decimal string
        o.close();
        out.push_back('\n');
        return true;
    }
    fmt::format_to(out_it(out),
                   "{}\n  prefix         {}\n  netmask        {}\n  host mask      {}\n"
                   "  network        {}\n  host part      {}\n  first address  {}\n"
                   "  last address   {}\n  addresses      {}\n",
                   text, to_string(network), to_string(netmask_v6(length)),
                   to_string(hostmask_v6(length)), to_string(network.address),
                   to_string(host_part_of(a, length)), to_string(network.address),
                   to_string(last_address_of(a, length)), count);
    return true;
}

void render_hop_text(fmt::memory_buffer& out, const hop_result& hop) {
    fmt::format_to(out_it(out), "{:>2} ", hop.ttl);
    std::string last_from;
    for (const probe_reply& p : hop.probes) {
        if (!p.answered) {
            fmt::format_to(out_it(out), " *");
            continue;
        }
        const std::string from = to_string(p.from);
        if (from != last_from) fmt::format_to(out_it(out), " {}", from);
        last_from = from;
        fmt::format_to(out_it(out), "  {:.3f} ms", p.rtt_ms);
        if (p.reached && p.what != "port unreachable" && p.what != "echo reply" &&
            p.what != "syn-ack" && p.what != "rst")
            fmt::format_to(out_it(out), " !{}", p.what);
    }
    out.push_back('\n');
}

void render_hop_json(fmt::memory_buffer& out, const any_address& destination,
                     const hop_result& hop) {
    json::object o(out);
    o.field("type", "trace_hop");
    o.field("destination", to_string(destination));
    o.field("ttl", hop.ttl);
    o.field("reached", hop.reached());
    o.key("probes");
    out.push_back('[');
    for (std::size_t i = 0; i < hop.probes.size(); ++i) {
        if (i > 0) out.push_back(',');
        const probe_reply& p = hop.probes[i];
        json::object j(out);
        j.field("answered", p.answered);
        if (p.answered) {
            j.field("from", to_string(p.from));
            j.field("rtt_ms", p.rtt_ms);
            j.field("answer", p.what);
            j.field("icmp_type", p.icmp_type);
            j.field("icmp_code", p.icmp_code);
        }
        j.close();
    }
    out.push_back(']');
    o.close();
    out.push_back('\n');
}

}  // namespace pktscope::tools
