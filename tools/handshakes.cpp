// `pktscope handshakes`: placeholder registration until the command lands.
#include <stdexcept>

#include "subcommands.hpp"

namespace pktscope::tools {

void add_handshakes_command(CLI::App& app, int& exit_code) {
    CLI::App* cmd = app.add_subcommand("handshakes", "Trace TCP handshakes and connection lifetimes (not implemented yet)");
    cmd->allow_extras();
    cmd->callback([&exit_code] {
        (void)exit_code;
        throw std::runtime_error("handshakes: not implemented yet");
    });
}

}  // namespace pktscope::tools
