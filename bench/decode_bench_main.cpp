// decode_bench: the decoder/sniffer benchmark of issue 3 section 5, in one run.
//
// 1. Whole processes on build/bench-data/{mixed,min_tcp}.pcap (written by capture_gen),
//    repeated round-robin so a change of machine load hits all alike: pktscope sniff -r
//    (text, --json), tcpdump -n -r, tcpdump -n -v -r, tshark -T fields with 15 fields on the
//    first 200k packets; output to /dev/null, peak RSS from wait4.
// 2. Loads the captures into memory, checks that our decoder and libtins read the same
//    field values, and counts allocations.
// 3. Google Benchmark micro-benchmarks: decoder with and without checksum verification,
//    libtins' parse loop, libpcap's pcap_next_ex floor (two ways of opening the file).
// 4. Prints one table per capture and the target ratios.
#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "decode_bench_report.hpp"
#include "pcap_corpus.hpp"
#include "pktscope/capture.hpp"
#include "sniff_bench_process.hpp"

namespace {

using namespace pktscope::bench;

struct bench_options {
    std::string data_dir = "build/bench-data";
    std::string pktscope = PKTSCOPE_BINARY;
    std::vector<std::string> captures = {"mixed", "min_tcp"};
    int repeat = 3;
    std::uint64_t tshark_packets = 200'000;
    bool skip_micro = false;
    bool skip_processes = false;
};

// Collects every repetition's packets/s and allocation counter while printing as usual.
class collecting_reporter : public benchmark::ConsoleReporter {
  public:
    explicit collecting_reporter(std::vector<capture_results>& results) : results_(results) {}

    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const Run& run : runs) {
            if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
            const std::string name = run.benchmark_name();  // "decode_checksums/mixed/real_time"
            const auto slash = name.find('/');
            if (slash == std::string::npos) continue;
            const std::string id = name.substr(0, slash);
            const std::string label = name.substr(slash + 1, name.find('/', slash + 1) - slash - 1);
            const auto rate = run.counters.find("items_per_second");
            if (rate == run.counters.end() || rate->second.value <= 0) continue;
            // items_per_second is per wall second (UseRealTime); the same packets over CPU time:
            const double packets = rate->second.value * run.real_accumulated_time;
            for (capture_results& r : results_) {
                if (r.label != label) continue;
                measurement& m = r.rows[id];
                m.title = micro_title(id);
                m.ns_per_packet.push_back(1e9 / rate->second.value);
                m.cpu_ns_per_packet.push_back(run.cpu_accumulated_time * 1e9 / packets);
            }
        }
    }

    static std::string micro_title(const std::string& id) {
        if (id == "decode_checksums") return "decoder, all checksums verified (in memory)";
        if (id == "decode_no_checksums") return "decoder, no checksum verification (in memory)";
        if (id == "libtins") return "libtins EthernetII(data, len) + find_pdu (in memory)";
        if (id == "pcap_open_offline") return "libpcap pcap_next_ex floor, pcap_open_offline";
        if (id == "pcap_fopen_1MiB")
            return "libpcap pcap_next_ex floor, pcap_fopen_offline + 1 MiB";
        return id;
    }

  private:
    std::vector<capture_results>& results_;
};

struct process_spec {
    std::string id, title;
    std::vector<std::string> argv;
    std::uint64_t packets;  // packets the command reads
};

std::vector<process_spec> process_specs(const bench_options& o, const capture_results& r) {
    const std::uint64_t tshark_packets = std::min(o.tshark_packets, r.packets);
    std::vector<std::string> tshark = {
        "tshark", "-n", "-r", r.path, "-c", std::to_string(tshark_packets), "-T", "fields"};
    // 15 header fields, the ones the decoder loop reads.
    for (const char* field :
         {"frame.number", "frame.time_epoch", "ip.src", "ip.dst", "ip.ttl", "ipv6.src", "ipv6.dst",
          "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.flags",
          "tcp.window_size_value", "udp.srcport", "udp.dstport"}) {
        tshark.push_back("-e");
        tshark.push_back(field);
    }
    return {
        {"sniff_text",
         "pktscope sniff -r FILE > /dev/null",
         {o.pktscope, "sniff", "-r", r.path},
         r.packets},
        {"sniff_json",
         "pktscope sniff -r FILE --json > /dev/null",
         {o.pktscope, "sniff", "-r", r.path, "--json"},
         r.packets},
        {"tcpdump", "tcpdump -n -r FILE > /dev/null", {"tcpdump", "-n", "-r", r.path}, r.packets},
        {"tcpdump_v",
         "tcpdump -n -v -r FILE > /dev/null",
         {"tcpdump", "-n", "-v", "-r", r.path},
         r.packets},
        {"tshark_fields", fmt::format("tshark -n -r FILE -c {} -T fields (15 -e)", tshark_packets),
         tshark, tshark_packets},
    };
}

void run_processes(const bench_options& o, std::vector<capture_results>& results) {
    const std::string stderr_path =
        (std::filesystem::path(o.data_dir) / "last-stderr.txt").string();
    for (int round = 1; round <= o.repeat; ++round) {
        for (capture_results& r : results) {
            for (const process_spec& spec : process_specs(o, r)) {
                fmt::print("round {}/{}: {} on {} ... ", round, o.repeat, spec.title, r.label);
                std::fflush(stdout);
                const process_run run = run_process(spec.argv, stderr_path);
                fmt::print("{:.2f} s wall, {:.2f} s CPU, {:.1f} MB peak RSS\n", run.wall_s,
                           run.cpu_s, static_cast<double>(run.peak_rss_kib) * 1024 / 1e6);
                if (run.exit_status != 0) {
                    fmt::print("  exit status {}: {}\n", run.exit_status, run.stderr_tail);
                    continue;
                }
                measurement& m = r.rows[spec.id];
                m.title = spec.title;
                m.ns_per_packet.push_back(run.wall_s * 1e9 / static_cast<double>(spec.packets));
                m.cpu_ns_per_packet.push_back(run.cpu_s * 1e9 / static_cast<double>(spec.packets));
                m.peak_rss_kib = std::max(m.peak_rss_kib, run.peak_rss_kib);
            }
        }
    }
}

// Packets in a capture, read with libpcap (for the per-packet figures of the processes).
std::uint64_t count_packets(const std::string& path) {
    pktscope::pcap_source source = pktscope::pcap_source::open_file(path);
    pktscope::frame f;
    std::uint64_t n = 0;
    while (source.next(f)) ++n;
    return n;
}

// This process's resident set size now (VmRSS), KiB.
long current_rss_kib() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string one, five, fifteen;
    in >> one >> five >> fifteen;
    return one + " " + five + " " + fifteen;
}

void print_context(int argc, char** argv) {
    const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    char date[32];
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
    utsname u{};
    uname(&u);
    std::string command;
    for (int i = 0; i < argc; ++i) command += (i ? " " : "") + std::string(argv[i]);
    fmt::print(
        "pktscope decode/sniff benchmark, {}, {} {}, {} cores, load average {}\ncommand: {}\n",
        date, u.sysname, u.machine, sysconf(_SC_NPROCESSORS_ONLN), load_average(), command);
}

}  // namespace

int main(int argc, char** argv) {
    // Repetitions give the spread; the user's own --benchmark_repetitions comes later and wins.
    std::vector<char*> args(argv, argv + argc);
    std::string repetitions = "--benchmark_repetitions=3";
    args.insert(args.begin() + 1, repetitions.data());
    int bench_argc = static_cast<int>(args.size());
    benchmark::Initialize(&bench_argc, args.data());

    bench_options o;
    CLI::App app(
        "Decoder/sniffer benchmark (issue 3 section 5): micro-benchmarks and whole processes");
    app.add_option("--data", o.data_dir,
                   "Directory with mixed.pcap and min_tcp.pcap (from capture_gen)")
        ->capture_default_str();
    app.add_option("--pktscope", o.pktscope, "The pktscope program to measure")
        ->capture_default_str();
    app.add_option("--captures", o.captures, "Which captures (mixed, min_tcp)")
        ->capture_default_str();
    app.add_option("--repeat", o.repeat, "Runs of each whole process (median and spread)")
        ->check(CLI::Range(1, 20))
        ->capture_default_str();
    app.add_option("--tshark-packets", o.tshark_packets, "Packets tshark reads (it is slow)")
        ->capture_default_str();
    app.add_flag("--skip-micro", o.skip_micro, "Skip the in-process micro-benchmarks");
    app.add_flag("--skip-processes", o.skip_processes, "Skip the whole-process comparison");
    app.footer(
        "Google Benchmark flags (--benchmark_filter=..., --benchmark_repetitions=N, "
        "--benchmark_min_time=S) "
        "apply to the micro-benchmarks.\nExample:\n  capture_gen -o build/bench-data && "
        "decode_bench --data "
        "build/bench-data");
    try {
        app.parse(bench_argc, args.data());
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    print_context(argc, argv);

    std::vector<capture_results> results;
    try {
        for (const std::string& label : o.captures) {
            capture_results r;
            r.label = label;
            r.path = (std::filesystem::path(o.data_dir) / (label + ".pcap")).string();
            if (!std::filesystem::exists(r.path)) {
                fmt::print(stderr, "decode_bench: {} is missing; write it with capture_gen -o {}\n",
                           r.path, o.data_dir);
                return 1;
            }
            results.push_back(std::move(r));
        }
        // Whole processes first, while this program is still small: a child's peak RSS
        // (wait4's ru_maxrss) includes the copy of the parent it started as before exec, so
        // forking after loading 1.3 GB of corpora would charge that to every child.
        if (!o.skip_processes) {
            for (capture_results& r : results) r.packets = count_packets(r.path);
            fmt::print(
                "this program's own RSS before the runs: {:.1f} MB (a floor of every peak "
                "RSS below)\n",
                static_cast<double>(current_rss_kib()) * 1024 / 1e6);
            run_processes(o, results);
        }
        std::vector<std::unique_ptr<packet_corpus>> corpora;
        for (capture_results& r : results) {
            auto corpus = std::make_unique<packet_corpus>(load_corpus(r.path));
            r.packets = corpus->frames.size();
            r.mean_frame_bytes = corpus->mean_frame_bytes();
            r.parity = compare_parsers(*corpus);
            fmt::print(
                "{}: {} packets loaded; parity: {} field disagreements, {} libtins exceptions; "
                "allocations per packet: decoder {:.3f}, libtins {:.3f}\n",
                r.label, r.packets, r.parity.field_disagreements, r.parity.libtins_exceptions,
                r.parity.pktscope_allocs_per_packet, r.parity.libtins_allocs_per_packet);
            if (!o.skip_micro) register_micro_benchmarks(*corpus, r.label);
            corpora.push_back(std::move(corpus));
        }
        if (!o.skip_micro) {
            collecting_reporter reporter(results);
            benchmark::RunSpecifiedBenchmarks(&reporter);
            for (capture_results& r : results) {
                for (const char* id : {"decode_checksums", "decode_no_checksums"})
                    if (auto it = r.rows.find(id); it != r.rows.end())
                        it->second.allocs_per_packet = r.parity.pktscope_allocs_per_packet;
                if (auto it = r.rows.find("libtins"); it != r.rows.end())
                    it->second.allocs_per_packet = r.parity.libtins_allocs_per_packet;
            }
        }
    } catch (const std::exception& e) {
        fmt::print(stderr, "decode_bench: {}\n", e.what());
        return 1;
    }
    fmt::print("\nload average at the end: {}\n", load_average());
    const bool met = print_report(stdout, results);
    benchmark::Shutdown();
    return met ? 0 : 2;
}
