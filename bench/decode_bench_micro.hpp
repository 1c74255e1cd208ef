// The in-process micro-benchmarks (Google Benchmark): our decoder and libtins over packets
// already in memory, and libpcap's read floor over the file.
#pragma once

#include <cstdint>
#include <string>

#include "pcap_corpus.hpp"

namespace pktscope::bench {

/// Registers, for one capture (`label` names it in benchmark names):
///   decode_checksums/<label>, decode_no_checksums/<label>   one decode() per iteration
///   libtins/<label>                     one Tins::EthernetII(data, len) + find_pdu per iteration
///   pcap_open_offline/<label>, pcap_fopen_1MiB/<label>      one pass over the file per iteration
/// Each reports items_per_second (packets) and, for the parsers, allocs_per_packet.
/// `corpus` must outlive the benchmark run.
void register_micro_benchmarks(const packet_corpus& corpus, const std::string& label);

/// What a full untimed pass over a corpus found.
struct parser_parity {
    std::uint64_t packets = 0;
    std::uint64_t field_disagreements = 0;  ///< packets whose field folds differ
    std::uint64_t libtins_exceptions = 0;   ///< frames libtins refused (malformed_packet)
    double pktscope_allocs_per_packet = 0;  ///< operator new calls per decode()
    double libtins_allocs_per_packet = 0;   ///< per EthernetII construction + field reads
};

/// Decodes every frame with both parsers, compares the fields they read and counts
/// allocations (exactly, over the whole corpus).
parser_parity compare_parsers(const packet_corpus& corpus);

}  // namespace pktscope::bench
