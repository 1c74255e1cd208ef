// The capture-source options every reading subcommand shares (tcpdump's habits):
// -r FILE | -i IFACE, -c, -s, -B, -p, -Q, --no-immediate, trailing BPF filter.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "pktscope/capture.hpp"

namespace pktscope::tools {

struct source_options {
    std::string read_path;                 ///< -r
    std::string interface;                 ///< -i
    std::uint64_t count = 0;               ///< -c (0 = unlimited)
    int snaplen = 262144;                  ///< -s
    int buffer_size_kib = 4096;            ///< -B, KiB as tcpdump
    bool no_promiscuous = false;           ///< -p
    std::string direction;                 ///< -Q in|out|inout
    bool no_immediate = false;             ///< --no-immediate
    std::vector<std::string> filter_words; ///< trailing BPF expression

    std::string filter() const;
    bool live() const { return !interface.empty(); }
};

/// Adds -r/-i/-c/-s/-B/-p/-Q/--no-immediate and the trailing filter to `cmd`.
void add_source_options(CLI::App* cmd, source_options& options);

/// Opens the file or interface; throws capture_error with a one-line reason (including
/// "give -r FILE or -i INTERFACE" when neither or both were given).
pcap_source open_source(const source_options& options);

/// For a live capture, says on stderr that it is active and what it records, as tcpdump does
/// ("listening on eth0, link-type EN10MB, snapshot length 262144 bytes"; scripts wait for
/// this line). Nothing for a file.
void announce_capture(const source_options& options, const pcap_source& source);

}  // namespace pktscope::tools
