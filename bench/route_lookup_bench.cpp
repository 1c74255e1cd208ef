// Route lookup benchmark: pktscope's prefix table (Poptrie) against DPDK rte_lpm / rte_lpm6 on
// the shared BGP-like tables (../shared/corpus/routes/, 1.0 M IPv4 and 230 k IPv6 prefixes),
// in one run: build time, memory, single and batched lookups per second on uniformly random
// addresses and on a skewed stream (Zipf over the table's prefixes, random host bits), and the
// --explain path (all covering prefixes). Prints a table and the ratios to DPDK.
//
//   route_lookup_bench [CORPUS_DIR] [--no-dpdk]     (CORPUS_DIR default: ../shared/corpus/routes)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "pktscope/prefix_table.hpp"

#ifdef PKTSCOPE_HAVE_DPDK
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>
#include <rte_malloc.h>
#endif

namespace {

using namespace pktscope;
using bench_clock = std::chrono::steady_clock;

double seconds_since(bench_clock::time_point t) {
    return std::chrono::duration<double>(bench_clock::now() - t).count();
}

std::string gunzip(const std::string& path) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(("gzip -dc '" + path + "'").c_str(), "r"),
                                               pclose);
    std::string text;
    if (!pipe) return text;
    char buf[1 << 16];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe.get())) > 0) text.append(buf, n);
    return text;
}

template <class Address>
std::vector<typename prefix_table<Address>::route> load_table(const std::string& path) {
    const std::string text = gunzip(path);
    std::vector<typename prefix_table<Address>::route> routes;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        const std::string_view line(text.data() + pos, end - pos);
        pos = end + 1;
        const std::size_t space = line.find(' ');
        if (space == std::string_view::npos) continue;
        ip_prefix<Address> p;
        if (parse_prefix(line.substr(0, space), p) != prefix_parse_status::ok) continue;
        routes.push_back(
            {p, static_cast<std::uint32_t>(std::stoul(std::string(line.substr(space + 1))))});
    }
    return routes;
}

// Uniform: IPv4 anywhere; IPv6 in 2000::/3 (the global unicast space a BGP table covers).
template <class Address>
std::vector<Address> uniform_queries(std::size_t n, std::mt19937_64& rng) {
    std::vector<Address> out(n);
    for (Address& a : out) {
        if constexpr (std::is_same_v<Address, ipv4_address>) {
            a.value = static_cast<std::uint32_t>(rng());
        } else {
            for (auto& o : a.octets) o = static_cast<std::uint8_t>(rng());
            a.octets[0] = static_cast<std::uint8_t>(0x20 | (a.octets[0] & 0x1F));
        }
    }
    return out;
}

// Skewed: a Zipf(1) popularity over the table's prefixes (a random ranking), random host bits.
template <class Address>
std::vector<Address> skewed_queries(
    const std::vector<typename prefix_table<Address>::route>& routes, std::size_t n,
    std::mt19937_64& rng) {
    std::vector<std::size_t> rank(routes.size());
    for (std::size_t i = 0; i < rank.size(); ++i) rank[i] = i;
    std::shuffle(rank.begin(), rank.end(), rng);
    std::vector<double> cdf(routes.size());
    double sum = 0;
    for (std::size_t i = 0; i < cdf.size(); ++i) cdf[i] = sum += 1.0 / static_cast<double>(i + 1);
    std::uniform_real_distribution<double> u(0, sum);
    std::vector<Address> random = uniform_queries<Address>(n, rng);
    std::vector<Address> out(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t k = static_cast<std::size_t>(
            std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin());
        const auto& p = routes[rank[std::min(k, rank.size() - 1)]].first;
        Address a = p.address;
        const Address host = host_part_of(random[i], p.length);
        if constexpr (std::is_same_v<Address, ipv4_address>)
            a.value |= host.value;
        else
            for (std::size_t j = 0; j < 16; ++j)
                a.octets[j] = static_cast<std::uint8_t>(a.octets[j] | host.octets[j]);
        out[i] = a;
    }
    return out;
}

// Best of three passes over `queries`, in million lookups per second.
template <class F>
double mlps(std::size_t count, F&& pass) {
    double best = 0;
    for (int r = 0; r < 3; ++r) {
        const auto t = bench_clock::now();
        pass();
        best = std::max(best, static_cast<double>(count) / seconds_since(t) / 1e6);
    }
    return best;
}

struct row {
    std::string name;
    double build_s = 0;
    double memory_mib = 0;
    double single_uniform = 0, single_skewed = 0, batch_uniform = 0, batch_skewed = 0, covering = 0;
};

void print_row(const char* family, const row& r) {
    std::printf("%-5s %-22s %8.3f %9.1f %10.1f %10.1f %10.1f %10.1f %10.1f\n", family,
                r.name.c_str(), r.build_s, r.memory_mib, r.single_uniform, r.single_skewed,
                r.batch_uniform, r.batch_skewed, r.covering);
}

#ifdef PKTSCOPE_HAVE_DPDK
void print_ratio(const char* family, const row& ours, const row& theirs) {
    auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
    std::printf("%-5s %-22s %7.3fx %8.3fx %9.2fx %9.2fx %9.2fx %9.2fx\n", family,
                "ratio pktscope/DPDK", ratio(ours.build_s, theirs.build_s),
                ratio(ours.memory_mib, theirs.memory_mib),
                ratio(ours.single_uniform, theirs.single_uniform),
                ratio(ours.single_skewed, theirs.single_skewed),
                ratio(ours.batch_uniform, theirs.batch_uniform),
                ratio(ours.batch_skewed, theirs.batch_skewed));
}
#endif

volatile std::uint64_t sink;

template <class Address>
row bench_ours(const std::vector<typename prefix_table<Address>::route>& routes,
               const std::vector<Address>& uniform, const std::vector<Address>& skewed,
               prefix_table<Address>& table) {
    row r;
    r.name = "pktscope poptrie";
    const auto t = bench_clock::now();
    table.assign(routes);
    r.build_s = seconds_since(t);
    r.memory_mib = static_cast<double>(table.memory().fib_bytes) / (1 << 20);
    auto single = [&](const std::vector<Address>& q) {
        return mlps(q.size(), [&] {
            std::uint64_t s = 0;
            for (const Address& a : q) s += table.lookup(a);
            sink = s;
        });
    };
    std::vector<route_id> ids(64);
    auto batch = [&](const std::vector<Address>& q) {
        return mlps(q.size(), [&] {
            std::uint64_t s = 0;
            for (std::size_t i = 0; i + 64 <= q.size(); i += 64) {
                table.lookup_batch(std::span(q).subspan(i, 64), ids);
                s += ids[0];
            }
            sink = s;
        });
    };
    r.single_uniform = single(uniform);
    r.single_skewed = single(skewed);
    r.batch_uniform = batch(uniform);
    r.batch_skewed = batch(skewed);
    std::array<route_id, 129> cover{};
    r.covering = mlps(uniform.size(), [&] {
        std::uint64_t s = 0;
        for (const Address& a : uniform) s += table.covering(a, cover);
        sink = s;
    });
    std::printf("  (RIB, not in the memory column: %.1f MiB)\n",
                static_cast<double>(table.memory().rib_bytes) / (1 << 20));
    return r;
}

#ifdef PKTSCOPE_HAVE_DPDK
constexpr std::uint32_t no_answer = 0xFFFFFFFF;

// Next-hop disagreements between DPDK's answers and ours over the two query streams.
template <class Address>
std::size_t count_disagreements(const std::vector<std::uint32_t>& answers,
                                const prefix_table<Address>& ours,
                                const std::vector<Address>& uniform,
                                const std::vector<Address>& skewed) {
    std::size_t k = 0, bad = 0;
    for (const auto* q : {&uniform, &skewed})
        for (const Address& a : *q) {
            const route_id id = ours.lookup(a);
            const std::uint32_t mine = id == no_route ? no_answer : ours.value(id);
            if (k >= answers.size() || answers[k] != mine) ++bad;
            ++k;
        }
    return bad;
}

std::size_t heap_allocated() {
    // --no-huge memory is one heap, on socket 0.
    rte_malloc_socket_stats stats{};
    return rte_malloc_get_socket_stats(0, &stats) == 0 ? stats.heap_allocsz_bytes : 0;
}

row bench_lpm4(const std::vector<prefix_table_v4::route>& routes,
               const std::vector<ipv4_address>& uniform, const std::vector<ipv4_address>& skewed,
               rte_lpm* lpm, double memory_mib, std::vector<std::uint32_t>& answers) {
    row r;
    r.name = "DPDK rte_lpm";
    if (lpm == nullptr) return r;
    r.memory_mib = memory_mib;
    const auto t = bench_clock::now();
    std::uint32_t default_hop = no_answer;  // DPDK takes depths 1..N: a miss means the default
    for (const auto& [p, hop] : routes) {
        if (p.length == 0) {
            default_hop = hop;
            continue;
        }
        if (rte_lpm_add(lpm, p.address.value, p.length, hop) < 0) {
            std::printf("  rte_lpm_add failed for /%u (out of tbl8 groups?)\n", p.length);
            return r;
        }
    }
    r.build_s = seconds_since(t);
    auto single = [&](const std::vector<ipv4_address>& q) {
        return mlps(q.size(), [&] {
            std::uint64_t s = 0;
            for (const ipv4_address& a : q) {
                std::uint32_t hop = 0;
                rte_lpm_lookup(lpm, a.value, &hop);
                s += hop;
            }
            sink = s;
        });
    };
    std::vector<std::uint32_t> ips(64), hops(64);
    auto batch = [&](const std::vector<ipv4_address>& q) {
        return mlps(q.size(), [&] {
            std::uint64_t s = 0;
            for (std::size_t i = 0; i + 64 <= q.size(); i += 64) {
                for (std::size_t j = 0; j < 64; ++j) ips[j] = q[i + j].value;
                rte_lpm_lookup_bulk(lpm, ips.data(), hops.data(), 64);
                s += hops[0];
            }
            sink = s;
        });
    };
    r.single_uniform = single(uniform);
    r.single_skewed = single(skewed);
    r.batch_uniform = batch(uniform);
    r.batch_skewed = batch(skewed);
    for (const auto* q : {&uniform, &skewed})
        for (const ipv4_address& a : *q) {
            std::uint32_t hop = 0;
            answers.push_back(rte_lpm_lookup(lpm, a.value, &hop) == 0 ? hop : default_hop);
        }
    rte_lpm_free(lpm);
    return r;
}

row bench_lpm6(const std::vector<prefix_table_v6::route>& routes,
               const std::vector<ipv6_address>& uniform, const std::vector<ipv6_address>& skewed,
               rte_lpm6* lpm, double memory_mib, std::vector<std::uint32_t>& answers) {
    row r;
    r.name = "DPDK rte_lpm6";
    if (lpm == nullptr) return r;
    r.memory_mib = memory_mib;
    const auto t = bench_clock::now();
    std::uint32_t default_hop = no_answer;  // DPDK takes depths 1..N: a miss means the default
    for (const auto& [p, hop] : routes) {
        if (p.length == 0) {
            default_hop = hop;
            continue;
        }
        if (rte_lpm6_add(lpm, p.address.octets.data(), p.length, hop) < 0) {
            std::printf("  rte_lpm6_add failed for /%u (out of tbl8 groups?)\n", p.length);
            return r;
        }
    }
    r.build_s = seconds_since(t);
    auto single = [&](const std::vector<ipv6_address>& q) {
        return mlps(q.size(), [&] {
            std::uint64_t s = 0;
            for (const ipv6_address& a : q) {
                std::uint32_t hop = 0;
                rte_lpm6_lookup(lpm, a.octets.data(), &hop);
                s += hop;
            }
            sink = s;
        });
    };
    std::vector<std::int32_t> hops(64);
    auto batch = [&](const std::vector<ipv6_address>& q) {
        return mlps(q.size(), [&] {
            std::uint64_t s = 0;
            for (std::size_t i = 0; i + 64 <= q.size(); i += 64) {
                rte_lpm6_lookup_bulk_func(
                    lpm, reinterpret_cast<std::uint8_t(*)[16]>(const_cast<ipv6_address*>(&q[i])),
                    hops.data(), 64);
                s += static_cast<std::uint64_t>(hops[0]);
            }
            sink = s;
        });
    };
    r.single_uniform = single(uniform);
    r.single_skewed = single(skewed);
    r.batch_uniform = batch(uniform);
    r.batch_skewed = batch(skewed);
    for (const auto* q : {&uniform, &skewed})
        for (const ipv6_address& a : *q) {
            std::uint32_t hop = 0;
            answers.push_back(rte_lpm6_lookup(lpm, a.octets.data(), &hop) == 0 ? hop : default_hop);
        }
    rte_lpm6_free(lpm);
    return r;
}
#endif

}  // namespace

int main(int argc, char** argv) {
    std::string corpus = "../shared/corpus/routes";
    bool use_dpdk = true;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--no-dpdk") == 0)
            use_dpdk = false;
        else
            corpus = argv[i];
    }
    // EAL first, and DPDK's tables allocated right away: in this process, later rte_malloc
    // calls of --no-huge memory failed (ENOMEM with the heap nearly free) once the C heap had
    // grown; rte_lpm_add and rte_lpm6_add allocate nothing, so creating early is enough.
#ifdef PKTSCOPE_HAVE_DPDK
    rte_lpm* lpm4_table = nullptr;
    rte_lpm6* lpm6_table = nullptr;
    double lpm4_mib = 0, lpm6_mib = 0;
    if (use_dpdk) {
        static const char* eal_args[] = {
            "route_lookup_bench", "--no-huge",   "--no-pci",     "-l", "0", "-m", "2048",
            "--no-telemetry",     "--log-level", "lib.eal:error"};
        if (rte_eal_init(static_cast<int>(std::size(eal_args)), const_cast<char**>(eal_args)) < 0) {
            std::printf("DPDK EAL init failed (%s): comparison skipped\n", rte_strerror(rte_errno));
            use_dpdk = false;
        }
    }
    if (use_dpdk) {
        std::size_t before = heap_allocated();
        rte_lpm_config c4{};
        c4.max_rules = 1U << 21;
        c4.number_tbl8s = 1U << 14;
        lpm4_table = rte_lpm_create("bench_v4", SOCKET_ID_ANY, &c4);
        lpm4_mib = static_cast<double>(heap_allocated() - before) / (1 << 20);
        before = heap_allocated();
        rte_lpm6_config c6{};
        c6.max_rules = 1U << 19;
        c6.number_tbl8s = 1U << 17;
        lpm6_table = rte_lpm6_create("bench_v6", SOCKET_ID_ANY, &c6);
        lpm6_mib = static_cast<double>(heap_allocated() - before) / (1 << 20);
        if (lpm4_table == nullptr || lpm6_table == nullptr)
            std::printf("DPDK table allocation failed: %s\n", rte_strerror(rte_errno));
    }
#else
    if (use_dpdk)
        std::printf("built without libdpdk-dev (pkg-config libdpdk): DPDK comparison skipped\n");
    use_dpdk = false;
#endif
    const auto v4 = load_table<ipv4_address>(corpus + "/routes-v4.txt.gz");
    const auto v6 = load_table<ipv6_address>(corpus + "/routes-v6.txt.gz");
    if (v4.empty() || v6.empty()) {
        std::fprintf(stderr, "route_lookup_bench: cannot read the tables in %s\n", corpus.c_str());
        return 1;
    }
    std::mt19937_64 rng(20240601);
    constexpr std::size_t queries = std::size_t{1} << 22;
    const auto u4 = uniform_queries<ipv4_address>(queries, rng);
    const auto s4 = skewed_queries<ipv4_address>(v4, queries, rng);
    const auto u6 = uniform_queries<ipv6_address>(queries, rng);
    const auto s6 = skewed_queries<ipv6_address>(v6, queries, rng);
    std::printf(
        "%zu IPv4 and %zu IPv6 prefixes, %zu queries per stream; lookups in millions per second\n",
        v4.size(), v6.size(), queries);
    std::printf("%-5s %-22s %8s %9s %10s %10s %10s %10s %10s\n", "fam", "structure", "build_s",
                "mem_MiB", "single_uni", "single_skw", "batch_uni", "batch_skw", "covering");
#ifdef PKTSCOPE_HAVE_DPDK
    std::vector<std::uint32_t> answers4, answers6;
    row lpm4, lpm6;
    if (use_dpdk) {
        lpm4 = bench_lpm4(v4, u4, s4, lpm4_table, lpm4_mib, answers4);
        print_row("IPv4", lpm4);
        lpm6 = bench_lpm6(v6, u6, s6, lpm6_table, lpm6_mib, answers6);
        print_row("IPv6", lpm6);
    }
#endif
    prefix_table_v4 t4;
    const row ours4 = bench_ours<ipv4_address>(v4, u4, s4, t4);
    print_row("IPv4", ours4);
    prefix_table_v6 t6;
    const row ours6 = bench_ours<ipv6_address>(v6, u6, s6, t6);
    print_row("IPv6", ours6);
#ifdef PKTSCOPE_HAVE_DPDK
    if (use_dpdk) {
        print_ratio("IPv4", ours4, lpm4);
        print_ratio("IPv6", ours6, lpm6);
        std::printf("next-hop disagreements with DPDK over all queries: IPv4 %zu, IPv6 %zu\n",
                    count_disagreements(answers4, t4, u4, s4),
                    count_disagreements(answers6, t6, u6, s6));
        rte_eal_cleanup();
    }
#endif
    return 0;
}
