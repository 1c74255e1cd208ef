// Registration of the pktscope subcommands: one function per file, each adding its
// CLI11 sub-app and setting `exit_code` when it runs.
#pragma once

#include <CLI/CLI.hpp>

namespace pktscope::tools {

/// Adds `sniff`: print packets from a file or a live interface, write pcap.
void add_sniff_command(CLI::App& app, int& exit_code);

}  // namespace pktscope::tools
