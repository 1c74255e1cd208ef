// `pktscope echo-server`: placeholder registration until the command lands.
#include <stdexcept>

#include "subcommands.hpp"

namespace pktscope::tools {

void add_echo_server_command(CLI::App& app, int& exit_code) {
    CLI::App* cmd = app.add_subcommand("echo-server", "Plain-socket TCP/UDP echo server (not implemented yet)");
    cmd->allow_extras();
    cmd->callback([&exit_code] {
        (void)exit_code;
        throw std::runtime_error("echo-server: not implemented yet");
    });
}

}  // namespace pktscope::tools
