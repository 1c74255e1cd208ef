// `pktscope dns`: pair DNS queries with their responses (UDP and TCP) and print one
// dns_transaction record each, with --stats tables and --chain resolution chains.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>

#include "pktscope/capture.hpp"
#include "pktscope/decode.hpp"
#include "pktscope/dns_chain.hpp"
#include "pktscope/dns_output.hpp"
#include "pktscope/dns_stats.hpp"
#include "pktscope/dns_tracker.hpp"
#include "pktscope/output.hpp"
#include "privileges.hpp"
#include "progress.hpp"
#include "signals.hpp"
#include "source_options.hpp"
#include "subcommands.hpp"

namespace pktscope::tools {
namespace {

struct dns_options {
    source_options source;
    std::string user;
    bool json = false;
    bool stats = false;
    bool chain = false;
    bool quiet = false;
    bool verbose = false;
    bool utc = false;
    double timeout_s = 5.0;
    std::size_t max_pending = dns_tracker_options{}.max_pending;
    std::vector<std::uint16_t> ports;
};

std::int64_t wall_clock_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Where records go: JSON Lines or text, and the statistics collector.
class record_printer {
  public:
    record_printer(const dns_options& o, output_stream& out)
        : options_(o), out_(out), clock_({o.verbose, o.utc}) {}

    void transaction(const dns_transaction& t) {
        if (options_.stats) stats_.add(t);
        if (options_.chain) return;  // the chain builder reports it
        print(t);
    }
    void print(const dns_transaction& t) {
        if (options_.quiet || out_.reader_gone()) return;
        if (options_.json)
            render_dns_transaction_json(out_.buffer(), t);
        else
            render_dns_transaction_text(out_.buffer(), t, clock_, {options_.verbose});
        flush_now();
    }
    void chain(const dns_chain& c) {
        if (options_.quiet || out_.reader_gone()) return;
        if (options_.json)
            render_dns_chain_json(out_.buffer(), c);
        else
            render_dns_chain_text(out_.buffer(), c, clock_, {options_.verbose});
        flush_now();
    }
    const dns_stats_collector& stats() const { return stats_; }

  private:
    void flush_now() {
        if (options_.source.live())
            out_.flush();
        else
            out_.maybe_flush();
    }
    const dns_options& options_;
    output_stream& out_;
    text_renderer clock_;
    dns_stats_collector stats_;
};

int run_dns(const dns_options& o) {
    if (!(o.timeout_s > 0) || !std::isfinite(o.timeout_s) || o.timeout_s > 86400)
        throw capture_error("--timeout must be more than 0 and at most 86400 seconds");
    signal_watcher signals;
    pcap_source source = open_source(o.source);
    signals.attach(&source);
    announce_capture(o.source, source);
    if (!o.user.empty()) drop_privileges(o.user);

    output_stream out(STDOUT_FILENO);
    if (o.json) render_meta_json(out.buffer(), "dns", source.description(), source.linktype());
    record_printer printer(o, out);

    dns_tracker_options tracker_options;
    tracker_options.timeout_ns = static_cast<std::int64_t>(std::llround(o.timeout_s * 1e9));
    tracker_options.max_pending = o.max_pending;
    if (!o.ports.empty()) tracker_options.ports = o.ports;
    std::optional<dns_chain_builder> chains;
    if (o.chain)
        chains.emplace(
            tracker_options.timeout_ns, 1u << 18,
            [&printer](const dns_chain& c) { printer.chain(c); },
            [&printer](const dns_transaction& t) { printer.print(t); });
    dns_tracker tracker(tracker_options, [&](const dns_transaction& t) {
        printer.transaction(t);
        if (chains) chains->add(t);
    });

    decode_options decode_opts;
    decode_opts.verify_checksums = false;  // pairing does not depend on them; saves time
    decode_opts.decode_dns = false;        // the tracker reads every message itself, once
    capture_summary summary;
    progress_meter progress(source.file_size());
    const bool live = o.source.live();
    frame f;
    decoded_packet p;
    int status = 0;
    try {
        while (!signals.stop_requested() &&
               (o.source.count == 0 || summary.packets < o.source.count)) {
            if (signals.take_stats_request()) {
                // SIGUSR1: the counters so far on stderr, as sniff prints its statistics.
                fmt::memory_buffer text;
                render_dns_summary_text(text, tracker.counters(),
                                        chains ? &chains->counters() : nullptr);
                summary.stats = source.stats();
                render_summary_text(text, summary);
                std::fwrite(text.data(), 1, text.size(), stderr);
            }
            if (!source.next(f)) {
                if (live && !signals.stop_requested()) continue;  // a SIGUSR1 wake-up
                break;
            }
            if (source.timed_out()) {
                // Idle live capture: capture time moves on with the clock.
                tracker.advance(wall_clock_ns());
                if (chains) chains->advance(wall_clock_ns());
                out.flush();
                continue;
            }
            ++summary.packets;
            summary.bytes += f.wirelen;
            decode(f, p, decode_opts);
            if (!p.anomalies.empty()) summary.anomalies.add(p.anomalies);
            tracker.add(f, p, summary.packets);
            if (chains) chains->advance(f.ts_ns);
            if (out.reader_gone()) break;
            // file_position() costs a system call: ask for it once every 64 packets.
            if ((summary.packets & 63U) == 0)
                progress.update(source.file_position(), summary.packets);
        }
    } catch (const capture_error& e) {
        out.flush();
        std::fprintf(stderr, "pktscope: %s (after %llu packets)\n", e.what(),
                     static_cast<unsigned long long>(summary.packets));
        status = 1;
    }
    tracker.finish();
    if (chains) chains->finish();
    summary.stats = source.stats();
    const dns_chain_counters* chain_counters = chains ? &chains->counters() : nullptr;
    if (!out.reader_gone()) {
        if (o.json) {
            if (o.stats) render_dns_stats_json(out.buffer(), printer.stats().report());
            render_dns_summary_json(out.buffer(), tracker.counters(), chain_counters);
            render_summary_json(out.buffer(), summary);
        } else if (o.stats) {
            render_dns_stats_text(out.buffer(), printer.stats().report());
            render_dns_summary_text(out.buffer(), tracker.counters(), chain_counters);
        }
    }
    out.flush();
    if (!o.json && !o.stats) {
        // Counters go to stderr (as tcpdump's do), so piped records stay clean.
        fmt::memory_buffer text;
        render_dns_summary_text(text, tracker.counters(), chain_counters);
        if (live) render_summary_text(text, summary);
        std::fwrite(text.data(), 1, text.size(), stderr);
    }
    if (out.failed()) {
        std::fprintf(stderr, "pktscope: cannot write to standard output\n");
        return 1;
    }
    return status;
}

}  // namespace

void add_dns_command(CLI::App& app, int& exit_code) {
    auto options = std::make_shared<dns_options>();
    CLI::App* cmd = app.add_subcommand(
        "dns", "Pair DNS queries with their responses (UDP and TCP): latency, unanswered, retries");
    add_source_options(cmd, options->source);
    cmd->add_flag("--json", options->json,
                  "Print JSON Lines records (meta, dns_transaction..., dns_summary, summary)");
    cmd->add_flag("--stats", options->stats,
                  "At the end, print per-server latency percentiles, RCODE counts, unanswered and "
                  "retransmission counts and the most asked names");
    cmd->add_flag("--chain", options->chain,
                  "Group a recursive resolver's upstream queries under each client query "
                  "(root, TLD, authoritative steps)");
    cmd->add_flag("-q,--quiet", options->quiet,
                  "Print no per-transaction records (with --stats: only the tables)");
    cmd->add_flag("-v,--verbose", options->verbose, "Text: TTLs, authority records, EDNS details");
    cmd->add_option("--timeout", options->timeout_s,
                    "Seconds of capture time after a query's first transmission before it is "
                    "unanswered (default 5)")
        ->type_name("SECONDS");
    cmd->add_option("--max-pending", options->max_pending,
                    "Queries waiting for a response at once; the oldest is reported unanswered "
                    "(evicted) beyond this")
        ->type_name("N")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 24));
    cmd->add_option("--port", options->ports, "DNS server port (repeatable; default 53)")
        ->type_name("PORT")
        ->allow_extra_args(false)  // one value per --port: a trailing filter is not a port
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->check(CLI::Range(1, 65535));
    cmd->add_option("-Z,--relinquish-privileges", options->user,
                    "After opening the capture, drop privileges to this user")
        ->type_name("USER");
    cmd->add_flag("--utc", options->utc, "Print times in UTC instead of local time");
    cmd->footer(
        "Examples:\n"
        "  pktscope dns -r capture.pcap                 one line per query and its response\n"
        "  pktscope dns -r capture.pcap --json          JSON Lines dns_transaction records\n"
        "  pktscope dns -r capture.pcap --stats -q      only the per-server statistics\n"
        "  pktscope dns -r resolver.pcap --chain        a resolver's upstream steps per query\n"
        "  pktscope dns -i eth0 --timeout 2 'port 53'   live (needs CAP_NET_RAW)");
    cmd->callback([options, &exit_code] { exit_code = run_dns(*options); });
}

}  // namespace pktscope::tools
