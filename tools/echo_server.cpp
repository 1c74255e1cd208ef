// `pktscope echo-server`: the plain-socket TCP/UDP echo server (library: src/echo/).
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "pktscope/echo_records.hpp"
#include "pktscope/echo_server.hpp"
#include "pktscope/output.hpp"
#include "stop_signal.hpp"
#include "subcommands.hpp"

namespace pktscope::tools {
namespace {

struct echo_server_options {
    bool tcp = false;
    bool udp = false;
    bool both = false;
    bool json = false;
    echo_server_config config;
};

bool is_loopback(const std::string& address) {
    return address.rfind("127.", 0) == 0 || address == "::1";
}

int run_echo_server(echo_server_options o) {
    o.config.udp = o.udp || o.both;
    o.config.tcp = o.tcp || o.both || !o.config.udp;  // TCP unless only --udp was asked for
    stop_signal stop;
    echo_server server(o.config);
    if (o.config.udp && !is_loopback(o.config.bind_address))
        std::fprintf(
            stderr,
            "echo-server: udp on %s answers other hosts; it still refuses broadcast and multicast "
            "destinations, source ports 0/7/13/19/53/123/161, and more than %.0f datagrams/s per "
            "source\n",
            o.config.bind_address.c_str(), o.config.limits.udp_rate_per_source);

    output_stream out(STDOUT_FILENO);
    // One record per line, written at once: a log is read while the server runs.
    const echo_event_sink sink = [&](const echo_server_event& event) {
        if (o.json)
            render_echo_event_json(out.buffer(), event);
        else
            render_echo_event_text(out.buffer(), event);
        out.flush();
    };
    const echo_server_totals totals = server.run(stop.fd(), sink);
    if (o.json)
        render_echo_totals_json(out.buffer(), totals);
    else
        render_echo_totals_text(out.buffer(), totals);
    out.flush();
    return out.failed() ? 1 : 0;
}

}  // namespace

void add_echo_server_command(CLI::App& app, int& exit_code) {
    auto o = std::make_shared<echo_server_options>();
    echo_server_limits& limits = o->config.limits;
    CLI::App* cmd = app.add_subcommand(
        "echo-server", "Plain-socket TCP/UDP echo server (IPv4/IPv6, safe defaults)");
    cmd->add_flag("--tcp", o->tcp, "Serve TCP (the default)");
    cmd->add_flag("--udp", o->udp, "Serve UDP only");
    cmd->add_flag("--both", o->both, "Serve TCP and UDP on the same port");
    cmd->add_option("--bind", o->config.bind_address, "Numeric address to bind; '::' is dual-stack")
        ->type_name("ADDR")
        ->capture_default_str();
    cmd->add_option("--port", o->config.port, "Port (0: let the kernel choose)")
        ->capture_default_str();
    cmd->add_option("--max-clients", limits.max_clients, "Concurrent TCP clients; more are refused")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))
        ->capture_default_str();
    cmd->add_option("--idle-timeout-ms", limits.idle_timeout_ms,
                    "Close a TCP client silent this long (0: never)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--max-bytes", limits.max_bytes_per_client,
                    "Bytes one TCP client may send (0: no limit)")
        ->capture_default_str();
    cmd->add_option("--udp-rate", limits.udp_rate_per_source,
                    "UDP datagrams/s echoed per source address")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--udp-burst", limits.udp_burst_per_source,
                    "UDP datagrams a source may send at once")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--udp-total-rate", limits.udp_rate_total,
                    "UDP datagrams/s echoed to all sources together")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_flag("--json", o->json,
                  "JSON Lines records (echo_listening, echo_connection, echo_udp_refused, "
                  "echo_server_summary)");
    cmd->footer(
        "One thread, epoll, non-blocking sockets. Logs one line per TCP connection (peer, bytes,\n"
        "duration, close reason). SIGINT/SIGTERM: stop accepting, flush pending echoes, close "
        "all.\n"
        "Examples:\n"
        "  pktscope echo-server                          TCP on 127.0.0.1:6797 (telnet 127.0.0.1 "
        "6797)\n"
        "  pktscope echo-server --both --bind ::         TCP+UDP, IPv6 and IPv4 (dual-stack)\n"
        "  pktscope echo-server --udp --json --udp-rate 50");
    cmd->callback([o, &exit_code] { exit_code = run_echo_server(*o); });
}

}  // namespace pktscope::tools
