// Loading routing tables for `route` and for route annotation in the sniffer: route files
// (--table, any of the formats of route_sources.hpp; "-" is standard input), rule files
// (--rules / --rules6, `ip rule show` text), or the live kernel (--kernel, via netlink).
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "pktscope/route_sources.hpp"
#include "pktscope/route_table.hpp"

namespace pktscope::tools {

struct route_source_options {
    std::vector<std::string> table_files;  ///< --table (repeatable)
    std::string format = "auto";           ///< --format auto|ip|json|plain
    std::string rules_file;                ///< --rules (IPv4 `ip rule show`)
    std::string rules6_file;               ///< --rules6 (`ip -6 rule show`)
    bool kernel = false;                   ///< --kernel

    bool any() const { return kernel || !table_files.empty(); }
};

/// Reads a whole file ("-" = standard input); throws capture_error naming the file.
std::string read_text_file(const std::string& path);

/// Loads and finishes the tables; throws capture_error / route_file_error with one line.
routing_tables load_routing_tables(const route_source_options& options);

}  // namespace pktscope::tools
