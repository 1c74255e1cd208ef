// `pktscope handshakes`: trace TCP handshakes and connection lifetimes from a file or a live
// interface (passive), or from connections it opens itself (active, handshakes_active.cpp).
#include "handshakes.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "pktscope/capture.hpp"
#include "pktscope/decode.hpp"
#include "privileges.hpp"
#include "progress.hpp"
#include "signals.hpp"
#include "subcommands.hpp"

namespace pktscope::tools {
namespace {

std::int64_t seconds_to_ns(double s) {
    return static_cast<std::int64_t>(s * 1e9);
}

std::int64_t wall_clock_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void print_stderr(const fmt::memory_buffer& buf) {
    std::fwrite(buf.data(), 1, buf.size(), stderr);
}

int run_passive(const handshakes_options& o) {
    signal_watcher signals;
    pcap_source source = open_source(o.source);
    signals.attach(&source);
    if (!o.user.empty()) drop_privileges(o.user);

    output_stream out(STDOUT_FILENO);
    record_printer printer(out, o);
    const bool live = o.source.live();
    if (o.json)
        render_meta_json(out.buffer(), "handshakes", source.description(), source.linktype());

    handshake_callbacks callbacks;
    callbacks.finished = [&](const tcp_connection& c) {
        printer.record(c);
        if (live)
            out.flush();
        else
            out.maybe_flush();
    };
    // Live mode announces each handshake the moment it completes.
    if (live)
        callbacks.established = [&](const tcp_connection& c) {
            printer.handshake(c);
            out.flush();
        };
    handshake_tracker tracker(tracker_options(o), callbacks);

    decode_options decode_opts;
    decode_opts.verify_checksums = !o.no_checksums;
    decode_opts.decode_dns = false;  // the tracker never looks at DNS
    capture_summary summary;
    progress_meter progress(source.file_size());
    std::uint64_t position = 0;
    frame f;
    decoded_packet p;
    int status = 0;
    try {
        while (!signals.stop_requested() && !out.reader_gone() &&
               (o.source.count == 0 || summary.packets < o.source.count)) {
            if (signals.take_stats_request()) {
                fmt::memory_buffer buf;
                capture_summary now = summary;
                now.stats = source.stats();
                add_handshake_totals(now, tracker, o.max_connections);
                render_summary_text(buf, now);
                print_stderr(buf);
            }
            if (!source.next(f)) {
                if (live && !signals.stop_requested()) continue;  // a wake-up for statistics
                break;
            }
            if (source.timed_out()) {
                // No packet for a while: idle connections still time out on the wall clock.
                tracker.advance(wall_clock_ns());
                out.flush();
                continue;
            }
            ++summary.packets;
            summary.bytes += f.wirelen;
            decode(f, p, decode_opts);
            summary.anomalies.add(p.anomalies);
            tracker.process(f, p, summary.packets);
            // file_position() is an lseek system call: ask for it only every 1024 packets.
            if ((summary.packets & 0x3ffU) == 0) position = source.file_position();
            progress.update(position, summary.packets);
        }
    } catch (const capture_error& e) {
        out.flush();
        std::fprintf(stderr, "pktscope: %s (after %llu packets)\n", e.what(),
                     static_cast<unsigned long long>(summary.packets));
        status = 1;
    }
    // Whatever is still open is reported as such: no connection is dropped silently.
    if (!out.reader_gone()) tracker.flush();
    summary.stats = source.stats();
    add_handshake_totals(summary, tracker, o.max_connections);
    if (o.json && !out.reader_gone()) render_summary_json(out.buffer(), summary);
    out.flush();
    if (live || !o.json) {
        // Totals go to stderr, as tcpdump's statistics do, so stdout holds only records.
        fmt::memory_buffer buf;
        render_summary_text(buf, summary);
        print_stderr(buf);
    }
    if (out.failed()) {
        std::fprintf(stderr, "pktscope: cannot write to standard output\n");
        return 1;
    }
    return status;
}

int run_handshakes(const handshakes_options& o) {
    if (!o.connect.empty()) {
        if (!o.source.read_path.empty())
            throw capture_error(
                "--connect captures by itself: drop -r (it picks the interface, or give -i)");
        return run_active_handshakes(o);
    }
    if (o.syn) throw capture_error("--syn needs --connect HOST:PORT");
    return run_passive(o);
}

}  // namespace

handshake_options tracker_options(const handshakes_options& o) {
    handshake_options t;
    t.max_connections = o.max_connections;
    t.idle_timeout_ns = seconds_to_ns(o.idle_timeout_s);
    t.attempt_timeout_ns = seconds_to_ns(o.attempt_timeout_s);
    t.linger_ns = seconds_to_ns(o.linger_s);
    t.closing_timeout_ns = seconds_to_ns(o.linger_s);
    t.explain = o.explain;
    t.ladder = o.ladder;
    return t;
}

void record_printer::record(const tcp_connection& c) {
    fmt::memory_buffer& buf = out_.buffer();
    if (json_) {
        render_connection_json(buf, c);
        return;
    }
    render_connection_text(buf, c, clock_);
    if (explain_) render_connection_explain(buf, c);
    if (ladder_) render_connection_ladder(buf, c);
}

void record_printer::handshake(const tcp_connection& c) {
    if (json_)
        render_handshake_json(out_.buffer(), c);
    else
        render_handshake_text(out_.buffer(), c, clock_);
}

void add_handshake_totals(capture_summary& summary, const handshake_tracker& tracker,
                          std::size_t max_connections) {
    handshake_summary totals;
    totals.counters = tracker.counters();
    totals.table = tracker.table_counters();
    totals.max_connections = max_connections;
    fmt::memory_buffer json, text;
    render_handshake_summary_json(json, totals);
    render_handshake_summary_text(text, totals);
    summary.analyzer_json.assign(json.data(), json.size());
    summary.analyzer_text.assign(text.data(), text.size());
}

void add_handshakes_command(CLI::App& app, int& exit_code) {
    auto options = std::make_shared<handshakes_options>();
    CLI::App* cmd = app.add_subcommand(
        "handshakes",
        "Trace TCP handshakes and connection lifetimes (RTTs, options, Zeek conn_state/history)");
    add_source_options(cmd, options->source);
    cmd->add_flag(
        "--json", options->json,
        "Print JSON Lines records (meta, tcp_connection..., summary; live: tcp_handshake too)");
    cmd->add_flag(
        "--explain", options->explain,
        "Show each frame's conclusion, the RFC 9293 states of both ends and the rule behind "
        "conn_state and end");
    cmd->add_flag(
        "--ladder", options->ladder,
        "Draw a client | server ladder of the handshake and teardown (relative seq/ack, times)");
    cmd->add_flag("--utc", options->utc, "Print times in UTC instead of local time");
    cmd->add_flag(
        "--no-checksums", options->no_checksums,
        "Do not verify checksums (by default a segment with a bad TCP checksum is ignored, as its "
        "receiver would)");
    cmd->add_option("-Z,--relinquish-privileges", options->user,
                    "After opening the capture, drop privileges to this user")
        ->type_name("USER");
    cmd->add_option(
           "--max-connections", options->max_connections,
           "Most connections tracked at once; the one nearest its timeout is evicted (end timeout)")
        ->type_name("N")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 26))
        ->capture_default_str();
    cmd->add_option("--idle-timeout", options->idle_timeout_s,
                    "Seconds without a packet before a connection times out")
        ->type_name("SEC")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--attempt-timeout", options->attempt_timeout_s,
                    "Seconds a SYN waits for any answer before the attempt times out")
        ->type_name("SEC")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--linger", options->linger_s,
                    "Seconds a finished connection absorbs stragglers; also how long a FIN waits "
                    "for its ACK "
                    "once both sides closed")
        ->type_name("SEC")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--connect", options->connect,
                    "Active mode: open connections to HOST:PORT ([v6]:PORT) and trace them "
                    "(interface from the "
                    "routing table)")
        ->type_name("HOST:PORT");
    cmd->add_option("-n", options->connections, "Active mode: number of connections or probes")
        ->type_name("N")
        ->check(CLI::Range(1U, 10000U))
        ->capture_default_str();
    cmd->add_option("--interval", options->interval_ms,
                    "Active mode: milliseconds between connections")
        ->type_name("MS")
        ->check(CLI::Range(0U, 3'600'000U))
        ->capture_default_str();
    cmd->add_option("--wait", options->wait_ms,
                    "Active mode: milliseconds to wait for replies after the last one")
        ->type_name("MS")
        ->check(CLI::Range(1U, 600'000U))
        ->capture_default_str();
    cmd->add_flag("--syn", options->syn,
                  "Active mode: half-open SYN probes from a raw socket instead of connect() (needs "
                  "CAP_NET_RAW)");
    cmd->footer(
        "Examples:\n"
        "  pktscope handshakes -r capture.pcap                  one line per TCP connection\n"
        "  pktscope handshakes -r capture.pcap --json 'port 443'\n"
        "  pktscope handshakes -r capture.pcap --explain --ladder 'host 10.0.0.2'\n"
        "  pktscope handshakes -i eth0                          live: a line per handshake, a "
        "record per end\n"
        "  pktscope handshakes --connect 192.0.2.10:443 -n 5    trace 5 connect()s, wire vs socket "
        "view\n"
        "  pktscope handshakes --connect 192.0.2.10:443 --syn   half-open probe (kernel answers "
        "the SYN-ACK "
        "with RST)");
    cmd->callback([options, &exit_code] { exit_code = run_handshakes(*options); });
}

}  // namespace pktscope::tools
