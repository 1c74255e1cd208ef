#include "decode_bench_report.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

namespace pktscope::bench {
namespace {

// Rows in the order printed.
constexpr std::array<const char*, 10> row_order = {
    "decode_checksums", "decode_no_checksums", "libtins", "pcap_open_offline", "pcap_fopen_1MiB",
    "sniff_text",       "sniff_json",          "tcpdump", "tcpdump_v",         "tshark_fields"};

std::vector<double> sorted(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v;
}

double median_of(const std::vector<double>& values) {
    const auto v = sorted(values);
    if (v.empty()) return 0;
    return v.size() % 2 == 1 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

const measurement* find_row(const capture_results& r, const std::string& id) {
    const auto it = r.rows.find(id);
    return it == r.rows.end() || it->second.ns_per_packet.empty() ? nullptr : &it->second;
}

std::string rss_text(long kib) {
    return kib < 0 ? "-" : fmt::format("{:.1f} MB", static_cast<double>(kib) * 1024 / 1e6);
}

std::string allocs_text(double a) {
    return a < 0 ? "-" : fmt::format("{:.2f}", a);
}

// Speed ratio (how many times faster `fast` is than `slow`), from median wall ns/packet.
double speedup(const measurement& fast, const measurement& slow) {
    return slow.median_ns() / fast.median_ns();
}
// The same from CPU time, which a loaded machine disturbs less than wall time.
double cpu_speedup(const measurement& fast, const measurement& slow) {
    return fast.median_cpu_ns() > 0 ? slow.median_cpu_ns() / fast.median_cpu_ns() : 0;
}

}  // namespace

double measurement::median_ns() const {
    return median_of(ns_per_packet);
}
double measurement::median_cpu_ns() const {
    return median_of(cpu_ns_per_packet);
}
double measurement::min_ns() const {
    return ns_per_packet.empty() ? 0 : sorted(ns_per_packet).front();
}
double measurement::max_ns() const {
    return ns_per_packet.empty() ? 0 : sorted(ns_per_packet).back();
}

bool print_report(std::FILE* out, const std::vector<capture_results>& results) {
    for (const capture_results& r : results) {
        fmt::print(out, "\n{} ({}): {} packets, {:.1f} bytes/packet on average\n", r.label, r.path,
                   r.packets, r.mean_frame_bytes);
        if (r.parity.packets != 0)
            fmt::print(
                out,
                "  parity check: decoder and libtins read the same field values on {} of {} "
                "packets ({} libtins exceptions)\n",
                r.parity.packets - r.parity.field_disagreements - r.parity.libtins_exceptions,
                r.parity.packets, r.parity.libtins_exceptions);
        fmt::print(out, "  {:<58} {:>9} {:>9} {:>17} {:>9} {:>10} {:>9}\n", "measurement", "Mpkt/s",
                   "ns/pkt", "ns/pkt min-max", "CPU ns", "allocs/pkt", "peak RSS");
        for (const char* id : row_order) {
            const measurement* m = find_row(r, id);
            if (m == nullptr) continue;
            fmt::print(out, "  {:<58} {:>9.3f} {:>9.1f} {:>17} {:>9.1f} {:>10} {:>9}\n", m->title,
                       1e3 / m->median_ns(), m->median_ns(),
                       fmt::format("{:.1f}-{:.1f}", m->min_ns(), m->max_ns()), m->median_cpu_ns(),
                       allocs_text(m->allocs_per_packet), rss_text(m->peak_rss_kib));
        }
    }

    fmt::print(
        out,
        "\nTargets (ratios of median ns/packet from this run; wall time decides, the ratio of "
        "CPU times is shown beside it):\n");
    bool all_met = true;
    auto check_ratio = [&](const std::string& what, const measurement& fast,
                           const measurement& slow, double goal) {
        const double wall = speedup(fast, slow);
        fmt::print(out, "  {:<62} {:>8.2f}x  {:<9} {:<8} (CPU time {:.2f}x)\n", what, wall,
                   fmt::format(">= {:.0f}x", goal), wall >= goal ? "met" : "NOT MET",
                   cpu_speedup(fast, slow));
        all_met = all_met && wall >= goal;
    };
    auto check = [&](const std::string& what, double value, const std::string& goal, bool met) {
        fmt::print(out, "  {:<62} {:>9.2f}  {:<9} {}\n", what, value, goal,
                   met ? "met" : "NOT MET");
        all_met = all_met && met;
    };
    long sniff_peak_kib = -1;
    for (const capture_results& r : results) {
        const measurement* decode = find_row(r, "decode_checksums");
        const measurement* tins = find_row(r, "libtins");
        if (decode != nullptr && tins != nullptr)
            check_ratio(r.label + ": decoder, all checksums verified / libtins parse loop", *decode,
                        *tins, r.label == "mixed" ? 3 : 7);
        if (decode != nullptr && decode->allocs_per_packet >= 0)
            check(r.label + ": decoder allocations per packet", decode->allocs_per_packet, "== 0",
                  decode->allocs_per_packet == 0);
        const measurement* text = find_row(r, "sniff_text");
        const measurement* tcpdump = find_row(r, "tcpdump");
        if (text != nullptr && tcpdump != nullptr)
            check_ratio(r.label + ": pktscope sniff -r (text) / tcpdump -n -r", *text, *tcpdump,
                        20);
        const measurement* json = find_row(r, "sniff_json");
        const measurement* tshark = find_row(r, "tshark_fields");
        if (json != nullptr && tshark != nullptr)
            check_ratio(r.label + ": pktscope sniff -r --json / tshark -T fields (per packet)",
                        *json, *tshark, 50);
        for (const measurement* m : {text, json})
            if (m != nullptr) sniff_peak_kib = std::max(sniff_peak_kib, m->peak_rss_kib);
    }
    if (sniff_peak_kib >= 0)
        check("pktscope sniff peak RSS, largest of all its runs (MB)",
              static_cast<double>(sniff_peak_kib) * 1024 / 1e6, "< 50 MB",
              sniff_peak_kib * 1024 < 50'000'000);
    return all_met;
}

}  // namespace pktscope::bench
