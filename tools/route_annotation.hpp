// Route annotation for packet printers (`sniff --routes FILE | --kernel-routes`): the egress
// route of each packet's destination, as route{prefix,dev,via} in JSON and a text suffix.
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "pktscope/decode.hpp"
#include "pktscope/output.hpp"
#include "pktscope/route_table.hpp"

namespace pktscope::tools {

struct route_annotation_options {
    std::string routes_file;     ///< --routes FILE (any route file format)
    bool kernel_routes = false;  ///< --kernel-routes
};

/// Adds --routes and --kernel-routes to `cmd`.
void add_route_annotation_options(CLI::App* cmd, route_annotation_options& options);

/// Looks up each packet's destination; holds the text the annotation points to.
class route_annotator {
  public:
    /// Loads the tables when an option asks for them; throws capture_error / route_file_error.
    explicit route_annotator(const route_annotation_options& options);
    /// Sets context.route for IPv4/IPv6 packets with a matching route (valid until the next call).
    void annotate(const decoded_packet& packet, packet_context& context);

  private:
    std::optional<routing_tables> tables_;
    std::string prefix_text_;
};

}  // namespace pktscope::tools
