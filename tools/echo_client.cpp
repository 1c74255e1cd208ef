// `pktscope echo-client`: sends messages to an echo server and verifies every byte
// (library: src/echo/).
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "pktscope/echo_client.hpp"
#include "pktscope/echo_records.hpp"
#include "pktscope/output.hpp"
#include "stop_signal.hpp"
#include "subcommands.hpp"

namespace pktscope::tools {
namespace {

struct echo_client_options {
    bool tcp = false;
    bool udp = false;
    bool json = false;
    double duration_s = 0;
    echo_client_config config;
};

int run_echo_client(echo_client_options o) {
    if (o.tcp && o.udp) throw echo_error("give --tcp or --udp, not both");
    o.config.transport = o.udp ? echo_transport::udp : echo_transport::tcp;
    o.config.duration_ms = static_cast<std::int64_t>(o.duration_s * 1000.0);
    stop_signal stop;
    const echo_client_report report = run_echo_client(o.config, stop.fd());

    output_stream out(STDOUT_FILENO);
    if (o.json)
        render_echo_client_json(out.buffer(), report);
    else
        render_echo_client_text(out.buffer(), report);
    out.flush();
    if (report.ok()) return 0;
    std::fprintf(
        stderr,
        "echo-client: FAILED: %llu of %llu messages verified, %llu mismatches, %llu timeouts, "
        "%llu connection errors%s\n",
        static_cast<unsigned long long>(report.messages_verified),
        static_cast<unsigned long long>(report.messages_sent),
        static_cast<unsigned long long>(report.mismatches),
        static_cast<unsigned long long>(report.timeouts),
        static_cast<unsigned long long>(report.connection_errors),
        report.interrupted ? ", interrupted" : "");
    return 1;
}

}  // namespace

void add_echo_client_command(CLI::App& app, int& exit_code) {
    auto o = std::make_shared<echo_client_options>();
    echo_client_config& c = o->config;
    CLI::App* cmd =
        app.add_subcommand("echo-client", "Echo client: verifies every byte, reports RTTs");
    cmd->add_option("host", c.host, "Server address or name")->capture_default_str();
    cmd->add_option("port", c.port, "Server port")->capture_default_str();
    cmd->add_flag("--tcp", o->tcp, "Use TCP (the default)");
    cmd->add_flag("--udp", o->udp, "Use UDP");
    cmd->add_option("-n,--count", c.count, "Messages per connection")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--size", c.size_bytes, "Bytes per message")
        ->type_name("BYTES")
        ->capture_default_str();
    cmd->add_option("--concurrency", c.concurrency, "Connections in parallel")
        ->type_name("N")
        ->capture_default_str();
    cmd->add_option("--duration", o->duration_s,
                    "Send for this many seconds instead of -n messages")
        ->type_name("SECONDS")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--timeout-ms", c.timeout_ms, "Per connect and per message")
        ->capture_default_str();
    cmd->add_flag("--json", o->json,
                  "JSON Lines: echo_client_connection records, then echo_client_summary");
    cmd->footer(
        "Exit status 1 on any mismatch, timeout or connection error.\n"
        "Examples:\n"
        "  pktscope echo-client 127.0.0.1 6797 -n 100 --size 1024\n"
        "  pktscope echo-client ::1 6797 --udp -n 10\n"
        "  pktscope echo-client 127.0.0.1 6797 --concurrency 16 --duration 5 --json");
    cmd->callback([o, &exit_code] { exit_code = run_echo_client(*o); });
}

}  // namespace pktscope::tools
