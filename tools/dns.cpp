// `pktscope dns`: placeholder registration until the command lands.
#include <stdexcept>

#include "subcommands.hpp"

namespace pktscope::tools {

void add_dns_command(CLI::App& app, int& exit_code) {
    CLI::App* cmd = app.add_subcommand("dns", "Pair DNS queries with their responses (not implemented yet)");
    cmd->allow_extras();
    cmd->callback([&exit_code] {
        (void)exit_code;
        throw std::runtime_error("dns: not implemented yet");
    });
}

}  // namespace pktscope::tools
