// Registration of the pktscope subcommands: one function per file, each adding its
// CLI11 sub-app and setting `exit_code` when it runs.
#pragma once

#include <CLI/CLI.hpp>

namespace pktscope::tools {

/// `sniff`: print packets from a file or a live interface, write pcap (sniff.cpp).
void add_sniff_command(CLI::App& app, int& exit_code);
/// `handshakes`: trace TCP handshakes and connection lifetimes (handshakes.cpp).
void add_handshakes_command(CLI::App& app, int& exit_code);
/// `dns`: pair DNS queries with responses, latency, unanswered, chains (dns.cpp).
void add_dns_command(CLI::App& app, int& exit_code);
/// `route`: longest-prefix-match decisions, CIDR arithmetic, hop probing (route.cpp).
void add_route_command(CLI::App& app, int& exit_code);
/// `echo-server`: plain-socket TCP/UDP echo server (echo_server.cpp).
void add_echo_server_command(CLI::App& app, int& exit_code);
/// `echo-client`: echo client verifying every byte, with RTTs (echo_client.cpp).
void add_echo_client_command(CLI::App& app, int& exit_code);

}  // namespace pktscope::tools
