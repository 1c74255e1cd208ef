// `pktscope route`: placeholder registration until the command lands.
#include <stdexcept>

#include "subcommands.hpp"

namespace pktscope::tools {

void add_route_command(CLI::App& app, int& exit_code) {
    CLI::App* cmd = app.add_subcommand("route", "Longest-prefix-match routing decisions (not implemented yet)");
    cmd->allow_extras();
    cmd->callback([&exit_code] {
        (void)exit_code;
        throw std::runtime_error("route: not implemented yet");
    });
}

}  // namespace pktscope::tools
