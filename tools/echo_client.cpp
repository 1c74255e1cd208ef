// `pktscope echo-client`: placeholder registration until the command lands.
#include <stdexcept>

#include "subcommands.hpp"

namespace pktscope::tools {

void add_echo_client_command(CLI::App& app, int& exit_code) {
    CLI::App* cmd = app.add_subcommand("echo-client", "Echo client with RTTs (not implemented yet)");
    cmd->allow_extras();
    cmd->callback([&exit_code] {
        (void)exit_code;
        throw std::runtime_error("echo-client: not implemented yet");
    });
}

}  // namespace pktscope::tools
