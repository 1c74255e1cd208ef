// Route table loading shared by `route` and the sniffer's route annotation.
#include "route_loading.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "pktscope/capture.hpp"
#include "pktscope/kernel_routes.hpp"

namespace pktscope::tools {

std::string read_text_file(const std::string& path) {
    std::unique_ptr<FILE, int (*)(FILE*)> owned(nullptr, std::fclose);
    FILE* f = stdin;
    if (path != "-") {
        owned.reset(std::fopen(path.c_str(), "rb"));
        if (!owned)
            throw capture_error(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
        f = owned.get();
    }
    std::string text;
    char buf[1 << 16];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    if (std::ferror(f))
        throw capture_error(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
    return text;
}

routing_tables load_routing_tables(const route_source_options& o) {
    route_file_format format = route_file_format::automatic;
    if (o.format == "ip")
        format = route_file_format::ip_text;
    else if (o.format == "json")
        format = route_file_format::ip_json;
    else if (o.format == "plain")
        format = route_file_format::plain;
    routing_tables tables;
    if (o.kernel) load_kernel_routes(tables);
    for (const std::string& path : o.table_files) {
        const std::string text = read_text_file(path);
        const std::size_t n = parse_routes(
            text, path == "-" ? "<stdin>" : path,
            [&](route_entry&& r) { tables.add_route(std::move(r)); }, format);
        if (n == 0) throw capture_error(fmt::format("{}: no routes found", path));
    }
    if (!o.rules_file.empty())
        for (routing_rule& r : parse_rules(read_text_file(o.rules_file), o.rules_file, false))
            tables.add_rule(std::move(r));
    if (!o.rules6_file.empty())
        for (routing_rule& r : parse_rules(read_text_file(o.rules6_file), o.rules6_file, true))
            tables.add_rule(std::move(r));
    tables.finish();
    return tables;
}

}  // namespace pktscope::tools
