// pktscope: packet-level tooling. One program, one subcommand per job.
#include <csignal>
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "pktscope/capture.hpp"
#include "subcommands.hpp"

int main(int argc, char** argv) {
    // Writes to a closed pipe must fail with EPIPE (handled quietly), not kill us.
    std::signal(SIGPIPE, SIG_IGN);

    CLI::App app{"pktscope: decode, trace and explain packets (pcap files or live interfaces)"};
    app.require_subcommand(1);
    app.footer(
        "Examples:\n"
        "  pktscope sniff -r capture.pcap                 print every packet, tcpdump-style\n"
        "  pktscope sniff -r capture.pcap --json 'tcp'    JSON Lines, BPF filter\n"
        "  pktscope sniff -i lo -c 10                     live capture (needs CAP_NET_RAW)\n"
        "Run `pktscope <command> --help` for the options of each command.");
    int exit_code = 0;
    pktscope::tools::add_sniff_command(app, exit_code);
    pktscope::tools::add_handshakes_command(app, exit_code);
    pktscope::tools::add_dns_command(app, exit_code);
    pktscope::tools::add_route_command(app, exit_code);
    pktscope::tools::add_echo_server_command(app, exit_code);
    pktscope::tools::add_echo_client_command(app, exit_code);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const pktscope::capture_error& e) {
        std::fprintf(stderr, "pktscope: %s\n", e.what());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "pktscope: %s\n", e.what());
        return 1;
    }
    return exit_code;
}
