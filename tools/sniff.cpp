// `pktscope sniff`: print every packet (tcpdump-like text or JSON Lines), write pcap.
#include <net/if.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "pktscope/capture.hpp"
#include "pktscope/decode.hpp"
#include "pktscope/output.hpp"
#include "privileges.hpp"
#include "progress.hpp"
#include "route_annotation.hpp"
#include "signals.hpp"
#include "source_options.hpp"
#include "subcommands.hpp"

namespace pktscope::tools {
namespace {

struct sniff_options {
    source_options source;
    std::string write_path;
    std::string user;
    bool json = false;
    bool verbose = false;
    bool quiet = false;
    bool list = false;
    bool numeric = true;
    bool utc = false;
    bool no_checksums = false;
    route_annotation_options routes;  ///< --routes FILE | --kernel-routes
};

void print_devices() {
    for (const capture_device& d : list_devices()) {
        fmt::print("{}", d.name);
        if (!d.flags.empty()) fmt::print(" [{}]", fmt::join(d.flags, ", "));
        for (const std::string& a : d.addresses) fmt::print(" {}", a);
        if (!d.description.empty()) fmt::print(" ({})", d.description);
        fmt::print("\n");
    }
}

// Interface names for LINUX_SLL2 ifindex values, looked up once each.
class interface_names {
public:
    std::string_view lookup(std::uint32_t index) {
        for (const auto& [i, name] : cache_)
            if (i == index) return name;
        char buf[IF_NAMESIZE] = {};
        std::string name = if_indextoname(index, buf) != nullptr ? buf : "if" + std::to_string(index);
        if (cache_.size() < 256) cache_.emplace_back(index, std::move(name));
        else return {};
        return cache_.back().second;
    }

private:
    std::vector<std::pair<std::uint32_t, std::string>> cache_;
};

void print_stats_line(const capture_summary& s) {
    fmt::memory_buffer buf;
    render_summary_text(buf, s);
    std::fwrite(buf.data(), 1, buf.size(), stderr);
}

int run_sniff(const sniff_options& o) {
    if (o.list) {
        print_devices();
        return 0;
    }
    signal_watcher signals;
    source_options source_opts = o.source;
    // Immediate delivery only matters when packets are printed as they come; a silent -w
    // capture lets the kernel batch them (fewer wakeups, fewer drops under load).
    if (o.quiet) source_opts.no_immediate = true;
    pcap_source source = open_source(source_opts);
    signals.attach(&source);
    // As tcpdump does: says the capture is active (scripts wait for this line) and what it
    // records, on stderr so it never mixes into the packet output.
    announce_capture(o.source, source);
    route_annotator annotator(o.routes);  // read the tables while we may still open them
    if (!o.user.empty()) drop_privileges(o.user);  // after opening the handle, before files

    std::optional<pcap_writer> writer;
    if (!o.write_path.empty()) writer.emplace(o.write_path, source.linktype(), source.snaplen());

    output_stream out(STDOUT_FILENO);
    text_renderer text({o.verbose, o.utc});
    const bool live = o.source.live();
    const bool print = !o.quiet;
    const bool decode_needed = print || o.json;
    if (o.json) render_meta_json(out.buffer(), "sniff", source.description(), source.linktype());

    decode_options decode_opts;
    decode_opts.verify_checksums = !o.no_checksums;
    capture_summary summary;
    progress_meter progress(source.file_size());
    interface_names names;
    frame f;
    decoded_packet p;
    int status = 0;
    try {
        while (!signals.stop_requested() && (o.source.count == 0 || summary.packets < o.source.count)) {
            if (signals.take_stats_request()) {
                summary.stats = source.stats();
                print_stats_line(summary);
            }
            // A live source only returns false when the signal watcher woke it (SIGUSR1 or
            // a stop); without a stop request that was a wake-up to print statistics.
            if (!source.next(f)) {
                if (live && !signals.stop_requested()) continue;
                break;
            }
            if (source.timed_out()) {
                out.flush();
                continue;
            }
            ++summary.packets;
            summary.bytes += f.wirelen;
            if (writer) writer->write(f);
            // A silent text capture only writes: decoding would cost CPU the capture needs
            // under load (its summary then has no anomaly counts).
            if (decode_needed) {
                decode(f, p, decode_opts);
                summary.anomalies.add(p.anomalies);
            }
            if (print) {
                packet_context ctx;
                ctx.frame_number = summary.packets;
                annotator.annotate(p, ctx);
                if (p.sll && p.sll->version == 2) ctx.interface_name = names.lookup(p.sll->interface_index);
                if (o.json) render_packet_json(out.buffer(), f, p, ctx);
                else text.render(out.buffer(), f, p, ctx);
                if (live) out.flush();
                else out.maybe_flush();
                if (out.reader_gone()) break;
            }
            progress.update([&source] { return source.file_position(); }, summary.packets);
        }
    } catch (const capture_error& e) {
        out.flush();
        std::fprintf(stderr, "pktscope: %s (after %llu packets)\n", e.what(),
                     static_cast<unsigned long long>(summary.packets));
        status = 1;
    }
    if (writer) writer->flush();
    summary.stats = source.stats();
    if (o.json && !out.reader_gone()) render_summary_json(out.buffer(), summary);
    out.flush();
    // Live statistics always go to stderr (as tcpdump's do), so they never mix into records.
    if (live) print_stats_line(summary);
    if (out.failed()) {
        std::fprintf(stderr, "pktscope: cannot write to standard output\n");
        return 1;
    }
    return status;
}

}  // namespace

void add_sniff_command(CLI::App& app, int& exit_code) {
    auto options = std::make_shared<sniff_options>();
    CLI::App* cmd = app.add_subcommand("sniff", "Print every packet (text or JSON Lines), write pcap");
    add_source_options(cmd, options->source);
    add_route_annotation_options(cmd, options->routes);
    cmd->add_option("-w,--write", options->write_path, "Write the packets to this pcap file (nanosecond timestamps)")
        ->type_name("OUT");
    cmd->add_flag("--json", options->json, "Print JSON Lines records (meta, packet..., summary)");
    cmd->add_flag("-v,--verbose", options->verbose, "More fields: IP TTL/id/flags/length, all checksums, DNS names");
    cmd->add_flag("-q,--quiet", options->quiet,
                  "Print no packets (with -w: capture silently, batched delivery; --json still "
                  "prints meta and summary)");
    cmd->add_flag("-n", options->numeric, "Do not resolve names (the default; accepted for tcpdump habits)");
    cmd->add_flag("-D,--list-interfaces", options->list, "List capture interfaces with addresses and flags");
    cmd->add_option("-Z,--relinquish-privileges", options->user,
                    "After opening the capture and before creating the -w file, drop "
                    "privileges to this user (the file is then owned by USER)")->type_name("USER");
    cmd->add_flag("--utc", options->utc, "Print times in UTC instead of local time");
    cmd->add_flag("--no-checksums", options->no_checksums, "Do not verify checksums");
    cmd->footer(
        "Examples:\n"
        "  pktscope sniff -r capture.pcap\n"
        "  pktscope sniff -r capture.pcap --json -c 100 'udp port 53'\n"
        "  pktscope sniff -i any -w out.pcap -q        (Ctrl-C ends it; statistics on stderr)\n"
        "  pktscope sniff -i eth0 -Z nobody -w /tmp/out.pcap 'tcp port 443'\n"
        "  kill -USR1 <pid>                             (prints capture statistics so far)\n"
        "  pktscope sniff -D");
    cmd->callback([options, &exit_code] { exit_code = run_sniff(*options); });
}

}  // namespace pktscope::tools
