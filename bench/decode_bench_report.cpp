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

// Speed ratio a/b (how many times faster `fast` is than `slow`), from median ns/packet.
double speedup(const measurement& fast, const measurement& slow) {
    return slow.median_ns() / fast.median_ns();
}

}  // namespace

double measurement::median_ns() const {
    const auto v = sorted(ns_per_packet);
    if (v.empty()) return 0;
    return v.size() % 2 == 1 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
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
                "packets "
                "({} libtins exceptions)\n",
                r.parity.packets - r.parity.field_disagreements - r.parity.libtins_exceptions,
                r.parity.packets, r.parity.libtins_exceptions);
        fmt::print(out, "  {:<58} {:>9} {:>9} {:>17} {:>10} {:>9}\n", "measurement", "Mpkt/s",
                   "ns/pkt", "ns/pkt min-max", "allocs/pkt", "peak RSS");
        for (const char* id : row_order) {
            const measurement* m = find_row(r, id);
            if (m == nullptr) continue;
            fmt::print(out, "  {:<58} {:>9.3f} {:>9.1f} {:>17} {:>10} {:>9}\n", m->title,
                       1e3 / m->median_ns(), m->median_ns(),
                       fmt::format("{:.1f}-{:.1f}", m->min_ns(), m->max_ns()),
                       allocs_text(m->allocs_per_packet), rss_text(m->peak_rss_kib));
        }
    }

    fmt::print(out, "\nTargets (ratios of medians from this run):\n");
    bool all_met = true;
    auto check = [&](const std::string& what, double value, const std::string& goal, bool met,
                     const char* unit) {
        fmt::print(out, "  {:<62} {:>9.2f}{:<3} {:<10} {}\n", what, value, unit, goal,
                   met ? "met" : "NOT MET");
        all_met = all_met && met;
    };
    long sniff_peak_kib = -1;
    for (const capture_results& r : results) {
        const measurement* decode = find_row(r, "decode_checksums");
        const measurement* tins = find_row(r, "libtins");
        const double decoder_goal = r.label == "mixed" ? 3 : 7;
        if (decode != nullptr && tins != nullptr)
            check(r.label + ": decoder, all checksums verified / libtins parse loop",
                  speedup(*decode, *tins), fmt::format(">= {:.0f}x", decoder_goal),
                  speedup(*decode, *tins) >= decoder_goal, "x");
        if (decode != nullptr && decode->allocs_per_packet >= 0)
            check(r.label + ": decoder allocations per packet", decode->allocs_per_packet, "== 0",
                  decode->allocs_per_packet == 0, "");
        const measurement* text = find_row(r, "sniff_text");
        const measurement* tcpdump = find_row(r, "tcpdump");
        if (text != nullptr && tcpdump != nullptr)
            check(r.label + ": pktscope sniff -r (text) / tcpdump -n -r", speedup(*text, *tcpdump),
                  ">= 20x", speedup(*text, *tcpdump) >= 20, "x");
        const measurement* json = find_row(r, "sniff_json");
        const measurement* tshark = find_row(r, "tshark_fields");
        if (json != nullptr && tshark != nullptr)
            check(r.label + ": pktscope sniff -r --json / tshark -T fields (per packet)",
                  speedup(*json, *tshark), ">= 50x", speedup(*json, *tshark) >= 50, "x");
        for (const measurement* m : {text, json})
            if (m != nullptr) sniff_peak_kib = std::max(sniff_peak_kib, m->peak_rss_kib);
    }
    if (sniff_peak_kib >= 0)
        check("pktscope sniff peak RSS, largest of all its runs (MB)",
              static_cast<double>(sniff_peak_kib) * 1024 / 1e6, "< 50 MB",
              sniff_peak_kib * 1024 < 50'000'000, "");
    return all_met;
}

}  // namespace pktscope::bench
