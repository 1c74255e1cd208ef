// The benchmark's results table: one block per capture (packets/s, ns/packet with the spread
// over repetitions, allocations per packet, peak RSS), then the target ratios of issue 3
// section 5, all computed from measurements of the same run.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "decode_bench_micro.hpp"

namespace pktscope::bench {

/// One row: a parser loop or a whole process, measured one or more times.
struct measurement {
    std::string title;                      ///< what was run, as printed
    std::vector<double> ns_per_packet;      ///< wall time, one value per repetition
    std::vector<double> cpu_ns_per_packet;  ///< CPU time (user + system), per repetition
    double allocs_per_packet = -1;          ///< < 0: not measured
    long peak_rss_kib = -1;                 ///< < 0: not measured (in-process rows)
    double median_ns() const;
    double min_ns() const;
    double max_ns() const;
    double median_cpu_ns() const;
};

/// Everything measured on one capture, rows keyed by id (decode_checksums, libtins,
/// pcap_open_offline, pcap_fopen_1MiB, decode_no_checksums, sniff_text, sniff_json, tcpdump,
/// tcpdump_v, tshark_fields).
struct capture_results {
    std::string label;  ///< "mixed", "min_tcp"
    std::string path;
    std::uint64_t packets = 0;
    double mean_frame_bytes = 0;
    parser_parity parity;
    std::map<std::string, measurement> rows;
};

/// Prints the per-capture tables and the targets to `out`; returns true when every target
/// that could be evaluated holds.
bool print_report(std::FILE* out, const std::vector<capture_results>& results);

}  // namespace pktscope::bench
