// `pktscope route`: longest-prefix-match decisions (lookup), CIDR arithmetic (cidr) and TTL
// hop probing (trace).
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "pktscope/capture.hpp"
#include "pktscope/hop_probe.hpp"
#include "pktscope/kernel_routes.hpp"
#include "pktscope/output.hpp"
#include "route_loading.hpp"
#include "route_render.hpp"
#include "subcommands.hpp"

namespace pktscope::tools {
namespace {

struct lookup_options {
    std::vector<std::string> addresses;
    route_source_options source;
    std::string from;
    bool check = false;
    bool json = false;
    bool explain = false;
};

struct cidr_options {
    std::vector<std::string> inputs;
    bool json = false;
};

struct trace_options {
    std::string host;
    bool udp = false, icmp = false, tcp = false;
    unsigned first_ttl = 1, max_ttl = 30, probes = 3;
    double wait_s = 1.0;
    std::uint16_t port = 0;
    bool json = false;
    route_source_options routes;
};

void add_source_flags(CLI::App* cmd, route_source_options& s) {
    cmd->add_option(
           "-t,--table", s.table_files,
           "Route table file: `ip route show [table all]` or `ip -6 route` text, `ip -j "
           "route` JSON, or plain 'PREFIX/LEN NEXTHOP' lines; '-' reads stdin (repeatable)")
        ->type_name("FILE")
        ->allow_extra_args(false);
    cmd->add_option("--format", s.format, "Table file format (default: detected)")
        ->check(CLI::IsMember({"auto", "ip", "json", "plain"}));
    cmd->add_option("--rules", s.rules_file, "IPv4 policy rules: `ip rule show` output")
        ->type_name("FILE");
    cmd->add_option("--rules6", s.rules6_file, "IPv6 policy rules: `ip -6 rule show` output")
        ->type_name("FILE");
    cmd->add_flag("-k,--kernel", s.kernel,
                  "Use the live kernel FIB: every table and the ip rules (netlink)");
}

// Addresses from the command line; "-" reads white-space separated addresses from stdin.
std::vector<std::string> expand_addresses(const std::vector<std::string>& args) {
    std::vector<std::string> out;
    for (const std::string& a : args) {
        if (a != "-") {
            out.push_back(a);
            continue;
        }
        std::istringstream in(read_text_file("-"));
        std::string word;
        while (in >> word) out.push_back(word);
    }
    return out;
}

int run_lookup(const lookup_options& o) {
    if (!o.source.any()) throw capture_error("route lookup: give --table FILE or --kernel");
    if (o.check && !o.source.kernel)
        throw capture_error("route lookup: --check compares with the kernel; it needs --kernel");
    const routing_tables tables = load_routing_tables(o.source);
    std::optional<any_address> source;
    if (!o.from.empty()) {
        any_address a;
        if (!parse_any_address(o.from, a))
            throw capture_error(fmt::format("route lookup: --from '{}' is not an address", o.from));
        source = a;
    }
    std::unique_ptr<kernel_route_query> kernel;
    if (o.check) kernel = std::make_unique<kernel_route_query>();

    output_stream out(STDOUT_FILENO);
    int status = 0;
    std::uint64_t checked = 0, disagreements = 0;
    for (const std::string& text : expand_addresses(o.addresses)) {
        any_address a;
        if (!parse_any_address(text, a)) {
            out.flush();
            std::fprintf(stderr, "pktscope: route lookup: '%s' is not an IPv4 or IPv6 address\n",
                         text.c_str());
            status = 1;
            continue;
        }
        const route_decision d = tables.decide(a, source);
        std::optional<kernel_check> check;
        if (kernel) {
            check = compare_with_kernel(d, kernel->get(a));
            ++checked;
            if (!check->differences.empty()) ++disagreements;
        }
        if (o.json)
            render_decision_json(out.buffer(), d, o.explain, check);
        else
            render_decision_text(out.buffer(), d, o.explain, check);
        out.maybe_flush();
        if (out.reader_gone()) return status;
    }
    out.flush();
    if (kernel) {
        std::fprintf(
            stderr,
            "pktscope: route lookup --check: %llu addresses, %llu disagree with the kernel\n",
            static_cast<unsigned long long>(checked),
            static_cast<unsigned long long>(disagreements));
        if (disagreements != 0) status = 3;
    }
    if (out.failed()) {
        std::fprintf(stderr, "pktscope: cannot write to standard output\n");
        return 1;
    }
    return status;
}

int run_cidr(const cidr_options& o) {
    output_stream out(STDOUT_FILENO);
    int status = 0;
    for (const std::string& text : o.inputs) {
        if (!render_cidr(out.buffer(), text, o.json)) {
            out.flush();
            std::fprintf(
                stderr,
                "pktscope: route cidr: '%s' is not ADDRESS/LENGTH (IPv4 /0-32, IPv6 /0-128)\n",
                text.c_str());
            status = 1;
        }
    }
    return status;
}

int run_trace(const trace_options& o) {
    probe_options p;
    if (!parse_any_address(o.host, p.destination))
        throw capture_error(
            fmt::format("route trace: '{}' is not an IPv4 or IPv6 address", o.host));
    p.method = o.icmp ? probe_method::icmp : o.tcp ? probe_method::tcp : probe_method::udp;
    p.first_ttl = o.first_ttl;
    p.max_ttl = o.max_ttl;
    p.probes_per_hop = o.probes;
    p.wait = std::chrono::milliseconds(static_cast<long>(o.wait_s * 1000));
    p.port = o.port;

    output_stream out(STDOUT_FILENO);
    // The first hop as our routing decision sees it (the kernel's tables unless --table).
    route_source_options routes = o.routes;
    if (!routes.any()) routes.kernel = true;
    std::optional<route_decision> first;
    routing_tables tables;
    try {
        tables = load_routing_tables(routes);
        first = tables.decide(p.destination);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "pktscope: route trace: no route annotation: %s\n", e.what());
    }
    if (first && o.json)
        render_decision_json(out.buffer(), *first, false, std::nullopt);
    else if (first)
        fmt::format_to(std::back_inserter(out.buffer()),
                       "route trace to {} ({} probes, max {} hops); first hop: {}\n", o.host,
                       o.icmp  ? "ICMP"
                       : o.tcp ? "TCP"
                               : "UDP",
                       p.max_ttl,
                       first->matched ? fmt::format("{} (route {}, table {})", first->outcome(),
                                                    to_string(first->matched->prefix),
                                                    table_name(first->matched->table))
                                      : first->outcome());
    out.flush();
    trace_route(p, [&](const hop_result& hop) {
        if (o.json)
            render_hop_json(out.buffer(), p.destination, hop);
        else
            render_hop_text(out.buffer(), hop);
        out.flush();
    });
    return out.failed() ? 1 : 0;
}

}  // namespace

void add_route_command(CLI::App& app, int& exit_code) {
    CLI::App* route = app.add_subcommand(
        "route", "Longest-prefix-match routing decisions, CIDR arithmetic, hop probing");
    route->require_subcommand(1);
    route->footer(
        "Examples:\n"
        "  pktscope route cidr 192.168.122.5/27\n"
        "  pktscope route lookup --table routes.txt 192.168.1.33 --explain\n"
        "  pktscope route lookup --kernel --check 10.0.0.1 2001:db8::1\n"
        "  pktscope route trace 192.0.2.7 --icmp");

    auto lookup = std::make_shared<lookup_options>();
    CLI::App* l = route->add_subcommand(
        "lookup", "Route decision per address (rules, longest prefix, metric)");
    l->add_option("addresses", lookup->addresses,
                  "Destination addresses ('-' reads them from stdin)")
        ->required()
        ->type_name("ADDR");
    add_source_flags(l, lookup->source);
    l->add_flag("--check", lookup->check,
                "Cross-check each decision with the kernel (RTM_GETROUTE fibmatch); exit 3 on "
                "disagreement");
    l->add_option("--from", lookup->from, "Source address for rules with a 'from' selector")
        ->type_name("ADDR");
    l->add_flag("--json", lookup->json, "JSON Lines route_decision records");
    l->add_flag("--explain", lookup->explain,
                "Every covering prefix longest first, and why the winner won");
    l->footer(
        "Examples:\n"
        "  ip route show table all > v4.txt; pktscope route lookup -t v4.txt 8.8.8.8 --explain\n"
        "  pktscope route lookup --kernel --check --json 10.1.2.3 fd00::7\n"
        "  zcat routes-v4.txt.gz | pktscope route lookup -t - 1.0.0.1");
    l->callback([lookup, &exit_code] { exit_code = run_lookup(*lookup); });

    auto cidr = std::make_shared<cidr_options>();
    CLI::App* c = route->add_subcommand(
        "cidr", "Netmask, network, broadcast, host range and counts of ADDRESS/LEN");
    c->add_option("cidr", cidr->inputs, "ADDRESS/LEN (IPv4 or IPv6)")
        ->required()
        ->type_name("ADDR/LEN");
    c->add_flag("--json", cidr->json, "JSON Lines records");
    c->footer("Example:\n  pktscope route cidr 192.168.122.5/27 2001:db8::1/64");
    c->callback([cidr, &exit_code] { exit_code = run_cidr(*cidr); });

    auto trace = std::make_shared<trace_options>();
    CLI::App* t =
        route->add_subcommand("trace", "Hop-by-hop TTL probing (traceroute) with raw sockets");
    t->add_option("host", trace->host, "Destination address")->required()->type_name("ADDR");
    auto* udp = t->add_flag("--udp", trace->udp,
                            "UDP probes to port 33434+n (default; works unprivileged)");
    auto* icmp = t->add_flag("--icmp", trace->icmp, "ICMP echo probes (needs CAP_NET_RAW)");
    auto* tcp = t->add_flag("--tcp", trace->tcp,
                            "TCP SYN probes to --port (default 80; needs CAP_NET_RAW)");
    udp->excludes(icmp)->excludes(tcp);
    icmp->excludes(tcp);
    t->add_option("-f,--first-ttl", trace->first_ttl, "First TTL")->check(CLI::Range(1, 255));
    t->add_option("-m,--max-hops", trace->max_ttl, "Largest TTL")->check(CLI::Range(1, 255));
    t->add_option("-q,--queries", trace->probes, "Probes per hop")->check(CLI::Range(1, 10));
    t->add_option("-w,--wait", trace->wait_s, "Seconds to wait for each answer")
        ->check(CLI::Range(0.01, 60.0));
    t->add_option("-p,--port", trace->port, "UDP base port / TCP port");
    t->add_flag("--json", trace->json,
                "JSON Lines: a route_decision for the first hop, then trace_hop records");
    add_source_flags(t, trace->routes);
    t->footer(
        "Examples:\n  pktscope route trace 10.0.2.2\n  pktscope route trace 2001:db8::2 --icmp -q "
        "1 -w 0.5");
    t->callback([trace, &exit_code] { exit_code = run_trace(*trace); });
}

}  // namespace pktscope::tools
