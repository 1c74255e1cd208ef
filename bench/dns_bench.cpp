// dns_bench: what `pktscope dns` costs (issue 6, section 3), in one run.
//
// 1. Micro-benchmarks (Google Benchmark) over the first packets of the DNS capture held in
//    memory: decode only, and decode + dns_tracker (records built, not printed).
// 2. Whole processes on the generated capture (bench/dns_capture_gen, 1 million transactions,
//    mixed UDP/TCP, 1 % unanswered): `pktscope dns -r FILE` (text), `--json`, `--stats -q`,
//    and `tshark -r FILE -q -z dns,tree`; wall and CPU time, transactions per second, peak
//    RSS, and the targets: pktscope >= 50x tshark, RSS < 256 MB.
//
//   build/<dir>/bench/dns_capture_gen -o build/bench-data/dns.pcap      (once)
//   build/<dir>/bench/dns_bench --capture build/bench-data/dns.pcap
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

#include "pktscope/capture.hpp"
#include "pktscope/decode.hpp"
#include "pktscope/dns_tracker.hpp"
#include "sniff_bench_process.hpp"

namespace {

namespace fs = std::filesystem;
using pktscope::bench::process_run;

struct stored_frames {
    std::vector<std::vector<std::byte>> bytes;
    std::vector<pktscope::frame> frames;
};

stored_frames load_frames(const std::string& path, std::size_t limit) {
    stored_frames s;
    pktscope::pcap_source source = pktscope::pcap_source::open_file(path);
    pktscope::frame f;
    while (s.bytes.size() < limit && source.next(f)) {
        s.bytes.emplace_back(f.data.begin(), f.data.end());
        s.frames.push_back(f);
    }
    for (std::size_t i = 0; i < s.frames.size(); ++i)
        s.frames[i].data = pktscope::byte_span(s.bytes[i]);
    return s;
}

const stored_frames* g_frames = nullptr;

void BM_decode_per_packet(benchmark::State& state) {
    pktscope::decoded_packet p;
    pktscope::decode_options o;
    o.verify_checksums = false;  // as `pktscope dns` decodes
    for (auto _ : state)
        for (const pktscope::frame& f : g_frames->frames) {
            pktscope::decode(f, p, o);
            benchmark::DoNotOptimize(p);
        }
    state.SetItemsProcessed(state.iterations() *
                            static_cast<std::int64_t>(g_frames->frames.size()));
}

void BM_decode_and_track_per_packet(benchmark::State& state) {
    pktscope::decoded_packet p;
    pktscope::decode_options o;
    o.verify_checksums = false;
    std::uint64_t records = 0;
    for (auto _ : state) {
        pktscope::dns_tracker tracker({},
                                      [&records](const pktscope::dns_transaction&) { ++records; });
        for (std::size_t i = 0; i < g_frames->frames.size(); ++i) {
            pktscope::decode(g_frames->frames[i], p, o);
            tracker.add(g_frames->frames[i], p, i + 1);
        }
        tracker.finish();
    }
    benchmark::DoNotOptimize(records);
    state.SetItemsProcessed(state.iterations() *
                            static_cast<std::int64_t>(g_frames->frames.size()));
}

process_run best_of(int runs, const std::vector<std::string>& argv, const std::string& err) {
    process_run best;
    for (int i = 0; i < runs; ++i) {
        const process_run r = pktscope::bench::run_process(argv, err);
        if (r.exit_status != 0)
            throw std::runtime_error(argv[0] + " failed (" + std::to_string(r.exit_status) +
                                     "): " + r.stderr_tail);
        if (i == 0 || r.wall_s < best.wall_s) best = r;
    }
    return best;
}

// The `dns_summary` line of `pktscope dns --json -q` (what was found, for the record).
std::string summary_of(const std::string& capture) {
    const std::string command =
        std::string(PKTSCOPE_BINARY) + " dns -r '" + capture + "' --json -q";
    std::FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return "";
    std::string out;
    char buf[4096];
    while (std::fgets(buf, sizeof buf, pipe) != nullptr)
        if (std::string_view(buf).find("\"dns_summary\"") != std::string_view::npos) out = buf;
    ::pclose(pipe);
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

std::uint64_t count_packets(const std::string& path) {
    pktscope::pcap_source source = pktscope::pcap_source::open_file(path);
    pktscope::frame f;
    std::uint64_t n = 0;
    while (source.next(f)) ++n;
    return n;
}

void whole_processes(const std::string& capture, std::uint64_t transactions, int runs,
                     bool with_tshark, const fs::path& scratch) {
    const std::uint64_t packets = count_packets(capture);
    const std::string err = (scratch / "dns_bench-stderr.txt").string();
    fmt::print(
        "\n== whole processes on {} ({} packets, {} transactions, {:.0f} MB), best of {} runs\n",
        capture, packets, transactions, static_cast<double>(fs::file_size(capture)) / 1e6, runs);
    fmt::print("  pktscope found: {}\n", summary_of(capture));
    auto row = [&](const char* name, const process_run& r) {
        fmt::print(
            "  {:<42} {:8.3f} s wall {:8.3f} s cpu {:10.0f} transactions/s {:10.0f} packets/s  "
            "peak RSS {:6.1f} MB\n",
            name, r.wall_s, r.cpu_s, static_cast<double>(transactions) / r.wall_s,
            static_cast<double>(packets) / r.wall_s, static_cast<double>(r.peak_rss_kib) / 1024);
    };
    const process_run text = best_of(runs, {PKTSCOPE_BINARY, "dns", "-r", capture}, err);
    row("pktscope dns -r FILE (text)", text);
    const process_run json = best_of(runs, {PKTSCOPE_BINARY, "dns", "-r", capture, "--json"}, err);
    row("pktscope dns -r FILE --json", json);
    const process_run stats =
        best_of(runs, {PKTSCOPE_BINARY, "dns", "-r", capture, "--stats", "-q"}, err);
    row("pktscope dns -r FILE --stats -q", stats);
    const long worst_rss = std::max({text.peak_rss_kib, json.peak_rss_kib, stats.peak_rss_kib});
    fmt::print("  peak RSS of pktscope dns: {:.1f} MB (target < 256 MB: {})\n",
               static_cast<double>(worst_rss) / 1024, worst_rss < 256 * 1024 ? "met" : "NOT met");
    if (!with_tshark) return;
    const process_run tshark = best_of(1, {"tshark", "-r", capture, "-q", "-z", "dns,tree"}, err);
    row("tshark -r FILE -q -z dns,tree", tshark);
    for (const auto& [name, r] :
         {std::pair{"text", text}, std::pair{"--json", json}, std::pair{"--stats -q", stats}}) {
        const double ratio = tshark.wall_s / r.wall_s;
        fmt::print("  pktscope dns {:<11} vs tshark: {:6.1f}x faster (target >= 50x: {})\n", name,
                   ratio, ratio >= 50 ? "met" : "NOT met");
    }
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app("dns_bench: DNS tracer throughput and memory against tshark (issue 6, section 3)");
    std::string capture = "build/bench-data/dns.pcap";
    std::string scratch = "build/bench-data";
    std::uint64_t transactions = 1'000'000;
    int runs = 3;
    std::size_t micro_packets = 200'000;
    bool no_tshark = false, no_micro = false, no_whole = false;
    app.add_option("--capture", capture, "The DNS capture (bench/dns_capture_gen)")
        ->capture_default_str();
    app.add_option("--transactions", transactions, "Transactions in the capture (for the rates)")
        ->capture_default_str();
    app.add_option("--scratch", scratch, "Directory for scratch files")->capture_default_str();
    app.add_option("--runs", runs, "Runs per pktscope process (the best wall time counts)")
        ->capture_default_str();
    app.add_option("--micro-packets", micro_packets,
                   "Packets held in memory for the micro-benchmarks")
        ->capture_default_str();
    app.add_flag("--no-tshark", no_tshark, "Skip the tshark run (it takes minutes)");
    app.add_flag("--no-micro", no_micro, "Skip the Google Benchmark micro-benchmarks");
    app.add_flag("--no-whole", no_whole, "Skip the whole-process comparison");
    app.allow_extras();  // --benchmark_* flags go to Google Benchmark
    CLI11_PARSE(app, argc, argv);
    try {
        if (!fs::exists(capture)) {
            fmt::print("{} is missing: make it with `dns_capture_gen -o {}`\n", capture, capture);
            return 1;
        }
        fs::create_directories(scratch);
        stored_frames frames;
        if (!no_micro) {
            frames = load_frames(capture, micro_packets);
            g_frames = &frames;
            benchmark::RegisterBenchmark("decode_per_packet", BM_decode_per_packet)
                ->Unit(benchmark::kMillisecond);
            benchmark::RegisterBenchmark("decode_and_dns_track_per_packet",
                                         BM_decode_and_track_per_packet)
                ->Unit(benchmark::kMillisecond);
            std::vector<char*> bench_args{argv[0]};
            for (const std::string& extra : app.remaining())
                bench_args.push_back(const_cast<char*>(extra.c_str()));
            int bench_argc = static_cast<int>(bench_args.size());
            benchmark::Initialize(&bench_argc, bench_args.data());
            fmt::print(
                "== micro-benchmarks: the first {} packets of {} in memory (items/s = packets/s)\n",
                frames.frames.size(), capture);
            benchmark::RunSpecifiedBenchmarks();
        }
        if (!no_whole) whole_processes(capture, transactions, runs, !no_tshark, scratch);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "dns_bench: %s\n", e.what());
        return 1;
    }
    return 0;
}
