// Route annotation for packet printers (see route_annotation.hpp).
#include "route_annotation.hpp"

#include "route_loading.hpp"

namespace pktscope::tools {

void add_route_annotation_options(CLI::App* cmd, route_annotation_options& options) {
    auto* file =
        cmd->add_option("--routes", options.routes_file,
                        "Annotate each packet with the egress route of its destination from "
                        "this table (ip route text, ip -j JSON or plain lines)")
            ->type_name("FILE");
    auto* kernel = cmd->add_flag("--kernel-routes", options.kernel_routes,
                                 "Annotate with the live kernel's routes and rules (netlink)");
    file->excludes(kernel);
}

route_annotator::route_annotator(const route_annotation_options& options) {
    if (options.routes_file.empty() && !options.kernel_routes) return;
    route_source_options source;
    if (!options.routes_file.empty()) source.table_files.push_back(options.routes_file);
    source.kernel = options.kernel_routes;
    tables_ = load_routing_tables(source);
}

void route_annotator::annotate(const decoded_packet& packet, packet_context& context) {
    if (!tables_) return;
    any_address destination;
    if (packet.ipv4) {
        destination.v4 = packet.ipv4->destination();
    } else if (packet.ipv6) {
        destination.ipv6 = true;
        destination.v6 = packet.ipv6->destination();
    } else {
        return;
    }
    const route_decision d = tables_->decide(destination, std::nullopt, false);
    if (d.matched == nullptr) return;
    prefix_text_ = to_string(d.matched->prefix);
    context.route = route_annotation{prefix_text_, d.matched->dev, d.matched->via};
}

}  // namespace pktscope::tools
